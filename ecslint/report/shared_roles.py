"""A problem on a role several task definitions share, reported once per document rather than once per task definition.

The fix is in the role, one place, however many task definitions use it: the finding stays at the first task
definition's role field (in file order) and the others become its related locations. A document is a file, or for
Terraform the module folder, whose `.tf` files are one configuration. Findings are the same problem when they agree
on rule, message and related locations (the policy statement or attachment behind them); rules whose findings
depend on the field rather than the role (ECS102, ECS110) are not merged.
"""

from __future__ import annotations

from ecslint.documents import pointer as jp
from ecslint.report.findings import Located, RelatedLocation
from ecslint.subjects.quoting import quote

# Rules about what a role allows or trusts, each finding at a role field.
ROLE_RULES = frozenset({"ECS103", "ECS104", "ECS105", "ECS106", "ECS107", "ECS108", "ECS109", "ECS113"})
ROLE_FIELDS = frozenset({"executionRoleArn", "taskRoleArn", "ExecutionRoleArn", "TaskRoleArn", "execution_role_arn", "task_role_arn"})


def _document(path: str) -> tuple[str, str]:
    """The document a finding belongs to: the file, or a Terraform module's folder."""
    if path.endswith(".tf"):
        return "module", path.rsplit("/", 1)[0] if "/" in path else ""
    return "file", path


def _field(finding: Located) -> str | None:
    if finding.rule_id not in ROLE_RULES or finding.logical_location is not None:
        return None
    tokens = jp.split(finding.pointer)
    return tokens[-1] if tokens and tokens[-1] in ROLE_FIELDS else None


def _evidence(finding: Located) -> tuple:
    """The related locations that explain the problem, without the one naming a plan's resource (one per task definition)."""
    return tuple(related for related in finding.related if not (related.path == finding.path and related.pointer.endswith("/address") and related.message.startswith("Resource ")))


def merge_shared_roles(findings: list[Located]) -> list[Located]:
    """findings with each shared-role problem once, at its first place, the other places as related locations."""
    groups: dict[tuple, list[Located]] = {}
    for finding in findings:
        if _field(finding) is not None:
            groups.setdefault((_document(finding.path), finding.rule_id, finding.message, _evidence(finding)), []).append(finding)
    merged: dict[int, Located] = {}
    dropped: set[int] = set()
    for group in groups.values():
        first, *others = sorted(group, key=Located.sort_key)
        places = {(first.path, first.pointer)}
        also = []
        for other in others:
            dropped.add(id(other))
            if (other.path, other.pointer) not in places:  # the same file read twice is one task definition
                places.add((other.path, other.pointer))
                also.append(RelatedLocation(other.path, other.pointer, other.region, f"Another task definition with the same role ({quote(_field(other))})"))
        if others:
            merged[id(first)] = first._replace(related=first.related + tuple(also))
    if not merged:
        return findings
    return [merged.get(id(finding), finding) for finding in findings if id(finding) not in dropped]
