"""Live AWS (`--aws`, `--aws-all`): fetch registered task definitions with read-only ECS calls.

boto3 is imported here only, so that linting files never pays for it.
"""

from __future__ import annotations

import json

from ecslint.documents.files import InputError, Source


class LiveError(Exception):
    """Live access is impossible (no credentials, no region, unknown profile): exit 2 with one line."""


def session(profile: str | None, region: str | None):
    """A boto3 session with the standard credential chain, checked before any call is made."""
    import boto3
    import botocore.exceptions

    try:
        made = boto3.Session(profile_name=profile, region_name=region)
    except botocore.exceptions.ProfileNotFound as error:
        raise LiveError(str(error)) from None
    if made.get_credentials() is None:
        raise LiveError("no AWS credentials found for --aws (use --profile, AWS_PROFILE, or the standard environment variables)")
    if made.region_name is None:
        raise LiveError("no AWS region for --aws (use --region or AWS_REGION)")
    return made


def client(live_session, service: str):
    import botocore.config

    # Standard retry mode retries throttling with backoff (botocore's documented behaviour).
    config = botocore.config.Config(retries={"mode": "standard", "max_attempts": 8}, user_agent_extra="ecslint")
    return live_session.client(service, config=config)


def describe_task_definition(ecs, reference: str) -> Source | InputError:
    import botocore.exceptions

    try:
        response = ecs.describe_task_definition(taskDefinition=reference, include=["TAGS"])
    except botocore.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Error")
        message = error.response.get("Error", {}).get("Message", str(error))
        return InputError(reference, f"{code}: {message}")
    document = {"taskDefinition": response["taskDefinition"], "tags": response.get("tags", [])}
    arn = response["taskDefinition"].get("taskDefinitionArn", reference)
    text = json.dumps(document, indent=2, sort_keys=True, default=str)
    return Source(arn, text.encode(), True, None, live=True)


def active_families(ecs) -> list[str]:
    families: list[str] = []
    pages = ecs.get_paginator("list_task_definition_families").paginate(status="ACTIVE", PaginationConfig={"PageSize": 100})
    for page in pages:
        families.extend(page.get("families", []))
    return sorted(set(families))


def fetch_task_definitions(live_session, references: list[str], all_families: bool):
    """Yield a Source (describe-task-definition output, tags included) or InputError per task definition.

    A reference is a full ARN, `FAMILY:REVISION`, or `FAMILY` (its latest ACTIVE revision).
    """
    import botocore.exceptions

    ecs = client(live_session, "ecs")
    wanted = list(references)
    if all_families:
        try:
            wanted += active_families(ecs)
        except botocore.exceptions.ClientError as error:
            yield InputError("--aws-all", f"{error.response.get('Error', {}).get('Code', 'Error')} on ecs:ListTaskDefinitionFamilies")
        except botocore.exceptions.NoCredentialsError as error:
            raise LiveError(str(error)) from None
    seen: set[str] = set()
    for reference in dict.fromkeys(wanted):
        try:
            fetched = describe_task_definition(ecs, reference)
        except botocore.exceptions.NoCredentialsError as error:
            raise LiveError(str(error)) from None
        # `web` and the ARN of web's latest revision name one task definition: lint it once.
        if fetched.display_path not in seen:
            seen.add(fetched.display_path)
            yield fetched
