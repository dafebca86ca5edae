"""`--format cloudformation`: an `AWS::IAM::Role` resource per role, as YAML with short-form tags.

Parts nothing tells become pseudo parameters in `!Sub` (`${AWS::AccountId}`): the role is created in the
stack's own partition, Region and account, which is where the task runs. Notes become comments, and a
customer managed key that is not known becomes a commented-out `kms:Decrypt` statement to fill in.
"""

from __future__ import annotations

import json
import re

from ecslint.iam.deploy_time_place import ACCOUNT, PARTITION, REGION
from ecslint.iam.least_privilege import KMS_KEY, camel

PSEUDO = {PARTITION: "${AWS::Partition}", REGION: "${AWS::Region}", ACCOUNT: "${AWS::AccountId}"}
# A plain YAML scalar: no indicator first, no `: ` or ` #` inside, and not read as another type.
_PLAIN = re.compile(r"^[A-Za-z/][\w./:@-]*$")
_OTHER_TYPES = re.compile(r"^(?:true|false|yes|no|on|off|null|y|n|~)$", re.I)


class Sub(str):
    """A string with pseudo parameters: written as `!Sub`."""


class Ref(str):
    """A pseudo parameter alone: written as `!Ref`."""


_WHOLE_REF = re.compile(r"^\$\{([A-Za-z0-9]+)\}$")


def _value(text: str):
    if text in PSEUDO:
        return Ref(PSEUDO[text][2:-1])
    if _WHOLE_REF.match(text):
        return Ref(text[2:-1])
    # `${Secret}`, `${Key.Arn}`: the template's own resources, as `!Sub` names them.
    if any(token in text for token in PSEUDO) or "${" in text:
        for token, expression in PSEUDO.items():
            text = text.replace(token, expression)
        return Sub(text)
    return text


def _scalar(value) -> str:
    if isinstance(value, Sub):
        return "!Sub " + _quote(value)
    if isinstance(value, Ref):
        return "!Ref " + value
    return _quote(value)


def _quote(text: str) -> str:
    if _PLAIN.match(text) and not _OTHER_TYPES.match(text) and ": " not in text:
        return text
    return json.dumps(text)


def _emit(value, indent: int, lines: list[str]) -> None:
    pad = "  " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{_quote(key)}:")
                _emit(item, indent + 1, lines)
            else:
                lines.append(f"{pad}{_quote(key)}: {_inline(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                inner: list[str] = []
                _emit(item, indent + 1, inner)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {_inline(item)}")


def _inline(value) -> str:
    if isinstance(value, str):
        return _scalar(value)
    if isinstance(value, (dict, list)):
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value)


def _substituted(value, plan):
    if isinstance(value, str):
        return _value(plan.foreign(value, "cloudformation"))
    if isinstance(value, dict):
        return {key: _substituted(item, plan) for key, item in value.items()}
    if isinstance(value, list):
        return [_substituted(item, plan) for item in value]
    return value


def _pseudo(text: str) -> str:
    for token, expression in PSEUDO.items():
        text = text.replace(token, expression)
    return text


def logical_id(plan) -> str:
    return f"{camel(plan.family, 200)}{'Execution' if plan.kind == 'execution' else 'Task'}Role"


def _resource(plan) -> dict:
    properties = {"RoleName": plan.role_name, "AssumeRolePolicyDocument": plan.trust_document()}
    if plan.statements:
        properties["Policies"] = [{"PolicyName": plan.role_name, "PolicyDocument": plan.policy_document()}]
    return {"Type": "AWS::IAM::Role", "Properties": _substituted(properties, plan)}


def _kms_comment(plan, indent: int) -> list[str]:
    pad = "  " * indent
    key = f"arn:${{AWS::Partition}}:kms:${{AWS::Region}}:${{AWS::AccountId}}:key/{KMS_KEY}"
    return [
        f"{pad}# Only if a secret or parameter above is encrypted with a customer managed key:",
        f"{pad}# - Sid: DecryptSecretsWithCustomerManagedKey",
        f"{pad}#   Effect: Allow",
        f"{pad}#   Action: kms:Decrypt",
        f"{pad}#   Resource: !Sub {key}",
    ]


def render(entries) -> str:
    lines = ["# IAM roles written by `ecslint policy` for the task definitions below.", "Resources:"]
    for execution, task_role in entries:
        for plan in (execution, task_role):
            if plan is None:
                continue
            if not plan.statements and plan.kind == "execution":
                lines.append(f"  # {plan.family}: {plan.notes[0]}")
                continue
            lines.append(f"  # {plan.family}: {plan.kind} role")
            lines.extend(f"  # Note: {_pseudo(note)}" for note in plan.notes)
            lines.append(f"  {logical_id(plan)}:")
            body: list[str] = []
            _emit(_resource(plan), 2, body)
            lines.extend(body)
            if plan.kms_unknown:
                lines.extend(_kms_comment(plan, 7))
    return "\n".join(lines) + "\n"
