"""What a generated policy must pass before ecslint prints it: known actions, `*` only where IAM offers nothing narrower.

Sources, verified 2026-11-30: the action catalogue (ecslint.iam.catalogue); "IAM JSON policy elements: Sid"
(letters and digits; unique in a policy); IAM quotas (a role's inline policies total at most 10,240 characters,
whitespace not counted: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
"""

from __future__ import annotations

import json
import re
from ecslint.subjects.quoting import quote

# Actions without resource-level permissions: `*` is the only resource they take (Service Authorization Reference).
NO_RESOURCE_ACTIONS = {
    "execution": frozenset({"ecr:getauthorizationtoken"}),
    "task": frozenset(
        {
            "cloudwatch:putmetricdata",
            "xray:getsamplingrules",
            "xray:getsamplingtargets",
            "xray:puttelemetryrecords",
            "xray:puttracesegments",
            "ssmmessages:createcontrolchannel",
            "ssmmessages:createdatachannel",
            "ssmmessages:opencontrolchannel",
            "ssmmessages:opendatachannel",
        }
    ),
}
INLINE_POLICY_LIMIT = 10240
_SID = re.compile(r"^[A-Za-z0-9]+$")


def problems(plan) -> list[str]:
    """Why the plan's permissions policy would be wrong or rejected; [] when it passes."""
    from ecslint.iam import catalogue

    found = []
    sids = set()
    allowed_on_everything = NO_RESOURCE_ACTIONS.get(plan.kind, frozenset())
    for statement in plan.statements:
        if not _SID.match(statement.sid):
            found.append(f"statement {quote(statement.sid)}: a Sid takes letters and digits only")
        if statement.sid in sids:
            found.append(f"statement {quote(statement.sid)}: the Sid is used twice")
        sids.add(statement.sid)
        for action in statement.actions:
            if not catalogue.knows(action):
                found.append(f"statement {quote(statement.sid)}: {quote(action)} is not an action the catalogue knows")
            if "*" in statement.resources and action.lower() not in allowed_on_everything:
                found.append(f"statement {quote(statement.sid)}: {quote(action)} on `*`")
    size = len(re.sub(r"\s", "", json.dumps(plan.policy_document())))
    if size > INLINE_POLICY_LIMIT:
        found.append(f"the policy has {size} characters, over IAM's {INLINE_POLICY_LIMIT} for a role's inline policies")
    return found
