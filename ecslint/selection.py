"""Which rules are enabled, and at what level: ruff-style selectors (IDs, prefixes or rule names) where the most specific wins."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ecslint.subjects.quoting import quote_text

# A file that cannot be read always fails the run: it can be neither deselected nor lowered.
ALWAYS_ENABLED = "ECS001"
LEVEL_CHOICES = ("error", "warning", "note", "off")
_PREFIX = re.compile(r"ECS[0-9]{0,3}")


class UnknownSelector(ValueError):
    pass


def _best(rule_id: str, selectors: Iterable[str]) -> int:
    return max((len(s) for s in selectors if rule_id.startswith(s)), default=-1)


def normalise(selector: str, rules: Mapping) -> str:
    """A rule ID or prefix for a selector written as an ID, a prefix, `ALL` or a rule name."""
    text = selector.strip()
    by_name = {getattr(rule, "name", None): rule_id for rule_id, rule in rules.items()}
    if text.lower() in by_name:
        return by_name[text.lower()]
    upper = text.upper()
    if upper == "ALL":
        return "ECS"
    if _PREFIX.fullmatch(upper) and any(rule_id.startswith(upper) for rule_id in rules):
        return upper
    raise UnknownSelector(f"unknown rule selector '{quote_text(text)}' (expected a rule ID such as ECS301, a prefix such as ECS3, or a rule name such as fargate-requires-awsvpc)")


def validate(selectors: Iterable[str], rules: Mapping) -> list[str]:
    return [normalise(selector, rules) for selector in selectors]


def refuse_ignoring_always_enabled(ignored: Iterable[str]) -> None:
    """Naming ECS001 itself in an ignore is a mistake worth saying; a prefix (ECS0) just leaves it on."""
    if ALWAYS_ENABLED in ignored:
        raise UnknownSelector(f"{ALWAYS_ENABLED} (invalid-document) cannot be ignored: a file that cannot be read always fails the run")


def enabled_rules(rule_ids: Iterable[str], select: list[str], ignore: list[str]) -> list[str]:
    """Rules whose most specific matching select beats their most specific ignore (ties: ignored); ECS001 always."""
    return [rule_id for rule_id in rule_ids if rule_id == ALWAYS_ENABLED or _best(rule_id, select) > _best(rule_id, ignore)]


def parse_level_options(values: Iterable[str]) -> dict[str, str]:
    """`--level ECS702=off,ECS502=note` (repeatable) as {selector: level}."""
    levels: dict[str, str] = {}
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            selector, equals, level = part.partition("=")
            if not equals or not selector.strip():
                raise UnknownSelector(f"--level {part.strip()!r}: expected RULE=LEVEL, e.g. ECS702=off")
            levels[selector.strip()] = level.strip().lower()
    return levels


def resolve_levels(overrides: Iterable[tuple[str, str]], rules: Mapping) -> dict[str, str]:
    """{rule ID: level} for every rule an override reaches; the most specific selector wins, later ones break ties."""
    normalised: dict[str, str] = {}
    for selector, level in overrides:
        if level not in LEVEL_CHOICES:
            raise UnknownSelector(f"level '{level}' for '{selector}' must be one of {', '.join(LEVEL_CHOICES)}")
        key = normalise(selector, rules)
        if key == ALWAYS_ENABLED and level != "error":
            raise UnknownSelector(f"{ALWAYS_ENABLED} (invalid-document) cannot be set to {level}: a file that cannot be read always fails the run")
        normalised.pop(key, None)
        normalised[key] = level
    resolved: dict[str, str] = {}
    for rule_id in rules:
        if rule_id == ALWAYS_ENABLED:
            continue
        matching = [(len(key), order, level) for order, (key, level) in enumerate(normalised.items()) if rule_id.startswith(key)]
        if matching:
            resolved[rule_id] = max(matching)[2]
    return resolved


def matches(rule_id: str, selectors: Iterable[str]) -> bool:
    return any(rule_id.startswith(selector) for selector in selectors)
