"""The run's ECR repositories and registry settings as one index: which repository an image is pulled from, which
registry scanning configuration, lifecycle policy and pull-through cache rule apply to a repository or an image.

Kept apart from the subjects' classes (ecslint.subjects.ecr) so that a task definition can ask for it without
importing them: it reads the run's subjects by kind only.
"""

from __future__ import annotations

import re

from ecslint.subjects.placeholders import DeployTimeValue, is_templated

# `${...}` text naming a resource by the reference syntax of its front end: CloudFormation
# (`${Repo}`, `${Repo.RepositoryUri}`) and Terraform (`${aws_ecr_repository.app.repository_url}`,
# `${module.x.aws_ecr_repository.app[0].name}`).
_TF_REFERENCE = re.compile(r"^\$\{(?:(?:module\.[\w-]+(?:\[[^\]]*\])?\.)*)((?:data\.)?aws_ecr_[a-z_]+\.[\w-]+)(?:\[[^\]]*\])?(?:\.[a-z_]+)?\}$")
_CFN_REFERENCE = re.compile(r"^\$\{([A-Za-z0-9]+)(?:\.[A-Z][A-Za-z]*)?\}$")


def literal(value) -> str | None:
    """A string known before deployment, else None."""
    return value if isinstance(value, str) and not isinstance(value, DeployTimeValue) and not is_templated(value) else None


def referenced_address(value) -> str | None:
    """The resource a `${...}` reference names (`aws_ecr_repository.app`, `Repo`), or None."""
    if not isinstance(value, str):
        return None
    match = _TF_REFERENCE.match(value.strip()) or _CFN_REFERENCE.match(value.strip())
    return match.group(1) if match else None


def wildcard_matches(pattern: str, name: str) -> bool:
    """ECR's scanning filters: `*` stands for any run of characters; a filter without one matches names that contain it.

    Source: ECR user guide, "Filters for scanning" (image-scanning.html#image-scanning-filters), verified 2026-12."""
    if "*" not in pattern:
        return pattern in name
    return star_fullmatch(pattern, name)


def star_fullmatch(pattern: str, text: str) -> bool:
    """The whole text matches a pattern whose `*` stands for any run of characters (ECR's filters)."""
    from ecslint.iam.glob import STAR, Glob, collapse_stars

    # Matched position by position, never by a backtracking regex: filters come from the input.
    return Glob([STAR if char == "*" else char for char in collapse_stars(pattern)]).fullmatch(text)


class Registry:
    """The run's repositories and registry settings, asked by the task-definition and repository rules."""

    def __init__(self, run):
        # ecslint.subjects.ecr's Repository, RegistryScanningConfiguration, PullThroughCacheRule, LifecycleAttachment.
        self.repositories: list = run.of_kind("repository")
        self.scanning: list = run.of_kind("registry-scanning-configuration")
        self.pull_through: list = run.of_kind("pull-through-cache-rule")
        self.attachments: list = run.of_kind("lifecycle-attachment")

    @classmethod
    def of_run(cls, run) -> Registry:
        return cls(run)

    def repository_for(self, image):
        """The repository of the run an image (ecslint.subjects.image_reference.ImageReference) is pulled from, if one is known."""
        by_reference = referenced_address(image.repository) if image.registry is None else None
        if by_reference is not None:
            found = [repository for repository in self.repositories if repository.address == by_reference]
            return found[0] if len(found) == 1 else None
        if image.registry is None or ".dkr.ecr." not in image.registry and ".dkr-ecr." not in image.registry:
            return None
        path = image.repository
        ecr = image.ecr
        candidates = []
        for repository in self.repositories:
            if repository.name != path and not (repository.address and referenced_address(path) == repository.address):
                continue
            if ecr is not None and not all(mine is None or mine == theirs for mine, theirs in ((repository.account, ecr.account), (repository.region, ecr.region))):
                continue
            candidates.append(repository)
        return candidates[0] if len(candidates) == 1 else None

    def pull_through_rule_for(self, image):
        """The pull-through cache rule whose prefix the image's repository path starts with (the longest, as ECR matches)."""
        if image.ecr is None:
            return None
        rules = [rule for rule in self.pull_through if rule.prefix and image.repository.startswith(rule.prefix + "/")]
        rules = [rule for rule in rules if rule.account in (None, image.ecr.account) and rule.region in (None, image.ecr.region)]
        return max(rules, key=lambda rule: len(rule.prefix or "")) if rules else None

    def scanning_for(self, repository) -> list:
        return [configuration for configuration in self.scanning if configuration.same_place(repository)]

    def lifecycle_policy_for(self, repository) -> bool:
        """True when a lifecycle policy in the run is (or may be) put on the repository."""
        if repository.has_own_lifecycle_policy:
            return True
        for attachment in self.attachments:
            target = attachment.repository
            if repository.names(target) and attachment.same_place(repository):
                return True
            # A Terraform `repository = var.name` in the same module may mean this one: fewer false positives.
            if literal(target) is None and referenced_address(target) is None and attachment.folder == repository.folder:
                return True
        return False
