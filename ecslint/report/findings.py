"""The values every stage of a run passes along: levels, source regions and findings.

They are named tuples rather than dataclasses: immutable all the same, and several
milliseconds cheaper to define at every start of a pre-commit run.
"""

from __future__ import annotations

from itertools import repeat
from typing import NamedTuple

# Ordered from least to most severe; `--fail-on` compares by this rank.
LEVELS = ("note", "warning", "error")
LEVEL_RANK = {name: rank for rank, name in enumerate(LEVELS)}


class Region(NamedTuple):
    """A 1-based span in a source text; the end column is exclusive, as SARIF wants."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int


class Related(NamedTuple):
    """Another place that explains a finding, in another document (e.g. the IAM policy statement)."""

    # Any parsed document: it has a display `path` and a `region(pointer)` method.
    document: object
    pointer: str
    message: str


class Finding(NamedTuple):
    """One problem: which rule, where (a JSON pointer into the source document), and why."""

    rule_id: str
    pointer: str
    message: str
    # None means "the rule's default level"; a few rules raise or lower it per finding.
    level: str | None = None
    # Set only where no pointer can say where the problem is (a parse error).
    region: Region | None = None
    related: tuple[Related, ...] = ()


class RelatedLocation(NamedTuple):
    path: str
    pointer: str
    region: Region
    message: str


class Located(NamedTuple):
    """A finding after filtering, with its file and resolved position: what formatters print."""

    path: str
    rule_id: str
    rule_name: str
    level: str
    message: str
    pointer: str
    region: Region
    related: tuple[RelatedLocation, ...] = ()
    # Task-definition ARN for findings on live task definitions, which have no file.
    logical_location: str | None = None
    # The pointer with list items named rather than numbered (baselines); None when not asked for.
    stable_pointer: str | None = None
    # In a file a document read (Terraform's file()): (that document's path, the pointer there), where the
    # finding was reported before it was reported in the file, so baselines recorded then still match.
    read_from: tuple[str, str] | None = None

    def sort_key(self) -> tuple:
        return (self.path, self.region.start_line, self.region.start_column, self.rule_id, self.pointer, self.message)


_MESSAGE, _POINTER, _REGION = (Located._fields.index(name) for name in ("message", "pointer", "region"))


def packed(findings: list[Located]) -> list:
    """Findings as one column per field, regions as plain tuples: what a worker sends. Pickled and rebuilt
    (SharedValues.unpacked) without a Python call per finding, which named tuples cost on either side."""
    columns = list(zip(*findings))
    if columns:
        columns[_REGION] = [tuple(region) for region in columns[_REGION]]
    return columns


class SharedValues:
    """One object for each distinct message, pointer and region of a large run's findings, which repeat them.

    Paths and rule names need none: findings arrive a chunk at a time, and within a chunk they already share them.
    """

    def __init__(self):
        self._seen: dict = {}

    def unpacked(self, columns: list) -> list[Located]:
        """The findings `packed` gave, sharing the values seen before."""
        if not columns:
            return []
        share = self._seen.setdefault
        columns = list(columns)
        messages, pointers, regions = columns[_MESSAGE], columns[_POINTER], columns[_REGION]
        columns[_MESSAGE] = map(share, messages, messages)
        columns[_POINTER] = map(share, pointers, pointers)
        columns[_REGION] = map(share, regions, map(tuple.__new__, repeat(Region), regions))
        return list(map(tuple.__new__, repeat(Located), zip(*columns)))
