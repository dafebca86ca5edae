"""ECS601-ECS603: which image each container runs, and from where it is pulled.

When the image's repository is defined in the same run (ecslint.subjects.ecr_registry.Registry), ECS601 and
ECS602 say whether its tags can move: a mutable repository makes a re-pushed tag a fact, not a risk.

Facts: image parameter in the container definition
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image),
private registry hosts (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html) and
cross-account / cross-region pulls (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html,
https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html), verified 2026-11-30.
"""

from __future__ import annotations

import re

from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.image_reference import ImageReference, is_real_account, is_region, parse_image
from ecslint.subjects.quoting import quote
from ecslint.subjects.task_definition import Container, TaskDefinition

# Registries AWS publishes sidecar images from, readable by every account by design: a
# cross-account pull from them needs no repository policy of yours. aws-for-fluent-bit
# (906394416424), App Mesh Envoy (840364872350), Deep Learning Containers (763104351884); opt-in
# regions use other accounts, hence the repository names too (their READMEs, verified 2026-11-30).
AWS_PUBLISHER_ACCOUNTS = frozenset({"906394416424", "840364872350", "763104351884"})
AWS_PUBLISHED_REPOSITORIES = ("aws-for-fluent-bit", "aws-appmesh-envoy")

_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/")
_TASK_DEFINITION_ARN = re.compile(r"^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):task-definition/")


def container_images(task: TaskDefinition) -> list[tuple[Container, ImageReference]]:
    """Each container with a parseable image (a missing or blank `image` is ECS002's finding)."""
    pairs = [(container, parse_image(container.data.get("image"))) for container in task.containers]
    return [(container, image) for container, image in pairs if image is not None]


def _tag_is_visible_literal(image: ImageReference) -> bool:
    """False when a template decides the tag (`repo:${TAG}`) or could carry it (`${IMAGE}`)."""
    return not (image.version_is_unknown or image.tag_is_placeholder)


def _is_mutable(image: ImageReference) -> bool:
    """ECS601's case: a visible literal reference with no tag or `latest`, and no digest."""
    return not image.is_pinned and _tag_is_visible_literal(image) and image.tag in (None, "latest")


def _repository_of_run(task: TaskDefinition, image: ImageReference):
    """(the repository defined in this run that the image is pulled from, whether its tag can move there); (None, None) if unknown."""
    repository = task.registry.repository_for(image) if task.registry is not None else None
    return (repository, repository.tag_is_mutable(image.tag or "latest")) if repository is not None else (None, None)


@check("ECS601")
def mutable_image_tag(task: TaskDefinition):
    for container, image in container_images(task):
        # A digest pins the image whatever the tag says.
        if not _is_mutable(image):
            continue
        if image.tag is None:
            reason = f"{quote(image.raw)} has no tag, so every pull takes whatever `latest` points to at that moment"
        else:
            reason = f"{quote(image.raw)} uses the `latest` tag, which moves with every push"
        message = (
            f"{container.label}: image {reason}; each deployment or standalone task can run different code, and rolling back to this "
            "revision does not bring the old code back. Use a version tag or an `@sha256:` digest."
        )
        repository, mutable = _repository_of_run(task, image)
        level = None
        if mutable is True:
            message += f" {repository.label}, defined in this run, lets a push move the tag (`imageTagMutability` {quote(repository.mutability)})."
        elif mutable is False:
            # An immutable tag cannot move: the tag still does not say which build runs, a lesser problem.
            level = "note"
            message = (
                f"{container.label}: image {quote(image.raw)} uses the `latest` tag; {repository.label}, defined in this run, keeps tags "
                "immutable, so it cannot move, but the tag does not say which build runs. Use a version tag."
            )
        yield Finding("ECS601", container.ptr("image"), message, level=level)


@check("ECS602")
def image_not_pinned(task: TaskDefinition):
    for container, image in container_images(task):
        # ECS601's warning already says to pin a missing or `latest` tag.
        if image.is_pinned or not _tag_is_visible_literal(image) or _is_mutable(image):
            continue
        repository, mutable = _repository_of_run(task, image)
        if mutable is False:
            continue  # the repository defined in this run refuses to move the tag: the tag is as good as a digest
        message = (
            f"{container.label}: image {quote(image.raw)} is referenced by tag {quote(image.tag)}, not by digest, so a re-pushed tag changes what runs; "
            "append the `@sha256:` digest to pin it (an ECS service resolves the tag once per deployment, so a rollback can still get new code)."
        )
        level = None
        if mutable is True:
            # Not a possibility but the repository's setting: a push of the same tag replaces what runs.
            level = "warning"
            message += f" {repository.label}, defined in this run, has mutable tags (`imageTagMutability` {quote(repository.mutability)})."
        yield Finding("ECS602", container.ptr("image"), message, level=level)


def _task_accounts(task: TaskDefinition) -> dict[str, str]:
    """Account ID -> the field that shows the task lives there (role ARNs, the task definition ARN)."""
    accounts: dict[str, str] = {}
    for field in ("executionRoleArn", "taskRoleArn"):
        match = _ROLE_ARN.match(task.get(field, str) or "")
        if match and is_real_account(match.group(1)):
            accounts.setdefault(match.group(1), f"{quote(field)}")
    match = _TASK_DEFINITION_ARN.match(task.get("taskDefinitionArn", str) or "")
    if match and is_real_account(match.group(2)):
        accounts.setdefault(match.group(2), "`taskDefinitionArn`")
    return accounts


def _awslogs_regions(task: TaskDefinition) -> set[str]:
    regions = set()
    for container in task.containers:
        log = container.get("logConfiguration", dict) or {}
        options = log.get("options") if isinstance(log.get("options"), dict) else {}
        if log.get("logDriver") == "awslogs" and is_region(options.get("awslogs-region")):
            regions.add(options["awslogs-region"])
    return regions


def _task_region(task: TaskDefinition) -> tuple[str, str] | None:
    """The task's region and where it was read, only when the document says it unambiguously."""
    match = _TASK_DEFINITION_ARN.match(task.get("taskDefinitionArn", str) or "")
    if match and is_region(match.group(1)):
        return match.group(1), "`taskDefinitionArn`"
    # Logs usually go to the task's own region; several different awslogs regions mean logs are shipped elsewhere.
    regions = _awslogs_regions(task)
    if len(regions) == 1:
        return regions.pop(), "`awslogs-region`"
    return None


def _published_by_aws(image: ImageReference) -> bool:
    repository = image.repository.split("/")[-1]
    return (image.ecr is not None and image.ecr.account in AWS_PUBLISHER_ACCOUNTS) or repository in AWS_PUBLISHED_REPOSITORIES


@check("ECS603")
def ecr_region_mismatch(task: TaskDefinition):
    if not task.knows_task_fields:
        return
    accounts = _task_accounts(task)
    region = _task_region(task)
    for container, image in container_images(task):
        ecr = image.ecr
        if ecr is None or not is_real_account(ecr.account) or not is_region(ecr.region):
            continue
        problems = []
        if accounts and ecr.account not in accounts and not _published_by_aws(image):
            where = " and ".join(sorted(set(accounts.values())))
            owners = ", ".join(sorted(accounts))
            problems.append(f"account {ecr.account}, while the task's roles are in {owners} (from {where}): the pull needs a repository policy that lets that account read it")
        if region and ecr.region != region[0]:
            problems.append(f"region {ecr.region}, while the task runs in {region[0]} (from {region[1]}): every pull crosses regions, which is slower, costs transfer and fails when that region is impaired")
        if problems:
            message = f"{container.label}: image {quote(image.raw)} is in ECR {'; and in '.join(problems)}. Replicate the repository to the task's account and region, or confirm the registry policy allows it."
            yield Finding("ECS603", container.ptr("image"), message)
