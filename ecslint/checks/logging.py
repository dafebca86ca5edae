"""ECS701-ECS703: whether each container's logs and health are visible to ECS.

Facts: Security Hub ECS.9 (https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html),
the LogConfiguration options of the ECS API reference
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html: `awslogs-group`
"Required: Yes", `awslogs-region` "Required: Yes", `awslogs-stream-prefix` "Required: Yes, when
using Fargate"), the Fargate awslogs logger (https://github.com/aws/shim-loggers-for-containerd,
README: `awslogs-region` required) and Docker's awslogs driver, which on an EC2 instance falls back
to the instance's region (https://docs.docker.com/engine/logging/drivers/awslogs/), verified 2026-11-30.
"""

from __future__ import annotations

from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.task_definition import Container, TaskDefinition
from ecslint.subjects.quoting import quote


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@check("ECS701")
def missing_log_configuration(task: TaskDefinition):
    for container in task.containers:
        log = container.data.get("logConfiguration")
        if log is None:
            message = (
                f"{container.label}: no `logConfiguration`, so its output goes wherever the instance's Docker daemon sends it "
                "(on Fargate: nowhere) and is lost with the task (Security Hub ECS.9); configure `awslogs` or `awsfirelens`."
            )
            yield Finding("ECS701", container.ptr("logConfiguration"), message)
        elif isinstance(log, dict) and _is_missing(log.get("logDriver")):
            message = f"{container.label}: `logConfiguration` has no `logDriver`, so no log driver is configured (Security Hub ECS.9); set `logDriver`, for example `awslogs`."
            yield Finding("ECS701", container.ptr("logConfiguration", "logDriver"), message)


@check("ECS702")
def missing_health_check(task: TaskDefinition):
    for container in task.containers:
        if container.essential and container.data.get("healthCheck") is None:
            message = (
                f"{container.label}: essential container without a `healthCheck`, so ECS only notices when the process exits, not when it hangs; "
                "add a `healthCheck` command (other containers can then wait for it with `dependsOn: HEALTHY`)."
            )
            yield Finding("ECS702", container.ptr("healthCheck"), message)


# What goes wrong without each option. RegisterTaskDefinition itself rejects a Fargate task
# without the stream prefix (ClientException "Fargate requires log configuration options to include
# awslogs-stream-prefix to support log driver awslogs", aws/aws-cdk issue 1422).
START_FAILS = "without it the container fails to start"
REGISTRATION_FAILS = "without it ECS rejects the task definition"


def _required_awslogs_options(task: TaskDefinition) -> list[tuple[str, str, str]]:
    """(option, what it names, what happens without it), in the order messages list them."""
    required = [("awslogs-group", "the log group to write to", START_FAILS)]
    if task.is_fargate:
        # Fargate has no instance whose region Docker could fall back to, and its logger requires the option.
        required.append(("awslogs-region", "the log group's region, required on Fargate", START_FAILS))
        required.append(("awslogs-stream-prefix", "the log stream name prefix, required on Fargate", REGISTRATION_FAILS))
    return required


def _awslogs_findings(task: TaskDefinition, container: Container):
    log = container.get("logConfiguration", dict) or {}
    if log.get("logDriver") != "awslogs":
        return
    options = log.get("options")
    if options is not None and not isinstance(options, dict):
        return  # a wrong type is ECS002's finding
    options = options or {}
    for name, purpose, consequence in _required_awslogs_options(task):
        if _is_missing(options.get(name)):
            message = f"{container.label}: the `awslogs` log driver needs the {quote(name)} option ({purpose}); {consequence}."
            yield Finding("ECS703", container.ptr("logConfiguration", "options", name), message)


@check("ECS703")
def awslogs_incomplete(task: TaskDefinition):
    for container in task.containers:
        yield from _awslogs_findings(task, container)
