"""AWS managed policies known offline, for attachments that name a policy only by ARN (or a Terraform data source by name).

Two files: schemas/aws-managed-policies.json holds the few that roles attach most, each checked by hand
(read at the first attachment of an AWS managed policy); schemas/aws-managed-policies.json.gz holds every AWS
managed policy of a dated snapshot (read only when an attachment names one the first file lacks). Each
document in the snapshot stays JSON text until a role needs it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from ecslint.data import read_text

DATA_FILE = "aws-managed-policies.json"
SNAPSHOT_FILE = "aws-managed-policies.json.gz"


@dataclass(frozen=True)
class ManagedPolicy:
    name: str
    arn: str
    version_id: str
    source: str
    verified: str
    document: dict
    # Set for a policy of the snapshot: its date, which findings resting on it name.
    snapshot: str = ""

    @property
    def described_version(self) -> str:
        return f"{self.version_id} of the {self.snapshot} snapshot" if self.snapshot else self.version_id


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


@cache
def _snapshot() -> tuple[str, dict[str, list]]:
    """(the snapshot's date, policy path -> [name, arn, version, document text])."""
    import gzip  # only when an attachment needs the snapshot
    import pkgutil

    raw = pkgutil.get_data("ecslint.schemas", SNAPSHOT_FILE)
    if raw is None:
        return "", {}
    data = json.loads(gzip.decompress(raw))
    return data["snapshot"], {policy_path(entry[1]): entry for entry in data["policies"]}


def snapshot_date() -> str:
    return _snapshot()[0]


def known(arn: str) -> ManagedPolicy | None:
    """The offline copy of an AWS managed policy, matched by its path so that aws-cn and aws-us-gov ARNs find it too."""
    path = policy_path(arn)
    if not path:
        return None
    policy = _by_path().get(path)
    if policy is not None:
        return policy
    date, entries = _snapshot()
    entry = entries.get(path)
    if entry is None:
        return None
    name, policy_arn, version, document = entry
    return ManagedPolicy(name, policy_arn, version, f"AWS managed policies snapshot of {date}", date, json.loads(document), date)


def arn_for_name(name: str) -> str | None:
    """The ARN of the AWS managed policy of that name (`data "aws_iam_policy"` by `name`), when one is known."""
    for policy in _by_path().values():
        if policy.name == name:
            return policy.arn
    return next((entry[1] for entry in _snapshot()[1].values() if entry[0] == name), None)


def all_known() -> list[ManagedPolicy]:
    return list(_by_path().values())
