"""Live AWS services (`--aws SERVICE` / `--aws-all` with `--cluster`): fetched with read-only ECS calls, each with the
task definition it runs, so the two are judged together as files are.

Calls: `ecs:ListServices`, `ecs:DescribeServices` (tags included) and `ecs:DescribeTaskDefinition`.
"""

from __future__ import annotations

import json

from ecslint.aws.task_definitions import LiveError, client, describe_task_definition
from ecslint.documents.files import InputError, Source

# DescribeServices takes at most 10 services per call (botocore ECS model, DescribeServicesRequest.services, 2026-12).
DESCRIBE_BATCH = 10


def _error(error) -> str:
    return f"{error.response.get('Error', {}).get('Code', 'Error')}: {error.response.get('Error', {}).get('Message', str(error))}"


def _service_names(ecs, cluster: str) -> list[str]:
    names: list[str] = []
    for page in ecs.get_paginator("list_services").paginate(cluster=cluster, PaginationConfig={"PageSize": 100}):
        names.extend(page.get("serviceArns", []))
    return sorted(set(names))


def fetch_services(live_session, clusters: list[str], references: list[str], all_services: bool):
    """Yield a Source per service (describe-services output for one service) and per task definition they run,
    or an InputError for what cannot be read; the run goes on."""
    import botocore.exceptions

    ecs = client(live_session, "ecs")
    fetched_tasks: set[str] = set()
    try:
        for cluster in clusters:
            wanted = list(references)
            if all_services:
                try:
                    wanted += _service_names(ecs, cluster)
                except botocore.exceptions.ClientError as error:
                    yield InputError(f"--cluster {cluster}", f"{_error(error)} on ecs:ListServices")
                    continue
            wanted = list(dict.fromkeys(wanted))
            for start in range(0, len(wanted), DESCRIBE_BATCH):
                batch = wanted[start : start + DESCRIBE_BATCH]
                try:
                    response = ecs.describe_services(cluster=cluster, services=batch, include=["TAGS"])
                except botocore.exceptions.ClientError as error:
                    yield InputError(f"--cluster {cluster}", f"{_error(error)} on ecs:DescribeServices")
                    continue
                for failure in response.get("failures", []):
                    yield InputError(failure.get("arn", "?"), f"{failure.get('reason', 'not found')} in cluster {cluster}")
                for service in sorted(response.get("services", []), key=lambda item: item.get("serviceArn", "")):
                    arn = service.get("serviceArn") or f"{cluster}/{service.get('serviceName')}"
                    text = json.dumps({"services": [service]}, indent=2, sort_keys=True, default=str)
                    yield Source(arn, text.encode(), True, None, live=True)
                    task = service.get("taskDefinition")
                    if isinstance(task, str) and task not in fetched_tasks:
                        fetched_tasks.add(task)
                        yield describe_task_definition(ecs, task)
    except botocore.exceptions.NoCredentialsError as error:
        raise LiveError(str(error)) from None
