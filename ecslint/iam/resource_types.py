"""Whether a statement's Resource patterns can name a resource of the types an action takes, from the catalogue's ARN formats.

An action on a resource of another type is not authorized, whatever the statement says ("Actions, resources,
and condition keys for AWS services", https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html,
verified 2026-12-02): `ecr:BatchGetImage` allowed only on `arn:aws:s3:::*` allows nothing.

Only what is certain counts. The pattern and the format are compared segment by segment (partition, service,
Region, account, resource); the resource part only up to the format's first variable (`log-group:*` for a log
stream), because AWS accepts more than one spelling after it (log group ARNs with and without `:*`). A policy
variable or deploy-time value stands for any one segment value; a pattern that is not a whole ARN
(`${Bucket.Arn}`, `*`) may name anything, and so may a pattern for an action the catalogue does not know or
whose types it describes incompletely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ecslint.iam.patterns import patterns_overlap

_VARIABLE = re.compile(r"\$\{[^{}]*\}")


@dataclass(frozen=True)
class Mismatch:
    """The resource types an action takes, which none of a statement's resources can be."""

    action: str  # as AWS spells it
    types: tuple[tuple[str, str], ...]  # (resource type, ARN format), sorted


def _loose(arn_format: str) -> list[str]:
    """The ARN format's six segments as patterns, the resource part cut after its first variable."""
    parts = arn_format.split(":", 5)
    if len(parts) == 6:
        variable = _VARIABLE.search(parts[5])
        if variable:
            parts[5] = parts[5][: variable.start()] + "*"
    return [_VARIABLE.sub("*", part) for part in parts]


def _may_overlap(pattern: str, arn_format: str) -> bool:
    """Whether some ARN of the format may match the Resource pattern; True whenever that cannot be told for sure."""
    # A variable stands for one value without `:` (a partition, a region, a name); `\x01` keeps its colons out of the split.
    written = _VARIABLE.sub("\x01", pattern).split(":", 5)
    wanted = _loose(arn_format)
    if len(written) < 6 or len(wanted) < 6:
        return True
    crossing = False
    for index, (segment, expected) in enumerate(zip(written, wanted)):
        if not patterns_overlap(segment.replace("\x01", "*"), expected):
            # A literal `*` ending an earlier segment may match past its colon: compare the whole ARN instead.
            return crossing and patterns_overlap(_VARIABLE.sub("*", pattern), ":".join(wanted))
        crossing = crossing or segment.endswith("*")
    return True


@lru_cache(maxsize=4096)
def _can_name(action: str, pattern: str) -> bool:
    from ecslint.iam import catalogue

    formats = catalogue.resource_formats(action)
    if not formats:  # unknown, or the action takes only `*` (matching `*` itself decides that)
        return True
    return any(_may_overlap(pattern, arn_format) for arn_format in formats.values())


def mismatch(action: str, resources: tuple[str, ...] | None) -> Mismatch | None:
    """The action's types when none of the Resource patterns can name one of them; None when one may (or NotResource)."""
    if resources is None or any(_can_name(action.lower(), pattern) for pattern in resources):
        return None
    from ecslint.iam import catalogue

    return Mismatch(catalogue.spell(action), tuple(sorted((catalogue.resource_formats(action) or {}).items())))
