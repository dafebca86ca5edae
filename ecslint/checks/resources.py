"""ECS403-ECS405: how the containers of one task share its memory, who is essential, and start-up order.

Facts: ECS API reference, ContainerDefinition `memory`/`memoryReservation`/`essential` and
ContainerDependency (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html,
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html), verified 2026-11-30.
The quoted RegisterTaskDefinition errors are as users reported them: pulumi/pulumi-awsx#188 (container
`memory` above the task's), cloudnativedaysjp/dreamkast-infra#4766 (reservations above the task's),
aws/aws-cli#4453 (no memory anywhere).
"""

from __future__ import annotations

from ecslint.checks import check
from ecslint.checks.launch import memory_mib
from ecslint.report.findings import Finding
from ecslint.subjects.task_definition import Container, TaskDefinition
from ecslint.subjects.quoting import quote, quote_text


def _positive_mib(value) -> int | None:
    mib = memory_mib(value)
    return mib if mib and mib > 0 else None


def _reserved_mib(container: Container) -> int | None:
    """What ECS sets aside for the container: `memoryReservation` when set, else `memory`."""
    return _positive_mib(container.data.get("memoryReservation")) or _positive_mib(container.data.get("memory"))


def _needs_container_memory(task: TaskDefinition) -> bool:
    """Launch types where a task without task-level memory needs it on every container.

    RegisterTaskDefinition rejects such a container whatever the launch type ("Invalid setting for
    container 'x'. At least one of 'memory' or 'memoryReservation' must be specified.", aws/aws-cli#4453);
    on Fargate the missing task memory is already ECS401's finding, so it is not repeated here.
    """
    return task.knows_task_fields and not task.is_fargate


@check("ECS403")
def container_memory_exceeds_task(task: TaskDefinition):
    if not task.knows_task_fields:
        return
    raw_task_memory = task.data.get("memory")
    if raw_task_memory is None:
        if not _needs_container_memory(task):
            return
        for container in task.containers:
            if container.data.get("memory") is None and container.data.get("memoryReservation") is None:
                message = (
                    f"{container.label}: sets neither `memory` nor `memoryReservation`, and the task has no `memory`. "
                    "RegisterTaskDefinition fails with \"At least one of 'memory' or 'memoryReservation' must be specified.\""
                )
                yield Finding("ECS403", container.pointer, message)
        return
    task_memory = memory_mib(raw_task_memory)
    if task_memory is None:
        return  # unreadable or templated: ECS401/ECS002 say so
    too_big = False
    for container in task.containers:
        for field in ("memory", "memoryReservation"):
            value = _positive_mib(container.data.get(field))
            if value is not None and value > task_memory:
                too_big = True
                error = (
                    f"The 'memory' setting for container '{quote_text(container.name)}' is greater than for the task."
                    if field == "memory"
                    else "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'."
                )
                message = f"{container.label}: {quote(field)} is {value} MiB, above the task's `memory` of {task_memory} MiB. RegisterTaskDefinition fails with \"{error}\""
                yield Finding("ECS403", container.ptr(field), message)
    reserved = [(container, mib) for container in task.containers if (mib := _reserved_mib(container))]
    total = sum(mib for _, mib in reserved)
    if not too_big and len(reserved) > 1 and total > task_memory:
        parts = " + ".join(f"{mib} for '{quote_text(container.name or container.index + 1)}'" for container, mib in reserved)
        message = (
            f"The containers reserve {total} MiB ({parts}), more than the task's `memory` of {task_memory} MiB; "
            "each container reserves its `memoryReservation`, or its `memory` when no reservation is set."
        )
        yield Finding("ECS403", task.ptr("memory"), message)


@check("ECS404")
def no_essential_container(task: TaskDefinition):
    containers = task.containers
    if containers and not any(container.essential for container in containers):
        message = "No container is essential: every container sets `essential: false`, but a task needs at least one essential container (containers are essential unless they say otherwise)."
        yield Finding("ECS404", containers[0].ptr("essential"), message)


def _dependencies(container: Container) -> list[tuple[int, str, str | None]]:
    """(index, containerName, condition) for each well-formed `dependsOn` entry."""
    return [(index, entry["containerName"], entry.get("condition")) for index, entry in container.items("dependsOn") if isinstance(entry.get("containerName"), str)]


def _find_cycles(task: TaskDefinition) -> list[tuple[Container, int, list[str]]]:
    """Each `dependsOn` entry that closes a cycle: (container, entry index, the names around the cycle)."""
    by_name = {c.name: c for c in task.containers if c.name}
    state: dict[str, str] = {}  # name -> "open" while on the path, "done" after
    closing: list[tuple[Container, int, list[str]]] = []

    # A depth-first search with its own stack: a chain of a thousand containers must not exhaust Python's.
    for start in by_name:
        if start in state:
            continue
        path: list[str] = [start]
        position = {start: 0}  # name -> index in path, for the names on it
        pending = [iter(_dependencies(by_name[start]))]
        state[start] = "open"
        while pending:
            name = path[-1]
            step = next(pending[-1], None)
            if step is None:
                state[name] = "done"
                del position[name]
                path.pop()
                pending.pop()
                continue
            index, target, _ = step
            if target not in by_name:
                continue
            if state.get(target) == "open":
                closing.append((by_name[name], index, path[position[target] :] + [target]))
            elif target not in state:
                state[target] = "open"
                position[target] = len(path)
                path.append(target)
                pending.append(iter(_dependencies(by_name[target])))
    return closing


@check("ECS405")
def invalid_depends_on(task: TaskDefinition):
    by_name = {c.name: c for c in task.containers if c.name}
    for container in task.containers:
        for index, target, condition in _dependencies(container):
            if target not in by_name:
                known = ", ".join(f"'{quote_text(name)}'" for name in by_name) or "none"
                message = f"{container.label}: `dependsOn[{index}]` names container '{quote_text(target)}', which is not in this task definition (containers: {known})."
                yield Finding("ECS405", container.ptr("dependsOn", index, "containerName"), message)
            elif condition == "HEALTHY" and not by_name[target].get("healthCheck", dict):
                message = f"{container.label}: `dependsOn[{index}]` waits for '{quote_text(target)}' to be `HEALTHY`, but '{quote_text(target)}' has no `healthCheck`, so it never becomes healthy."
                yield Finding("ECS405", container.ptr("dependsOn", index, "condition"), message)
    for container, index, cycle in _find_cycles(task):
        loop = " -> ".join(f"'{quote_text(name)}'" for name in cycle)
        message = f"{container.label}: `dependsOn[{index}]` closes a dependency cycle ({loop}); none of these containers can start."
        yield Finding("ECS405", container.ptr("dependsOn", index, "containerName"), message)
