"""ECS408: features AWS retired, and features used where the API does not take them.

Facts, from the botocore 1.44.8 ECS model (2026-11) unless noted:
- Elastic Inference: retired on 2024-04-15 ("Amazon Elastic Inference is no longer available",
  developer guide, ecs-inference.html, 2026-11); `inferenceAccelerators` and `InferenceAccelerator`
  requirements are rejected.
- `ephemeralStorage`: "for tasks hosted on Fargate" (RegisterTaskDefinitionRequest.ephemeralStorage).
- Fault injection: tasks in `awsvpc` or `host` mode on Linux (developer guide, "Use fault injection
  with your Amazon ECS and Fargate workloads", fault-injection.html, 2026-11).
- ResourceRequirement: for a GPU "specify either value or sharingStrategy, but not both"; "the
  containers in a task that request GPUs must all use the same option"; "only one container in a task
  can specify NeuronDevice resources".
- Volume.configuredAtLaunch: "each task definition revision may only have one volume configured at launch".
- ContainerRestartPolicy: at most 50 `ignoredExitCodes`; `restartAttemptPeriod` from 60 to 1800 seconds.
"""

from __future__ import annotations

from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.task_definition import TaskDefinition, dict_entries, takes_effect
from ecslint.subjects.quoting import quote

RESTART_ATTEMPT_PERIOD = (60, 1800)
MAX_IGNORED_EXIT_CODES = 50


def _gpu_option(requirement: dict) -> str | None:
    """How a GPU requirement asks for GPUs: by count (`value`) or shared (`sharingStrategy`); None when neither."""
    if requirement.get("type") != "GPU":
        return None
    return "sharingStrategy" if takes_effect(requirement.get("sharingStrategy")) else ("value" if requirement.get("value") is not None else None)


def _retired_inference(task: TaskDefinition):
    if task.knows_task_fields and takes_effect(task.data.get("inferenceAccelerators")):
        yield Finding("ECS408", task.ptr("inferenceAccelerators"), "Amazon Elastic Inference was retired in April 2024; ECS rejects `inferenceAccelerators`.")
    for container in task.containers:
        for index, requirement in container.items("resourceRequirements"):
            if requirement.get("type") == "InferenceAccelerator":
                yield Finding("ECS408", container.ptr("resourceRequirements", index), f"{container.label}: Amazon Elastic Inference was retired in April 2024; ECS rejects `InferenceAccelerator` requirements.")


def _task_level(task: TaskDefinition):
    if not task.knows_task_fields:
        return
    compatibilities = task.requires_compatibilities
    # Without `requiresCompatibilities` ECS works out itself whether the task can run on Fargate.
    if takes_effect(task.data.get("ephemeralStorage")) and compatibilities and "FARGATE" not in compatibilities:
        yield Finding("ECS408", task.ptr("ephemeralStorage"), "`ephemeralStorage` applies to Fargate tasks only, and this task definition does not require `FARGATE`.")
    if task.data.get("enableFaultInjection") is True:
        if task.is_windows:
            yield Finding("ECS408", task.ptr("enableFaultInjection"), "Fault injection works on Linux tasks only; this task runs Windows containers.")
        elif task.network_mode in ("bridge", "none"):
            yield Finding("ECS408", task.ptr("enableFaultInjection"), f"Fault injection needs `networkMode` `awsvpc` or `host`, not {quote(task.network_mode)}.")
    at_launch = [index for index, volume in dict_entries(task.data.get("volumes")) if volume.get("configuredAtLaunch") is True]
    for index in at_launch[1:]:
        yield Finding("ECS408", task.ptr("volumes", index, "configuredAtLaunch"), "Only one volume of a task definition can be `configuredAtLaunch`; ECS rejects a second one.")


def _resource_requirements(task: TaskDefinition):
    first_gpu_option = None
    neuron_containers = 0
    for container in task.containers:
        uses_neuron = False
        for index, requirement in container.items("resourceRequirements"):
            pointer = container.ptr("resourceRequirements", index)
            if requirement.get("type") == "NeuronDevice":
                uses_neuron = True
            if requirement.get("type") == "GPU" and requirement.get("value") is not None and takes_effect(requirement.get("sharingStrategy")):
                yield Finding("ECS408", pointer, f"{container.label}: a GPU requirement takes either `value` or `sharingStrategy`, not both.")
                continue
            option = _gpu_option(requirement)
            if option is None:
                continue
            if first_gpu_option is None:
                first_gpu_option = option
            elif option != first_gpu_option:
                yield Finding("ECS408", pointer, f"{container.label}: GPU containers of one task must all ask the same way; this one uses {quote(option)}, an earlier one {quote(first_gpu_option)}.")
        if uses_neuron:
            neuron_containers += 1
            if neuron_containers > 1:
                yield Finding("ECS408", container.ptr("resourceRequirements"), f"{container.label}: only one container in a task can use `NeuronDevice` resources.")


def _restart_policies(task: TaskDefinition):
    low, high = RESTART_ATTEMPT_PERIOD
    for container in task.containers:
        policy = container.get("restartPolicy", dict)
        if policy is None:
            continue
        period = policy.get("restartAttemptPeriod")
        if isinstance(period, int) and not isinstance(period, bool) and not low <= period <= high:
            yield Finding("ECS408", container.ptr("restartPolicy", "restartAttemptPeriod"), f"{container.label}: `restartAttemptPeriod` must be from {low} to {high} seconds, not {period}.")
        codes = policy.get("ignoredExitCodes")
        if isinstance(codes, list) and len(codes) > MAX_IGNORED_EXIT_CODES:
            yield Finding("ECS408", container.ptr("restartPolicy", "ignoredExitCodes"), f"{container.label}: `ignoredExitCodes` can hold at most {MAX_IGNORED_EXIT_CODES} exit codes, not {len(codes)}.")


@check("ECS408")
def retired_or_misplaced_feature(task: TaskDefinition):
    yield from _retired_inference(task)
    yield from _task_level(task)
    yield from _resource_requirements(task)
    yield from _restart_policies(task)
