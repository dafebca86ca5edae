"""ECS406: parameters a Windows task definition cannot use, on any capacity and on Fargate.

Facts, verified 2026-11-30:
- Windows on EC2: "Amazon ECS task definition differences for EC2 instances running Windows"
  https://docs.aws.amazon.com/AmazonECS/latest/developerguide/windows_task_definitions.html
- Windows on Fargate: "Windows containers on Fargate considerations" and the Fargate task size table
  https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html ("cpu - For
  Windows containers on AWS Fargate, the value cannot be less than 1 vCPU"),
  https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AWS_Fargate.html ("When you run Windows
  containers on AWS Fargate, you must have the X86_64 CPU architecture"; no FireLens, no EFS volumes;
  "Windows containers on AWS Fargate supports the awslogs driver").
"""

from __future__ import annotations

from ecslint.checks import check
from ecslint.checks.launch import cpu_units
from ecslint.report.findings import Finding
from ecslint.subjects.task_definition import TaskDefinition, takes_effect
from ecslint.subjects.quoting import quote, quote_text

# Container fields Windows containers do not support (windows_task_definitions.html).
WINDOWS_UNSUPPORTED_CONTAINER_FIELDS = (
    "linuxParameters",
    "privileged",
    "readonlyRootFilesystem",
    "user",
    "ulimits",
    "links",
    "disableNetworking",
    "dnsServers",
    "dnsSearchDomains",
    "extraHosts",
)
WINDOWS_UNSUPPORTED_TASK_FIELDS = ("pidMode", "ipcMode", "proxyConfiguration")
BOOLEAN_FIELDS = frozenset({"privileged", "readonlyRootFilesystem", "disableNetworking"})
FARGATE_WINDOWS_MIN_CPU = 1024
FARGATE_WINDOWS_LOG_DRIVER = "awslogs"


def _is_used(field: str, value) -> bool:
    # An explicit false, or an empty list, object or string, asks for nothing, so it does no harm.
    if field in BOOLEAN_FIELDS:
        return value is True
    return takes_effect(value)


@check("ECS406")
def windows_unsupported_parameter(task: TaskDefinition):
    if not task.is_windows:
        return
    system = task.operating_system
    for container in task.containers:
        for field in WINDOWS_UNSUPPORTED_CONTAINER_FIELDS:
            if _is_used(field, container.data.get(field)):
                yield Finding("ECS406", container.ptr(field), f"{container.label}: {quote(field)} is not supported by Windows containers ({quote(system)}).")
    for field in WINDOWS_UNSUPPORTED_TASK_FIELDS:
        if _is_used(field, task.data.get(field)):
            yield Finding("ECS406", task.ptr(field), f"{quote(field)} is not supported for Windows task definitions ({quote(system)}).")
    if task.is_fargate:
        yield from _fargate_windows(task)


def _fargate_windows(task: TaskDefinition):
    cpu = cpu_units(task.data.get("cpu"))
    if cpu is not None and cpu < FARGATE_WINDOWS_MIN_CPU:
        yield Finding("ECS406", task.ptr("cpu"), f"Windows tasks on Fargate need at least 1 vCPU ({FARGATE_WINDOWS_MIN_CPU} CPU units); this task asks for {cpu}.")
    platform = task.get("runtimePlatform", dict) or {}
    if platform.get("cpuArchitecture") == "ARM64":
        yield Finding("ECS406", task.ptr("runtimePlatform", "cpuArchitecture"), "Windows tasks on Fargate run only on `X86_64`, not `ARM64`.")
    for index, volume in enumerate(task.get("volumes", list) or []):
        if isinstance(volume, dict) and _is_used("efsVolumeConfiguration", volume.get("efsVolumeConfiguration")):
            name = f"'{quote_text(volume['name'])}'" if isinstance(volume.get("name"), str) else f"#{index + 1}"
            yield Finding("ECS406", task.ptr("volumes", index, "efsVolumeConfiguration"), f"Volume {name}: EFS volumes are not supported for Windows tasks on Fargate.")
    for container in task.containers:
        if _is_used("firelensConfiguration", container.data.get("firelensConfiguration")):
            yield Finding("ECS406", container.ptr("firelensConfiguration"), f"{container.label}: FireLens (`firelensConfiguration`) is not supported for Windows tasks on Fargate.")
        log = container.get("logConfiguration", dict) or {}
        driver = log.get("logDriver")
        if driver == "awsfirelens":
            yield Finding("ECS406", container.ptr("logConfiguration", "logDriver"), f"{container.label}: FireLens (log driver `awsfirelens`) is not supported for Windows tasks on Fargate; use `awslogs`.")
        elif isinstance(driver, str) and driver != FARGATE_WINDOWS_LOG_DRIVER:
            yield Finding("ECS406", container.ptr("logConfiguration", "logDriver"), f"{container.label}: log driver {quote(driver)} is not supported for Windows tasks on Fargate, which support only `awslogs`.")
