"""CodeDeploy AppSpec files for Amazon ECS blue/green deployments, and the task definitions they deploy.

CodeDeploy reads AppSpec keys without regard to case (AWS's own deploy action looks them up
case-insensitively: aws-actions/amazon-ecs-deploy-task-definition, index.js `findAppSpecKey`,
verified 2026-11-30), so keys are matched that way here; pointers keep the file's own spelling.
"""

from __future__ import annotations

from typing import NamedTuple

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import ClassVar

from ecslint.documents import pointer as jp
from ecslint.documents.parse import Document
from ecslint.subjects.task_definition import Subject
from ecslint.subjects.placeholders import is_templated

TARGET_TYPE = "AWS::ECS::Service"

# `arn:aws:ecs:region:account:task-definition/family:revision`, the form the AppSpec reference asks for
# (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html, verified 2026-11-30).
TASK_DEFINITION_ARN = re.compile(r"^arn:[a-z0-9-]+:ecs:[a-z0-9-]*:\d*:task-definition/([A-Za-z0-9_-]{1,255})(?::\d+)?$")


def key_for(mapping, name: str) -> str | None:
    """The key of `mapping` that spells `name` in any case, or None."""
    if not isinstance(mapping, dict):
        return None
    wanted = name.lower()
    return next((key for key in mapping if key.lower() == wanted), None)


def is_placeholder(value) -> bool:
    # What CI fills in later: CodePipeline's `<TASK_DEFINITION>`, `$VAR`, `${VAR}`, `{{ var }}`.
    return isinstance(value, str) and is_templated(value)


def is_appspec_version(value) -> bool:
    """`version: 0.0`, however it was written (YAML and JSON read it as a number; quoted, it is text)."""
    if isinstance(value, bool):
        return False
    return value == 0 if isinstance(value, (int, float)) else value == "0.0"


def family_of(reference) -> str | None:
    """The task definition family named by a task-definition ARN; None for placeholders and anything else."""
    match = TASK_DEFINITION_ARN.match(reference) if isinstance(reference, str) else None
    return match.group(1) if match else None


class Node(NamedTuple):
    """A value in the AppSpec with its pointer; `child` finds a member whatever the case of its key."""

    value: object
    pointer: str

    def child(self, name: str) -> Node | None:
        key = key_for(self.value, name)
        return Node(self.value[key], jp.join(self.pointer, key)) if key is not None else None


@dataclass(frozen=True)
class AppSpec(Subject):
    """One AppSpec file for an ECS deployment."""

    document: Document
    data: dict
    pointer: str = ""
    # Every task definition of the run, set by ecslint.engine.run's second pass; None until then.
    run_task_definitions: tuple | None = field(default=None, compare=False, repr=False)
    # Asks ecslint.engine.run to check this subject once every document of the run has been read.
    needs_run_task_definitions: ClassVar[bool] = True
    kind: ClassVar[str] = "appspec"
    # Where its checks live (ecslint.checks.checks_for imports them only when an AppSpec file turns up).
    check_package: ClassVar[str] = "ecslint.checks.appspec"

    def with_run_task_definitions(self, task_definitions) -> AppSpec:
        return replace(self, run_task_definitions=tuple(task_definitions))

    @property
    def root(self) -> Node:
        return Node(self.data, self.pointer)

    @property
    def target_services(self) -> list[Node]:
        """Every `TargetService` entry under `Resources`."""
        resources = self.root.child("Resources")
        if resources is None or not isinstance(resources.value, list):
            return []
        entries = (Node(entry, jp.join(resources.pointer, index)) for index, entry in enumerate(resources.value))
        return [found for entry in entries if (found := entry.child("TargetService")) is not None]

    @property
    def properties(self) -> Node | None:
        """`Properties` of the one `TargetService`; None when there is not exactly one, or it has none."""
        targets = self.target_services
        found = targets[0].child("Properties") if len(targets) == 1 else None
        return found if found is not None and isinstance(found.value, dict) else None

    def find(self, *path: str) -> Node | None:
        """A member below `Properties`, e.g. find("LoadBalancerInfo", "ContainerName")."""
        node = self.properties
        for name in path:
            node = node.child(name) if node is not None else None
        return node

    def deployed_task_definitions(self) -> list:
        """The run's task definitions this AppSpec deploys: by family when `TaskDefinition` is a
        task-definition ARN, otherwise (a placeholder such as `<TASK_DEFINITION>`) those in the
        same directory. Empty when the run's task definitions are not known."""
        if not self.run_task_definitions:
            return []
        reference = self.find("TaskDefinition")
        family = family_of(reference.value) if reference is not None else None
        if family is not None:
            return [task for task in self.run_task_definitions if task.get("family", str) == family]
        if reference is not None and isinstance(reference.value, str) and reference.value.startswith("arn:"):
            return []  # an ARN of something else: ECS901's finding, and nothing to compare with
        here = PurePosixPath(self.document.path).parent
        return [task for task in self.run_task_definitions if PurePosixPath(task.document.path).parent == here]


def _platform(data: dict) -> str | None:
    """Which compute platform an AppSpec is for: ECS, Lambda or Server (EC2/on-premises); None if not an AppSpec."""
    resources_key = key_for(data, "Resources")
    resources = data[resources_key] if resources_key is not None else None
    entries = [entry for entry in resources if isinstance(entry, dict)] if isinstance(resources, list) else []
    if any(key_for(entry, "TargetService") is not None for entry in entries):
        return "ECS"
    if not is_appspec_version(data.get(key_for(data, "version"))):
        return None
    if key_for(data, "os") is not None or key_for(data, "files") is not None:
        return "Server"
    declared = [value for entry in entries for value in entry.values() if isinstance(value, dict)]
    if any(str(value.get(key_for(value, "Type"))).lower() == "aws::lambda::function" for value in declared):
        return "Lambda"
    # `version: 0.0` with resources or hooks but no TargetService: an ECS AppSpec gone wrong (ECS901 says how).
    return "ECS" if resources_key is not None or key_for(data, "Hooks") is not None else None


def appspec_files(document: Document) -> list[AppSpec] | None:
    """Recogniser (ecslint.documents.shapes): an AppSpec for ECS, or [] for an AppSpec of another platform (nothing to check)."""
    data = document.data
    platform = _platform(data) if isinstance(data, dict) else None
    if platform is None:
        return None
    return [AppSpec(document, data)] if platform == "ECS" else []
