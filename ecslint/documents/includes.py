"""Which files a folder's Terraform reads with `file()`/`templatefile()`: those are linted once, in their Terraform context."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ecslint.lazy_regex import LazyPattern

_CALL = LazyPattern(r"""\b(?:file|templatefile)\(\s*"(?:\$\{path\.(?:module|root)\}/|\./)?([^"$]+)\"""")


@lru_cache(maxsize=256)
def read_by_terraform(folder: Path) -> frozenset[Path]:
    """Resolved paths of the files that the `.tf` files in folder name literally in file()/templatefile()."""
    names: set[Path] = set()
    try:
        configurations = sorted(folder.glob("*.tf"))
    except OSError:
        return frozenset()
    for configuration in configurations:
        try:
            text = configuration.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "file(" not in text:
            continue
        names.update((folder / match).resolve() for match in _CALL.findall(text))
    return frozenset(names)
