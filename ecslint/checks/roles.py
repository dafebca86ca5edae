"""ECS101, ECS102, ECS110, ECS112: role wiring that can be judged from the task definition alone.

The execution role is what the ECS agent (or Fargate) uses to start the task; the task role is what
the code in the containers uses. Sources, verified 2026-11-30:
- task execution role: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
- task role: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
- role name syntax: IAM CreateRole `RoleName` / `Path` (API reference; names are case-insensitive)
- partitions: botocore data/partitions.json (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e,
  aws-iso-f, aws-eusc).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecslint.lazy_regex import LazyPattern
from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.task_definition import Container, TaskDefinition
from ecslint.subjects.placeholders import is_templated
from ecslint.subjects.quoting import quote, quote_text

# Partitions IAM role ARNs can live in (botocore 1.44.8 data/partitions.json, verified 2026-12-02).
PARTITIONS = frozenset({"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"})

# Launch types on which there is no container instance role to pull ECR images and write awslogs,
# so the execution role must do it (task_execution_IAM_role.html: "hosted on AWS Fargate, Amazon ECS
# Managed Instances, or an external instance"). Values from botocore's `Compatibility` enum.
NO_INSTANCE_ROLE_LAUNCH_TYPES = {"FARGATE": "Fargate", "MANAGED_INSTANCES": "ECS Managed Instances", "EXTERNAL": "external (ECS Anywhere) instances"}

# FireLens outputs whose Fluent Bit plugins call AWS with the task role (the `Name` option).
AWS_FIRELENS_OUTPUTS = frozenset({"cloudwatch", "cloudwatch_logs", "firehose", "kinesis_firehose", "kinesis_streams", "s3"})
# Sidecars that call AWS APIs from inside the task, recognised by their image name.
AWS_SIDECAR_IMAGES = {"aws-xray-daemon": "an X-Ray daemon", "cloudwatch-agent": "a CloudWatch agent"}

# A private ECR registry host: <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn], or the dual-stack
# <account>.dkr-ecr.<region>.on.aws (ECR user guide, "Making requests to Amazon ECR registries").
# The account and region may be template placeholders: the image is still an ECR image once rendered.
# A host name is at most 253 characters (RFC 1035); the bound keeps long hostile values from backtracking.
_PRIVATE_ECR_HOST = LazyPattern(r"^[^/]{1,253}\.dkr\.ecr(?:-fips)?\.[^/]{1,253}\.amazonaws\.com(?:\.cn)?/|^[^/]{1,253}\.dkr-ecr\.[^/]{1,253}\.on\.aws/", re.I)

# Template syntaxes whose value is filled in later; such values are not judged (ECS110).
# An account field written as a stand-in: only letters, `_` or `-` (XXXXXXXXXXXX, ACCOUNT_ID,
# YOUR_ACCOUNT_ID, aws_account_id). A field with digits is judged: 11 digits is a real mistake.
_ACCOUNT_PLACEHOLDER = LazyPattern(r"^[A-Za-z_-]+$")
_ACCOUNT = re.compile(r"^\d{12}$")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_PATH_SEGMENT = LazyPattern(r"^[\x21-\x2e\x30-\x7e]+$")  # printable ASCII except "/"


@dataclass(frozen=True)
class RoleArn:
    partition: str
    account: str
    name: str

    @property
    def account_is_placeholder(self) -> bool:
        return not _ACCOUNT.match(self.account)


def is_template(value: str) -> bool:
    """True for values a template engine fills in later (`${X}`, `{{x}}`, `#{x}`, `<x>`, `$X`)."""
    return is_templated(value)


def role_value(task: TaskDefinition, key: str) -> str | None:
    """The role field as a non-empty string; None when absent, null or blank (ECS treats those as unset)."""
    value = task.data.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def role_is_absent(task: TaskDefinition, key: str) -> bool:
    """Absent, null or blank; a non-string value (a CloudFormation function, say) counts as present."""
    value = task.data.get(key)
    return value is None or (isinstance(value, str) and not value.strip())


def parse_role_arn(value: str) -> tuple[RoleArn | None, str | None]:
    """(the parsed ARN, None) or (None, why it is not an IAM role ARN). Placeholders in the account pass."""
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None, "it is not an ARN"
    _, partition, service, region, account, resource = parts
    if partition not in PARTITIONS:
        return None, f"{quote(partition)} is not an AWS partition ({', '.join(sorted(PARTITIONS))})"
    if service != "iam":
        return None, f"it is an ARN of service {quote(service)}, not `iam`"
    if region:
        return None, "IAM ARNs have no region, but this one names `" + region + "`"
    if not (_ACCOUNT.match(account) or _ACCOUNT_PLACEHOLDER.match(account)):
        return None, f"the account ID {quote(account)} is not 12 digits"
    if not resource.startswith("role/"):
        kind = resource.split("/", 1)[0] or resource
        return None, f"it names an IAM {quote(kind)}, not a `role/`"
    *path, name = resource[len("role/") :].split("/")
    if not _ROLE_NAME.match(name):
        return None, f"{quote(name)} is not a valid role name (up to 64 letters, digits and `_+=,.@-`)"
    if not all(_PATH_SEGMENT.match(segment) for segment in path):
        return None, "the role path is not valid"
    return RoleArn(partition, account, name), None


def role_name(value: str) -> str:
    """The role name: what follows the last `/` of an ARN, or the value itself; IAM ignores case."""
    return value.rsplit("/", 1)[-1].casefold()


def _launch_platform(task: TaskDefinition) -> str | None:
    """The first launch type in requiresCompatibilities that has no instance role, named for messages."""
    return next((label for kind, label in NO_INSTANCE_ROLE_LAUNCH_TYPES.items() if kind in task.requires_compatibilities), None)


# The quoted errors are RegisterTaskDefinition's own ClientException texts, as users reported them
# (verified 2026-11-30): secrets fabfuel/ecs-deploy#87, private registry sil-org/ecs-deploy#188,
# Fargate ECR hashicorp/terraform-provider-aws#3051, Fargate awslogs virtual-kubelet/virtual-kubelet#193.
# For the other uses no registration error is documented: the task fails when the agent needs the role.
def _execution_role_reasons(task: TaskDefinition, container: Container):
    """(pointer, what needs the role, what happens without it) for each use in this container."""
    if container.get("secrets", list):
        yield container.ptr("secrets"), "`secrets` are fetched with the task execution role", (
            "RegisterTaskDefinition fails with \"When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.\""
        )
    if container.get("repositoryCredentials", dict):
        yield container.ptr("repositoryCredentials"), "`repositoryCredentials` are read from Secrets Manager with the task execution role", (
            'RegisterTaskDefinition fails with "Private repository authentication requires that the task definition specify a value for executionRoleArn."'
        )
    if container.get("environmentFiles", list):
        yield container.ptr("environmentFiles"), "`environmentFiles` are downloaded from S3 with the task execution role", (
            "the agent cannot read the files and the task does not start"
        )
    log = container.get("logConfiguration", dict) or {}
    if isinstance(log.get("secretOptions"), list) and log["secretOptions"]:
        yield container.ptr("logConfiguration", "secretOptions"), "log driver `secretOptions` are fetched with the task execution role", (
            "the log driver's secrets cannot be read and the task does not start"
        )
    firelens = container.get("firelensConfiguration", dict) or {}
    options = firelens.get("options")
    if isinstance(options, dict) and options.get("config-file-type") == "s3":
        yield container.ptr("firelensConfiguration", "options", "config-file-type"), "FireLens reads its config file from S3 with the task execution role", (
            "the log router cannot load its configuration"
        )
    platform = _launch_platform(task)
    if platform is None:
        # On EC2 the container instance role pulls from ECR and writes awslogs.
        return
    image = container.get("image", str)
    if image and _PRIVATE_ECR_HOST.match(image):
        consequence = (
            'RegisterTaskDefinition fails with "Fargate requires task definition to have execution role ARN to support ECR images."'
            if platform == "Fargate"
            else "the image cannot be pulled"
        )
        yield container.ptr("image"), f"the image is in a private ECR repository, which {platform} pulls with the task execution role", consequence
    if log.get("logDriver") == "awslogs":
        consequence = (
            'RegisterTaskDefinition fails with "Fargate requires task definition to have execution role ARN to support log driver awslogs."'
            if platform == "Fargate"
            else "the container's logs cannot be written to CloudWatch Logs"
        )
        yield container.ptr("logConfiguration", "logDriver"), f"the `awslogs` log driver writes to CloudWatch Logs with the task execution role on {platform}", consequence


@check("ECS101")
def missing_execution_role(task: TaskDefinition):
    # A bare container list says nothing about the roles: they are unknown, not absent.
    if not task.knows_task_fields or not role_is_absent(task, "executionRoleArn"):
        return
    for container in task.containers:
        for pointer, need, consequence in _execution_role_reasons(task, container):
            ending = "" if consequence.endswith(('."', ".")) else "."
            yield Finding("ECS101", pointer, f"{container.label}: {need}, but `executionRoleArn` is not set. Without it {consequence}{ending}")


@check("ECS102")
def same_execution_and_task_role(task: TaskDefinition):
    execution, task_role = role_value(task, "executionRoleArn"), role_value(task, "taskRoleArn")
    if not execution or not task_role:
        return
    same = execution == task_role
    if not same and not (is_template(role_name(execution)) or is_template(role_name(task_role))):
        same = role_name(execution) == role_name(task_role)
        execution_arn, _ = parse_role_arn(execution)
        task_arn, _ = parse_role_arn(task_role)
        # Same name in two concrete accounts is two roles.
        if same and execution_arn and task_arn and not execution_arn.account_is_placeholder and not task_arn.account_is_placeholder:
            same = execution_arn.account == task_arn.account
    if same:
        name = task_role.rsplit("/", 1)[-1]
        message = (
            f"`executionRoleArn` and `taskRoleArn` name the same role ({quote(name)}). The application then holds the agent's permissions "
            "(image pulls, log writes, secret reads) and the agent holds the application's; give each its own role."
        )
        yield Finding("ECS102", task.ptr("taskRoleArn"), message)


@check("ECS110")
def invalid_role_arn(task: TaskDefinition):
    parsed: dict[str, RoleArn] = {}
    for key in ("executionRoleArn", "taskRoleArn"):
        value = role_value(task, key)
        if value is None or is_template(value):
            continue
        if ":" not in value:
            if key == "taskRoleArn" and _ROLE_NAME.match(value):
                continue  # ECS accepts the task role's short name
            if key == "executionRoleArn" and _ROLE_NAME.match(value):
                # Evidence is split: RegisterTaskDefinition has been seen to expand a bare name, while
                # CloudFormation rejects it (cfn-lint#855, amazon-ecs-render-task-definition#19; checked
                # 2026-11-30). Uncertain, so this case is a note rather than an error.
                message = f"`executionRoleArn` is the bare name {quote(value)}, not a full IAM role ARN; some tools reject it, so write {quote(f'arn:aws:iam::<account-id>:role/{value}')}."
                yield Finding("ECS110", task.ptr(key), message, level="note")
                continue
            if key == "executionRoleArn":
                message = f"`executionRoleArn` is {quote(value)}, not a full IAM role ARN; write `arn:aws:iam::<account-id>:role/<name>`."
            else:
                message = f"`taskRoleArn` is {quote(value)}, which is neither an IAM role ARN nor a valid role name (up to 64 letters, digits and `_+=,.@-`)."
            yield Finding("ECS110", task.ptr(key), message)
            continue
        arn, problem = parse_role_arn(value)
        if arn is None:
            yield Finding("ECS110", task.ptr(key), f"{quote(key)} is not a valid IAM role ARN: {problem}.")
        else:
            parsed[key] = arn
    if len(parsed) == 2 and parsed["executionRoleArn"].partition != parsed["taskRoleArn"].partition:
        execution, task_role = parsed["executionRoleArn"].partition, parsed["taskRoleArn"].partition
        message = f"`taskRoleArn` is in partition {quote(task_role)} but `executionRoleArn` is in {quote(execution)}; both roles must be in the partition the task runs in."
        yield Finding("ECS110", task.ptr("taskRoleArn"), message)


def _task_role_uses(task: TaskDefinition):
    """(pointer, what runs with the task role) for each feature that needs one."""
    for index, volume in enumerate(task.get("volumes", list) or []):
        efs = volume.get("efsVolumeConfiguration") if isinstance(volume, dict) else None
        authorization = efs.get("authorizationConfig") if isinstance(efs, dict) else None
        if isinstance(authorization, dict) and authorization.get("iam") == "ENABLED":
            name = f"'{quote_text(volume['name'])}'" if isinstance(volume.get("name"), str) else f"#{index + 1}"
            yield task.ptr("volumes", index, "efsVolumeConfiguration", "authorizationConfig", "iam"), (
                f"Volume {name} mounts EFS with IAM authorization (`authorizationConfig.iam: ENABLED`), which uses the task role"
            )
    for container in task.containers:
        log = container.get("logConfiguration", dict) or {}
        options = log.get("options")
        output = options.get("Name") if isinstance(options, dict) else None
        if log.get("logDriver") == "awsfirelens" and isinstance(output, str) and output.lower() in AWS_FIRELENS_OUTPUTS:
            yield container.ptr("logConfiguration", "options", "Name"), (
                f"{container.label}: FireLens sends its logs to {quote(output)}, and the log router calls that AWS service with the task role"
            )
        image = container.get("image", str) or ""
        for marker, sidecar in AWS_SIDECAR_IMAGES.items():
            if marker in image.lower():
                yield container.ptr("image"), f"{container.label}: runs {sidecar}, which calls AWS with the task role"


@check("ECS112")
def missing_task_role(task: TaskDefinition):
    if not task.knows_task_fields or not role_is_absent(task, "taskRoleArn"):
        return
    for pointer, use in _task_role_uses(task):
        yield Finding("ECS112", pointer, f"{use}, but `taskRoleArn` is not set; add a task role that allows those calls.")
