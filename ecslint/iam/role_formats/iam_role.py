"""`--format iam`: the role file `ecslint check --iam` reads, so that a generated role can be checked at once.

One role: the one-role shape (`{"Role": ..., "RolePolicies": [...], "AttachedPolicies": []}`); more than
one (several task definitions, or `--task-role`): the `RoleDetailList` shape of
`aws iam get-account-authorization-details`. JSON has no comments: the notes go to stderr.
"""

from __future__ import annotations

import json

from ecslint.subjects.quoting import quote_text


def _role(name: str, arn: str | None, trust: dict) -> dict:
    role = {"RoleName": name}
    if arn:
        role["Arn"] = arn
    role["AssumeRolePolicyDocument"] = trust
    return role


def roles(entries) -> list[tuple[dict, list[dict]]]:
    """(Role object, inline policies) for each role the entries need."""
    found = []
    for execution, task_role in entries:
        if execution.needed:
            found.append((_role(execution.role_name, execution.role_arn, execution.trust_document()), [{"PolicyName": execution.role_name, "PolicyDocument": execution.policy_document()}]))
        if task_role is not None:
            policies = [{"PolicyName": task_role.role_name, "PolicyDocument": task_role.policy_document()}] if task_role.statements else []
            found.append((_role(task_role.role_name, task_role.role_arn, task_role.trust_document()), policies))
    return found


def render(entries) -> str:
    found = roles(entries)
    if len(found) == 1:
        role, policies = found[0]
        data = {"Role": role, "RolePolicies": policies, "AttachedPolicies": []}
    else:
        data = {"RoleDetailList": [{**role, "RolePolicyList": policies, "AttachedManagedPolicies": []} for role, policies in found]}
    return json.dumps(data, indent=2) + "\n"


def notes(entries) -> list[str]:
    """What the file cannot say: each task definition's notes, prefixed with its family."""
    return [f"{quote_text(plan.family)}: {note}" for execution, task_role in entries for plan in (execution, task_role) if plan is not None for note in plan.all_notes]
