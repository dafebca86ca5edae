"""Positions inside JSON strings of a JSON document: Terraform plans hold `container_definitions` and policies so, ECR outputs their policies.

A pointer may continue past a string value that is itself JSON (`/.../values/container_definitions/0/image`):
the member is found in the decoded text and its offsets mapped back through the string's escapes, so a
finding lands on the very characters of `\\"image\\"` in the plan file.
"""

from __future__ import annotations

import json
from functools import cached_property

from ecslint.documents import pointer as jp
from ecslint.report.findings import Region
from ecslint.documents.jsontext import JsonLocator, LineIndex


def _decoded_to_raw(literal: str) -> list[int]:
    """For a JSON string literal (with its quotes), the raw offset of each decoded character, plus one for the end."""
    offsets: list[int] = []
    index = 1
    end = len(literal) - 1
    while index < end:
        if literal[index] != "\\":
            offsets.append(index)
            index += 1
            continue
        if literal[index + 1] == "u":
            code = int(literal[index + 2 : index + 6], 16)
            if 0xD800 <= code < 0xDC00 and literal.startswith("\\u", index + 6):
                offsets.append(index)  # a surrogate pair is one Python character
                index += 12
                continue
            offsets.append(index)
            index += 6
            continue
        offsets.append(index)
        index += 2
    offsets.append(end)
    return offsets


class _Embedded:
    def __init__(self, literal: str, start: int):
        self.text = json.loads(literal)
        self.raw = _decoded_to_raw(literal)
        self.start = start

    @cached_property
    def locator(self) -> JsonLocator:
        return JsonLocator(self.text)

    def span(self, pointer: str) -> tuple[int, int] | None:
        spans = self.locator.spans
        while pointer not in spans and pointer:
            pointer = jp.parent(pointer)
        if pointer not in spans:
            return None
        key_start, key_end, value_start, value_end = spans[pointer]
        start = key_start if key_start is not None else value_start
        container = self.text[value_start] in "{["
        end = (key_end if key_end is not None else value_start + 1) if container else value_end
        return self.start + self.raw[start], self.start + self.raw[end]


class EmbeddedJsonLocator:
    """JsonLocator for the file, reaching into the JSON strings registered with `embed(pointer)`."""

    def __init__(self, text: str):
        self._text = text
        self.base = JsonLocator(text)
        self._lines = LineIndex(text)
        self._embedded: dict[str, _Embedded | None] = {}

    def embed(self, pointer: str) -> None:
        self._embedded.setdefault(pointer, None)

    def _inner(self, pointer: str) -> tuple[_Embedded, str] | None:
        candidate = pointer
        while candidate:
            candidate = jp.parent(candidate)
            if candidate in self._embedded:
                break
        else:
            return None
        if self._embedded[candidate] is None:
            span = self.base.spans.get(candidate)
            if span is None or self._text[span[2]] != '"':
                return None
            try:
                self._embedded[candidate] = _Embedded(self._text[span[2] : span[3]], span[2])
            except ValueError:
                return None
        return self._embedded[candidate], pointer[len(candidate) :]

    def region(self, pointer: str) -> Region:
        inner = self._inner(pointer) if pointer not in self.base.spans else None
        if inner is not None:
            embedded, rest = inner
            try:
                span = embedded.span(rest)
            except (ValueError, IndexError, RecursionError):
                span = None
            if span is not None:
                return Region(*self._lines.position(span[0]), *self._lines.position(span[1]))
        return self.base.region(pointer)

    def duplicate_regions(self):
        return self.base.duplicate_regions()
