"""Subjects whose values depend on conditions only known at deploy time: each way the conditions go, and the findings
that hold for every one.

A front end that cannot decide a condition may offer the subject once per way it can go (`alternatives`): checks judge
each, and a finding stands only when every alternative has it. Where the alternatives agree on the rule and the place
but not on the words (`var.admin ? aws_iam_role.a.arn : aws_iam_role.b.arn`, both too broad), one finding stands,
worded as the first alternative has it, with the other alternatives' evidence among its related locations.
"""

from __future__ import annotations

from itertools import product

from ecslint.report.findings import Finding
from ecslint.subjects.quoting import quote

# Three independent conditions: beyond that the alternatives multiply faster than they tell anything.
MAX_ALTERNATIVES = 8


class Choices:
    """The branches taken for undecided conditions in one evaluation (of a Terraform module, of a template)."""

    def __init__(self, decided: dict | None = None):
        # a condition, as the front end identifies it -> the branch taken; absent: undecided, unknown.
        self.decided = dict(decided or {})
        # Conditions met undecided and not in `decided`, in the order met.
        self.undecided: dict[tuple, str] = {}

    def choose(self, key: tuple, text: str) -> bool | None:
        if key in self.decided:
            return self.decided[key]
        self.undecided.setdefault(key, text)
        return None


def agreed(per_alternative: list[list[Finding]], conditions: tuple[str, ...]) -> list[Finding]:
    """The findings every alternative has (exactly, or by rule and pointer), in the first alternative's order."""
    if not per_alternative:
        return []
    first, others = per_alternative[0], per_alternative[1:]
    exact = [finding for finding in first if all(finding in other for other in others)]
    places = {(finding.rule_id, finding.pointer) for finding in first if finding not in exact}
    for other in others:
        places &= {(finding.rule_id, finding.pointer) for finding in other if finding not in exact}
    kept, done = list(exact), set()
    for finding in first:
        place = (finding.rule_id, finding.pointer)
        if place not in places or place in done:
            continue
        done.add(place)
        related = []
        for findings in per_alternative:
            for other in findings:
                if (other.rule_id, other.pointer) == place and other not in exact:
                    related += [item for item in other.related if item not in related]
        kept.append(finding._replace(message=f"{finding.message} {_either_way(conditions)}", related=tuple(related)))
    return kept


def _either_way(conditions: tuple[str, ...]) -> str:
    shown = [quote(text) for text in conditions[:3]]
    named = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    verb = "is" if len(conditions) == 1 else "are"
    return f"The same holds whichever way {named} {verb} decided (the related locations show each case)."


def alternatives(evaluate, first_undecided: dict) -> list | None:
    """evaluate(Choices) for every way the undecided conditions can go, or None past MAX_ALTERNATIVES.

    Conditions only met on some branch (a conditional inside a conditional, a resource a condition creates) join as
    they are met, until every evaluation met only conditions it had decided.
    """
    keys = dict(first_undecided)
    while True:
        if 2 ** len(keys) > MAX_ALTERNATIVES:
            return None
        found = []
        for branches in product((True, False), repeat=len(keys)):
            choices = Choices(dict(zip(keys, branches)))
            found.append((evaluate(choices), choices))
        new = {key: text for _, choices in found for key, text in choices.undecided.items() if key not in keys}
        if not new:
            return [(result, choices, tuple(keys.values())) for result, choices in found]
        keys.update(new)
