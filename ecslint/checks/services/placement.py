"""ECS410-ECS416: where a service's (or run-task's) tasks are placed and on what: launch types,
capacity providers, placement strategies and constraints, daemon scheduling, Fargate platform
versions and Amazon EBS volumes configured at launch.

Facts: botocore ECS model 1.44.8 (CreateServiceRequest, RunTaskRequest, PlacementStrategy,
PlacementConstraint, CapacityProviderStrategyItem, ServiceManagedEBSVolumeConfiguration
documentation), then the ECS developer guide ("Amazon ECS task placement strategies", "Amazon ECS
task placement constraints", "Fargate platform versions for Amazon ECS", "Use Amazon EBS volumes
with Amazon ECS"), 2026-12.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ecslint.checks import check
from ecslint.documents import pointer as jp
from ecslint.report.findings import Finding
from ecslint.subjects.quoting import quote, quote_text
from ecslint.subjects.service import Service, get, known
from ecslint.subjects.task_definition import dict_entries

# "Amazon ECS task placement strategies": binpack by cpu or memory; spread by instanceId (or host) or an attribute.
BINPACK_FIELDS = ("cpu", "memory")
SPREAD_FIELD = re.compile(r"^(instanceId|host|attribute:\S+)$")
# CreateServiceRequest: "You can specify a maximum of 5 strategy rules for each service" and
# "a maximum of 10 constraints for each task" (botocore ECS model, 2026-12).
MAX_STRATEGIES, MAX_CONSTRAINTS = 5, 10
# PlacementConstraint.expression: "The expression can have a maximum length of 2000 characters" (botocore ECS model 1.44.8, 2026-12).
MAX_EXPRESSION = 2000
# "Fargate platform versions for Amazon ECS": Linux 1.4.0 is the newest; EFS and ephemeral storage need it.
NEWEST_LINUX_PLATFORM = (1, 4, 0)
LINUX_PLATFORM_VERSIONS = ("1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0")
# ServiceManagedEBSVolumeConfiguration.iops / throughput / volumeType (botocore ECS model, 2026-12).
IOPS_REQUIRED, IOPS_UNSUPPORTED = ("io1", "io2"), ("st1", "sc1", "standard")


@check("ECS410", subject=Service)
def placement_on_fargate(service: Service) -> Iterator[Finding]:
    if not service.is_fargate:
        return
    if service.items("placementStrategy"):
        message = f"{service.label} runs on Fargate, which places tasks itself: \"Placement strategies are not supported with FARGATE launch type.\" Remove `placementStrategy`."
        yield Finding("ECS410", service.ptr("placementStrategy"), message)
    if service.items("placementConstraints"):
        message = f"{service.label} runs on Fargate, where placement constraints are not supported either; remove `placementConstraints`."
        yield Finding("ECS410", service.ptr("placementConstraints"), message)


@check("ECS411", subject=Service)
def invalid_placement(service: Service) -> Iterator[Finding]:
    strategies = service.items("placementStrategy")
    for index, strategy in strategies:
        kind, field = strategy.get("type"), strategy.get("field")
        where = service.ptr("placementStrategy", index)
        if not known(kind) or not known(field) and field is not None:
            continue
        # Unknown types are ECS002's finding (the API's enum).
        if kind == "binpack" and field not in BINPACK_FIELDS:
            yield Finding("ECS411", service.ptr("placementStrategy", index, "field") if field is not None else where, f"Placement strategy #{index + 1} is `binpack`, which needs `field: cpu` or `field: memory`, not {quote(field) if field is not None else 'no field'}.")
        elif kind == "spread" and not (isinstance(field, str) and SPREAD_FIELD.match(field)):
            message = f"Placement strategy #{index + 1} is `spread`, which needs `field` `instanceId`, `host` or `attribute:<name>` (such as `attribute:ecs.availability-zone`), not {quote(field) if field is not None else 'no field'}."
            yield Finding("ECS411", service.ptr("placementStrategy", index, "field") if field is not None else where, message)
        elif kind == "random" and field is not None:
            # The API documents `field` as unused for random: said as a note, not an error.
            yield Finding("ECS411", service.ptr("placementStrategy", index, "field"), f"Placement strategy #{index + 1} is `random`, which takes no `field`; ECS ignores {quote(field)}.", level="note")
    if len(strategies) > MAX_STRATEGIES:
        yield Finding("ECS411", service.ptr("placementStrategy", MAX_STRATEGIES), f"{service.label} lists {len(strategies)} placement strategies; ECS accepts at most {MAX_STRATEGIES}.")
    constraints = service.items("placementConstraints")
    if len(constraints) > MAX_CONSTRAINTS:
        yield Finding("ECS411", service.ptr("placementConstraints", MAX_CONSTRAINTS), f"{service.label} lists {len(constraints)} placement constraints; ECS accepts at most {MAX_CONSTRAINTS}.")
    for index, constraint in constraints:
        kind, expression = constraint.get("type"), constraint.get("expression")
        if kind == "distinctInstance" and isinstance(expression, str) and expression:
            yield Finding("ECS411", service.ptr("placementConstraints", index, "expression"), f"Placement constraint #{index + 1} is `distinctInstance`, which takes no `expression`; remove it, or use `memberOf`.")
        elif kind == "memberOf" and not (isinstance(expression, str) and expression.strip()):
            yield Finding("ECS411", service.ptr("placementConstraints", index), f"Placement constraint #{index + 1} is `memberOf` without an `expression` in cluster query language (such as `attribute:ecs.instance-type =~ t3.*`).")
        elif kind == "memberOf" and isinstance(expression, str) and known(expression):
            yield from _expression(service, index, expression)


def _expression(service: Service, index: int, expression: str) -> Iterator[Finding]:
    """A `memberOf` expression that is too long or not cluster query language."""
    from ecslint.checks.services.cluster_query import problems

    where = service.ptr("placementConstraints", index, "expression")
    label = f"The `expression` of placement constraint #{index + 1}"
    if len(expression) > MAX_EXPRESSION:
        yield Finding("ECS411", where, f"{label} is {len(expression)} characters long; ECS accepts at most {MAX_EXPRESSION}.")
        return
    for problem in problems(expression):
        if problem.doubtful:
            # The guide's list of subjects may not be complete: a warning.
            yield Finding("ECS411", where, f"{label} {problem.message}; write an instance attribute as `attribute:<name>`.", level="warning")
        else:
            shown = quote(expression[max(0, problem.offset - 30) : problem.offset + 30])
            yield Finding("ECS411", where, f"{label} is not cluster query language: it {problem.message} (character {problem.offset + 1}, near {shown}).")


@check("ECS412", subject=Service)
def placement_not_highly_available(service: Service) -> Iterator[Finding]:
    if not service.is_service or service.scheduling != "REPLICA":
        return
    desired = service.get("desiredCount", int)
    strategies = service.items("placementStrategy")
    if desired is None or desired <= 1 or not strategies or any(strategy.get("type") != "binpack" for _, strategy in strategies):
        return
    message = (
        f"{service.label} places its {desired} tasks by `binpack` alone, so they can all land on one instance in one Availability Zone; "
        "put `spread` on `attribute:ecs.availability-zone` first, then binpack."
    )
    yield Finding("ECS412", service.ptr("placementStrategy"), message)


@check("ECS413", subject=Service)
def launch_type_and_capacity_providers(service: Service) -> Iterator[Finding]:
    strategy = service.items("capacityProviderStrategy")
    launch = service.launch_type
    if launch is not None and strategy:
        message = (
            f"{service.label} sets both `launchType` and `capacityProviderStrategy`; ECS rejects the pair: "
            "\"Specifying both a launch type and capacity provider strategy is not supported.\" Keep one."
        )
        yield Finding("ECS413", service.ptr("launchType"), message)
    elif launch == "MANAGED_INSTANCES":
        message = f"{service.label} sets `launchType: MANAGED_INSTANCES`; Managed Instances are used through a `capacityProviderStrategy` naming a Managed Instances capacity provider."
        yield Finding("ECS413", service.ptr("launchType"), message)
    with_base = [index for index, entry in strategy if isinstance(entry.get("base"), int) and not isinstance(entry.get("base"), bool) and entry["base"] > 0]
    if len(with_base) > 1:
        yield Finding("ECS413", service.ptr("capacityProviderStrategy", with_base[1], "base"), "Only one capacity provider in a capacity provider strategy can have a `base`; this strategy gives it to several.")
    weights = [entry.get("weight", 0) for _, entry in strategy]
    if len(strategy) > 1 and all(isinstance(weight, int) and not isinstance(weight, bool) and weight == 0 for weight in weights):
        message = f"Every capacity provider of {service.label}'s strategy has weight 0 (the default), so none can place tasks and the API call fails; give at least one a `weight` above 0."
        yield Finding("ECS413", service.ptr("capacityProviderStrategy"), message)


@check("ECS414", subject=Service)
def daemon_scheduling_unsupported(service: Service) -> Iterator[Finding]:
    if not service.is_service or service.scheduling != "DAEMON":
        return
    where = service.ptr("schedulingStrategy")
    # CreateServiceRequest.schedulingStrategy: "Tasks using the Fargate launch type or the CODE_DEPLOY or
    # EXTERNAL deployment controller types don't support the DAEMON scheduling strategy."
    if service.is_fargate:
        yield Finding("ECS414", where, f"{service.label} uses `schedulingStrategy: DAEMON` on Fargate, which does not support it: a daemon runs one task per container instance, and Fargate has none.")
    if service.controller in ("CODE_DEPLOY", "EXTERNAL"):
        yield Finding("ECS414", where, f"{service.label} uses `schedulingStrategy: DAEMON` with the {quote(service.controller)} deployment controller, which supports only `REPLICA`.")
    # The model says a daemon does not *need* these; whether they are rejected is not documented: warnings.
    if service.get("desiredCount") is not None and known(service.get("desiredCount")):
        yield Finding("ECS414", service.ptr("desiredCount"), f"{service.label} is a daemon service, which runs one task per instance; `desiredCount` does not apply, remove it.", level="warning")
    if service.items("placementStrategy"):
        yield Finding("ECS414", service.ptr("placementStrategy"), f"{service.label} is a daemon service, which places one task on each instance; `placementStrategy` does not apply, remove it.", level="warning")


def _version(text) -> tuple[int, ...] | None:
    if not isinstance(text, str) or not re.fullmatch(r"\d+\.\d+\.\d+", text):
        return None
    return tuple(int(part) for part in text.split("."))


@check("ECS415", subject=Service)
def fargate_platform_version(service: Service) -> Iterator[Finding]:
    version = service.get("platformVersion", str)
    if not known(version) or not version:
        return
    where = service.ptr("platformVersion")
    if service.is_ec2:
        yield Finding("ECS415", where, f"{service.label} sets `platformVersion` on the EC2 launch type; a platform version is specified only for tasks on Fargate. Remove it.", level="error")
        return
    number = _version(version)
    if not service.is_fargate or number is None:
        return
    task = service.task_definition()
    if task is not None and task.is_windows:
        return  # Windows on Fargate has its own versions (1.0.0)
    needs = []
    if task is not None:
        if any(isinstance(volume.get("efsVolumeConfiguration"), dict) for _, volume in dict_entries(task.data.get("volumes"))):
            needs.append("EFS volumes")
        if isinstance(task.data.get("ephemeralStorage"), dict):
            needs.append("`ephemeralStorage`")
    if needs and number < NEWEST_LINUX_PLATFORM:
        message = f"{service.label} pins Fargate platform version {quote_text(version)}, but its task definition uses {' and '.join(needs)}, which need 1.4.0; use `LATEST` or 1.4.0."
        yield Finding("ECS415", where, message)
    elif number < NEWEST_LINUX_PLATFORM and (version in LINUX_PLATFORM_VERSIONS[1:] or task is not None):
        # 1.0.0 is also Windows' newest: without the task definition, only the Linux-only versions are surely old.
        yield Finding("ECS415", where, f"{service.label} pins Fargate platform version {quote_text(version)}, older than 1.4.0; use `LATEST` to get security fixes and current features.", level="note")


@check("ECS416", subject=Service)
def ebs_volume_configuration(service: Service) -> Iterator[Finding]:
    configurations = service.items("volumeConfigurations")
    for index, configuration in configurations:
        volume = get(configuration, "managedEBSVolume", dict)
        if volume is None:
            continue
        at = service.ptr("volumeConfigurations", index, "managedEBSVolume")
        name = configuration.get("name")
        label = f"Volume '{quote_text(name)}'" if isinstance(name, str) else f"Volume configuration #{index + 1}"
        kind = volume.get("volumeType") if known(volume.get("volumeType")) else None
        kind = kind or ("gp3" if "volumeType" not in volume else None)  # the default type
        if "sizeInGiB" not in volume and "snapshotId" not in volume:
            yield Finding("ECS416", at, f"{label} gives neither `sizeInGiB` nor `snapshotId`; ECS needs one of them to create the volume.")
        if kind in IOPS_REQUIRED and "iops" not in volume:
            yield Finding("ECS416", at, f"{label} is {quote(kind)}, which requires `iops`.")
        if kind in IOPS_UNSUPPORTED and "iops" in volume:
            yield Finding("ECS416", jp.join(at, "iops"), f"{label} is {quote(kind)}, which does not support `iops`.")
        if kind is not None and kind != "gp3" and "throughput" in volume:
            yield Finding("ECS416", jp.join(at, "throughput"), f"{label} sets `throughput`, which only `gp3` volumes support, on a {quote(kind)} volume.")
        if kind == "standard" and service.is_fargate:
            yield Finding("ECS416", jp.join(at, "volumeType"), f"{label} is `standard` (magnetic), which Fargate does not support; use `gp3`.")
        if volume.get("encrypted") is False:
            yield Finding("ECS416", jp.join(at, "encrypted"), f"{label} is not encrypted (`encrypted: false`); encrypt EBS volumes holding task data.", level="warning")
    task = service.task_definition()
    if task is None or service.shape not in ("create", "describe", "update", "run-task"):
        return
    at_launch = {volume.get("name") for _, volume in dict_entries(task.data.get("volumes")) if volume.get("configuredAtLaunch") is True}
    for index, configuration in configurations:
        name = configuration.get("name")
        if known(name) and name not in at_launch:
            yield Finding("ECS416", service.ptr("volumeConfigurations", index, "name"), f"Volume configuration '{quote_text(name)}' matches no volume of the task definition with `configuredAtLaunch: true`.")
    if service.complete:
        configured = {configuration.get("name") for _, configuration in configurations}
        for name in sorted(name for name in at_launch if isinstance(name, str) and name not in configured):
            message = f"{service.label} gives no `volumeConfigurations` entry for the task definition's volume '{quote_text(name)}', which is `configuredAtLaunch`."
            yield Finding("ECS416", service.pointer, message, level="warning")

