"""The kinds of document ecslint lints, and how each is recognised.

Each recogniser takes a parsed document and returns the subjects found in it (task
definitions, or other kinds of subject with checks of their own), or None when the
document is not of its kind. The first recogniser that answers wins.
"""

from __future__ import annotations

from ecslint.appspec import appspec_files
from ecslint.cloudformation import cloudformation_task_definitions
from ecslint.lifecycle import lifecycle_policies
from ecslint.model import task_definitions
from ecslint.terraform import terraform_task_definitions

RECOGNISERS = [terraform_task_definitions, task_definitions, cloudformation_task_definitions, lifecycle_policies, appspec_files]

# A YAML (or other non-JSON) file found by walking is parsed only if its text holds one of
# these: YAML parsing is slow, and most YAML in a repository is CI config or Kubernetes.
WALK_MARKERS: list[str] = ["aws_ecs_task_definition", "AWS::ECS::TaskDefinition", "rulePriority", "TargetService"]


def recognise(document) -> list | None:
    for recogniser in RECOGNISERS:
        subjects = recogniser(document)
        if subjects is not None:
            return subjects
    return None
