"""ECS108, ECS109: the roles' trust policies, which decide whether ECS tasks can assume them at all, and how safely.

Sources, verified 2026-11-30:
- the trust policy for task and execution roles names the service principal `ecs-tasks.amazonaws.com`:
  https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html and task_execution_IAM_role.html
- the confused-deputy guard with `aws:SourceAccount` / `aws:SourceArn`:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
Silent without `--iam`, for roles not in the IAM input, and for roles whose trust policy the input lacks.
"""

from __future__ import annotations

from ecslint.report.findings import Finding, Related
from ecslint.iam.messages import related, statement_text
from ecslint.iam.patterns import Match
from ecslint.iam.task_roles import EXECUTION, TASK, roles_of
from ecslint.subjects.task_definition import TaskDefinition
from ecslint.subjects.quoting import quote, quote_text

# The service principal ECS tasks assume roles as; China Regions are accepted with the `.cn` suffix
# too, as some tooling writes it (fewer false positives).
ECS_TASKS = frozenset({"ecs-tasks.amazonaws.com", "ecs-tasks.amazonaws.com.cn"})
SOURCE_KEYS = frozenset({"aws:sourceaccount", "aws:sourcearn"})
LABELS = {EXECUTION: "Execution role", TASK: "Task role"}


def _values(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _covers_ecs_tasks(statement) -> Match:
    if statement.not_principal is not None:
        return Match.MAYBE
    principal = statement.principal
    if principal == "*":
        return Match.YES
    if not isinstance(principal, dict):
        return Match.NO
    if any(value.lower() in ECS_TASKS for value in _values(principal.get("Service"))):
        return Match.YES
    # Whether `"AWS": "*"` admits service principals is not spelled out: neither a pass nor a finding.
    return Match.MAYBE if "*" in _values(principal.get("AWS")) else Match.NO


def _trust(role):
    """(statements that may let ecs-tasks assume the role, a certain Deny if any) from its trust policy."""
    allows, deny = [], None
    for statement in role.trust.statements:
        if not statement.matches_action("sts:AssumeRole"):
            continue
        covers = _covers_ecs_tasks(statement)
        if covers is Match.NO:
            continue
        if statement.is_allow:
            allows.append(statement)
        elif covers is Match.YES and not statement.conditional and deny is None:
            deny = statement
    return allows, deny


def _roles_by_field(task: TaskDefinition):
    """(field, role) for each resolved role with a known trust policy; a role used for both fields once."""
    roles = roles_of(task)
    if roles is None:
        return
    seen = set()
    for field, role in ((EXECUTION, roles.execution), (TASK, roles.task)):
        if role is not None and role.trust is not None and id(role) not in seen:
            seen.add(id(role))
            yield field, role


def role_not_assumable_by_ecs_tasks(task: TaskDefinition):
    for field, role in _roles_by_field(task):
        allows, deny = _trust(role)
        policy = role.trust
        if deny is not None:
            message = (
                f"{LABELS[field]} '{quote_text(role.name)}' cannot be assumed by ECS tasks: its trust policy denies `ecs-tasks.amazonaws.com` "
                f"'sts:AssumeRole' ({deny.label}); remove that Deny, or the task fails to start."
            )
            yield Finding("ECS108", task.ptr(field), message, related=(related(policy, deny, f"{statement_text(policy, deny)} denies it"),))
        elif not allows:
            trusted = sorted({value for statement in policy.statements if statement.is_allow for value in _values((statement.principal or {}).get("Service") if isinstance(statement.principal, dict) else None)})
            also = f" (it trusts {', '.join(quote(value) for value in trusted)})" if trusted else ""
            message = (
                f"{LABELS[field]} '{quote_text(role.name)}' cannot be assumed by ECS tasks: its trust policy does not let `ecs-tasks.amazonaws.com` "
                f"call 'sts:AssumeRole'{also}; add that service principal, or the task fails to start."
            )
            yield Finding("ECS108", task.ptr(field), message, related=(_trust_location(role, "The trust policy"),))


def _trust_location(role, text: str) -> Related:
    return Related(role.trust.location.document, role.trust.location.pointer, text)


def _has_source_condition(statement) -> bool:
    for block in (statement.condition or {}).values():
        if isinstance(block, dict) and any(str(key).lower() in SOURCE_KEYS for key in block):
            return True
    return False


def trust_policy_without_source_condition(task: TaskDefinition):
    for field, role in _roles_by_field(task):
        allows, deny = _trust(role)
        if deny is not None or not allows or any(_has_source_condition(statement) for statement in allows):
            continue
        statement = allows[0]
        account = role.account or "<account-id>"
        message = (
            f"{LABELS[field]} '{quote_text(role.name)}' trusts `ecs-tasks.amazonaws.com` without an `aws:SourceAccount` or `aws:SourceArn` condition "
            f"({statement.label} of its trust policy); add `\"Condition\": {{\"StringEquals\": {{\"aws:SourceAccount\": \"{quote_text(account)}\"}}}}` "
            "so that only tasks in your account can assume it."
        )
        yield Finding("ECS109", task.ptr(field), message, related=(related(role.trust, statement, f"{statement_text(role.trust, statement)} trusts `ecs-tasks.amazonaws.com` without a source condition"),))
