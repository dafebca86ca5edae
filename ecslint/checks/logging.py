"""ECS701-ECS703: whether each container's logs and health are visible to ECS.

Facts: Security Hub ECS.9 (https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html),
the LogConfiguration options of the ECS API reference
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html: `awslogs-group`
"Required: Yes", `awslogs-region` "Required: Yes", `awslogs-stream-prefix` "Required: Yes, when
using Fargate"), the Fargate awslogs logger (https://github.com/aws/shim-loggers-for-containerd,
README: `awslogs-region` required) and Docker's awslogs driver, which on an EC2 instance falls back
to the instance's region (https://docs.docker.com/engine/logging/drivers/awslogs/), verified 2026-11-30.
The options the driver accepts and their values: see AWSLOGS_OPTIONS below.
"""

from __future__ import annotations

from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.placeholders import is_templated
from ecslint.subjects.quoting import quote
from ecslint.subjects.task_definition import Container, TaskDefinition
from ecslint.subjects.quoting import quote

# Options the awslogs driver accepts. Source: Docker's awslogs driver, ValidateLogOpt in moby
# daemon/logger/awslogs/cloudwatchlogs.go (`tag`, `awslogs-group`, `-stream`, `-create-group`,
# `-create-stream`, `-region`, `-endpoint`, `-datetime-format`, `-datetime-as-event-time`,
# `-datetime-timezone`, `-multiline-pattern`, `-credentials-endpoint`, `-force-flush-interval-seconds`,
# `-max-buffered-events`, `-format`); `mode` and `max-buffer-size`, which Docker takes for every driver;
# and `awslogs-stream-prefix`, which ECS turns into the stream name (botocore 1.44.8 ECS model,
# LogConfiguration.options). Checked 2026-11.
AWSLOGS_OPTIONS = frozenset(
    {
        "awslogs-group", "awslogs-region", "awslogs-stream-prefix", "awslogs-stream", "awslogs-create-group",
        "awslogs-create-stream", "awslogs-endpoint", "awslogs-datetime-format", "awslogs-datetime-as-event-time",
        "awslogs-datetime-timezone", "awslogs-multiline-pattern", "awslogs-credentials-endpoint",
        "awslogs-force-flush-interval-seconds", "awslogs-max-buffered-events", "awslogs-format", "tag", "mode", "max-buffer-size",
    }
)
# `mode` values (botocore 1.44.8 ECS model: "Valid values: non-blocking | blocking").
LOG_MODES = ("blocking", "non-blocking")
# Go's strconv.ParseBool, which the driver reads `awslogs-create-group`/`-create-stream` with.
_GO_BOOLEANS = frozenset({"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"})
_BOOLEAN_OPTIONS = ("awslogs-create-group", "awslogs-create-stream")
_POSITIVE_INTEGER_OPTIONS = ("awslogs-force-flush-interval-seconds", "awslogs-max-buffered-events")


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
    yield from _awslogs_option_values(container, options)


def _awslogs_option_values(container: Container, options: dict):
    """Option names the driver does not know and values it rejects: Docker refuses to start the container."""
    label = container.label

    def at(name: str) -> str:
        return container.ptr("logConfiguration", "options", name)

    def given(name: str):
        value = options.get(name)
        return value if isinstance(value, str) and not is_templated(value) else None

    for name in sorted(options):
        if name not in AWSLOGS_OPTIONS and not is_templated(name):
            yield Finding("ECS703", at(name), f"{label}: {quote(name)} is not an option of the `awslogs` log driver, which refuses to start the container with it.")
    mode = given("mode")
    if mode is not None and mode not in LOG_MODES:
        yield Finding("ECS703", at("mode"), f"{label}: log `mode` must be `blocking` or `non-blocking`, not {quote(mode)}.")
    if mode == "blocking" and "max-buffer-size" in options:
        yield Finding("ECS703", at("max-buffer-size"), f"{label}: `max-buffer-size` works only with `mode: non-blocking`, and this container sets `mode: blocking`.")
    for name in _BOOLEAN_OPTIONS:
        value = given(name)
        if value is not None and value not in _GO_BOOLEANS:
            yield Finding("ECS703", at(name), f"{label}: {quote(name)} must be `\"true\"` or `\"false\"`, not {quote(value)}.")
    for name in _POSITIVE_INTEGER_OPTIONS:
        value = given(name)
        if value is not None and not (value.isdigit() and int(value) > 0):
            yield Finding("ECS703", at(name), f"{label}: {quote(name)} must be a positive whole number, not {quote(value)}.")
    if "awslogs-datetime-format" in options and "awslogs-multiline-pattern" in options:
        yield Finding("ECS703", at("awslogs-multiline-pattern"), f"{label}: `awslogs-datetime-format` and `awslogs-multiline-pattern` cannot be set together; keep one.")


@check("ECS703")
def awslogs_incomplete(task: TaskDefinition):
    for container in task.containers:
        yield from _awslogs_findings(task, container)
