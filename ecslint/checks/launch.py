"""ECS401-ECS402: what Fargate accepts as task size and parameters.

Facts: "Amazon ECS task definition differences for Fargate"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html) and the
task size table (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html),
verified 2026-11-30; the 32 vCPU size, Linux only, from the same table as of 2026-11 (the botocore 1.44.8
model text for `RegisterTaskDefinition.memory` does not list it yet).
"""

from __future__ import annotations

import math
import re

from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.task_definition import TaskDefinition, takes_effect
from ecslint.subjects.quoting import quote, quote_text

# CPU units -> valid memory sizes in MiB (first, last, step).
FARGATE_SIZES: dict[int, tuple[int, int, int]] = {
    256: (512, 2048, 512),  # 512 MiB, 1 GB, 2 GB
    512: (1024, 4096, 1024),
    1024: (2048, 8192, 1024),
    2048: (4096, 16384, 1024),
    4096: (8192, 30720, 1024),
    8192: (16384, 61440, 4096),  # Linux platform version 1.4.0 or later
    16384: (32768, 122880, 8192),  # Linux platform version 1.4.0 or later
}
# Sizes offered as a short list rather than a range: CPU units -> the memory sizes in MiB.
# Source: ECS developer guide, "Task CPU and memory" (fargate-tasks-services.html#fargate-tasks-size), 2026-11:
# 32 vCPU with exactly 60, 120 or 244 GB, Linux only.
FARGATE_LISTED_SIZES: dict[int, tuple[int, ...]] = {32768: (61440, 122880, 249856)}
# Sizes Windows containers on Fargate cannot use (the same page: "Linux only").
FARGATE_LINUX_ONLY_CPU = frozenset({32768})

# Log drivers Fargate accepts (Linux; Windows accepts awslogs only, see ECS406).
FARGATE_LOG_DRIVERS = ("awslogs", "splunk", "awsfirelens")
FARGATE_ADDABLE_CAPABILITIES = ("SYS_PTRACE", "CAP_SYS_PTRACE")
# Container fields Fargate rejects (checked when set to a non-empty / true value).
FARGATE_INVALID_CONTAINER_FIELDS = ("privileged", "links", "disableNetworking", "dnsServers", "dnsSearchDomains", "extraHosts", "dockerSecurityOptions")
FARGATE_INVALID_LINUX_PARAMETERS = ("devices", "sharedMemorySize", "tmpfs", "maxSwap", "swappiness")

# Each part can match a character in one way only, so hostile values cost linear time (no
# `\d*\.?\d+` or `\s*(unit)?\s*`, which backtrack quadratically on long digit or space runs).
_CPU_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:(vcpus?)\s*)?$", re.I)
_MEMORY_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:(gb|gib|mb|mib)\s*)?$", re.I)


def _whole(number: float, per_unit: int) -> int | None:
    """`number` units as whole CPU units or MiB; None when too large for a float (a 309-digit string is inf)."""
    if not math.isfinite(number * per_unit):
        return None
    return round(number * per_unit) if per_unit != 1 else int(number)


def cpu_units(value) -> int | None:
    """`1024`, `"1024"`, `"1 vCPU"`, `"1vcpu"`, `"0.25 vcpu"` -> CPU units; None when unreadable."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _CPU_TEXT.match(value) if isinstance(value, str) else None
    if not match:
        return None
    number = float(match.group(1))
    return _whole(number, 1024 if match.group(2) else 1)


def memory_mib(value) -> int | None:
    """`2048`, `"2048"`, `"2 GB"`, `"2GB"`, `"0.5GB"` -> MiB; None when unreadable."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _MEMORY_TEXT.match(value) if isinstance(value, str) else None
    if not match:
        return None
    number = float(match.group(1))
    unit = (match.group(2) or "").lower()
    return _whole(number, 1024 if unit in ("gb", "gib") else 1)


def _describe_memory_options(cpu: int) -> str:
    if cpu in FARGATE_LISTED_SIZES:
        *rest, last = (str(size) for size in FARGATE_LISTED_SIZES[cpu])
        return f"{', '.join(rest)} or {last} MiB"
    first, last, step = FARGATE_SIZES[cpu]
    return f"{first} to {last} MiB in steps of {step}"


def fargate_offers(cpu: int, memory: int) -> bool:
    if cpu in FARGATE_LISTED_SIZES:
        return memory in FARGATE_LISTED_SIZES[cpu]
    if cpu not in FARGATE_SIZES:
        return False
    first, last, step = FARGATE_SIZES[cpu]
    return first <= memory <= last and (memory - first) % step == 0


def _vcpu(units: int) -> str:
    return f"{units / 1024:g} vCPU"


@check("ECS401")
def fargate_invalid_cpu_memory(task: TaskDefinition):
    if not task.is_fargate:
        return
    raw_cpu, raw_memory = task.data.get("cpu"), task.data.get("memory")
    missing = [name for name, value in (("cpu", raw_cpu), ("memory", raw_memory)) if value is None]
    if missing:
        names = " and ".join(f"{quote(name)}" for name in missing)
        yield Finding("ECS401", task.ptr(missing[0]) if len(missing) == 1 else task.pointer, f"Fargate tasks need task-level {names}; this task definition does not set {'it' if len(missing) == 1 else 'them'}.")
        return
    cpu, memory = cpu_units(raw_cpu), memory_mib(raw_memory)
    if cpu is None:
        yield Finding("ECS401", task.ptr("cpu"), "Task `cpu` is not a CPU value ECS understands; write CPU units (`\"1024\"`) or vCPUs (`\"1 vCPU\"`).")
        return
    if memory is None:
        yield Finding("ECS401", task.ptr("memory"), "Task `memory` is not a memory value ECS understands; write MiB (`\"2048\"`) or GB (`\"2 GB\"`).")
        return
    if cpu not in FARGATE_SIZES and cpu not in FARGATE_LISTED_SIZES:
        offered = ", ".join(str(units) for units in sorted({*FARGATE_SIZES, *FARGATE_LISTED_SIZES}))
        yield Finding("ECS401", task.ptr("cpu"), f"Fargate does not offer {cpu} CPU units; valid task `cpu` values are {offered}.")
        return
    if cpu in FARGATE_LINUX_ONLY_CPU and task.is_windows:
        yield Finding("ECS401", task.ptr("cpu"), f"Fargate offers {_vcpu(cpu)} ({cpu} CPU units) to Linux tasks only; this task runs Windows containers.")
        return
    if not fargate_offers(cpu, memory):
        message = f"Fargate does not offer {memory} MiB of memory with {_vcpu(cpu)} ({cpu} CPU units); with that `cpu`, `memory` must be {_describe_memory_options(cpu)}."
        yield Finding("ECS401", task.ptr("memory"), message)


@check("ECS402")
def fargate_unsupported_parameter(task: TaskDefinition):
    if not task.is_fargate:
        return
    for container in task.containers:
        label = container.label
        for field in FARGATE_INVALID_CONTAINER_FIELDS:
            if takes_effect(container.data.get(field)):
                yield Finding("ECS402", container.ptr(field), f"{label}: {quote(field)} is not supported on Fargate.")
        linux = container.get("linuxParameters", dict) or {}
        for field in FARGATE_INVALID_LINUX_PARAMETERS:
            if takes_effect(linux.get(field)):
                yield Finding("ECS402", container.ptr("linuxParameters", field), f"{label}: `linuxParameters.{field}` is not supported on Fargate.")
        capabilities = linux.get("capabilities")
        added = capabilities.get("add") if isinstance(capabilities, dict) else None
        for index, name in enumerate(added if isinstance(added, list) else []):
            if isinstance(name, str) and name.upper() not in FARGATE_ADDABLE_CAPABILITIES:
                yield Finding("ECS402", container.ptr("linuxParameters", "capabilities", "add", index), f"{label}: Fargate can only add the `SYS_PTRACE` capability, not {quote(name)}.")
        for index, requirement in container.items("resourceRequirements"):
            if requirement.get("type") == "GPU":
                yield Finding("ECS402", container.ptr("resourceRequirements", index), f"{label}: GPU `resourceRequirements` are not supported on Fargate.")
        log = container.get("logConfiguration", dict) or {}
        driver = log.get("logDriver")
        # Windows tasks accept awslogs only: ECS406 reports their log drivers.
        if isinstance(driver, str) and driver not in FARGATE_LOG_DRIVERS and not task.is_windows:
            allowed = ", ".join(f"{quote(name)}" for name in FARGATE_LOG_DRIVERS)
            yield Finding("ECS402", container.ptr("logConfiguration", "logDriver"), f"{label}: log driver {quote(driver)} is not supported on Fargate; use {allowed}.")
    for index, volume in enumerate(task.get("volumes", list) or []):
        if not isinstance(volume, dict):
            continue
        label = f"Volume '{quote_text(volume['name'])}'" if isinstance(volume.get("name"), str) else f"Volume #{index + 1}"
        host = volume.get("host")
        if isinstance(host, dict) and takes_effect(host.get("sourcePath")):
            yield Finding("ECS402", task.ptr("volumes", index, "host", "sourcePath"), f"{label}: host paths (`host.sourcePath`) are not supported on Fargate; use a bind mount without a source path, EFS, or ephemeral storage.")
        if takes_effect(volume.get("dockerVolumeConfiguration")):
            yield Finding("ECS402", task.ptr("volumes", index, "dockerVolumeConfiguration"), f"{label}: `dockerVolumeConfiguration` is not supported on Fargate.")
    if takes_effect(task.data.get("placementConstraints")):
        yield Finding("ECS402", task.ptr("placementConstraints"), "`placementConstraints` are not supported on Fargate.")
    if takes_effect(task.data.get("ipcMode")):
        yield Finding("ECS402", task.ptr("ipcMode"), "`ipcMode` is not supported on Fargate.")
    if task.data.get("pidMode") == "host":
        yield Finding("ECS402", task.ptr("pidMode"), "`pidMode: host` is not supported on Fargate; only `task` is.")
