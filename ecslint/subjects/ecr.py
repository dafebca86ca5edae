"""ECR repositories and registry settings as subjects, API-shaped (as `aws ecr describe-*` prints them), with pointers back.

Front ends (CloudFormation, Terraform, the `aws ecr` output files, `--aws`) map what they read to the
API's field names; each subject keeps, for every API pointer, the source pointer it came from
(`sources`), so findings land on the key as written. `Registry` is the run's index of them: which
repository an image is pulled from, which registry scanning configuration and lifecycle policy
cover a repository, which pull-through cache rule serves an image.

Facts (botocore ECR model 2015-09-21, as shipped with botocore 1.40; verified 2026-12):
defaults `imageTagMutability: MUTABLE` and `scanOnPush: false` when unset (CreateRepository).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import ClassVar

from ecslint.documents import pointer as jp
from ecslint.documents.parse import Document
from ecslint.subjects.lifecycle_policy import LifecyclePolicy
from ecslint.subjects.ecr_registry import Registry, literal, referenced_address, star_fullmatch, wildcard_matches
from ecslint.subjects.placeholders import DeployTimeValue
from ecslint.subjects.task_definition import Subject, dict_entries

# Source: botocore ECR model, ImageTagMutability; CreateRepository's default (verified 2026-12).
MUTABILITIES = ("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")
DEFAULT_MUTABILITY = "MUTABLE"

# The ECR fields messages name, at the start of a backticked span (`scanOnPush`, `imageTagMutability: MUTABLE`).
FIELD_NAMES = (
    "imageTagMutabilityExclusionFilters",
    "imageTagMutability",
    "imageScanningConfiguration",
    "scanOnPush",
    "scanType",
    "scanFrequency",
    "repositoryFilters",
    "filterType",
    "filter",
    "destinations",
    "registryId",
    "region",
    "rules",
)
_QUOTED_FIELD = re.compile(r"`(" + "|".join(FIELD_NAMES) + r")(?=[`: ])")


@dataclass(frozen=True)
class EcrSubject(Subject):
    """One ECR resource or setting: API-shaped `data`, how messages name it, and the way back to the source."""

    document: Document
    data: dict
    # How messages name it: "Repository 'app'", "`aws_ecr_repository.app`", "Resource 'Repo'".
    label: str
    # Where `data` sits in `document` when its pointers are the document's own ("" or `/repositories/0`).
    pointer: str = ""
    # API pointer -> source pointer, when a front end renamed the fields; None: pointers are the document's own.
    sources: dict | None = field(default=None, compare=False, repr=False)
    # Logical ID or Terraform address, which references to it name; "" for output files.
    address: str = ""
    account: str | None = None
    region: str | None = None
    ignore: tuple[str, ...] = ()
    # API field name -> the source's own spelling of it (`ImageTagMutability`, `image_tag_mutability`); None: the API's.
    spelling: object | None = field(default=None, compare=False, repr=False)
    # The rules for these subjects, imported only when a run meets one (ecslint.checks.checks_for).
    check_package: ClassVar[str] = "ecslint.checks.ecr"
    # Judged once the whole run is read: a repository with the registry's settings and the lifecycle policies put on
    # it; the others wait too, so that a run in worker processes reads their files again for the second pass.
    needs_run: ClassVar[bool] = True

    def with_run(self, run) -> EcrSubject:
        return self

    def ptr(self, *tokens: str | int) -> str:
        return jp.join(self.pointer, *tokens)

    def spell_message(self, message: str, pointer: str) -> str:
        """Field names in backticks as the source spells them."""
        if not self.spelling:
            return message
        return _QUOTED_FIELD.sub(lambda match: "`" + self.spelling(match.group(1)), message)

    def source_pointer(self, pointer: str) -> str:
        if self.sources is None:
            return pointer
        candidate = pointer
        while candidate not in self.sources:
            if not candidate:
                return self.sources.get("", pointer)
            candidate = jp.parent(candidate)
        # A member the source does not write (a missing field) is placed at its parent.
        return self.sources[candidate]

    def keeps(self, finding) -> bool:
        """False for a finding at or inside a value only deployment decides."""
        return not any(jp.is_within(finding.pointer, unknown) for unknown in _unknown_pointers(self.data, self.pointer))

    def ignore_selectors(self) -> list[str]:
        return list(self.ignore)

    @property
    def folder(self) -> str:
        return str(PurePosixPath(self.document.path).parent)

    def same_place(self, other: EcrSubject) -> bool:
        """Not known to be in another account or Region (unknown parts match anything)."""
        return all(a is None or b is None or a == b for a, b in ((self.account, other.account), (self.region, other.region)))


def _unknown_pointers(value, pointer: str) -> list[str]:
    if isinstance(value, DeployTimeValue):
        return [pointer]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [found for key, item in items for found in _unknown_pointers(item, jp.join(pointer, key))]


class _TagMutability:
    """The tag settings a repository and a repository creation template share."""

    data: dict

    @property
    def mutability(self) -> str | None:
        """`imageTagMutability` (MUTABLE when unset); None when only deployment decides."""
        value = self.data.get("imageTagMutability", DEFAULT_MUTABILITY)
        return value if literal(value) is not None else None

    @property
    def exclusion_filters(self) -> list[tuple[int, dict]]:
        return dict_entries(self.data.get("imageTagMutabilityExclusionFilters"))


@dataclass(frozen=True)
class Repository(_TagMutability, EcrSubject):
    """A private repository (`describe-repositories` entry shape)."""

    # A lifecycle policy written with the repository itself (CloudFormation's `LifecyclePolicy`), or
    # declared beside it in the same Terraform module.
    has_own_lifecycle_policy: bool = False
    # The run's index, set by the engine's second pass.
    registry: object | None = field(default=None, compare=False, repr=False)
    kind: ClassVar[str] = "repository"

    def with_run(self, run) -> Repository:
        return replace(self, registry=run.shared("ecr-registry", Registry.of_run))

    @property
    def name(self) -> str | None:
        return literal(self.data.get("repositoryName"))

    def tag_is_mutable(self, tag: str) -> bool | None:
        """Whether a push can move `tag` to other content here; None when that cannot be told."""
        mode = self.mutability
        if mode is None:
            return None
        patterns = [literal(entry.get("filter")) for _, entry in self.exclusion_filters]
        if None in patterns:
            return None
        excluded = any(star_fullmatch(pattern, tag) for pattern in patterns)
        if mode == "MUTABLE":
            return True
        if mode == "IMMUTABLE":
            return False
        # *_WITH_EXCLUSION: tags matching a filter get the other behaviour.
        return excluded if mode == "IMMUTABLE_WITH_EXCLUSION" else not excluded

    @property
    def scan_on_push(self) -> bool | None:
        """`imageScanningConfiguration.scanOnPush` (false when unset); None when only deployment decides."""
        scanning = self.data.get("imageScanningConfiguration")
        if isinstance(scanning, DeployTimeValue):
            return None
        value = scanning.get("scanOnPush", False) if isinstance(scanning, dict) else False
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return value if isinstance(value, bool) else None

    def names(self, value) -> bool:
        """True when a value elsewhere in the run (a Terraform `repository`, a `${Repo}` reference) means this repository."""
        if self.address and referenced_address(value) == self.address:
            return True
        text = literal(value)
        return text is not None and self.name is not None and text in (self.name, self.data.get("repositoryArn"))


@dataclass(frozen=True)
class RegistryScanningConfiguration(EcrSubject):
    """`{scanType, rules: [{scanFrequency, repositoryFilters: [{filter, filterType}]}]}` for one registry."""

    kind: ClassVar[str] = "registry-scanning-configuration"

    @property
    def scan_type(self) -> str | None:
        return literal(self.data.get("scanType", "BASIC"))

    @property
    def rules(self) -> list[tuple[int, dict]]:
        return dict_entries(self.data.get("rules"))

    def frequency_for(self, name: str) -> tuple[str | None, str | None]:
        """(the scan frequency a repository called `name` gets, the pointer of the rule giving it); (None, None)
        when no rule matches, ("?", None) when a filter is only known at deployment."""
        found: list[tuple[str, str]] = []
        for index, rule in self.rules:
            filters = [literal(entry.get("filter")) for _, entry in dict_entries(rule.get("repositoryFilters"))]
            frequency = literal(rule.get("scanFrequency"))
            if None in filters or frequency is None or not isinstance(rule.get("repositoryFilters"), list):
                return "?", None
            if any(wildcard_matches(pattern, name) for pattern in filters):
                found.append((frequency, self.ptr("rules", index)))
        # CONTINUOUS_SCAN covers push scans too; a MANUAL rule scans nothing by itself.
        for wanted in ("CONTINUOUS_SCAN", "SCAN_ON_PUSH", "MANUAL"):
            for frequency, pointer in found:
                if frequency == wanted:
                    return frequency, pointer
        return (found[0] if found else (None, None))


@dataclass(frozen=True)
class ReplicationConfiguration(EcrSubject):
    """`{rules: [{destinations: [{region, registryId}], repositoryFilters: [...]}]}` for one registry."""

    kind: ClassVar[str] = "replication-configuration"


@dataclass(frozen=True)
class PullThroughCacheRule(EcrSubject):
    """`{ecrRepositoryPrefix, upstreamRegistryUrl, ...}`: images under `prefix/` are pulled from upstream on first use."""

    kind: ClassVar[str] = "pull-through-cache-rule"

    @property
    def prefix(self) -> str | None:
        value = literal(self.data.get("ecrRepositoryPrefix"))
        return value.strip("/") if value else None


@dataclass(frozen=True)
class RepositoryCreationTemplate(_TagMutability, EcrSubject):
    """`{prefix, appliedFor, imageTagMutability, lifecyclePolicy, repositoryPolicy, ...}`: settings of repositories ECR creates."""

    kind: ClassVar[str] = "repository-creation-template"


@dataclass(frozen=True)
class RepositoryPolicy(EcrSubject):
    """A repository policy document (`data` is the IAM policy), with the repository it is attached to."""

    # The repository's name or a reference to it; None when the policy sits in the repository itself.
    repository: object | None = None
    kind: ClassVar[str] = "repository-policy"


@dataclass(frozen=True)
class LifecycleAttachment(EcrSubject):
    """That a lifecycle policy is put on a repository (`repository`: its name or a reference), whatever the policy says."""

    repository: object | None = None
    kind: ClassVar[str] = "lifecycle-attachment"


@dataclass(frozen=True)
class AttachedLifecyclePolicy(LifecyclePolicy):
    """A lifecycle policy found inside another document (a repository, `aws_ecr_lifecycle_policy`, `get-lifecycle-policy`)."""

    ignore: tuple[str, ...] = ()

    def ignore_selectors(self) -> list[str]:
        return list(self.ignore)
