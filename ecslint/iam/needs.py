"""What the execution role must allow for this task definition to start, resource by resource.

Sources, verified 2026-11-30:
- task execution role: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
  (ECR pulls and awslogs on Fargate, ECS Managed Instances and external instances; private registry
  authentication, Secrets Manager and SSM Parameter Store secrets on every launch type).
- ECR pull: `ecr:GetAuthorizationToken` (no resource-level permissions, so `Resource: "*"`),
  `ecr:BatchGetImage` and `ecr:GetDownloadUrlForLayer` on `arn:<partition>:ecr:<region>:<account>:repository/<name>`
  (Service Authorization Reference, Amazon ECR).
- awslogs: `logs:CreateLogStream` and `logs:PutLogEvents`, plus `logs:CreateLogGroup` with
  `awslogs-create-group` (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).
- secrets: `secretsmanager:GetSecretValue` or `ssm:GetParameters` on each referenced secret
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html,
  .../secrets-envvar-ssm-paramstore.html); a parameter in the task's Region may be given by name.
- environment files: `s3:GetObject` on each file (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html).
- a parameter under `/aws/reference/secretsmanager/` reads a Secrets Manager secret through Parameter Store, which
  needs `secretsmanager:GetSecretValue` on that secret as well
  (https://docs.aws.amazon.com/systems-manager/latest/userguide/integration-ps-secretsmanager.html).
- pull through cache: `ecr:BatchImportUpstreamImage` on the cached repository, and `ecr:CreateRepository` when
  the first pull creates it (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html).

Where a part of a resource ARN cannot be known (the region of a log group without `awslogs-region`),
it stays unknown, and a policy that could match it counts as allowing (fewer false positives).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecslint.documents import pointer as jp
from ecslint.checks.roles import NO_INSTANCE_ROLE_LAUNCH_TYPES
from ecslint.iam.patterns import Arn
from ecslint.subjects.image_reference import is_placeholder_free, is_region, parse_image
from ecslint.subjects.task_definition import Container, TaskDefinition
from ecslint.subjects.quoting import quote

# A sample for the random six characters Secrets Manager appends to a secret's name in its ARN, for
# partial ARNs and names; and a sample task ID for the log stream the awslogs driver creates.
_SECRET_SUFFIX = "-AbCdEf"
_SAMPLE_TASK_ID = "0123456789abcdef0123456789abcdef"
_ACCOUNT = re.compile(r"^\d{12}$")
_ROLE_ARN = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):role/")
# Parameter Store's window onto Secrets Manager: `/aws/reference/secretsmanager/<secret name>`.
SECRETS_MANAGER_REFERENCE = "parameter/aws/reference/secretsmanager/"
_TASK_DEFINITION_ARN = re.compile(r"^arn:(aws[a-z-]*):ecs:([a-z0-9-]+):(\d{12}):task-definition/")


@dataclass(frozen=True)
class Requirement:
    action: str
    # Candidate resources: allowing the action on any one of them counts (they spell the same resource).
    resources: tuple[Arn, ...]


@dataclass(frozen=True)
class Need:
    kind: str  # image | pull-through-cache | logs | secret | registry-credentials | environment-file | firelens-config
    subject: str  # "Container 'web'"
    purpose: str  # "to pull its image", for messages
    pointer: str  # the task-definition field the need comes from
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class Place:
    """Partition, region and account the task runs in, as far as the document shows them (None = unknown)."""

    partition: str | None
    region: str | None
    account: str | None


def partition_of_region(region: str | None) -> str | None:
    if region is None:
        return None
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def task_place(task: TaskDefinition, role_arns: list[str | None]) -> Place:
    partition = account = region = None
    for arn in role_arns:
        match = _ROLE_ARN.match(arn or "")
        if match:
            partition, account = partition or match.group(1), account or match.group(2)
    definition = _TASK_DEFINITION_ARN.match(task.get("taskDefinitionArn", str) or "")
    if definition:
        partition, region, account = partition or definition.group(1), definition.group(2), account or definition.group(3)
    if region is None:
        for container in task.containers:
            options = _log_options(container, "awslogs")
            if options is not None and is_region(options.get("awslogs-region")):
                region = options["awslogs-region"]
                break
    if region is None:
        regions = {image.ecr.region for image in (parse_image(c.get("image", str)) for c in task.containers) if image and image.ecr}
        region = regions.pop() if len(regions) == 1 else None
    return Place(partition or partition_of_region(region), region, account)


def _log_options(container: Container, driver: str) -> dict | None:
    log = container.get("logConfiguration", dict) or {}
    options = log.get("options")
    return options if log.get("logDriver") == driver and isinstance(options, dict) else ({} if log.get("logDriver") == driver else None)


def _literal(value) -> str | None:
    """The value when it is a non-empty literal string (no template placeholder), else None."""
    return value.strip() if isinstance(value, str) and value.strip() and is_placeholder_free(value) else None


def secret_requirement(value: str, place: Place, allow_ssm: bool = True) -> Requirement | None:
    """The call and resource a `valueFrom` (or `credentialsParameter`) needs, or None when it cannot be told."""
    if value.startswith("arn:"):
        parts = value.split(":")
        if len(parts) >= 7 and parts[2] == "secretsmanager" and parts[5] == "secret":
            # `:json-key:version-stage:version-id` select inside the secret; IAM sees the secret's ARN.
            arn = ":".join(parts[:7])
            return Requirement("secretsmanager:GetSecretValue", (Arn.parse(arn), Arn.parse(arn + _SECRET_SUFFIX)))
        if len(parts) >= 6 and parts[2] == "ssm" and allow_ssm and parts[5].startswith("parameter/"):
            return Requirement("ssm:GetParameters", (Arn.parse(":".join(parts[:6])),))
        return None
    if not allow_ssm:  # a Secrets Manager secret named without its ARN, in the task's Region
        arn = Arn.build(place.partition, "secretsmanager", place.region, place.account, f"secret:{value}")
        return Requirement("secretsmanager:GetSecretValue", (arn, Arn.build(place.partition, "secretsmanager", place.region, place.account, f"secret:{value}{_SECRET_SUFFIX}")))
    name = value.split(":", 1)[0].lstrip("/")  # `name:version` and `name:label` select a version
    if not name:
        return None
    return Requirement("ssm:GetParameters", (Arn.build(place.partition, "ssm", place.region, place.account, f"parameter/{name}"),))


def referenced_secret(requirement: Requirement, place: Place) -> Requirement | None:
    """The Secrets Manager read behind an `ssm:GetParameters` requirement on a `/aws/reference/secretsmanager/` parameter."""
    if requirement.action != "ssm:GetParameters":
        return None
    parameter = requirement.resources[0]
    resource = parameter.segments[5] or ""
    if not resource.startswith(SECRETS_MANAGER_REFERENCE) or len(resource) == len(SECRETS_MANAGER_REFERENCE):
        return None
    name = resource[len(SECRETS_MANAGER_REFERENCE) :]
    partition, region, account = parameter.segments[1], parameter.segments[3], parameter.segments[4]
    return Requirement(
        "secretsmanager:GetSecretValue",
        (Arn.build(partition, "secretsmanager", region, account, f"secret:{name}"), Arn.build(partition, "secretsmanager", region, account, f"secret:{name}{_SECRET_SUFFIX}")),
    )


def _image_need(container: Container, place: Place, platform: str, deploy_time: bool = False) -> Need | None:
    image = parse_image(container.get("image", str))
    if image is None or image.ecr is None:
        return None
    ecr = image.ecr
    partition = "aws-cn" if ecr.china else (place.partition or partition_of_region(ecr.region))
    # A tag or digest set at deploy time still names the same repository; a name set at deploy time is some
    # repository of that registry.
    if is_placeholder_free(image.repository):
        repository = Arn.build(partition, "ecr", ecr.region, ecr.account, f"repository/{image.repository}")
        purpose = f"to pull its image from ECR (on {platform} the execution role pulls it)"
    elif deploy_time:
        repository = Arn.build(partition, "ecr", ecr.region, ecr.account, None, prefix="repository/")
        purpose = f"to pull its image from the ECR repository {quote(image.repository)} set at deploy time (on {platform} the execution role pulls it)"
    else:
        return None
    return Need(
        "image",
        container.label,
        purpose,
        container.ptr("image"),
        (
            Requirement("ecr:GetAuthorizationToken", (Arn.parse("*"),)),
            Requirement("ecr:BatchGetImage", (repository,)),
            Requirement("ecr:GetDownloadUrlForLayer", (repository,)),
        ),
    )


def _logs_need(container: Container, place: Place, platform: str, deploy_time: bool = False) -> Need | None:
    options = _log_options(container, "awslogs")
    written = (options or {}).get("awslogs-group")
    group = _literal(written)
    if options is None or (group is None and not (deploy_time and isinstance(written, str) and written.strip())):
        return None
    region = options.get("awslogs-region") if is_region(options.get("awslogs-region")) else place.region
    prefix = _literal(options.get("awslogs-stream-prefix"))
    stream = f"{prefix}/{container.name or 'container'}/{_SAMPLE_TASK_ID}" if prefix else _SAMPLE_TASK_ID
    partition = place.partition or partition_of_region(region)
    if group is None:  # a log group set at deploy time: some log group
        candidates = (Arn.build(partition, "logs", region, place.account, None, prefix="log-group:"),)
        requirements = [Requirement("logs:CreateLogStream", candidates), Requirement("logs:PutLogEvents", candidates)]
        if str(options.get("awslogs-create-group")).lower() == "true":
            requirements.insert(0, Requirement("logs:CreateLogGroup", candidates))
        purpose = f"to send its logs to the log group {quote(written)} set at deploy time, with the awslogs driver (on {platform})"
        return Need("logs", container.label, purpose, container.ptr("logConfiguration", "options", "awslogs-group"), tuple(requirements))
    # Policies name log groups with and without the `:*` or `:log-stream:` suffix; any of these spellings counts.
    candidates = (
        Arn.build(partition, "logs", region, place.account, f"log-group:{group}"),
        Arn.build(partition, "logs", region, place.account, f"log-group:{group}:log-stream:{stream}"),
    )
    requirements = [Requirement("logs:CreateLogStream", candidates), Requirement("logs:PutLogEvents", candidates)]
    if str(options.get("awslogs-create-group")).lower() == "true":
        requirements.insert(0, Requirement("logs:CreateLogGroup", candidates))
    return Need("logs", container.label, f"to send its logs to the log group {quote(group)} with the awslogs driver (on {platform})", container.ptr("logConfiguration", "options", "awslogs-group"), tuple(requirements))


def _secret_needs(container: Container, place: Place):
    sources = [(container.ptr("secrets", index), entry) for index, entry in container.items("secrets")]
    log = container.get("logConfiguration", dict) or {}
    if isinstance(log.get("secretOptions"), list):
        sources += [(container.ptr("logConfiguration", "secretOptions", index), entry) for index, entry in enumerate(log["secretOptions"]) if isinstance(entry, dict)]
    for pointer, entry in sources:
        value = _literal(entry.get("valueFrom"))
        requirement = secret_requirement(value, place) if value else None
        if requirement is not None:
            name = entry.get("name") if isinstance(entry.get("name"), str) else "?"
            behind = referenced_secret(requirement, place)
            requirements = (requirement, behind) if behind else (requirement,)
            yield Need("secret", container.label, f"to read the secret {quote(name)} ({quote(f'valueFrom: {value}')})", jp.join(pointer, "valueFrom"), requirements)
    credentials = container.get("repositoryCredentials", dict) or {}
    value = _literal(credentials.get("credentialsParameter"))
    requirement = secret_requirement(value, place, allow_ssm=False) if value else None
    if requirement is not None:
        yield Need("registry-credentials", container.label, f"to read the private registry credentials {quote(value)}", container.ptr("repositoryCredentials", "credentialsParameter"), (requirement,))


def s3_objects(task: TaskDefinition) -> list[tuple[Container, str, str]]:
    """(container, pointer, object ARN) for each S3 environment file and FireLens config file."""
    found = []
    for container in task.containers:
        for index, entry in container.items("environmentFiles"):
            value = _literal(entry.get("value"))
            if value and value.startswith("arn:") and ":s3:::" in value and entry.get("type", "s3") == "s3":
                found.append((container, container.ptr("environmentFiles", index, "value"), value))
        firelens = container.get("firelensConfiguration", dict) or {}
        options = firelens.get("options") if isinstance(firelens.get("options"), dict) else {}
        value = _literal(options.get("config-file-value"))
        if options.get("config-file-type") == "s3" and value and value.startswith("arn:") and ":s3:::" in value:
            found.append((container, container.ptr("firelensConfiguration", "options", "config-file-value"), value))
    return found


def _pull_through_need(container: Container, place: Place, platform: str, registry) -> Need | None:
    """A pull-through cache rule of the run serves this image: the first pull imports it from upstream."""
    image = parse_image(container.get("image", str))
    if registry is None or image is None or image.ecr is None or image.has_placeholder:
        return None
    rule = registry.pull_through_rule_for(image)
    if rule is None:
        return None
    ecr = image.ecr
    repository = Arn.build("aws-cn" if ecr.china else (place.partition or _partition_of_region(ecr.region)), "ecr", ecr.region, ecr.account, f"repository/{image.repository}")
    requirements = [Requirement("ecr:BatchImportUpstreamImage", (repository,))]
    if registry.repository_for(image) is None:
        # No repository of that name in the run: the first pull creates it.
        requirements.append(Requirement("ecr:CreateRepository", (repository,)))
    purpose = f"to pull its image through the pull-through cache rule for {quote(rule.prefix + '/')} (on {platform} the execution role pulls it)"
    return Need("pull-through-cache", container.label, purpose, container.ptr("image"), tuple(requirements))


def bootstrap_needs(task: TaskDefinition, place: Place, every_launch_type: bool = False, deploy_time: bool = False) -> list[Need]:
    """Every call the execution role must allow for this task to start, in document order.

    `every_launch_type` counts image pulls and awslogs on EC2 too, where the instance role may make them
    but the execution role is still the place that serves every launch type (for writing a role, not judging one).
    `deploy_time` adds the needs on a log group or ECR repository named only at deploy time, as a resource of
    that type whose name is unknown (for judging a role: a policy that could match it counts)."""
    platform = next((label for kind, label in NO_INSTANCE_ROLE_LAUNCH_TYPES.items() if kind in task.requires_compatibilities), None)
    if platform is None and every_launch_type:
        platform = "EC2"
    needs: list[Need] = []
    for container in task.containers:
        if platform is not None:
            # On EC2 the container instance role can pull images and write awslogs instead.
            needs += [need for need in (_image_need(container, place, platform, deploy_time), _logs_need(container, place, platform, deploy_time)) if need]
            needs += [need for need in (_pull_through_need(container, place, platform, task.registry),) if need]
        needs += list(_secret_needs(container, place))
    for container, pointer, value in s3_objects(task):
        kind = "firelens-config" if "firelensConfiguration" in pointer else "environment-file"
        purpose = f"to read its FireLens configuration file {quote(value)}" if kind == "firelens-config" else f"to read the environment file {quote(value)}"
        needs.append(Need(kind, container.label, purpose, pointer, (Requirement("s3:GetObject", (Arn.parse(value),)),)))
    return needs
