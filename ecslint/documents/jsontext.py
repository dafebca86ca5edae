"""JSON text -> data, and a lazily built map from JSON pointers to source positions.

The data comes from the C-accelerated `json` module (fast and strict); positions are
computed only for documents that have findings, by a single tokenising pass.
"""

from __future__ import annotations

import bisect
import json
import re

from ecslint.documents import pointer as jp
from ecslint.report.findings import Region
from ecslint.subjects.quoting import quote_text

# A JSON string token, a structural character, or a bare literal/number. The string body is
# written as runs of plain characters between escapes: `(?:[^"\\]|\\.)*` keeps a backtracking
# frame per character, about 100 bytes each, so a 30 MB string would need gigabytes.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]|[^\s{}\[\],:"]+', re.S)


class ParseError(Exception):
    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _explain(error: json.JSONDecodeError, text: str) -> str:
    """Python's wording, except for the two mistakes people make most: text before or after the JSON."""
    if error.msg == "Extra data":
        return "more text after the JSON document ends (a second document, or output pasted after it); a file holds one JSON document"
    if error.msg == "Expecting value" and error.pos == len(text) - len(text.lstrip()) and _JSON_START_LINE.search(text):
        return "text before the JSON document (a shell prompt or command?); the file must start with `{` or `[`"
    return error.msg


# A later line that opens a JSON document, after text that does not.
_JSON_START_LINE = re.compile(r"\n[ \t]*[\[{]")


def loads(text: str) -> tuple[object, bool]:
    """Parse strict JSON; returns (data, has_duplicate_keys). Raises ParseError with a position."""
    duplicates = False

    def pairs_hook(pairs):
        nonlocal duplicates
        result = dict(pairs)
        if len(result) != len(pairs):
            duplicates = True
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ParseError(f"Invalid JSON: {_explain(error, text)}", error.lineno, error.colno) from None
    except RecursionError:
        raise ParseError("Invalid JSON: nested too deeply to be a task definition", 1, 1) from None
    except ValueError as error:
        raise ParseError(f"Invalid JSON: {quote_text(str(error), limit=120)}", 1, 1) from None
    return data, duplicates


class LineIndex:
    """Offsets -> 1-based (line, column); columns count code points, so CRLF and unicode are exact."""

    def __init__(self, text: str):
        self._starts = [0]
        find = text.find
        position = find("\n")
        while position != -1:
            self._starts.append(position + 1)
            position = find("\n", position + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


class JsonLocator:
    """Maps pointers to the span of a member's key (if any) and value in valid JSON text."""

    def __init__(self, text: str):
        self._text = text
        self._lines = LineIndex(text)
        # pointer -> (key_start, key_end, value_start, value_end); key offsets None for array items/root.
        self.spans: dict[str, tuple[int | None, int | None, int, int]] = {}
        # Earlier occurrences of keys that appear twice in one object: (pointer, key_start, key_end).
        self.duplicates: list[tuple[str, int, int]] = []
        self._scan()

    def _scan(self) -> None:
        # Each stack frame: [pointer, is_object, next_index, key_start, key_end, seen_keys]
        stack: list[list] = []
        open_values: dict[str, int] = {}
        pending_key_span: tuple[int | None, int | None] = (None, None)
        current_pointer = ""
        expect_key = False
        for match in _TOKEN.finditer(self._text):
            token = match.group()
            start, end = match.span()
            char = token[0]
            if char in ",:":
                continue
            if stack and stack[-1][1] and expect_key and char == '"':
                # Only keys with escapes need decoding; the rest are their own text.
                key = json.loads(token) if "\\" in token else token[1:-1]
                frame = stack[-1]
                current_pointer = jp.join(frame[0], key)
                if key in frame[5]:
                    previous = self.spans.get(current_pointer)
                    if previous is not None:
                        self.duplicates.append((current_pointer, previous[0], previous[1]))
                frame[5].add(key)
                pending_key_span = (start, end)
                expect_key = False
                continue
            if char in "}]":
                frame = stack.pop()
                key_start, key_end = frame[3], frame[4]
                self.spans[frame[0]] = (key_start, key_end, open_values.pop(frame[0]), end)
                expect_key = bool(stack) and stack[-1][1]
                continue
            # A value starts here: work out its pointer.
            if stack and not stack[-1][1]:
                frame = stack[-1]
                value_pointer = f"{frame[0]}/{frame[2]}"
                frame[2] += 1
                key_span = (None, None)
            elif stack:
                value_pointer = current_pointer
                key_span = pending_key_span
            else:
                value_pointer = ""
                key_span = (None, None)
            if char in "{[":
                is_object = char == "{"
                open_values[value_pointer] = start
                stack.append([value_pointer, is_object, 0, key_span[0], key_span[1], set()])
                expect_key = is_object
            else:
                self.spans[value_pointer] = (key_span[0], key_span[1], start, end)
                expect_key = bool(stack) and stack[-1][1]

    def region(self, pointer: str) -> Region:
        """The key and scalar value of a member; just the key (or opening bracket) of a container."""
        found = self.offsets(pointer)
        return Region(1, 1, 1, 1) if found is None else self._region(*found)

    def offsets(self, pointer: str) -> tuple[int, int] | None:
        """The start and end offsets of what `region` covers, for the nearest pointer that is there."""
        span = self.spans.get(jp.nearest(pointer, self.spans))
        if span is None:
            return None
        key_start, key_end, value_start, value_end = span
        start = key_start if key_start is not None else value_start
        container = self._text[value_start] in "{["
        if container:
            end = key_end if key_end is not None else value_start + 1
        else:
            end = value_end
        return start, end

    def duplicate_regions(self) -> list[tuple[str, Region]]:
        """(pointer, region of the earlier key) for keys given twice in one object."""
        return [(pointer, self._region(start, end)) for pointer, start, end in self.duplicates]

    def _region(self, start: int, end: int) -> Region:
        start_line, start_column = self._lines.position(start)
        end_line, end_column = self._lines.position(end)
        return Region(start_line, start_column, end_line, end_column)
