"""What `aws ecr` prints, as subjects: describe-repositories, get-lifecycle-policy, get-repository-policy,
describe-registry, get-registry-scanning-configuration and describe-pull-through-cache-rules output.

These files are already API-shaped, so pointers are the file's own; the policies they carry as JSON
strings (`lifecyclePolicyText`, `policyText`) are parsed, and findings inside them land on their own
keys inside the string (ecslint.documents.embedded_json). Output shapes: botocore ECR model, the
responses of those operations (verified 2026-12).
"""

from __future__ import annotations

import json
import re

from ecslint.documents import pointer as jp
from ecslint.documents.embedded_json import EmbeddedJsonLocator
from ecslint.documents.parse import Document
from ecslint.documents.shapes import is_ecr_output
from ecslint.subjects import ecr
from ecslint.subjects.lifecycle_policy import is_lifecycle_policy
from ecslint.subjects.quoting import quote_text
from ecslint.subjects.task_definition import dict_entries

_REPOSITORY_ARN = re.compile(r"^arn:aws[a-z-]*:ecr:([a-z0-9-]+):(\d{12}):repository/")
_REPOSITORY_URI = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.")


def _place(entry: dict) -> tuple[str | None, str | None]:
    """(account, region) of a repository from its ARN or URI, else the account from `registryId`."""
    for pattern, text in ((_REPOSITORY_ARN, entry.get("repositoryArn")), (_REPOSITORY_URI, entry.get("repositoryUri"))):
        match = pattern.match(text) if isinstance(text, str) else None
        if match:
            return (match.group(2), match.group(1)) if pattern is _REPOSITORY_ARN else (match.group(1), match.group(2))
    registry = entry.get("registryId")
    return (registry if isinstance(registry, str) else None), None


def _json_string(document: Document, locator: EmbeddedJsonLocator, pointer: str, text) -> object | None:
    if not isinstance(text, str):
        return text if isinstance(text, dict) else None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    locator.embed(pointer)
    return value


def ecr_outputs(document: Document) -> list | None:
    """Recogniser (ecslint.documents.shapes): the subjects of one `aws ecr` output file, or None for other documents."""
    data = document.data
    if not is_ecr_output(document):
        return None
    locator = EmbeddedJsonLocator(document.text)
    account = data.get("registryId") if isinstance(data.get("registryId"), str) else None
    name = data.get("repositoryName") if isinstance(data.get("repositoryName"), str) else None
    found: list = []
    if isinstance(data.get("repositories"), list):
        for index, entry in dict_entries(data["repositories"]):
            owner, region = _place(entry)
            label = f"Repository '{quote_text(entry['repositoryName'])}'" if isinstance(entry.get("repositoryName"), str) else f"Repository #{index + 1}"
            found.append(ecr.Repository(document, entry, label, jp.join("", "repositories", index), account=owner, region=region))
    if "lifecyclePolicyText" in data and name is not None:
        found.append(ecr.LifecycleAttachment(document, {}, f"The lifecycle policy of '{quote_text(name)}'", repository=name, account=account))
        policy = _json_string(document, locator, "/lifecyclePolicyText", data["lifecyclePolicyText"])
        if is_lifecycle_policy(policy):
            found.append(ecr.AttachedLifecyclePolicy(document, policy, "/lifecyclePolicyText"))
    if "policyText" in data:
        policy = _json_string(document, locator, "/policyText", data["policyText"])
        if isinstance(policy, dict):
            label = f"The repository policy of '{quote_text(name)}'" if name else "The repository policy"
            found.append(ecr.RepositoryPolicy(document, policy, label, "/policyText", repository=name, account=account))
    if isinstance(data.get("replicationConfiguration"), dict):
        found.append(ecr.ReplicationConfiguration(document, data["replicationConfiguration"], "The replication configuration", "/replicationConfiguration", account=account))
    if isinstance(data.get("scanningConfiguration"), dict):
        found.append(ecr.RegistryScanningConfiguration(document, data["scanningConfiguration"], "The registry scanning configuration", "/scanningConfiguration", account=account))
    if isinstance(data.get("pullThroughCacheRules"), list):
        for index, entry in dict_entries(data["pullThroughCacheRules"]):
            label = f"Pull-through cache rule '{quote_text(entry.get('ecrRepositoryPrefix'))}'"
            owner = entry.get("registryId") if isinstance(entry.get("registryId"), str) else None
            found.append(ecr.PullThroughCacheRule(document, entry, label, jp.join("", "pullThroughCacheRules", index), account=owner))
    document._locator = locator
    return found
