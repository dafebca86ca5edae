"""Rebuild schemas/aws-managed-policies.json from a live AWS account (read-only IAM calls); never run by the tests.

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


def main() -> int:
    import boto3  # only here: the linter itself never needs boto3 for this data

    data = json.loads(DATA.read_text(encoding="utf-8"))
    today = datetime.date.today().isoformat()
    refresh(boto3.client("iam"), data, today)
    DATA.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {DATA} ({len(data['policies'])} policies, verified {today})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
