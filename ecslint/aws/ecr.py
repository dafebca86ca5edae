"""Live ECR (`--aws`, `--aws-all`): the repositories the run's task definitions pull from (every repository with
`--aws-all`), their lifecycle and repository policies, and the registry's scanning, replication and pull-through
cache settings, read with Describe/Get calls only and linted as the `aws ecr` output files they would be.

Operations and errors: botocore ECR model (DescribeRepositories, GetLifecyclePolicy, GetRepositoryPolicy,
GetRegistryScanningConfiguration, DescribeRegistry, DescribePullThroughCacheRules), verified 2026-12.
"""

from __future__ import annotations

import json

from ecslint.documents.files import InputError, Source
from ecslint.subjects.image_reference import parse_image

# Registry-wide settings read once per Region: (operation, name of the source).
REGISTRY_OPERATIONS = (
    ("get_registry_scanning_configuration", "registry-scanning-configuration"),
    ("describe_registry", "registry"),
    ("describe_pull_through_cache_rules", "pull-through-cache-rules"),
)
# Errors that only say there is nothing to read: a repository without a policy, or one that does not exist.
ABSENT = frozenset({"LifecyclePolicyNotFoundException", "RepositoryPolicyNotFoundException", "RepositoryNotFoundException"})


def _client(live_session, region: str):
    import botocore.config

    config = botocore.config.Config(retries={"mode": "standard", "max_attempts": 8}, user_agent_extra="ecslint")
    return live_session.client("ecr", region_name=region, config=config)


def _source(name: str, document: dict) -> Source:
    text = json.dumps(document, indent=2, sort_keys=True, default=str)
    return Source(name, text.encode(), True, None, live=True)


def _wanted(run, default_region: str) -> dict[tuple[str, str], set[str]]:
    """(region, account) -> names of the ECR repositories the run's task definitions pull from."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for task in run.task_definitions:
        for container in task.containers:
            image = parse_image(container.get("image", str))
            if image is not None and image.ecr is not None and not image.has_placeholder:
                wanted.setdefault((image.ecr.region or default_region, image.ecr.account), set()).add(image.repository)
    return wanted


class _Reader:
    def __init__(self, live_session, make_client):
        self.session = live_session
        self.make_client = make_client
        self.clients: dict[str, object] = {}

    def ecr(self, region: str):
        if region not in self.clients:
            self.clients[region] = self.make_client(self.session, region)
        return self.clients[region]

    def call(self, region: str, operation: str, **arguments):
        """(response, None), (None, None) when there is nothing to read, or (None, InputError)."""
        import botocore.exceptions

        try:
            return getattr(self.ecr(region), operation)(**arguments), None
        except botocore.exceptions.ClientError as error:
            code = error.response.get("Error", {}).get("Code", "Error")
            if code in ABSENT:
                return None, None
            return None, InputError(f"ecr:{operation} in {region}", f"{code}: {error.response.get('Error', {}).get('Message', '')}".rstrip(": "))

    def repositories(self, region: str, account: str | None, names: list[str] | None):
        import botocore.exceptions

        arguments = {"registryId": account} if account else {}
        if names is None:
            try:
                for page in self.ecr(region).get_paginator("describe_repositories").paginate(**arguments):
                    yield from page.get("repositories", [])
            except botocore.exceptions.ClientError as error:
                yield InputError(f"ecr:DescribeRepositories in {region}", error.response.get("Error", {}).get("Code", "Error"))
            return
        for name in sorted(names):  # one call each: a missing repository must not hide the others
            response, problem = self.call(region, "describe_repositories", repositoryNames=[name], **arguments)
            if problem is not None:
                yield problem
            for repository in (response or {}).get("repositories", []):
                yield repository

    def registry(self, region: str, pull_through: bool = True):
        for operation, name in REGISTRY_OPERATIONS:
            if operation == "describe_pull_through_cache_rules" and not pull_through:
                continue
            response, problem = self.call(region, operation)
            if problem is not None:
                yield problem
            elif response is not None:
                response.pop("ResponseMetadata", None)
                account = response.get("registryId", "")
                yield _source(f"ecr:{region}:{account}:{name}", response)


def registry_sources(live_session, all_repositories: bool, make_client=None):
    """For the engine's `late_sources`: a function from the run read so far to the live ECR sources it pulls from."""

    def late(run):
        import botocore.exceptions

        region = live_session.region_name
        reader = _Reader(live_session, make_client or (lambda session, where: _client(session, where)))
        wanted = _wanted(run, region)
        targets: dict[tuple[str, str | None], list[str] | None] = dict(wanted.items())
        if all_repositories:
            targets[(region, None)] = None
        regions = sorted({place[0] for place in targets})
        try:
            for (where, account), names in sorted(targets.items(), key=lambda item: (item[0][0], item[0][1] or "")):
                for repository in reader.repositories(where, account, sorted(names) if names is not None else None):
                    if isinstance(repository, InputError):
                        yield repository
                        continue
                    yield from _repository_sources(reader, where, repository)
            for where in regions:
                # Pull-through cache repositories are always `prefix/name`: without such an image the rules change nothing.
                nested = any("/" in name for (place, _), names in wanted.items() if place == where for name in names)
                yield from reader.registry(where, pull_through=nested)
        except botocore.exceptions.NoCredentialsError as error:
            yield InputError("--aws", str(error))

    return late


def _repository_sources(reader: _Reader, region: str, repository: dict):
    arn = repository.get("repositoryArn") or repository.get("repositoryName", "?")
    yield _source(arn, {"repositories": [repository]})
    identity = {"registryId": repository.get("registryId"), "repositoryName": repository.get("repositoryName")}
    for operation, suffix in (("get_lifecycle_policy", "lifecycle-policy"), ("get_repository_policy", "repository-policy")):
        response, problem = reader.call(region, operation, **identity)
        if problem is not None:
            yield problem
        elif response is not None:
            response.pop("ResponseMetadata", None)
            yield _source(f"{arn}:{suffix}", response)
