"""Which files a folder's Terraform reads with `file()`/`templatefile()`: those are linted once, in their Terraform context."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ecslint.documents.reading import read_regular_file
from ecslint.lazy_regex import LazyPattern

# A configuration reads files beside it or in folders under it (`templates/containers.json`); this many levels are searched.
READER_LEVELS = 3
# A `.tf` file is searched for file() calls in its first MiB (configurations are far smaller).
MAX_CONFIGURATION_BYTES = 1024 * 1024
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
            # Bounded, and never a FIFO or device named `*.tf`: folders above the linted ones are read too.
            text = read_regular_file(configuration, MAX_CONFIGURATION_BYTES).decode("utf-8", errors="replace")
        except OSError:
            continue
        if "file(" not in text:
            continue
        for match in _CALL.findall(text):
            try:
                names.add((folder / match).resolve())
            except (OSError, RuntimeError, ValueError):  # a link loop, a NUL in the name
                continue
    return frozenset(names)


def terraform_reading(path: Path) -> Path | None:
    """The folder whose `.tf` files read `path` (resolved) by name: its own, or one up to READER_LEVELS above it."""
    for folder in list(path.parents)[: READER_LEVELS + 1]:
        if path in read_by_terraform(folder):
            return folder
        if (folder / ".git").exists():
            return None  # a configuration outside the repository reads nothing in it
    return None
