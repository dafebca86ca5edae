"""ECS810-ECS814, the ECR repository and registry rules: registered here by subject kind, implemented beside.

Registering by kind (not by class) keeps ecslint.subjects.ecr and the rules' code out of a run that
reads task definitions only; they are imported when the first repository or registry setting is checked.
"""

from __future__ import annotations

import importlib

from ecslint.checks import check

# rule ID -> (module in this package, function, the subject kinds it reads)
ECR_RULES = {
    "ECS810": ("scanning", "image_scanning_disabled", ("repository", "registry-scanning-configuration")),
    "ECS811": ("repositories", "mutable_image_tags", ("repository", "repository-creation-template")),
    "ECS812": ("repositories", "repository_without_lifecycle_policy", ("repository",)),
    "ECS813": ("repository_policies", "public_repository_policy", ("repository-policy",)),
    "ECS814": ("replication", "invalid_replication_configuration", ("replication-configuration",)),
}


def _register(rule_id: str, module: str, name: str, kinds: tuple[str, ...]) -> None:
    def run(subject):
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)(subject)

    run.__name__ = run.__qualname__ = name
    check(rule_id, subject=kinds)(run)


for _rule_id, (_module, _name, _kinds) in ECR_RULES.items():
    _register(_rule_id, _module, _name, _kinds)
