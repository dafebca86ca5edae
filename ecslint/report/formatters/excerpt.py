"""A few lines of source around a finding, with the offending key marked, for the full text report."""

from __future__ import annotations

import re

from ecslint.report.findings import Region

_MAX_SHOWN = 160  # columns of a source line shown; minified JSON has very long lines
# Source lines can hold secrets (environment values, commands): a string is shown only when it is a
# key, short, or the value of a key that never holds one. Everything else is elided.
_SAFE_KEYS = frozenset(
    "name image family networkMode requiresCompatibilities launchType cpu memory memoryReservation essential "
    "user protocol containerPort hostPort logDriver awslogs-group awslogs-region awslogs-stream-prefix "
    "executionRoleArn taskRoleArn Type Ref condition containerName sourceVolume containerPath readOnly "
    "readonlyRootFilesystem privileged operatingSystemFamily cpuArchitecture pidMode ipcMode key".split()
)
# Runs between escapes, so a long string costs neither a backtracking frame per character nor quadratic time.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_YAML_VALUE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z0-9_.:-]+)(\s*:\s+)([^\s\"'|>&*!{\[#].*)$")
_BARE_KEY_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_SHORT = 3


def excerpt(raw: bytes, region: Region) -> list[str]:
    """The line before (when there is one), the finding's line, and carets under the region."""
    lines = raw.decode("utf-8", errors="replace").splitlines()
    number = region.start_line
    if not 1 <= number <= len(lines):
        return []
    line = lines[number - 1]
    start = max(region.start_column - 1, 0)
    end = region.end_column - 1 if region.end_line == region.start_line else len(line)
    end = max(min(end, len(line)), start + 1)
    offset = max(0, start - _MAX_SHOWN // 2) if len(line) > _MAX_SHOWN else 0
    width = len(str(number))
    shown = []
    if number > 1 and offset == 0:
        shown.append(f"{number - 1:>{width}} | {_clip(lines[number - 2])}")
    shown.append(f"{number:>{width}} | {_clip(line[offset:])}")
    # Keep the line's own tabs in the padding so the carets line up in any terminal.
    padding = "".join(char if char == "\t" else " " for char in line[offset:start])
    carets = "^" * max(1, min(end, offset + _MAX_SHOWN) - start)
    shown.append(f"{'':>{width}} | {padding}{carets}")
    return shown


def _clip(text: str) -> str:
    text = redact(text)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def redact(line: str) -> str:
    """The line with every string value elided unless it is a key, short, or under a key in _SAFE_KEYS."""
    if (plain := _YAML_VALUE.match(line)) and plain.group(2) not in _SAFE_KEYS and len(plain.group(4)) > _SHORT:
        return plain.group(1) + plain.group(2) + plain.group(3) + "…"
    parts, last = [], 0
    position = line.find('"')
    while position != -1:
        match = _STRING.match(line, position)
        if match is None:
            # Unclosed: every later quote was read as part of an escape, so none can close either;
            # stopping here keeps a line of many `\"` linear.
            break
        literal, is_key = match.group(), _separator_follows(line, match.end())
        key = _key_before(line, match.start())
        shown = literal if is_key or key in _SAFE_KEYS or len(literal) - 2 <= _SHORT else '"…"'
        parts += [line[last : match.start()], shown]
        last = match.end()
        position = line.find('"', last)
    return "".join(parts) + line[last:]


def _key_before(line: str, end: int) -> str | None:
    """The key a value at `end` belongs to (`"key": ` or `key = `, a `[` allowed between), read backwards.

    Scanning back from the value costs only the key's length; a regex anchored at `end` would be
    tried from every earlier position of a long minified line."""
    index = end - 1
    while index >= 0 and line[index].isspace():
        index -= 1
    if index >= 0 and line[index] == "[":
        index -= 1
        while index >= 0 and line[index].isspace():
            index -= 1
    if index < 0 or line[index] not in ":=":
        return None
    index -= 1
    while index >= 0 and line[index].isspace():
        index -= 1
    if index >= 0 and line[index] == '"':
        opening = line.rfind('"', 0, index)
        return line[opening + 1 : index] if opening >= 0 and opening + 1 < index else None
    stop = index
    while index >= 0 and line[index] in _BARE_KEY_CHARACTERS:
        index -= 1
    return line[index + 1 : stop + 1] if index < stop else None


def _separator_follows(line: str, start: int) -> bool:
    """True when `:` or `=` comes next (after spaces): the string at start is a key."""
    while start < len(line) and line[start].isspace():
        start += 1
    return start < len(line) and line[start] in ":="
