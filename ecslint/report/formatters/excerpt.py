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
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_YAML_VALUE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z0-9_.:-]+)(\s*:\s+)([^\s\"'|>&*!{\[#].*)$")
_KEY_BEFORE = re.compile(r'(?:"([^"]+)"|([A-Za-z0-9_.-]+))\s*[:=]\s*\[?\s*$')
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
    for match in _STRING.finditer(line):
        literal, after = match.group(), line[match.end() :].lstrip()
        before = _KEY_BEFORE.search(line, 0, match.start())
        key = (before.group(1) or before.group(2)) if before else None
        shown = literal if after.startswith((":", "=")) or key in _SAFE_KEYS or len(literal) - 2 <= _SHORT else '"…"'
        parts += [line[last : match.start()], shown]
        last = match.end()
    return "".join(parts) + line[last:]
