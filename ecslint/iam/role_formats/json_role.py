"""`--format json`: each task definition's roles keyed by family, with the notes that go with them."""

from __future__ import annotations

import json


def _role(plan) -> dict | None:
    if not plan.needed and plan.kind == "execution":
        return None
    return {"roleName": plan.role_name, "trustPolicy": plan.trust_document(), "policy": plan.policy_document(), "notes": plan.all_notes}


def keyed(entries) -> list[tuple[str, object, object]]:
    """(key, execution plan, task-role plan) with a unique key per task definition: the family, then `family#2`."""
    seen: dict[str, int] = {}
    found = []
    for execution, task_role in entries:
        count = seen.get(execution.family, 0) + 1
        seen[execution.family] = count
        found.append((execution.family if count == 1 else f"{execution.family}#{count}", execution, task_role))
    return found


def render(entries) -> str:
    data = {}
    for key, execution, task_role in keyed(entries):
        roles = {"executionRole": _role(execution)}
        if not execution.needed:
            roles["notes"] = execution.all_notes
        if task_role is not None:
            roles["taskRole"] = _role(task_role)
        data[key] = roles
    return json.dumps(data, indent=2) + "\n"
