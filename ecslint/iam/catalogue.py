"""The catalogue of known IAM actions (policyuniverse's data), to list what a wildcard grants.

policyuniverse takes ~130 ms to import (it parses an 8 MB JSON file), so it is imported on the first
expansion only: runs without `--iam`, and runs whose policies name only concrete actions, never load it.
An action the catalogue does not know is never dropped: callers match it by pattern and call it unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ecslint.iam.patterns import action_matches, has_wildcard

# Access levels from most to least worth showing first in a message.
_LEVEL_ORDER = {"Permissions": 0, "Write": 1, "Tagging": 2, "Read": 3, "List": 4}


@dataclass(frozen=True)
class _Catalogue:
    # lower-case action -> the action as AWS spells it ("s3:putobject" -> "s3:PutObject")
    spelled: dict[str, str]
    # service prefix -> its lower-case actions, sorted
    by_service: dict[str, tuple[str, ...]]
    # lower-case action -> access level (List, Read, Write, Tagging, Permissions)
    levels: dict[str, str]
    version: str


@cache
def _load() -> _Catalogue:
    import policyuniverse  # deferred: see the module docstring

    spelled: dict[str, str] = {}
    levels: dict[str, str] = {}
    by_service: dict[str, list[str]] = {}
    for service in policyuniverse.service_data.values():
        prefix = service["prefix"]
        for name, details in service["actions"].items():
            key = f"{prefix}:{name}".lower()
            spelled[key] = f"{prefix}:{name}"
            levels[key] = details.get("calculated_action_group", "")
            by_service.setdefault(prefix.lower(), []).append(key)
    try:
        from importlib.metadata import version

        release = version("policyuniverse")
    except Exception:  # metadata missing in unusual installs; the version is only informative
        release = "unknown"
    return _Catalogue(spelled, {prefix: tuple(sorted(set(keys))) for prefix, keys in by_service.items()}, levels, release)


def is_loaded() -> bool:
    return _load.cache_info().currsize > 0


def version() -> str:
    return _load().version


def knows(action: str) -> bool:
    return action.lower() in _load().spelled


def spell(action: str) -> str:
    """The action as AWS spells it when the catalogue knows it, else as written."""
    return _load().spelled.get(action.lower(), action) if is_loaded() else action


def all_actions() -> tuple[str, ...]:
    """Every known action, lower-case, sorted."""
    catalogue = _load()
    return tuple(sorted(catalogue.spelled))


def expand(pattern: str) -> tuple[str, ...]:
    """The known actions (lower-case) a pattern matches; empty when the catalogue knows none."""
    catalogue = _load()
    service, _, rest = pattern.lower().partition(":")
    if not has_wildcard(pattern):
        return (pattern.lower(),) if pattern.lower() in catalogue.spelled else ()
    if service and not has_wildcard(service):
        candidates = catalogue.by_service.get(service, ())
    else:
        candidates = tuple(catalogue.spelled)
    return tuple(sorted(action for action in candidates if action_matches(pattern, action)))


def display(actions) -> list[str]:
    """Actions in the order messages show them (permission and write actions first), spelled as AWS does."""
    catalogue = _load()
    ordered = sorted(actions, key=lambda action: (_LEVEL_ORDER.get(catalogue.levels.get(action.lower(), ""), 5), action.lower()))
    return [catalogue.spelled.get(action.lower(), action) for action in ordered]


def access_level(action: str) -> str | None:
    return _load().levels.get(action.lower()) or None
