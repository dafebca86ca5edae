"""Positions of a few pointers in a large JSON text, without indexing the whole text.

An account's IAM export can hold tens of megabytes, while findings cite a handful of its statements:
indexing every key (ecslint.documents.jsontext.JsonLocator) would cost more than the lint itself. This
locator walks down to each pointer, stepping over the values on the way with the C decoder, and
remembers what it stepped over, so all the lookups of a run together read the text at most once.
"""

from __future__ import annotations

import json
from json.decoder import scanstring

from ecslint.documents import pointer as jp
from ecslint.report.findings import Region

_WHITESPACE = " \t\n\r"


def _skip_whitespace(text: str, position: int) -> int:
    while position < len(text) and text[position] in _WHITESPACE:
        position += 1
    return position


class _Container:
    """The members of one object or array found so far, and where the scan of the rest resumes."""

    def __init__(self, start: int):
        self.members: dict[str, tuple[int | None, int | None, int]] = {}  # name -> (key start, key end, value start)
        self.resume = start + 1  # just past the opening bracket
        self.count = 0
        self.done = False


class SeekingJsonLocator:
    """`region(pointer)` and `duplicate_regions()` like JsonLocator, for valid JSON text of any size."""

    def __init__(self, text: str, has_duplicate_keys: bool = False):
        self._text = text
        # With a key given twice the last one wins (as in json.loads), so objects must be read to their end.
        self._read_whole_objects = has_duplicate_keys
        self._containers: dict[str, _Container] = {}
        self._decoder = json.JSONDecoder()

    def _value_end(self, start: int) -> int:
        if self._text[start] == '"':
            return scanstring(self._text, start + 1)[1]
        return self._decoder.raw_decode(self._text, start)[1]

    def _member(self, pointer: str, value_start: int, name: str) -> tuple[int | None, int | None, int] | None:
        """The member `name` of the container whose value starts at `value_start`, scanning only as far as needed."""
        container = self._containers.get(pointer)
        if container is None:
            container = self._containers[pointer] = _Container(value_start)
        text = self._text
        is_object = text[value_start] == "{"
        while name not in container.members or (self._read_whole_objects and is_object):
            if container.done:
                break
            position = _skip_whitespace(text, container.resume)
            if position < len(text) and text[position] == ",":
                position = _skip_whitespace(text, position + 1)
            if position >= len(text) or text[position] in "}]":
                container.done = True
                break
            if is_object:
                key, key_end = scanstring(text, position + 1)
                colon = _skip_whitespace(text, key_end)
                start = _skip_whitespace(text, colon + 1)
                container.members[key] = (position, key_end, start)
            else:
                start = position
                container.members[str(container.count)] = (None, None, start)
            container.count += 1
            container.resume = self._value_end(start)
        return container.members.get(name)

    def _span(self, pointer: str) -> tuple[int | None, int | None, int]:
        """(key start, key end, value start) of the deepest member on the way to `pointer` that exists."""
        found: tuple[int | None, int | None, int] = (None, None, _skip_whitespace(self._text, 0))
        current = ""
        for token in jp.split(pointer):
            value_start = found[2]
            if value_start >= len(self._text) or self._text[value_start] not in "{[":
                break
            member = self._member(current, value_start, token)
            if member is None:
                break
            found, current = member, jp.join(current, token)
        return found

    def region(self, pointer: str) -> Region:
        """The key and scalar value of a member; just the key (or opening bracket) of a container."""
        key_start, key_end, value_start = self._span(pointer)
        if value_start >= len(self._text):
            return Region(1, 1, 1, 1)
        start = key_start if key_start is not None else value_start
        if self._text[value_start] in "{[":
            end = key_end if key_end is not None else value_start + 1
        else:
            end = self._value_end(value_start)
        return Region(*self._position(start), *self._position(end))

    def duplicate_regions(self) -> list[tuple[str, Region]]:
        if not self._read_whole_objects:
            return []
        from ecslint.documents.jsontext import JsonLocator

        return JsonLocator(self._text).duplicate_regions()

    def _position(self, offset: int) -> tuple[int, int]:
        # Counting newlines up to the offset runs in C; a run asks for a few positions only.
        line = self._text.count("\n", 0, offset) + 1
        return line, offset - (self._text.rfind("\n", 0, offset) + 1) + 1
