"""Which rules are enabled: ruff-style selectors (IDs or prefixes) where the most specific wins."""

from __future__ import annotations

from collections.abc import Iterable
from ecslint.subjects.quoting import quote_text


class UnknownSelector(ValueError):
    pass


def _best(rule_id: str, selectors: Iterable[str]) -> int:
    return max((len(s) for s in selectors if rule_id.startswith(s)), default=-1)


def validate(selectors: Iterable[str], rule_ids: Iterable[str]) -> list[str]:
    ids = list(rule_ids)
    normalized = []
    for selector in selectors:
        selector = selector.strip().upper()
        if selector == "ALL":
            selector = "ECS"
        if not any(rule_id.startswith(selector) for rule_id in ids):
            raise UnknownSelector(f"unknown rule selector '{quote_text(selector)}' (expected a rule ID such as ECS301 or a prefix such as ECS3)")
        normalized.append(selector)
    return normalized


def enabled_rules(rule_ids: Iterable[str], select: list[str], ignore: list[str]) -> list[str]:
    """Rules whose most specific matching select beats their most specific ignore (ties: ignored)."""
    return [rule_id for rule_id in rule_ids if _best(rule_id, select) > _best(rule_id, ignore)]


def matches(rule_id: str, selectors: Iterable[str]) -> bool:
    return any(rule_id.startswith(selector) for selector in selectors)
