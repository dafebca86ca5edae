"""A task-role skeleton for what the task definition shows running with the task role: sidecars and ECS features.

The application's own calls cannot be seen from a task definition; the skeleton says so and covers only:
- FireLens outputs (Fluent Bit's `cloudwatch_logs`, `kinesis_firehose`, `kinesis_streams` and `s3` plugins,
  https://docs.fluentbit.io/manual/pipeline/outputs, and AWS for Fluent Bit's IAM notes), verified 2026-11-30;
- the X-Ray daemon (`xray:PutTraceSegments`, `xray:PutTelemetryRecords`, `xray:GetSamplingRules`,
  `xray:GetSamplingTargets`; X-Ray has no resource-level permissions for them, so `*`:
  https://docs.aws.amazon.com/xray/latest/devguide/xray-daemon-ecs.html);
- the CloudWatch agent (`cloudwatch:PutMetricData`, no resource-level permissions, scoped with the
  `cloudwatch:namespace` condition key to its default namespace `CWAgent`);
- EFS IAM authorization (`elasticfilesystem:ClientMount`, and `ClientWrite` unless every mount is read-only,
  on the file system: https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html);
- ECS Exec (`ssmmessages:*Channel` on `*`, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html):
  enabled on the service or `RunTask`, never in the task definition, so it is a note.
"""

from __future__ import annotations

from ecslint.checks.roles import AWS_SIDECAR_IMAGES, role_value
from ecslint.iam.deploy_time_place import ACCOUNT, PARTITION, REGION, restore, with_stand_ins
from ecslint.iam.least_privilege import PolicyStatement, RolePlan, camel, place_of, restored
from ecslint.subjects.quoting import quote, quote_text
from ecslint.subjects.image_reference import is_placeholder_free, is_region
from ecslint.subjects.task_definition import TaskDefinition

XRAY_ACTIONS = ("xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments")
EXEC_ACTIONS = ("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel")
# Actions that take no resource-level permissions: `*` is their only resource.
NO_RESOURCE_ACTIONS = frozenset(action.lower() for action in ("ecr:GetAuthorizationToken", "cloudwatch:PutMetricData", *XRAY_ACTIONS, *EXEC_ACTIONS))
CWAGENT_NAMESPACE = "CWAgent"


def _literal(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() and is_placeholder_free(value) else None


def _arn(place, service: str, resource: str, region: str | None = None, account: bool = True) -> str:
    region = region or place.region or REGION
    return f"arn:{place.partition or PARTITION}:{service}:{region}:{(place.account or ACCOUNT) if account else ''}:{resource}"


def _firelens(container, place, statements: list, notes: list) -> None:
    log = container.get("logConfiguration", dict) or {}
    options = log.get("options") if isinstance(log.get("options"), dict) else {}
    if log.get("logDriver") != "awsfirelens":
        return
    output = str(options.get("Name", "")).lower()
    region = options.get("region") if is_region(options.get("region")) else None
    label = container.label
    before = len(statements)
    if output in ("cloudwatch", "cloudwatch_logs"):
        group = _literal(options.get("log_group_name"))
        if group is None:
            notes.append(f"{label} sends FireLens logs to CloudWatch Logs with a log group set at deploy time: add it to FireLensWriteLogs.")
            return
        actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
        if str(options.get("auto_create_group", "")).lower() == "true":
            actions.append("logs:CreateLogGroup")
        statements.append(PolicyStatement(f"FireLensWriteLogsTo{camel(group)}", tuple(sorted(actions)), (_arn(place, "logs", f"log-group:{group}:*", region),), "firelens", (label,)))
    elif output in ("firehose", "kinesis_firehose"):
        stream = _literal(options.get("delivery_stream"))
        if stream:
            statements.append(PolicyStatement(f"FireLensPutRecordsTo{camel(stream)}", ("firehose:PutRecordBatch",), (_arn(place, "firehose", f"deliverystream/{stream}", region),), "firelens", (label,)))
    elif output in ("kinesis", "kinesis_streams"):
        stream = _literal(options.get("stream"))
        if stream:
            statements.append(PolicyStatement(f"FireLensPutRecordsTo{camel(stream)}", ("kinesis:PutRecords",), (_arn(place, "kinesis", f"stream/{stream}", region),), "firelens", (label,)))
    elif output == "s3":
        bucket = _literal(options.get("bucket"))
        if bucket:
            statements.append(PolicyStatement(f"FireLensPutObjectsIn{camel(bucket)}", ("s3:PutObject",), (f"arn:{place.partition or PARTITION}:s3:::{bucket}/*",), "firelens", (label,)))
    else:
        return
    if output in ("firehose", "kinesis_firehose", "kinesis", "kinesis_streams", "s3") and len(statements) == before:
        notes.append(f"{label} sends FireLens logs to {quote(output)} with a destination set at deploy time: add a statement for it.")


def _efs(task: TaskDefinition, place, statements: list) -> None:
    read_only_everywhere: dict[str, bool] = {}
    for container in task.containers:
        for _, mount in container.items("mountPoints"):
            name = mount.get("sourceVolume")
            if isinstance(name, str):
                read_only_everywhere[name] = read_only_everywhere.get(name, True) and mount.get("readOnly") is True
    for volume in task.get("volumes", list) or []:
        efs = volume.get("efsVolumeConfiguration") if isinstance(volume, dict) else None
        authorization = efs.get("authorizationConfig") if isinstance(efs, dict) else None
        if not (isinstance(authorization, dict) and authorization.get("iam") == "ENABLED"):
            continue
        file_system = _literal(efs.get("fileSystemId"))
        resource = _arn(place, "elasticfilesystem", f"file-system/{file_system or '<FILE_SYSTEM_ID>'}")
        actions = ("elasticfilesystem:ClientMount",) if read_only_everywhere.get(volume.get("name"), False) else ("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite")
        name = volume.get("name") if isinstance(volume.get("name"), str) else file_system or "Volume"
        statements.append(PolicyStatement(f"MountEfsVolume{camel(name)}", actions, (resource,), "efs", (f"Volume '{quote_text(name)}'",)))


def plan_task_role(task: TaskDefinition, family: str) -> RolePlan:
    """The task-role skeleton for the sidecars and features this task definition shows."""
    task, expressions = with_stand_ins(task)
    value = role_value(task, "taskRoleArn")
    literal = _literal(value)
    role_arn = literal if literal and literal.startswith("arn:") and ":role/" in literal else None
    role_name = literal.rsplit("/", 1)[-1] if literal else f"{family[:58]}-task"
    place = restored(place_of(task))
    statements: list[PolicyStatement] = []
    notes: list[str] = []
    for container in task.containers:
        _firelens(container, place, statements, notes)
        image = (container.get("image", str) or "").lower()
        if "aws-xray-daemon" in image:
            statements.append(PolicyStatement("XRayDaemonSendTraces", XRAY_ACTIONS, ("*",), "xray", (container.label,)))
        if "cloudwatch-agent" in image:
            condition = {"StringEquals": {"cloudwatch:namespace": CWAGENT_NAMESPACE}}
            statements.append(PolicyStatement("CloudWatchAgentPutMetrics", ("cloudwatch:PutMetricData",), ("*",), "cloudwatch-agent", (container.label,), condition))
            notes.append(f"{container.label} runs {AWS_SIDECAR_IMAGES['cloudwatch-agent']}: CloudWatchAgentPutMetrics allows its default namespace {quote(CWAGENT_NAMESPACE)}; change it if the agent's configuration names another.")
    _efs(task, place, statements)
    unique: dict[tuple, PolicyStatement] = {}
    for statement in statements:
        unique.setdefault((statement.sid, statement.actions, statement.resources), statement)
    ordered = sorted(unique.values(), key=lambda s: (s.kind, s.sid))
    ordered = [PolicyStatement(s.sid, s.actions, tuple(restore(r) for r in s.resources), s.kind, s.subjects, s.condition) for s in ordered]
    plan = RolePlan(family, restore(role_name), restore(role_arn) if role_arn else None, place, ordered, [restore(note) for note in notes], kind="task", expressions=expressions)
    plan.notes.insert(0, "A skeleton: it covers the sidecars and features this task definition shows, nothing of what the application code calls, which ecslint cannot see; add that.")
    plan.notes.append(
        "ECS Exec is turned on for a service or `RunTask`, not in the task definition; if you use it, add "
        f"{', '.join(quote(action) for action in EXEC_ACTIONS)} on `*` (they take no resource)."
    )
    return plan
