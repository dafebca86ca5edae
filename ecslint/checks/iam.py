"""ECS103-ECS109 and ECS113, the rules that read role policies: registered here, implemented in ecslint.iam.

The implementation costs ~12 ms to import, and most runs (a pre-commit hook on a file
without `--iam`) have no policies to read, so it is imported only when a task has an IAM context.
"""

from __future__ import annotations

import importlib

from ecslint.checks import check

# rule ID -> (module in ecslint.iam, function)
POLICY_RULES = {
    "ECS103": ("execution_role_rules", "app_permissions_on_execution_role"),
    "ECS104": ("task_role_rules", "bootstrap_permissions_on_task_role"),
    "ECS105": ("execution_role_rules", "execution_role_cannot_bootstrap"),
    "ECS106": ("execution_role_rules", "sidecar_permissions_on_execution_role"),
    "ECS107": ("task_role_rules", "overly_permissive_task_role"),
    "ECS108": ("trust_rules", "role_not_assumable_by_ecs_tasks"),
    "ECS109": ("trust_rules", "trust_policy_without_source_condition"),
    "ECS113": ("execution_role_rules", "unscoped_secret_access"),
}


def _register(rule_id: str, module: str, name: str) -> None:
    def run(task):
        if task.iam is None:
            return ()
        return getattr(importlib.import_module(f"ecslint.iam.{module}"), name)(task)

    run.__name__ = run.__qualname__ = name
    check(rule_id)(run)


for _rule_id, (_module, _name) in POLICY_RULES.items():
    _register(_rule_id, _module, _name)
