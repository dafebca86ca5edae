"""AWS managed policies known offline (schemas/aws-managed-policies.json), for attachments the `--iam` input names only by ARN."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from ecslint.data import read_text

DATA_FILE = "aws-managed-policies.json"


@dataclass(frozen=True)
class ManagedPolicy:
    name: str
    arn: str
    version_id: str
    source: str
    verified: str
    document: dict


def policy_path(arn: str) -> str | None:
    """`policy/service-role/Name` for an AWS managed policy ARN in any partition, else None."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "iam" and parts[4] == "aws" and parts[5].startswith("policy/"):
        return parts[5]
    return None


@cache
def _by_path() -> dict[str, ManagedPolicy]:
    text = read_text("ecslint.schemas", DATA_FILE)
    found = {}
    for entry in json.loads(text)["policies"]:
        policy = ManagedPolicy(entry["name"], entry["arn"], entry["versionId"], entry["source"], entry["verified"], entry["document"])
        found[policy_path(policy.arn)] = policy
    return found


def known(arn: str) -> ManagedPolicy | None:
    """The offline copy of an AWS managed policy, matched by its path so that aws-cn and aws-us-gov ARNs find it too."""
    path = policy_path(arn)
    return _by_path().get(path) if path else None


def all_known() -> list[ManagedPolicy]:
    return list(_by_path().values())
