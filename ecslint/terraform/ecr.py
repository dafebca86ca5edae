"""Terraform's `aws_ecr_*` resources as subjects: snake_case attributes and blocks -> the ECR API's camelCase fields.

Attribute and block names: the AWS provider's documentation of `aws_ecr_repository`, `aws_ecr_lifecycle_policy`,
`aws_ecr_repository_policy`, `aws_ecr_replication_configuration`, `aws_ecr_registry_scanning_configuration`,
`aws_ecr_repository_creation_template` and `aws_ecr_pull_through_cache_rule`
(https://registry.terraform.io/providers/hashicorp/aws/latest/docs), verified 2026-12. Policies written with
`jsonencode(...)`, as heredoc JSON or read with `file()` are decoded where written (ecslint.terraform.hcl), so
lifecycle-policy findings land on their own keys.
"""

from __future__ import annotations

from ecslint.documents import pointer as jp
from ecslint.subjects import ecr
from ecslint.subjects.lifecycle_policy import is_lifecycle_policy
from ecslint.subjects.placeholders import DeployTimeValue
from ecslint.subjects.quoting import quote
from ecslint.terraform.hcl import Encoded
from ecslint.terraform.resources import ignore_from_tags

TYPES = frozenset(
    {
        "aws_ecr_repository",
        "aws_ecr_lifecycle_policy",
        "aws_ecr_repository_policy",
        "aws_ecr_replication_configuration",
        "aws_ecr_registry_scanning_configuration",
        "aws_ecr_repository_creation_template",
        "aws_ecr_pull_through_cache_rule",
    }
)
# Attributes and blocks whose API name is not the camelCase of their own.
_NAMES = {
    "name": "repositoryName",
    "image_tag_mutability_exclusion_filter": "imageTagMutabilityExclusionFilters",
    "rule": "rules",
    "repository_filter": "repositoryFilters",
    "destination": "destinations",
}
# Blocks the provider allows once (MaxItems 1): one object in the API, not a list.
_SINGLE = frozenset({"image_scanning_configuration", "encryption_configuration", "replication_configuration"})
# Attributes of Terraform itself, or documents read on their own.
_SKIPPED = frozenset({"tags", "tags_all", "force_delete", "lifecycle_policy", "repository_policy", "policy", "count", "for_each", "provider", "depends_on", "lifecycle", "resource_tags"})


_ATTRIBUTE_NAMES = {api: key for key, api in _NAMES.items()}


def attribute_name(field: str) -> str:
    """The provider's argument or block for an ECR API field (`imageTagMutability` -> `image_tag_mutability`)."""
    return _ATTRIBUTE_NAMES.get(field) or "".join(f"_{char.lower()}" if char.isupper() else char for char in field)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _rename(value, source: str, api: str, sources: dict, depth: int = 0):
    sources[api] = source
    if depth > 32:
        return value
    if isinstance(value, dict):
        out = {}
        for key, member in value.items():
            if key in _SKIPPED:
                continue
            name = _NAMES.get(key) or _camel(key)
            if key in _SINGLE and isinstance(member, list):
                if len(member) != 1:
                    continue
                out[name] = _rename(member[0], jp.join(source, key, 0), jp.join(api, name), sources, depth + 1)
                continue
            out[name] = _rename(member, jp.join(source, key), jp.join(api, name), sources, depth + 1)
        return out
    if isinstance(value, list):
        return [_rename(item, jp.join(source, index), jp.join(api, index), sources, depth + 1) for index, item in enumerate(value)]
    return value


def _decoded(value):
    """A policy attribute's document: jsonencode(...) or JSON text decoded where written; None when unknown."""
    if isinstance(value, Encoded):
        return value.value
    if isinstance(value, str) and not isinstance(value, DeployTimeValue):
        from ecslint.terraform.template import parse_template_json

        parsed = parse_template_json(value)
        return parsed.data if parsed is not None else None
    return value if isinstance(value, dict) else None


def _subject(cls, resource, label: str, ignore, **extra):
    sources: dict = {}
    data = _rename(resource.values, resource.pointer, "", sources)
    return cls(resource.document, data, label, sources=sources, address=resource.base, ignore=ignore, spelling=attribute_name, **extra)


def ecr_subjects(resources: list, module_text: str = "") -> list:
    """The subjects of a module's (or plan's) `aws_ecr_*` resources; `module_text`: the other `.tf` files of the module."""
    found: list = []
    for resource in resources:
        if resource.type not in TYPES:
            continue
        values = resource.values
        ignore = ignore_from_tags(values.get("tags") or values.get("resource_tags"))
        label = quote(resource.address)
        if resource.type == "aws_ecr_repository":
            reference = f"aws_ecr_repository.{resource.name}"
            # A lifecycle policy in another file of the module, for this repository: seen without parsing that file.
            beside = "aws_ecr_lifecycle_policy" in module_text and reference in module_text
            found.append(_subject(ecr.Repository, resource, f"Repository {label}", ignore, has_own_lifecycle_policy=beside))
        elif resource.type == "aws_ecr_registry_scanning_configuration":
            found.append(_subject(ecr.RegistryScanningConfiguration, resource, f"Registry scanning configuration {label}", ignore))
        elif resource.type == "aws_ecr_replication_configuration":
            outer = _subject(ecr.ReplicationConfiguration, resource, f"Replication configuration {label}", ignore)
            inner = outer.data.get("replicationConfiguration")
            if isinstance(inner, dict):
                found.append(ecr.ReplicationConfiguration(resource.document, inner, outer.label, "/replicationConfiguration", sources=outer.sources, address=resource.base, ignore=ignore, spelling=outer.spelling))
        elif resource.type == "aws_ecr_pull_through_cache_rule":
            found.append(_subject(ecr.PullThroughCacheRule, resource, f"Pull-through cache rule {label}", ignore))
        elif resource.type == "aws_ecr_repository_creation_template":
            found.append(_subject(ecr.RepositoryCreationTemplate, resource, f"Repository creation template {label}", ignore))
            found += _policies(resource, "lifecycle_policy", "repository_policy", None, label, ignore)
        elif resource.type == "aws_ecr_lifecycle_policy":
            repository = values.get("repository")
            found.append(ecr.LifecycleAttachment(resource.document, {}, f"Lifecycle policy {label}", resource.pointer, repository=repository))
            found += _policies(resource, "policy", None, repository, label, ignore)
        elif resource.type == "aws_ecr_repository_policy":
            found += _policies(resource, None, "policy", values.get("repository"), label, ignore)
    return found


def _policies(resource, lifecycle_key: str | None, policy_key: str | None, repository, label: str, ignore) -> list:
    found: list = []
    if lifecycle_key is not None:
        policy = _decoded(resource.values.get(lifecycle_key))
        if is_lifecycle_policy(policy):
            found.append(ecr.AttachedLifecyclePolicy(resource.document, policy, resource.at(lifecycle_key), ignore=ignore))
    if policy_key is not None:
        policy = _decoded(resource.values.get(policy_key))
        if isinstance(policy, dict):
            found.append(ecr.RepositoryPolicy(resource.document, policy, f"Repository policy {label}", resource.at(policy_key), repository=repository, ignore=ignore))
    return found
