"""The kinds of document ecslint lints, and how each is recognised.

Each recogniser takes a parsed document and returns the subjects found in it (task
definitions, or other kinds of subject with checks of their own), or None when the
document is not of its kind. The first recogniser that answers wins.
"""

from __future__ import annotations

import importlib


def _has_resources(document) -> bool:
    return isinstance(document.data, dict) and isinstance(document.data.get("Resources"), dict)


def _any(document) -> bool:
    return True


# (module, recogniser, cheap test): a front end's module is imported only when its test passes,
# so linting one JSON task definition never loads the CloudFormation or Terraform code.
RECOGNISERS = [
    ("ecslint.terraform", "terraform_task_definitions", _any),  # a thin dispatcher: .tf, templates, plans
    ("ecslint.model", "task_definitions", _any),
    ("ecslint.cloudformation", "cloudformation_task_definitions", _has_resources),
    ("ecslint.lifecycle", "lifecycle_policies", _any),
    ("ecslint.appspec", "appspec_files", _any),
]

# A YAML (or other non-JSON) file found by walking is parsed only if its text holds one of
# these: YAML parsing is slow, and most YAML in a repository is CI config or Kubernetes.
WALK_MARKERS: list[str] = ["aws_ecs_task_definition", "AWS::ECS::TaskDefinition", "rulePriority", "TargetService"]


def recognise(document) -> list | None:
    for module, name, applies in RECOGNISERS:
        if applies(document):
            subjects = getattr(importlib.import_module(module), name)(document)
            if subjects is not None:
                return subjects
    return None
