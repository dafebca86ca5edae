"""Conditionals the module cannot decide (`var.admin ? a : b`, `var.admin` without a default): how each is told apart.

Terraform decides `cond ? a : b` when it knows `cond`; ecslint does when the module does (see ecslint.terraform.scope).
When the module cannot, the role fields and policies are evaluated once per way the undecided conditions can go
(ecslint.subjects.alternatives enumerates them, at most eight), and a finding stands only when it holds in every one,
so no finding rests on one possible value. The same condition (same text, same module, same `each`/`count` values)
goes the same way wherever it is written.
"""

from __future__ import annotations



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
