"""ECS811 and ECS812: tags that can be moved to other code, and repositories that are never cleaned up.

Facts (verified 2026-12): Security Hub ECR.2 (tag immutability) and ECR.3 (at least one lifecycle
policy); botocore ECR model: `imageTagMutability` is `MUTABLE` (the default), `IMMUTABLE`,
`IMMUTABLE_WITH_EXCLUSION` or `MUTABLE_WITH_EXCLUSION`, and `imageTagMutabilityExclusionFilters`
(`filterType: WILDCARD`) name the tags that get the other behaviour (ECR user guide,
image-tag-mutability.html). That ECR rejects filters with a mode without `_WITH_EXCLUSION`, and the
reverse, is what the user guide describes; the API reference does not spell the error out.
"""

from __future__ import annotations

from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.ecr import Repository, RepositoryCreationTemplate
from ecslint.subjects.quoting import quote

EXCLUSION_MODES = ("IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")


@check("ECS811", subject=Repository)
def mutable_image_tags(subject):
    mode = subject.mutability
    if mode is None:
        return
    written = "imageTagMutability" in subject.data
    mode_pointer = subject.ptr("imageTagMutability") if written else subject.ptr()
    filters = subject.exclusion_filters
    whose = "its images" if subject.kind == "repository" else "the repositories it creates"
    if filters and mode not in EXCLUSION_MODES:
        yield Finding(
            "ECS811",
            subject.ptr("imageTagMutabilityExclusionFilters"),
            f"{subject.label} has `imageTagMutabilityExclusionFilters` but `imageTagMutability` is {quote(mode)}{'' if written else ' (the default)'}; "
            "ECR takes exclusion filters only with `IMMUTABLE_WITH_EXCLUSION` or `MUTABLE_WITH_EXCLUSION`.",
            level="error",
        )
        return
    if mode in EXCLUSION_MODES and not filters and "imageTagMutabilityExclusionFilters" not in subject.data:
        yield Finding(
            "ECS811",
            mode_pointer,
            f"{subject.label}: `imageTagMutability` {quote(mode)} needs `imageTagMutabilityExclusionFilters` naming the tags it excludes.",
            level="error",
        )
        return
    if mode == "MUTABLE":
        default = " (the default when `imageTagMutability` is not set)" if not written else ""
        yield Finding(
            "ECS811",
            mode_pointer,
            f"{subject.label} lets a push move any tag of {whose} to other content{default}, so the same tag can mean different code in two deployments. "
            "Set `imageTagMutability: IMMUTABLE` (or `IMMUTABLE_WITH_EXCLUSION` for tags such as `latest` that must move).",
        )
    elif mode == "MUTABLE_WITH_EXCLUSION":
        yield Finding(
            "ECS811",
            mode_pointer,
            f"{subject.label}: `MUTABLE_WITH_EXCLUSION` keeps every tag of {whose} movable except those the filters name. "
            "Prefer `IMMUTABLE_WITH_EXCLUSION`, which fixes every tag except the few that must move.",
        )


@check("ECS811", subject=RepositoryCreationTemplate)
def template_mutable_image_tags(template: RepositoryCreationTemplate):
    yield from mutable_image_tags(template)


@check("ECS812", subject=Repository)
def repository_without_lifecycle_policy(repository: Repository):
    registry = repository.registry
    if registry is None or registry.lifecycle_policy_for(repository):
        return
    yield Finding(
        "ECS812",
        repository.ptr(),
        f"{repository.label} has no lifecycle policy in this run, so untagged and superseded images are kept, and paid for, forever. "
        "Add one that expires untagged images and keeps a bounded number of tagged ones.",
    )
