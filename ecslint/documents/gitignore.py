"""`.gitignore` rules for walking a folder, so build output such as CDK's `cdk.out/` is not linted."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple


class _Pattern(NamedTuple):
    regex: re.Pattern
    negated: bool
    directories_only: bool


def _translate(glob: str) -> str:
    """A gitignore glob (without `!`, trailing `/` or leading `/`) as a regex over a relative path."""
    out, index = [], 0
    while index < len(glob):
        if glob.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif glob.startswith("**", index):
            out.append(".*")
            index += 2
        elif glob[index] == "*":
            out.append("[^/]*")
            index += 1
        elif glob[index] == "?":
            out.append("[^/]")
            index += 1
        elif glob[index] == "[" and (close := glob.find("]", index + 2)) != -1:
            body = glob[index + 1 : close].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            index = close + 1
        elif glob[index] == "\\" and index + 1 < len(glob):
            out.append(re.escape(glob[index + 1]))
            index += 2
        else:
            out.append(re.escape(glob[index]))
            index += 1
    return "".join(out)


def parse(text: str) -> list[_Pattern]:
    patterns = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line[1:] if negated else line
        directories_only = line.endswith("/")
        line = line.rstrip("/")
        # A slash at the start or in the middle anchors the pattern to the .gitignore's folder.
        anchored = "/" in line
        line = line.lstrip("/")
        if not line:
            continue
        prefix = "" if anchored else "(?:.*/)?"
        patterns.append(_Pattern(re.compile(prefix + _translate(line)), negated, directories_only))
    return patterns


MAX_GITIGNORE_BYTES = 1024 * 1024


@lru_cache(maxsize=None)
def _patterns_in(folder: Path) -> tuple[_Pattern, ...]:
    try:
        # Bounded, and never a device or FIFO: a committed `.gitignore` link to /dev/zero must not hang the walk.
        from ecslint.documents.reading import read_regular_file

        raw = read_regular_file(folder / ".gitignore", MAX_GITIGNORE_BYTES)
        return tuple(parse(raw[:MAX_GITIGNORE_BYTES].decode("utf-8", errors="replace")))
    except OSError:
        return ()


class GitIgnore:
    """Answers "does git ignore this path?" for paths inside one repository, reading each .gitignore once."""

    def __init__(self, repository: Path):
        self.repository = repository.resolve()

    def ignores(self, path: Path, is_directory: bool) -> bool:
        try:
            parts = path.absolute().relative_to(self.repository).parts
        except ValueError:
            try:
                parts = path.resolve().relative_to(self.repository).parts
            except (ValueError, OSError):
                return False
        ignored = False
        # Deeper .gitignore files come later and override shallower ones; within a file the last match wins.
        for depth in range(len(parts)):
            inside = "/".join(parts[depth:])
            for pattern in _patterns_in(self.repository.joinpath(*parts[:depth])):
                if pattern.directories_only and not is_directory:
                    continue
                if pattern.regex.fullmatch(inside):
                    ignored = not pattern.negated
        return ignored
