"""ECS814: registry replication configurations that ECR rejects or that replicate nowhere.

Facts (verified 2026-12): botocore ECR model, PutReplicationConfiguration: at most 10 rules,
at most 100 repository filters per rule, `filterType` `PREFIX_MATCH` only, a filter of 2 to 256
characters matching `^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$`, a
destination `region` of `[0-9a-z-]{2,25}` and a 12-digit `registryId`. ECR user guide, "Private
image replication" (replication.html): at most 25 unique destinations across all rules, and a
destination in the source registry's own Region and account is not replication.
"""

from __future__ import annotations

import re

from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.ecr import ReplicationConfiguration
from ecslint.subjects.task_definition import dict_entries as entries
from ecslint.subjects.quoting import quote

MAX_RULES = 10
MAX_FILTERS = 100
MAX_DESTINATIONS = 25
_FILTER = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$")
_REGION = re.compile(r"^[0-9a-z-]{2,25}$")
_ACCOUNT = re.compile(r"^[0-9]{12}$")
# How templates name the Region and account they are deployed in: that is the source registry's own.
_THIS_REGION = re.compile(r"^\$\{(?:AWS[.:]+Region|data\.aws_region\.[\w-]+\.(?:name|region|id))\}$")
_THIS_ACCOUNT = re.compile(r"^\$\{(?:AWS[.:]+AccountId|data\.aws_caller_identity\.[\w-]+\.account_id)\}$")


def _literal(value) -> str | None:
    return value if isinstance(value, str) and "${" not in value else None


@check("ECS814", subject=ReplicationConfiguration)
def invalid_replication_configuration(configuration: ReplicationConfiguration):
    rules = configuration.data.get("rules")
    if not isinstance(rules, list):
        return
    if len(rules) > MAX_RULES:
        yield Finding("ECS814", configuration.ptr("rules"), f"{configuration.label} has {len(rules)} rules; ECR accepts at most {MAX_RULES}.")
    unique: set[tuple[str, str]] = set()
    for index, rule in entries(rules):
        seen: dict[tuple[str, str], int] = {}
        for number, destination in entries(rule.get("destinations")):
            pointer = configuration.ptr("rules", index, "destinations", number)
            region, account = destination.get("region"), destination.get("registryId")
            yield from _destination_values(configuration, pointer, region, account)
            if _is_own_registry(configuration, region, account):
                yield Finding(
                    "ECS814",
                    pointer,
                    f"{configuration.label}: rule #{index + 1} replicates to the source registry itself (its own Region and account); ECR rejects it. Name another Region or account.",
                )
            key = (str(region), str(account))
            if key in seen:
                yield Finding("ECS814", pointer, f"{configuration.label}: rule #{index + 1} names the destination {quote(region)} / {quote(account)} twice (destinations #{seen[key] + 1} and #{number + 1}).")
            else:
                seen[key] = number
            if _literal(region) and _literal(account):
                unique.add(key)
        yield from _filters(configuration, index, rule)
    if len(unique) > MAX_DESTINATIONS:
        yield Finding("ECS814", configuration.ptr("rules"), f"{configuration.label} replicates to {len(unique)} distinct destinations; ECR accepts at most {MAX_DESTINATIONS} across all rules.")


def _is_own_registry(configuration, region, account) -> bool:
    region_is_own = isinstance(region, str) and (bool(_THIS_REGION.match(region)) or (configuration.region is not None and region == configuration.region))
    account_is_own = isinstance(account, str) and (bool(_THIS_ACCOUNT.match(account)) or (configuration.account is not None and account == configuration.account))
    return region_is_own and account_is_own


def _destination_values(configuration, pointer, region, account):
    if _literal(region) is not None and not _REGION.match(region):
        yield Finding("ECS814", pointer + "/region", f"{configuration.label}: destination `region` {quote(region)} is not a Region name.")
    if _literal(account) is not None and not _ACCOUNT.match(account):
        yield Finding("ECS814", pointer + "/registryId", f"{configuration.label}: destination `registryId` {quote(account)} is not a 12-digit account ID.")


def _filters(configuration, index, rule):
    filters = rule.get("repositoryFilters")
    if not isinstance(filters, list):
        return
    if len(filters) > MAX_FILTERS:
        yield Finding("ECS814", configuration.ptr("rules", index, "repositoryFilters"), f"{configuration.label}: rule #{index + 1} has {len(filters)} repository filters; ECR accepts at most {MAX_FILTERS}.")
    for number, entry in entries(filters):
        pointer = configuration.ptr("rules", index, "repositoryFilters", number)
        kind, value = entry.get("filterType"), entry.get("filter")
        if _literal(kind) is not None and kind != "PREFIX_MATCH":
            yield Finding("ECS814", pointer + "/filterType", f"{configuration.label}: repository filter `filterType` {quote(kind)} is not one ECR replication takes; use `PREFIX_MATCH`.")
        if _literal(value) is not None and not (2 <= len(value) <= 256 and _FILTER.match(value)):
            yield Finding(
                "ECS814",
                pointer + "/filter",
                f"{configuration.label}: repository filter {quote(value)} is not a repository name prefix ECR accepts (2 to 256 lower-case letters, digits, `.`, `_`, `-` and `/`; no wildcards).",
            )
