"""The two roles of one task definition, resolved in the run's IAM context, and how messages name them."""

from __future__ import annotations

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


def unresolved_roles(task: TaskDefinition) -> list[str]:
    """Role field values the IAM context cannot resolve, for the run summary ("add them to --iam")."""
    roles = roles_of(task)
    if roles is None:
        return []
    return [value for value, role in ((roles.execution_value, roles.execution), (roles.task_value, roles.task)) if value and role is None]
