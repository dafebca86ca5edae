"""Paths as reports name them: relative to the repository root, with forward slashes."""

from __future__ import annotations

from pathlib import Path


def repository_root(start: Path) -> Path:
    """The nearest folder holding .git, else start: SARIF URIs and baseline keys are relative to it."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def repository_relative(display_path: str, cwd: Path, root: Path) -> str:
    """A report's display path (relative to cwd) re-expressed relative to the repository root."""
    path = Path(display_path)
    absolute = path if path.is_absolute() else cwd / path
    try:
        relative = absolute.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        relative = display_path.replace("\\", "/").lstrip("/")
    while relative.startswith("./"):
        relative = relative[2:]
    return relative
