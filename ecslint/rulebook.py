"""The rule catalogue, read from the `rules/*.toml` data files that ship inside the package."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Example:
    kind: str  # "fail" or "pass"
    document: str
    pointers: tuple[str, ...] = ()
    description: str = ""
    filename: str = "task-definition.json"
    # IAM context for rules that read role policies: `--iam` input (get-account-authorization-details shape).
    iam: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    level: str
    summary: str
    what: str
    why: str
    fix: str
    tags: tuple[str, ...] = ()
    security_severity: str | None = None
    references: tuple[str, ...] = ()
    examples: tuple[Example, ...] = field(default=(), repr=False)

    @property
    def is_security(self) -> bool:
        return self.security_severity is not None


def _rule_from_toml(data: dict) -> Rule:
    examples = tuple(
        Example(
            kind=item["kind"],
            document=item["document"],
            pointers=tuple(item.get("pointers", ())),
            description=item.get("description", ""),
            filename=item.get("filename", "task-definition.json"),
            iam=item.get("iam"),
        )
        for item in data.get("examples", ())
    )
    return Rule(
        id=data["id"],
        name=data["name"],
        level=data["level"],
        summary=data["summary"],
        what=data["what"].strip(),
        why=data["why"].strip(),
        fix=data["fix"].strip(),
        tags=tuple(data.get("tags", ())),
        security_severity=data.get("security-severity"),
        references=tuple(data.get("references", ())),
        examples=examples,
    )


@cache
def all_rules() -> dict[str, Rule]:
    """Every rule by ID, in ID order."""
    folder = resources.files("ecslint.rules")
    rules = {}
    for entry in folder.iterdir():
        if entry.name.startswith("ECS") and entry.name.endswith(".toml"):
            rule = _rule_from_toml(tomllib.loads(entry.read_text(encoding="utf-8")))
            rules[rule.id] = rule
    return dict(sorted(rules.items()))


def rule_markdown(rule: Rule, depth: int = 1) -> str:
    """The rule's documentation in one template: `ecslint explain`, SARIF help and docs/rules.md share it."""
    top, section = "#" * depth, "#" * (depth + 1)
    parts = [f"{top} {rule.id} {rule.name}", "", f"Level: {rule.level}. {rule.summary}"]
    parts += ["", f"{section} What it does", "", rule.what, "", f"{section} Why is this bad?", "", rule.why, "", f"{section} How to fix it", "", rule.fix]
    for example in rule.examples:
        title = "Example" if example.kind == "fail" else "Use instead"
        note = f" ({example.description})" if example.description else ""
        parts += ["", f"{section} {title}{note}", "", "```json", example.document.strip(), "```"]
        if example.iam:
            parts += ["", "With these roles (`--iam` input):", "", "```json", example.iam.strip(), "```"]
    if rule.references:
        parts += ["", f"{section} References", ""] + [f"- {url}" for url in rule.references]
    return "\n".join(parts) + "\n"
