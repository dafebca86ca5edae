"""The two roles of one task definition, resolved in the run's IAM context, and how messages name them."""

from __future__ import annotations

from ecslint.documents import pointer as jp

from dataclasses import dataclass

from ecslint.checks.roles import role_value
from ecslint.iam.context import IamContext, Role
from ecslint.iam.needs import Place, task_place
from ecslint.subjects.task_definition import TaskDefinition
from ecslint.subjects.quoting import quote_text

EXECUTION = "executionRoleArn"
TASK = "taskRoleArn"


@dataclass(frozen=True)
class TaskRoles:
    execution: Role | None
    execution_value: str | None
    task: Role | None
    task_value: str | None
    place: Place

    def task_role_name(self) -> str | None:
        """The task role as messages name it: its IAM name when resolved, else the last part of the field."""
        if self.task is not None:
            return self.task.name
        return self.task_value.rsplit("/", 1)[-1] if self.task_value else None

    def scope_down_advice(self, plural: bool, movable: bool) -> str:
        """ECS103's advice: take them away first; move to the task role only what the application calls (never
        a whole service of `ecr`/`iam` or a `*FullAccess` policy, which would only widen the task role)."""
        them = "them" if plural else "it"
        advice = f"remove {them}, or scope {them} down"
        if not movable:
            return advice
        name = self.task_role_name()
        where = f"the task role '{quote_text(name)}'" if name else "a task role (`taskRoleArn`)"
        return f"{advice}; move to {where} only what the application calls"

    def move_to_task_role(self, plural: bool) -> str:
        them = "them" if plural else "it"
        name = self.task_role_name()
        return f"move {them} to the task role '{quote_text(name)}'" if name else f"move {them} to a task role (`taskRoleArn`)"


def roles_of(task: TaskDefinition) -> TaskRoles | None:
    """The task's roles as the IAM context knows them; None without `--iam` or for a bare container list."""
    context = task.iam
    if not isinstance(context, IamContext) or not task.knows_task_fields:
        return None
    execution_value, task_value = role_value(task, EXECUTION), role_value(task, TASK)
    execution = context.role(execution_value) if execution_value else None
    task_role = context.role(task_value) if task_value else None
    arns = [role.arn for role in (execution, task_role) if role is not None] + [execution_value, task_value]
    return TaskRoles(execution, execution_value, task_role, task_value, task_place(task, arns))


def _spelled_field(task: TaskDefinition, field_name: str) -> str:
    """`ExecutionRoleArn` or `execution_role_arn` as the file spells it, not the `!If` branch inside it."""
    wanted = field_name.lower()
    tokens = jp.split(task.source_pointer(task.ptr(field_name)))
    return next((token for token in tokens if token.replace("_", "").lower() == wanted), tokens[-1] if tokens else field_name)


def unresolved_roles(task: TaskDefinition) -> list[str]:
    """Role fields the IAM context cannot resolve, for the run summary: a role ARN or name ("add it to --iam"),
    or, for a value known only at deploy time, `${resource field}` naming the resource and field that hold it."""
    roles = roles_of(task)
    if roles is None:
        return []
    owner = getattr(task, "address", "") or getattr(task, "logical_id", "")
    found = []
    for field_name, value, role in ((EXECUTION, roles.execution_value, roles.execution), (TASK, roles.task_value, roles.task)):
        if not value or role is not None:
            continue
        if "${" in value and owner:
            found.append("${" + f"{owner} {_spelled_field(task, field_name)}" + "}")
        else:
            found.append(value)
    return found
