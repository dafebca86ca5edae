"""Rebuild the offline AWS managed policies: the checked few and the dated snapshot of all; never run by the tests.

`python -m ecslint.devtools.refresh_managed_policies` refreshes schemas/aws-managed-policies.json from a live
account (read-only IAM calls, below). `--snapshot-from-account` rebuilds schemas/aws-managed-policies.json.gz from
an account (`list-policies --scope AWS`, then `get-policy-version` of each default version);
`--snapshot-from-folder DIR` from a folder of one JSON file per policy in the iam-dataset layout
(`{"name", "arn", "version", "updatedate", "document"}`, or the same keyed by name in one `.json.gz` file given
with `--snapshot-from-dataset FILE`). Review the size and the diff, then update the date in schemas/SOURCES.md.

Usage: `python -m ecslint.devtools.refresh_managed_policies` with credentials that allow `iam:GetPolicy`
and `iam:GetPolicyVersion` (the AWS managed `IAMReadOnlyAccess` policy does). For each policy already
in the file it reads the default version and its document, and records the version and today's date;
ReadOnlyAccess is reduced again to the services the rules examine. Review the diff, then update the
date in schemas/SOURCES.md.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "schemas" / "aws-managed-policies.json"
SNAPSHOT = DATA.with_name("aws-managed-policies.json.gz")
# ReadOnlyAccess lists read actions of hundreds of services; keep those the rules look at.
REDUCED = {"ReadOnlyAccess": ("cloudwatch", "dynamodb", "ecr", "ecs", "firehose", "iam", "kinesis", "kms", "logs", "s3", "secretsmanager", "sqs", "ssm", "sts", "xray")}


def _reduce(document: dict, services: tuple[str, ...]) -> dict:
    statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    kept = []
    for statement in statements:
        actions = statement.get("Action")
        actions = [actions] if isinstance(actions, str) else actions
        if actions is None:
            kept.append(statement)
            continue
        chosen = [action for action in actions if action.split(":", 1)[0] in services]
        if chosen:
            kept.append({**statement, "Action": chosen})
    return {**document, "Statement": kept}


def refresh(iam, data: dict, today: str) -> dict:
    for entry in data["policies"]:
        policy = iam.get_policy(PolicyArn=entry["arn"])["Policy"]
        version = iam.get_policy_version(PolicyArn=entry["arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"]
        document = version["Document"]  # boto3 returns it decoded
        if entry["name"] in REDUCED:
            document = _reduce(document, REDUCED[entry["name"]])
        entry.update(versionId=policy["DefaultVersionId"], verified=today, document=document)
        if entry["name"] not in REDUCED:
            entry["note"] = f"Default version read with iam:GetPolicyVersion on {today}."
    return data


def snapshot_entries(policies) -> list[list]:
    """[name, arn, version, document as compact JSON text] per policy, sorted by ARN; deprecated ones left out."""
    entries = []
    for policy in policies:
        if policy.get("deprecated"):
            continue
        document = policy["document"]
        if isinstance(document, str):
            document = json.loads(document)
        entries.append([policy["name"], policy["arn"], policy["version"], json.dumps(document, separators=(",", ":"), sort_keys=True)])
    return sorted(entries, key=lambda entry: entry[1])


def write_snapshot(entries: list[list], date: str, source: str, path: Path = SNAPSHOT) -> None:
    import gzip

    data = {"snapshot": date, "source": source, "policies": entries}
    # mtime=0: the same policies give the same bytes.
    path.write_bytes(gzip.compress(json.dumps(data, separators=(",", ":")).encode(), compresslevel=9, mtime=0))


def from_dataset(data: dict) -> list[dict]:
    return [{"name": name, "arn": entry["arn"], "version": entry.get("version", ""), "document": entry["document"], "deprecated": entry.get("deprecated", False)} for name, entry in data.items()]


def from_folder(folder: Path) -> list[dict]:
    found = []
    for path in sorted(folder.glob("*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        found.append({"name": entry.get("name", path.stem), "arn": entry["arn"], "version": entry.get("version", ""), "document": entry["document"], "deprecated": entry.get("deprecated", False)})
    return found


def from_account(iam) -> list[dict]:
    found = []
    for page in iam.get_paginator("list_policies").paginate(Scope="AWS"):
        for policy in page["Policies"]:
            version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"]
            found.append({"name": policy["PolicyName"], "arn": policy["Arn"], "version": policy["DefaultVersionId"], "document": version["Document"]})
    return found


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--snapshot-from-account", action="store_true")
    group.add_argument("--snapshot-from-folder", type=Path)
    group.add_argument("--snapshot-from-dataset", type=Path)
    parser.add_argument("--date", help="the snapshot's date (default: today, or the dataset's own date)")
    arguments = parser.parse_args()
    today = arguments.date or datetime.date.today().isoformat()
    if arguments.snapshot_from_folder or arguments.snapshot_from_dataset:
        import gzip

        if arguments.snapshot_from_folder:
            policies, source = from_folder(arguments.snapshot_from_folder), f"folder {arguments.snapshot_from_folder.name}"
        else:
            raw = arguments.snapshot_from_dataset.read_bytes()
            policies, source = from_dataset(json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)), arguments.snapshot_from_dataset.name
        write_snapshot(snapshot_entries(policies), today, source)
        print(f"wrote {SNAPSHOT} ({len(policies)} policies, snapshot {today})")
        return 0
    import boto3  # only here: the linter itself never needs boto3 for this data

    if arguments.snapshot_from_account:
        policies = from_account(boto3.client("iam"))
        write_snapshot(snapshot_entries(policies), today, "iam:ListPolicies and iam:GetPolicyVersion")
        print(f"wrote {SNAPSHOT} ({len(policies)} policies, snapshot {today})")
        return 0

    data = json.loads(DATA.read_text(encoding="utf-8"))
    today = datetime.date.today().isoformat()
    refresh(boto3.client("iam"), data, today)
    DATA.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {DATA} ({len(data['policies'])} policies, verified {today})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
