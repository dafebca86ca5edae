"""In-file suppressions (`ecslint:ignore` tags, CloudFormation `Metadata`): what they hide, and the entries that hide nothing (ECS004)."""

from __future__ import annotations

from typing import NamedTuple

from ecslint.report.findings import Finding
from ecslint.selection import UnknownSelector, matches, normalise
from ecslint.subjects.quoting import quote

UNUSED_IGNORE = "ECS004"


class Applied(NamedTuple):
    kept: list[Finding]
    suppressed: int
    # ECS004 findings: entries that name no rule, or suppressed nothing although their rules ran.
    notes: list[Finding]


def apply(found: list[Finding], entries: list[tuple[str, str, str]], rules: dict, enabled: frozenset[str]) -> Applied:
    """Drop findings an entry suppresses; report entries that are unknown or unused."""
    selectors: list[tuple[str, str, str, str]] = []  # (as written, normalised, pointer, label)
    notes: list[Finding] = []
    for written, pointer, label in entries:
        try:
            selectors.append((written, normalise(written, rules), pointer, label))
        except UnknownSelector:
            notes.append(Finding(UNUSED_IGNORE, pointer, f"{label} names {quote(written)}, which is no ecslint rule, so it suppresses nothing; see `ecslint rules` for the IDs."))
    normalised = [selector for _, selector, _, _ in selectors]
    kept = [f for f in found if not matches(f.rule_id, normalised)]
    for written, selector, pointer, label in selectors:
        if selector == UNUSED_IGNORE or any(f.rule_id.startswith(selector) for f in found):
            continue
        reached = [rule_id for rule_id in rules if rule_id.startswith(selector)]
        if reached and all(rule_id in enabled for rule_id in reached):
            notes.append(Finding(UNUSED_IGNORE, pointer, f"{label} lists {quote(written)}, but no finding of it is here to suppress; remove the entry."))
    notes_kept = [note for note in notes if not matches(UNUSED_IGNORE, normalised)]
    return Applied(kept, len(found) - len(kept) + len(notes) - len(notes_kept), notes_kept if UNUSED_IGNORE in enabled else [])
