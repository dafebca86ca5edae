"""Task definitions and containers as read-only views over parsed data, each value with its pointer.

Checks read fields through these views so that a value of the wrong type (already an
ECS002 finding) never crashes a rule: accessors return None or empty lists instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import ClassVar

from ecslint.documents import pointer as jp
from ecslint.documents.parse import Document
from ecslint.subjects.quoting import quote_text

# Keys only DescribeTaskDefinition returns; RegisterTaskDefinition rejects them.
# Source: botocore ECS model, TaskDefinition vs RegisterTaskDefinitionRequest (verified 2026-11-30).
DESCRIBE_ONLY_KEYS = frozenset(
    {
        "taskDefinitionArn",
        "revision",
        "status",
        "requiresAttributes",
        "compatibilities",
        "registeredAt",
        "registeredBy",
        "deregisteredAt",
        "deleteRequestedAt",
    }
)

IGNORE_TAG = "ecslint:ignore"

# Task-definition rules whose verdict the run's ECR repositories and pull-through cache rules can change.
RULES_READING_THE_RUN = ("ECS105", "ECS601", "ECS602")

# Values the API accepts for `networkMode` (botocore ECS model, NetworkMode enum; verified 2026-11-30).
NETWORK_MODES = ("bridge", "host", "awsvpc", "none")

# Keys that, next to `family`, mark an object as a task definition rather than any JSON.
_TASK_LEVEL_KEYS = frozenset(
    {"taskRoleArn", "executionRoleArn", "networkMode", "requiresCompatibilities", "volumes", "cpu", "memory", "runtimePlatform"}
)


def takes_effect(value) -> bool:
    """Set to something that asks for anything: an explicit `false`, `[]`, `{}` or `""` does no harm."""
    return value is not None and value is not False and not (isinstance(value, (list, dict, str)) and not value)


def dict_entries(value) -> list[tuple[int, dict]]:
    """(index, entry) for each object in a list, skipping malformed entries; [] for anything else."""
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []


@dataclass(frozen=True)
class Container:
    """One entry of `containerDefinitions`."""

    data: dict
    pointer: str
    index: int

    @property
    def name(self) -> str | None:
        name = self.data.get("name")
        return name if isinstance(name, str) else None

    @property
    def label(self) -> str:
        """How messages name the container: `Container 'web'`, or by position when unnamed."""
        return f"Container '{quote_text(self.name)}'" if self.name else f"Container #{self.index + 1}"

    def ptr(self, *tokens: str | int) -> str:
        return jp.join(self.pointer, *tokens)

    def get(self, key: str, kind: type | tuple = object):
        value = self.data.get(key)
        return value if isinstance(value, kind) and not (kind is int and isinstance(value, bool)) else None

    def items(self, key: str) -> list[tuple[int, dict]]:
        """(index, entry) for each object in the list under key, skipping malformed entries."""
        return dict_entries(self.data.get(key))

    @property
    def essential(self) -> bool:
        # ECS default: a container is essential unless `essential: false`.
        return self.data.get("essential") is not False


class Subject:
    """What checks run on: a task definition, or another kind of document (lifecycle policy, AppSpec).

    The defaults fit a subject read straight from its own file; front ends override them.
    """

    def ignore_selectors(self) -> list[str]:
        """Rule IDs or prefixes suppressed inside the document itself."""
        return []

    def ignore_entries(self) -> list[tuple[str, str, str]]:
        """Each suppression entry as written, the pointer where it is written and how to name it (for ECS004)."""
        return [(selector, "", "The `ecslint:ignore` tag") for selector in self.ignore_selectors()]

    def source_pointer(self, pointer: str) -> str:
        """The pointer in the source document for a pointer built from API field names."""
        return pointer

    def message_for(self, finding) -> str:
        """The finding's message in the source's own terms (front ends write expressions as the user did)."""
        return finding.message

    def keeps(self, finding) -> bool:
        """False for a finding that would judge a value only known at deploy time."""
        return True

    def spell_path(self, pointer: str, base: str) -> str:
        """The field at `pointer` as a dotted path from `base` (both API pointers), spelled as the source spells it."""
        return jp.to_path(pointer[len(base):])

    def spell_message(self, message: str, pointer: str) -> str:
        """The message with the field names it quotes spelled as the source spells them (pointer: the finding's, API-shaped)."""
        return message

    def rejected_keys(self) -> list[RejectedKey]:
        """Keys the front end's own format rejects before ECS sees them (a CloudFormation property spelled the API's way)."""
        return []


@dataclass(frozen=True)
class RejectedKey:
    """A key the source format does not accept, at an API pointer, with the names it does accept there."""

    pointer: str
    key: str
    known: tuple[str, ...]
    # The format that rejects it, for messages: "CloudFormation".
    format: str


@dataclass(frozen=True)
class TaskDefinition(Subject):
    """One task definition found in a document, whatever shape it was written in."""

    document: Document
    data: dict
    # Pointer to the task-level object in the source; "" for register shape.
    pointer: str
    # register | describe | containers (a bare container-definitions list, as Terraform takes)
    shape: str
    # Where the task's tags live (describe output keeps them beside the task definition).
    tags_pointer: str | None = None
    # The roles and policies known for this run (ecslint.iam.context.IamContext), or None.
    iam: object | None = field(default=None, compare=False, repr=False)
    # Set when a service of the run launches this task definition on Fargate, whatever its
    # `requiresCompatibilities` says: the Fargate rules then apply to it.
    fargate_service: str | None = field(default=None, compare=False)
    # The ECR repositories and pull-through cache rules of the run (ecslint.subjects.ecr_registry.Registry), or None.
    registry: object | None = field(default=None, compare=False, repr=False)
    kind: ClassVar[str] = "task-definition"
    # Kinds of subject that, met in the same run, can change what the rules in RULES_READING_THE_RUN say.
    paired_kinds: ClassVar[tuple[str, ...]] = ("repository", "pull-through-cache-rule")

    def recheck_with_run(self, run):
        """(this task definition with the run's ECR registry, the rules to run again) when an image of it comes from a
        repository or pull-through cache rule of the run; None otherwise (its first-pass findings stand)."""
        from ecslint.subjects.ecr_registry import Registry
        from ecslint.subjects.image_reference import parse_image

        registry = run.shared("ecr-registry", Registry.of_run)
        images = [image for image in (parse_image(container.data.get("image")) for container in self.containers) if image is not None]
        if not any(registry.repository_for(image) is not None or registry.pull_through_rule_for(image) is not None for image in images):
            return None
        return replace(self, registry=registry), RULES_READING_THE_RUN

    def ptr(self, *tokens: str | int) -> str:
        return jp.join(self.pointer, *tokens)

    def get(self, key: str, kind: type | tuple = object):
        value = self.data.get(key)
        return value if isinstance(value, kind) and not (kind is int and isinstance(value, bool)) else None

    @cached_property
    def containers(self) -> list[Container]:
        if self.shape == "containers":
            return [Container(item, jp.join(self.pointer, index), index) for index, item in dict_entries(self.data["containerDefinitions"])]
        return [Container(item, self.ptr("containerDefinitions", index), index) for index, item in dict_entries(self.data.get("containerDefinitions"))]

    def container(self, name: str) -> Container | None:
        return next((c for c in self.containers if c.name == name), None)

    @property
    def knows_task_fields(self) -> bool:
        """False for a bare container list, whose task-level fields live elsewhere (unknown, not absent)."""
        return self.shape != "containers"

    @property
    def requires_compatibilities(self) -> set[str]:
        value = self.data.get("requiresCompatibilities")
        return {item for item in value if isinstance(item, str)} if isinstance(value, list) else set()

    @property
    def is_fargate(self) -> bool:
        return "FARGATE" in self.requires_compatibilities or self.fargate_service is not None

    @property
    def operating_system(self) -> str | None:
        platform = self.get("runtimePlatform", dict) or {}
        family = platform.get("operatingSystemFamily")
        return family if isinstance(family, str) else None

    @property
    def is_windows(self) -> bool:
        return (self.operating_system or "").startswith("WINDOWS")

    @property
    def network_mode(self) -> str | None:
        """The effective network mode, or None when it cannot be known from this document."""
        mode = self.data.get("networkMode")
        if mode is not None:
            # An invalid value is ECS002's finding; mode-dependent rules then stay silent.
            return mode if mode in NETWORK_MODES else None
        if not self.knows_task_fields or self.is_windows:
            # Windows on EC2 defaults to `default` (NAT); never guess for a bare container list.
            return "default" if self.is_windows else None
        compatibilities = self.requires_compatibilities
        if "MANAGED_INSTANCES" in compatibilities:
            # Managed Instances have no `bridge`; `awsvpc` is their default (ECS407's sources, 2026-11). A task
            # that may also run on EC2 or external instances has no single default there.
            return None if compatibilities & {"EC2", "EXTERNAL"} else "awsvpc"
        # Linux default when unset (ECS developer guide, "Network mode", verified 2026-11-30).
        return "bridge"

    def ignore_selectors(self) -> list[str]:
        """Rule IDs or prefixes from the `ecslint:ignore` tag (space-separated: tag values cannot hold commas)."""
        selectors: list[str] = []
        for _, tag in self.tags:
            if tag.get("key") == IGNORE_TAG and isinstance(tag.get("value"), str):
                selectors += tag["value"].replace(",", " ").upper().split()
        return selectors

    def ignore_entries(self) -> list[tuple[str, str, str]]:
        entries = []
        for index, tag in self.tags:
            if tag.get("key") == IGNORE_TAG and isinstance(tag.get("value"), str):
                pointer = jp.join(self.tags_pointer, index, "value")
                entries += [(word, pointer, "The `ecslint:ignore` tag") for word in tag["value"].replace(",", " ").split()]
        return entries

    @property
    def tags(self) -> list[tuple[int, dict]]:
        if self.tags_pointer is None:
            return []
        value = self.document.data
        for token in jp.split(self.tags_pointer):
            value = value.get(token) if isinstance(value, dict) else None
        return dict_entries(value)


def _is_container_list(data) -> bool:
    return bool(data) and isinstance(data, list) and all(isinstance(item, dict) for item in data) and any("image" in item for item in data)


def _is_task_object(data) -> bool:
    return isinstance(data, dict) and ("containerDefinitions" in data or ("family" in data and bool(_TASK_LEVEL_KEYS & data.keys())))


def task_definitions(document: Document) -> list[TaskDefinition] | None:
    """Every task definition in the document, or None when it is not in any accepted shape."""
    data = document.data
    if isinstance(data, dict) and _is_task_object(data.get("taskDefinition")):
        # describe-task-definition puts `tags` beside the task definition; ecspresso inside it.
        tags = "/taskDefinition/tags" if "tags" not in data and "tags" in data["taskDefinition"] else "/tags"
        return [TaskDefinition(document, data["taskDefinition"], "/taskDefinition", "describe", tags)]
    if _is_task_object(data):
        return [TaskDefinition(document, data, "", "register", "/tags")]
    if _is_container_list(data):
        return [TaskDefinition(document, {"containerDefinitions": data}, "", "containers")]
    return None
