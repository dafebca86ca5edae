"""The partition, Region and account a template leaves to deployment, carried through the role derivation as stand-ins.

CloudFormation's pseudo parameters reach the task definition as `${AWS.Partition}`, `${AWS.Region}` and
`${AWS.AccountId}` (ecslint.cloudformation.intrinsics writes `::` as `.`); Terraform's data sources as
`${data.aws_partition.NAME.partition}`, `${data.aws_region.NAME.name}` (or `.region`, provider 6) and
`${data.aws_caller_identity.NAME.account_id}`. They are known to be the stack's or the caller's own
partition, Region and account, so a role written for the same template can name them. To reuse the one
derivation of what a task needs (ecslint.iam.needs), which reads only literal values, each is replaced by a
stand-in of the right shape, and the stand-ins are turned back into `<PARTITION>`, `<REGION>` and
`<ACCOUNT_ID>` afterwards; the CloudFormation and Terraform writers print those as expressions again.
"""

from __future__ import annotations

import re
from dataclasses import replace

# What a policy shows for a part nothing tells; writers for CloudFormation and Terraform print expressions instead.
PARTITION, REGION, ACCOUNT = "<PARTITION>", "<REGION>", "<ACCOUNT_ID>"

# Stand-ins shaped as each part must be for the image-host, ARN and Region patterns to read them.
PARTITION_STAND_IN = "aws-deploytime"
REGION_STAND_IN = "zz-deploytime-9"
ACCOUNT_STAND_IN = "000000000009"
STAND_INS = {PARTITION_STAND_IN: PARTITION, REGION_STAND_IN: REGION, ACCOUNT_STAND_IN: ACCOUNT}

_CLOUDFORMATION = {"${AWS.Partition}": PARTITION_STAND_IN, "${AWS.Region}": REGION_STAND_IN, "${AWS.AccountId}": ACCOUNT_STAND_IN}
_TERRAFORM = re.compile(
    r"\$\{(?:(?P<partition>data\.aws_partition\.[\w-]+\.partition)"
    r"|(?P<region>data\.aws_region\.[\w-]+\.(?:name|region|id))"
    r"|(?P<account>data\.aws_caller_identity\.[\w-]+\.account_id))\}"
)
_CLOUDFORMATION_PATTERN = re.compile("|".join(re.escape(key) for key in _CLOUDFORMATION))


class Expressions(dict):
    """token (`<ACCOUNT_ID>`) -> the Terraform expression the input used for it (`data.aws_caller_identity.this.account_id`)."""


def _stand_in(text: str, found: Expressions) -> str:
    text = _CLOUDFORMATION_PATTERN.sub(lambda match: _CLOUDFORMATION[match.group()], text)

    def terraform(match: re.Match) -> str:
        kind = next(name for name in ("partition", "region", "account") if match.group(name))
        token, stand_in = {"partition": (PARTITION, PARTITION_STAND_IN), "region": (REGION, REGION_STAND_IN), "account": (ACCOUNT, ACCOUNT_STAND_IN)}[kind]
        found.setdefault(token, match.group(kind))
        return stand_in

    return _TERRAFORM.sub(terraform, text)


def _walk(value, found: Expressions):
    if isinstance(value, str):
        if "${" not in value:
            return value
        replaced = _stand_in(value, found)
        if replaced == value:
            return value
        # A value that still holds another placeholder keeps its deploy-time type (Unresolved, Unknown).
        return type(value)(replaced) if "${" in replaced else str(replaced)
    if isinstance(value, dict):
        return {key: _walk(item, found) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, found) for item in value]
    return value


def with_stand_ins(task):
    """(the task with each deploy-time partition, Region and account replaced by its stand-in, the Terraform expressions met)."""
    found = Expressions()
    data = _walk(task.data, found)
    if data == task.data:
        return task, found
    return replace(task, data=data), found


def restore(text: str) -> str:
    """Stand-ins back to the visible tokens (`000000000009` -> `<ACCOUNT_ID>`)."""
    for stand_in, token in STAND_INS.items():
        text = text.replace(stand_in, token)
    return text
