"""The package layering of ARCHITECTURE.md, kept by reading every module's imports."""

from __future__ import annotations

import ast

import pytest

from tests.helpers import REPO

PACKAGE = REPO / "ecslint"
FRONT_ENDS = ("ecslint.cloudformation", "ecslint.terraform", "ecslint.aws")


def _module_name(path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path) -> set[str]:
    """Every ecslint module a file imports, at its top or inside a function (lazy imports count too)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from ecslint.documents import pointer` imports the module ecslint.documents.pointer.
            found.update(f"{node.module}.{alias.name}" for alias in node.names if (PACKAGE.parent / f"{node.module}.{alias.name}".replace(".", "/")).with_suffix(".py").exists())
    return {name for name in found if name == "ecslint" or name.startswith("ecslint.")}


GRAPH = {_module_name(path): _imports(path) for path in PACKAGE.rglob("*.py")}


def _within(name: str, packages) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


@pytest.mark.parametrize(
    "layer, forbidden",
    [
        (("ecslint.documents", "ecslint.subjects"), FRONT_ENDS),
        (("ecslint.checks", "ecslint.iam"), FRONT_ENDS),
        (("ecslint.report.formatters",), ("ecslint.checks",)),
    ],
)
def test_layers_import_only_downwards(layer, forbidden):
    wrong = sorted((module, imported) for module, imports in GRAPH.items() if _within(module, layer) for imported in imports if _within(imported, forbidden))
    assert wrong == []


def test_no_module_at_the_top_belongs_to_a_front_end():
    top = sorted(path.stem for path in PACKAGE.glob("*.py"))
    assert not [name for name in top if name.startswith(("terraform", "cloudformation", "live"))]


def test_no_import_circle():
    """Tarjan's strongly connected components over module imports; a component of two or more is a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in GRAPH.get(module, ()):
            if imported not in GRAPH:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert circles == []
