"""CloudFormation's ECR resources as subjects: repositories, registry scanning and replication, pull-through cache rules,
repository creation templates, and the lifecycle and repository policies written inside them.

Property names: the AWS::ECR::* resource pages of the CloudFormation user guide (verified 2026-12). A property is
the API field with its first letter in lower case, except those in `_API_NAMES`. A lifecycle policy is a JSON
string (`LifecyclePolicyText`): in a JSON template its findings land on the keys inside the string
(ecslint.documents.embedded_json), in YAML on the string.
"""

from __future__ import annotations

import json

from ecslint.cloudformation.intrinsics import NO_VALUE, Template, Unresolved
from ecslint.cloudformation.resource_view import metadata_ignores
from ecslint.documents import pointer as jp
from ecslint.documents.embedded_json import EmbeddedJsonLocator
from ecslint.documents.parse import Document
from ecslint.subjects import ecr
from ecslint.subjects.lifecycle_policy import is_lifecycle_policy
from ecslint.subjects.quoting import quote_text

REPOSITORY = "AWS::ECR::Repository"
_API_NAMES = {
    "ImageTagMutabilityExclusionFilterType": "filterType",
    "ImageTagMutabilityExclusionFilterValue": "filter",
    "KmsKey": "kmsKey",
}
# Properties that hold a document of their own (IAM policy, lifecycle policy): kept as written, not renamed.
_DOCUMENTS = frozenset({"RepositoryPolicyText", "LifecyclePolicyText", "LifecyclePolicy", "RepositoryPolicy", "Tags", "ResourceTags"})


_PROPERTY_NAMES = {api: key for key, api in _API_NAMES.items()}


def _api_name(key: str) -> str:
    return _API_NAMES.get(key) or key[:1].lower() + key[1:]


def property_name(field: str) -> str:
    """The CloudFormation property for an ECR API field (`imageTagMutability` -> `ImageTagMutability`)."""
    return _PROPERTY_NAMES.get(field) or field[:1].upper() + field[1:]


def _rename(template: Template, value, source: str, api: str, sources: dict, depth: int = 0):
    """The value with intrinsics resolved and keys in the API's spelling; `sources` gets API pointer -> template pointer."""
    value, source = template.step(value, source)
    sources[api] = source
    if depth > 32 or value is NO_VALUE:
        return value
    if isinstance(value, dict):
        out = {}
        for key, member in value.items():
            if key in _DOCUMENTS:
                continue
            name = _api_name(key)
            renamed = _rename(template, member, jp.join(source, key), jp.join(api, name), sources, depth + 1)
            if renamed is not NO_VALUE:
                out[name] = renamed
        return out
    if isinstance(value, list):
        items = []
        for index, member in enumerate(value):
            renamed = _rename(template, member, jp.join(source, index), jp.join(api, len(items)), sources, depth + 1)
            if renamed is not NO_VALUE:
                items.append(renamed)
        return items
    return value


class _Reader:
    def __init__(self, document: Document, template: Template):
        self.document = document
        self.template = template
        self.embedded = EmbeddedJsonLocator(document.text) if document.syntax == "json" else None
        self.found: list = []

    def policy_document(self, value, pointer: str):
        """(policy, pointer where its keys are written): an object as written, or a JSON string parsed."""
        value, pointer = self.template.step(value, pointer)
        if isinstance(value, dict):
            return self.template.resolve(value), pointer
        if isinstance(value, str) and not isinstance(value, Unresolved):
            try:
                parsed = json.loads(value)
            except (ValueError, RecursionError):
                return None, pointer
            if self.embedded is not None:
                self.embedded.embed(pointer)
            return parsed, pointer
        return None, pointer

    def lifecycle(self, value, pointer: str, ignore, repository=None) -> bool:
        """Lint the lifecycle policy at `pointer`; True when there is one (whether or not it is readable)."""
        value, pointer = self.template.step(value, pointer)
        if value is NO_VALUE or value is None:
            return False
        policy, at = self.policy_document(value, pointer)
        if is_lifecycle_policy(policy):
            self.found.append(ecr.AttachedLifecyclePolicy(self.document, policy, at, ignore=ignore))
        return True

    def subject(self, cls, logical_id: str, resource: dict, label: str, **extra):
        sources: dict = {}
        properties = resource.get("Properties", {})
        data = _rename(self.template, properties, jp.join("/Resources", logical_id, "Properties"), "", sources)
        data = data if isinstance(data, dict) else {}
        return cls(self.document, data, label, sources=sources, address=logical_id, ignore=metadata_ignores(resource), spelling=property_name, **extra)

    def read(self) -> list:
        template = self.template
        for logical_id, resource in template.resources.items():
            kind = resource.get("Type") if isinstance(resource, dict) else None
            if not isinstance(kind, str) or not kind.startswith("AWS::ECR::"):
                continue
            properties = resource.get("Properties") if isinstance(resource.get("Properties"), dict) else {}
            base = jp.join("/Resources", logical_id, "Properties")
            ignore = metadata_ignores(resource)
            if kind == REPOSITORY:
                lifecycle = properties.get("LifecyclePolicy")
                text = lifecycle.get("LifecyclePolicyText") if isinstance(lifecycle, dict) else None
                has_policy = text is not None and self.lifecycle(text, jp.join(base, "LifecyclePolicy", "LifecyclePolicyText"), ignore)
                repository = self.subject(ecr.Repository, logical_id, resource, f"Repository '{quote_text(logical_id)}'", has_own_lifecycle_policy=has_policy)
                self.found.append(repository)
                if "RepositoryPolicyText" in properties:
                    self.repository_policy(properties["RepositoryPolicyText"], jp.join(base, "RepositoryPolicyText"), logical_id, ignore)
            elif kind == "AWS::ECR::RegistryScanningConfiguration":
                self.found.append(self.subject(ecr.RegistryScanningConfiguration, logical_id, resource, f"Registry scanning configuration '{quote_text(logical_id)}'"))
            elif kind == "AWS::ECR::ReplicationConfiguration":
                subject = self.subject(ecr.ReplicationConfiguration, logical_id, resource, f"Replication configuration '{quote_text(logical_id)}'")
                inner = subject.data.get("replicationConfiguration")
                if isinstance(inner, dict):
                    self.found.append(ecr.ReplicationConfiguration(self.document, inner, subject.label, "/replicationConfiguration", sources=subject.sources, address=logical_id, ignore=ignore, spelling=subject.spelling))
            elif kind == "AWS::ECR::PullThroughCacheRule":
                self.found.append(self.subject(ecr.PullThroughCacheRule, logical_id, resource, f"Pull-through cache rule '{quote_text(logical_id)}'"))
            elif kind == "AWS::ECR::RepositoryCreationTemplate":
                self.found.append(self.subject(ecr.RepositoryCreationTemplate, logical_id, resource, f"Repository creation template '{quote_text(logical_id)}'"))
                if "LifecyclePolicy" in properties:
                    self.lifecycle(properties["LifecyclePolicy"], jp.join(base, "LifecyclePolicy"), ignore)
                if "RepositoryPolicy" in properties:
                    self.repository_policy(properties["RepositoryPolicy"], jp.join(base, "RepositoryPolicy"), None, ignore, label=f"The repository policy of template '{quote_text(logical_id)}'")
        if self.embedded is not None and self.found:
            self.document._locator = self.embedded
        return self.found

    def repository_policy(self, value, pointer: str, repository, ignore, label: str | None = None) -> None:
        policy, at = self.policy_document(value, pointer)
        if isinstance(policy, dict):
            label = label or f"The repository policy of '{quote_text(repository)}'"
            self.found.append(ecr.RepositoryPolicy(self.document, policy, label, at, repository=repository, ignore=ignore))


def ecr_subjects(document: Document, template: Template) -> list:
    """Every ECR resource of a template, and the policies inside them, as subjects."""
    return _Reader(document, template).read()
