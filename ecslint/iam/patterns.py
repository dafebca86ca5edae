"""Wildcard matching as IAM does it: `*` and `?` in actions (case-insensitive) and in resource ARNs (case-sensitive).

Sources, verified 2026-11-30:
- actions: "IAM JSON policy elements: Action" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html):
  action names are case-insensitive and take `*` and `?` wildcards.
- resources: "IAM JSON policy elements: Resource" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html):
  `*` and `?` work within each colon-separated segment of an ARN; "if the `*` wildcard is the last
  character of a resource ARN segment, it can expand to match beyond the colon boundaries".
- policy variables `${...}` are filled in per request ("IAM policy elements: Variables and tags",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html); `${*}`, `${?}` and
  `${$}` stand for the literal characters. A pattern with any other variable can only *maybe* match.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import lru_cache

from ecslint.iam.glob import ANY, MAX_PATTERN_LENGTH, SEGMENT_ANY, SEGMENT_STAR, STAR, Glob, collapse_stars as _collapse_stars

# The special variables that escape the wildcard characters themselves.
_LITERAL_VARIABLES = {"${*}": "*", "${?}": "?", "${$}": "$"}
_VARIABLE = re.compile(r"\$\{[^{}]*\}")  # no brace inside: unclosed `${` runs stay linear


class Match(enum.IntEnum):
    """How sure a pattern is to cover a value: certainly not, perhaps (depends on unknowns), certainly."""

    NO = 0
    MAYBE = 1
    YES = 2


@lru_cache(maxsize=4096)
def _action_glob(pattern: str) -> Glob:
    tokens = [(STAR if c == "*" else ANY if c == "?" else c) for c in pattern.lower()]
    return Glob(tokens, has_variable=False)


def action_matches(pattern: str, action: str) -> bool:
    """True when an Action/NotAction pattern covers the action (IAM compares actions case-insensitively)."""
    return _action_glob(pattern).fullmatch(action.lower())


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def patterns_overlap(first: str, second: str) -> bool:
    """True when some action matches both wildcard patterns (case-insensitive), e.g. `iam:*` and `iam:Create*`.

    A walk over pairs of positions, each visited once: time grows with the product of the lengths,
    never exponentially with the number of `*`."""
    a, b = _collapse_stars(first.lower()), _collapse_stars(second.lower())
    if len(a) > MAX_PATTERN_LENGTH or len(b) > MAX_PATTERN_LENGTH:
        return False
    seen: set[tuple[int, int]] = set()
    waiting = [(0, 0)]
    while waiting:
        i, j = waiting.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            waiting.append((i + 1, j))
            if j < len(b):
                waiting.append((i, j + 1))
        if j < len(b) and b[j] == "*":
            waiting.append((i, j + 1))
            if i < len(a):
                waiting.append((i + 1, j))
        if i < len(a) and j < len(b) and a[i] != "*" and b[j] != "*" and (a[i] == b[j] or a[i] == "?" or b[j] == "?"):
            waiting.append((i + 1, j + 1))
    return False


def pattern_covers(wide: str, narrow: str) -> bool:
    """True when every action `narrow` matches is matched by `wide` too (checked only for the common shapes)."""
    wide_l, narrow_l = wide.lower(), narrow.lower()
    if wide_l == "*" or wide_l == narrow_l:
        return True
    if not has_wildcard(narrow_l):
        return action_matches(wide_l, narrow_l)
    # `s3:*` covers `s3:Get*`: a wide prefix pattern covers any pattern that starts with its literal prefix.
    if wide_l.endswith("*") and not has_wildcard(wide_l[:-1]):
        return narrow_l.startswith(wide_l[:-1])
    return False


@lru_cache(maxsize=4096)
def _resource_pattern(pattern: str) -> Glob:
    tokens: list = []
    has_variable = False
    index = 0
    # Where the next `}` is: searched again only once passed, so many unclosed `${` stay linear.
    close = pattern.find("}")
    while index < len(pattern):
        char = pattern[index]
        if char == "$" and pattern.startswith("${", index):
            if 0 <= close < index:
                close = pattern.find("}", index)
            if close > 0:
                token = pattern[index : close + 1]
                if token in _LITERAL_VARIABLES:
                    tokens.append(_LITERAL_VARIABLES[token])
                else:
                    tokens.append(STAR)
                    has_variable = True
                index = close + 1
                continue
        if char == "*":
            at_segment_end = index + 1 == len(pattern) or pattern[index + 1] == ":"
            tokens.append(STAR if at_segment_end else SEGMENT_STAR)
        elif char == "?":
            tokens.append(SEGMENT_ANY)
        else:
            tokens.append(char)
        index += 1
    return Glob(tokens, has_variable)


@dataclass(frozen=True)
class Arn:
    """A resource a task needs, as an ARN whose region, account or resource name may be unknown (None).

    An unknown resource part may still have a known type: `prefix` (`log-group:`) starts it."""

    segments: tuple[str | None, ...]
    prefix: str = ""

    @classmethod
    def parse(cls, text: str) -> Arn:
        parts = text.split(":", 5)
        return cls(tuple(parts))

    @classmethod
    def build(cls, partition: str | None, service: str, region: str | None, account: str | None, resource: str | None, prefix: str = "") -> Arn:
        return cls(("arn", partition, service, region, account, resource), prefix)

    @property
    def unknown(self) -> tuple[int, ...]:
        return tuple(index for index, part in enumerate(self.segments) if part is None)

    def filled(self, values: dict[int, str] | str) -> str:
        return ":".join(part if part is not None else self._fill(index, values if isinstance(values, str) else values.get(index, "x")) for index, part in enumerate(self.segments))

    def _fill(self, index: int, value: str) -> str:
        return self.prefix + value if index == 5 else value

    def __str__(self) -> str:
        # Unknown parts print as `*`, which is how a policy would have to write them.
        return self.filled("*")


def _strip_wildcards(segment: str) -> str:
    return _VARIABLE.sub("", segment).replace("*", "").replace("?", "x")


def resource_matches(pattern: str, resource: Arn) -> Match:
    """Whether a Resource/NotResource pattern covers the resource: YES for every value of its unknown parts, MAYBE for some."""
    if pattern == "*":
        return Match.YES
    compiled = _resource_pattern(pattern)
    certain = Match.MAYBE if compiled.has_variable else Match.YES
    if not resource.unknown:
        return certain if compiled.fullmatch(resource.filled("")) else Match.NO
    # Two unlikely fillings of different lengths: a pattern matching both treats those segments as wildcards.
    if compiled.fullmatch(resource.filled("\x00\x01")) and compiled.fullmatch(resource.filled("\x02")):
        return certain
    # Could a real value match? Try the value the pattern itself names in that segment.
    wanted = pattern.split(":", 5)
    guess = {index: _strip_wildcards(wanted[index]) if index < len(wanted) else "x" for index in resource.unknown}
    if 5 in guess and guess[5].startswith(resource.prefix):
        guess[5] = guess[5][len(resource.prefix) :]
    return Match.MAYBE if compiled.fullmatch(resource.filled(guess)) else Match.NO
