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
    from ecslint.aws.errors import NEEDS_BOTO3, explain

    try:
        import boto3
        import botocore.exceptions
    except ImportError:
        raise LiveError(NEEDS_BOTO3) from None
    try:
        made = boto3.Session(profile_name=profile, region_name=region)
    except botocore.exceptions.BotoCoreError as error:
        raise LiveError(explain(error, region)) from None
    if made.get_credentials() is None:
        raise LiveError("no AWS credentials found for --aws (use --profile, AWS_PROFILE, or the standard environment variables)")
    if made.region_name is None:
        raise LiveError("no AWS region for --aws (use --region or AWS_REGION)")
    return made


# Without these botocore waits 60 s for a connection and 60 s for each reply, and retries: an endpoint
# that never answers stalled a run for minutes per call. Standard retry mode retries throttling and
# connection errors with backoff; `max_attempts` counts the first call.
# Source: botocore "Config" reference (connect_timeout, read_timeout, retries) and "Retries" guide, 2026-11.
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 20
MAX_ATTEMPTS = 3


# What reading a reply that is not AWS's raises: botocore's parser error (not a BotoCoreError), or,
# for a 200 with an HTML login page, which parses as no fields, a missing key.
_UNPARSABLE_REPLY: tuple[type[Exception], ...] = (KeyError, TypeError, ValueError)


def not_an_answer() -> tuple[type[Exception], ...]:
    from botocore.parsers import ResponseParserError

    return (ResponseParserError, *_UNPARSABLE_REPLY)


def client(live_session, service: str):
    import botocore.config

    config = botocore.config.Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
        user_agent_extra="ecslint",
    )
    return live_session.client(service, config=config)


def unreachable(error: Exception, service: str, region: str | None) -> str | None:
    """One line saying what to check when AWS could not be reached or answered nonsense; None for other errors."""
    import botocore.exceptions

    where = f"{service} in {region}" if region else service
    if isinstance(error, (botocore.exceptions.ConnectTimeoutError, botocore.exceptions.ReadTimeoutError)):
        return f"no answer from {where} within {CONNECT_TIMEOUT_SECONDS} s to connect or {READ_TIMEOUT_SECONDS} s to reply; check the network, proxy settings (HTTPS_PROXY) and any AWS_ENDPOINT_URL"
    if isinstance(error, (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionClosedError)):
        return f"could not connect to {where}; check the network, proxy settings (HTTPS_PROXY), --region and any AWS_ENDPOINT_URL"
    if isinstance(error, not_an_answer()):
        return f"{where} sent a reply that is not from AWS (a proxy or captive portal?); check proxy settings and any AWS_ENDPOINT_URL"
    if isinstance(error, (botocore.exceptions.HTTPClientError, botocore.exceptions.SSLError)):
        return f"the connection to {where} failed; check the network, proxy and TLS settings and any AWS_ENDPOINT_URL"
    return None


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

    from ecslint.aws.errors import explain

    try:
        ecs = client(live_session, "ecs")
    except botocore.exceptions.BotoCoreError as error:
        raise LiveError(explain(error, live_session.region_name)) from None
    wanted = list(references)
    if all_families:
        try:
            wanted += active_families(ecs)
        except botocore.exceptions.ClientError as error:
            yield InputError("--aws-all", f"{error.response.get('Error', {}).get('Code', 'Error')} on ecs:ListTaskDefinitionFamilies")
        except botocore.exceptions.NoCredentialsError as error:
            raise LiveError(str(error)) from None
        except (botocore.exceptions.BotoCoreError, *not_an_answer()) as error:
            yield InputError("--aws-all", unreachable(error, "ECS", ecs.meta.region_name) or f"ECS call failed: {type(error).__name__}")
            return
    seen: set[str] = set()
    for reference in dict.fromkeys(wanted):
        try:
            fetched = describe_task_definition(ecs, reference)
        except botocore.exceptions.NoCredentialsError as error:
            raise LiveError(str(error)) from None
        except (botocore.exceptions.BotoCoreError, *not_an_answer()) as error:
            # The endpoint is unusable: say so once, skip the other calls, keep the files' findings.
            yield InputError(f"--aws {reference}", unreachable(error, "ECS", ecs.meta.region_name) or f"ECS call failed: {type(error).__name__}")
            return
        # `web` and the ARN of web's latest revision name one task definition: lint it once.
        if fetched.display_path not in seen:
            seen.add(fetched.display_path)
            yield fetched
