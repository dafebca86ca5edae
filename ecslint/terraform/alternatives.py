"""Conditionals the module cannot decide (`var.admin ? a : b`, `var.admin` without a default): each way they can go.

Terraform decides `cond ? a : b` when it knows `cond`; ecslint does when the module does (see ecslint.terraform.scope).
When the module cannot, the role fields and policies are evaluated once per way the undecided conditions can go, and
a finding stands only when it holds in every one of those alternatives (ecslint.subjects.alternatives), so no finding
rests on one possible value. The same condition (same text, same module, same `each`/`count` values) goes the same way
wherever it is written. More than MAX_ALTERNATIVES ways leave the conditions undecided (unknown), as without this.
"""

from __future__ import annotations

from itertools import product

# Three independent conditions: beyond that the alternatives multiply faster than they tell anything.
MAX_ALTERNATIVES = 8


class Choices:
    """The branches taken for undecided conditions in one evaluation of a module (and its child modules)."""

    def __init__(self, decided: dict | None = None):
        # (module prefix, condition text, bindings text) -> the branch taken; absent: undecided, unknown.
        self.decided = dict(decided or {})
        # Conditions met undecided and not in `decided`, in the order met.
        self.undecided: dict[tuple, str] = {}

    def choose(self, key: tuple, text: str) -> bool | None:
        if key in self.decided:
            return self.decided[key]
        self.undecided.setdefault(key, text)
        return None


def condition_key(prefix: str, text: str, bindings: dict) -> tuple | None:
    """What identifies one undecided condition; None when its `for`/`each` bindings cannot be told apart safely."""
    if not bindings:
        return (prefix, text, "")
    written = _stable(bindings, [0])
    return None if written is None else (prefix, text, written)


# Bindings are written out to tell instances apart; past this many characters the condition stays unknown.
MAX_BINDING_TEXT = 4096


def _stable(value, spent: list) -> str | None:
    """A text that is the same for equal bindings in every evaluation (no object identities), or None."""
    spent[0] += 1
    if spent[0] > MAX_BINDING_TEXT:
        return None
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, str):
        spent[0] += len(value)
        return None if spent[0] > MAX_BINDING_TEXT else f"{type(value).__name__}:{value!r}"
    if isinstance(value, list):
        parts = [_stable(item, spent) for item in value]
        return None if None in parts else "[" + ",".join(parts) + "]"
    if isinstance(value, dict):
        parts = [(repr(key), _stable(item, spent)) for key, item in sorted(value.items(), key=lambda pair: str(pair[0]))]
        return None if any(part is None for _, part in parts) else "{" + ",".join(f"{key}:{part}" for key, part in parts) + "}"
    return None


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
