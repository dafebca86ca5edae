"""`.gitignore` rules for walking a folder, so build output such as CDK's `cdk.out/` is not linted."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

# A whole `**` path segment: any number of folders.
ANY_FOLDERS = "**"

# Longer than any path a file system takes (PATH_MAX is 4,096 on Linux): such a pattern matches
# nothing, and the cost of a hostile `.gitignore` stays bounded.
MAX_PATTERN_LENGTH = 4096


class _CharClass(NamedTuple):
    """`[a-z]` or `[!a-z]`: characters and ranges, one name character."""

    singles: frozenset
    ranges: tuple
    negated: bool

    def takes(self, char: str) -> bool:
        inside = char in self.singles or any(low <= char <= high for low, high in self.ranges)
        return inside != self.negated


class _Pattern(NamedTuple):
    segments: tuple  # each ANY_FOLDERS or a tuple of tokens: a character, "*", "?" or a _CharClass
    negated: bool
    directories_only: bool

    def fullmatch(self, path: str) -> bool:
        return _path_matches(self.segments, path.split("/"))


def _char_class(body: str) -> _CharClass:
    negated = body[:1] in ("!", "^")
    body = body[1:] if negated else body
    singles, ranges, index = set(), [], 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            ranges.append((body[index], body[index + 2]))
            index += 3
        else:
            singles.add(body[index])
            index += 1
    return _CharClass(frozenset(singles), tuple(ranges), negated)


def _segment_tokens(glob: str) -> tuple:
    """One path segment of a glob as tokens; `**` inside a segment is a plain `*`, as git reads it."""
    tokens, index = [], 0
    while index < len(glob):
        char = glob[index]
        if char == "*":
            if not tokens or tokens[-1] != "*":
                tokens.append("*")
            index += 1
        elif char == "?":
            tokens.append("?")
            index += 1
        elif char == "[" and (close := glob.find("]", index + 2)) != -1:
            tokens.append(_char_class(glob[index + 1 : close]))
            index = close + 1
        elif char == "\\" and index + 1 < len(glob):
            tokens.append(glob[index + 1])
            index += 2
        else:
            tokens.append(char)
            index += 1
    return tuple(tokens)


def _takes(token, char: str) -> bool:
    if token == "?":
        return True
    if isinstance(token, _CharClass):
        return token.takes(char)
    return token == char


def _segment_matches(tokens: tuple, name: str) -> bool:
    """Greedy matching with a return to the last `*` only: O(len(tokens) * len(name)), never exponential."""
    token_index = name_index = 0
    star_token, star_name = -1, 0
    while name_index < len(name):
        if token_index < len(tokens) and tokens[token_index] == "*":
            star_token, star_name = token_index, name_index
            token_index += 1
        elif token_index < len(tokens) and _takes(tokens[token_index], name[name_index]):
            token_index += 1
            name_index += 1
        elif star_token >= 0:
            star_name += 1
            token_index, name_index = star_token + 1, star_name
        else:
            return False
    return all(token == "*" for token in tokens[token_index:])


def _path_matches(segments: tuple, parts: list[str]) -> bool:
    """Which prefixes of the path each pattern segment can end at, one segment at a time."""
    reachable = {0}
    for position, segment in enumerate(segments):
        if segment == ANY_FOLDERS:
            # A trailing `/**` matches what is inside, never the folder itself.
            first = min(reachable) + (1 if position == len(segments) - 1 else 0)
            reachable = set(range(first, len(parts) + 1))
        else:
            reachable = {end + 1 for end in reachable if end < len(parts) and _segment_matches(segment, parts[end])}
        if not reachable:
            return False
    return len(parts) in reachable


def parse(text: str) -> list[_Pattern]:
    patterns = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line or line.startswith("#") or len(line) > MAX_PATTERN_LENGTH:
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
        segments = tuple(ANY_FOLDERS if part == ANY_FOLDERS else _segment_tokens(part) for part in line.split("/"))
        if not anchored:
            segments = (ANY_FOLDERS,) + segments
        patterns.append(_Pattern(segments, negated, directories_only))
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
                if pattern.fullmatch(inside):
                    ignored = not pattern.negated
        return ignored
