"""ECS407: what ECS Managed Instances accept, and trusted execution, which only they offer.

Facts:
- Network modes `awsvpc`, `host` and `none`, no `bridge`: ECS API reference,
  ManagedInstancesNetworkConfiguration, and the developer guide, "Amazon ECS task networking for
  Amazon ECS Managed Instances" (managed-instance-networking.html), 2026-11.
- Linux only: developer guide, "Amazon ECS Managed Instances" (ManagedInstances.html), 2026-11.
- `trustedExecutionConfiguration`: botocore 1.44.8 ECS model, TrustedExecutionConfiguration ("Trusted
  execution is supported only for Amazon ECS Managed Instances"; `attestationPolicy` "is required when
  isolationMode is CONFIDENTIAL_SANDBOX"), 2026-11.
"""

from __future__ import annotations

from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.quoting import quote
from ecslint.subjects.task_definition import TaskDefinition, takes_effect

MANAGED_INSTANCES = "MANAGED_INSTANCES"


@check("ECS407")
def managed_instances_unsupported(task: TaskDefinition):
    if not task.knows_task_fields:
        return
    on_managed_instances = MANAGED_INSTANCES in task.requires_compatibilities
    if on_managed_instances and task.get("networkMode") == "bridge":
        yield Finding("ECS407", task.ptr("networkMode"), "ECS Managed Instances do not offer `networkMode: bridge`; use `awsvpc` (their default), `host` or `none`.")
    if on_managed_instances and task.is_windows:
        yield Finding("ECS407", task.ptr("runtimePlatform", "operatingSystemFamily"), f"ECS Managed Instances run Linux tasks only, not {quote(task.operating_system)}.")
    trusted = task.get("trustedExecutionConfiguration", dict)
    if trusted is None:
        return
    if not on_managed_instances:
        yield Finding("ECS407", task.ptr("trustedExecutionConfiguration"), "`trustedExecutionConfiguration` works on ECS Managed Instances only; add `MANAGED_INSTANCES` to `requiresCompatibilities` or remove it.")
    if trusted.get("isolationMode") == "CONFIDENTIAL_SANDBOX" and not takes_effect(trusted.get("attestationPolicy")):
        yield Finding("ECS407", task.ptr("trustedExecutionConfiguration"), "`isolationMode: CONFIDENTIAL_SANDBOX` needs an `attestationPolicy`; the API rejects the task definition without one.")
