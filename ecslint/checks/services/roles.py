"""ECS120-ECS121: the roles a service brings: ECS Exec needs the task role, and roles ECS itself
assumes for the service (EBS, VPC Lattice, blue/green) are neither the task's nor its execution role.

Facts: ECS developer guide, "Monitor Amazon ECS containers with ECS Exec" (the task role needs
`ssmmessages:CreateControlChannel`, `CreateDataChannel`, `OpenControlChannel`, `OpenDataChannel`),
"Amazon ECS infrastructure IAM role" (trusted by `ecs.amazonaws.com`), botocore ECS model 1.44.8
(ServiceManagedEBSVolumeConfiguration.roleArn, VpcLatticeConfiguration.roleArn,
AdvancedConfiguration.roleArn, DeploymentLifecycleHook.roleArn), 2026-12.
"""

from __future__ import annotations

from collections.abc import Iterator

from ecslint.checks import check
from ecslint.report.findings import Finding, Related
from ecslint.subjects.quoting import quote, quote_text
from ecslint.subjects.service import Service, get
from ecslint.subjects.task_definition import dict_entries


# What the SSM agent in the task calls with the task role for ECS Exec (ECS developer guide, "ecs-exec.html", 2026-12).
EXEC_ACTIONS = ("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel")


def _missing_exec_actions(task) -> tuple[str, list[str]] | None:
    """(role name, the ECS Exec actions its known policies do not allow), when the task role's policies are all known."""
    if task.iam is None:
        return None
    from ecslint.iam.patterns import Arn
    from ecslint.iam.task_roles import roles_of

    roles = roles_of(task)
    role = roles.task if roles is not None else None
    if role is None or not role.complete:
        return None
    anywhere = [Arn.build(role.partition, "ssmmessages", None, role.account, "*")]
    return role.name, [action for action in EXEC_ACTIONS if not role.permissions.decide(action, anywhere).outcome.may_allow]


@check("ECS120", subject=Service)
def exec_command_needs_task_role(service: Service) -> Iterator[Finding]:
    if service.get("enableExecuteCommand") is not True:
        return
    task = service.task_definition()
    if task is None or not task.knows_task_fields:
        return
    if "taskRoleArn" in task.data:
        known_role = _missing_exec_actions(task)
        if known_role is not None and known_role[1]:
            name, missing = known_role
            listed = ", ".join(quote(action) for action in missing)
            message = (
                f"{service.label} enables ECS Exec, but the task role '{quote_text(name)}' does not allow {listed}; "
                "`aws ecs execute-command` fails until the task role's policy allows the four `ssmmessages` actions (on `*`)."
            )
            yield Finding("ECS120", service.ptr("enableExecuteCommand"), message, related=(Related(task.document, task.ptr("taskRoleArn"), "The task role"),))
        return
    message = (
        f"{service.label} enables ECS Exec (`enableExecuteCommand: true`), but its task definition has no `taskRoleArn`; "
        "the SSM agent in the task needs a task role allowing `ssmmessages:CreateControlChannel`, `CreateDataChannel`, "
        "`OpenControlChannel` and `OpenDataChannel`, or `aws ecs execute-command` fails."
    )
    yield Finding("ECS120", service.ptr("enableExecuteCommand"), message, related=(Related(task.document, task.pointer or "", "The task definition"),))


def _infrastructure_roles(service: Service) -> Iterator[tuple[str, str, str]]:
    """(role value, pointer, what uses it) for each role ECS itself assumes on the service's behalf."""
    for index, entry in service.items("volumeConfigurations"):
        volume = get(entry, "managedEBSVolume", dict) or {}
        yield volume.get("roleArn"), service.ptr("volumeConfigurations", index, "managedEBSVolume", "roleArn"), "the managed EBS volume"
    for index, entry in service.items("vpcLatticeConfigurations"):
        yield entry.get("roleArn"), service.ptr("vpcLatticeConfigurations", index, "roleArn"), "VPC Lattice"
    for index, entry in service.load_balancers:
        advanced = get(entry, "advancedConfiguration", dict) or {}
        yield advanced.get("roleArn"), service.ptr("loadBalancers", index, "advancedConfiguration", "roleArn"), "blue/green traffic shifting"
    for index, hook in dict_entries(service.deployment.get("lifecycleHooks")):
        yield hook.get("roleArn"), service.ptr("deploymentConfiguration", "lifecycleHooks", index, "roleArn"), "the lifecycle hook"


# The principal ECS itself uses for infrastructure roles (ECS developer guide, "Amazon ECS infrastructure IAM role", 2026-12).
ECS_PRINCIPALS = frozenset({"ecs.amazonaws.com", "ecs.amazonaws.com.cn"})


def _may_trust_ecs(role) -> bool:
    """False only when no statement of the role's trust policy can let `ecs.amazonaws.com` assume it."""
    for statement in role.trust.statements:
        if not statement.is_allow or not statement.matches_action("sts:AssumeRole"):
            continue
        principal = statement.principal
        if statement.not_principal is not None or principal == "*" or not isinstance(principal, dict):
            return True
        services = principal.get("Service")
        services = [services] if isinstance(services, str) else services if isinstance(services, list) else []
        aws = principal.get("AWS")
        if any(isinstance(name, str) and name.lower() in ECS_PRINCIPALS for name in services) or aws == "*" or (isinstance(aws, list) and "*" in aws):
            return True
    return False


def _untrusting_role(task, value: str):
    """The role named by value when the run knows its trust policy and that policy does not trust ECS; else None."""
    context = task.iam
    find = getattr(context, "role", None)
    role = find(value) if find is not None and isinstance(value, str) and value else None
    if role is None or getattr(role, "trust", None) is None:
        return None
    return None if _may_trust_ecs(role) else role


@check("ECS121", subject=Service)
def infrastructure_role_misused(service: Service) -> Iterator[Finding]:
    task = service.task_definition()
    if task is None:
        return
    task_roles = {task.get(key, str): key for key in ("executionRoleArn", "taskRoleArn") if task.get(key, str)}
    for role, pointer, user in _infrastructure_roles(service):
        # Identical text names the same role, even a reference not yet resolved (`${aws_iam_role.task.arn}`).
        if isinstance(role, str) and role in task_roles:
            which = "execution role" if task_roles[role] == "executionRoleArn" else "task role"
            message = (
                f"{service.label} gives {user} the task definition's {which} as `roleArn`; that role is ECS's own (infrastructure) role, "
                f"trusted by `ecs.amazonaws.com`, while the {which} is trusted by `ecs-tasks.amazonaws.com` and must not carry ECS's permissions. "
                "Use a separate infrastructure role."
            )
            yield Finding("ECS121", pointer, message, related=(Related(task.document, task.ptr(task_roles[role]), f"The {which}"),))
        elif (untrusting := _untrusting_role(task, role)) is not None:
            message = (
                f"{service.label} gives {user} the role '{quote_text(untrusting.name)}', whose trust policy does not let `ecs.amazonaws.com` "
                "assume it; ECS cannot use it. Trust `ecs.amazonaws.com` in that role, or use the ECS infrastructure role."
            )
            location = untrusting.trust.location
            yield Finding("ECS121", pointer, message, related=(Related(location.document, location.pointer, "The trust policy"),))
