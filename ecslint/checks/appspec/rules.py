"""ECS901-ECS902: CodeDeploy AppSpec files for ECS blue/green deployments.

Facts: CodeDeploy user guide, "AppSpec File structure" (reference-appspec-file-structure.html:
`version` must be 0.0), "AppSpec 'resources' section" (reference-appspec-file-structure-resources.html),
"AppSpec 'hooks' section" (reference-appspec-file-structure-hooks.html, the five ECS lifecycle
events) and "AppSpec File example" (reference-appspec-file-example.html), all under
https://docs.aws.amazon.com/codedeploy/latest/userguide/, verified 2026-11-30.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ecslint.documents import pointer as jp
from ecslint.subjects.appspec import TARGET_TYPE, TASK_DEFINITION_ARN, AppSpec, Node, is_appspec_version, is_placeholder
from ecslint.checks import check
from ecslint.report.findings import Finding, Related
from ecslint.subjects.lifecycle_policy import shown, whole_number
from ecslint.subjects.quoting import quote, quote_text

# Lifecycle events of an ECS deployment that can run a Lambda hook, in the order they run.
HOOK_EVENTS = ("BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic")
NETWORK_SETTINGS = ("Subnets", "SecurityGroups", "AssignPublicIp")
ASSIGN_PUBLIC_IP = ("ENABLED", "DISABLED")
# CapacityProviderStrategyItem ranges (ECS API reference, verified 2026-11-30).
BASE_RANGE, WEIGHT_RANGE = (0, 100_000), (0, 1_000)


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


@check("ECS901", subject=AppSpec)
def invalid_appspec(spec: AppSpec) -> Iterator[Finding]:
    root = spec.root
    version = root.child("version")
    if version is None:
        yield Finding("ECS901", root.pointer, "The AppSpec has no `version`; CodeDeploy requires `version: 0.0`.")
    elif not is_appspec_version(version.value):
        yield Finding("ECS901", version.pointer, f"AppSpec `version` must be `0.0`, the only version CodeDeploy accepts, not {shown(version.value)}.")
    yield from _target_service(spec)
    yield from _hooks(root.child("Hooks"))


def _target_service(spec: AppSpec) -> Iterator[Finding]:
    resources = spec.root.child("Resources")
    if resources is None or not isinstance(resources.value, list):
        where = resources.pointer if resources is not None else spec.root.pointer
        yield Finding("ECS901", where, "The AppSpec needs `Resources`: a list holding one `TargetService` of `Type: AWS::ECS::Service`.")
        return
    targets = spec.target_services
    if not targets:
        yield Finding("ECS901", resources.pointer, "`Resources` has no `TargetService`; an ECS AppSpec names exactly one, the service to deploy.")
        return
    for extra in targets[1:]:
        yield Finding("ECS901", extra.pointer, f"`Resources` has {len(targets)} `TargetService` entries; an ECS deployment updates exactly one service.")
    if len(targets) > 1:
        return
    target = targets[0]
    if not isinstance(target.value, dict):
        yield Finding("ECS901", target.pointer, f"`TargetService` must be an object with `Type` and `Properties`, not {shown(target.value)}.")
        return
    kind = target.child("Type")
    if kind is None:
        yield Finding("ECS901", target.pointer, f"`TargetService` has no `Type`; it must be {quote(TARGET_TYPE)}.")
    elif not isinstance(kind.value, str) or kind.value.lower() != TARGET_TYPE.lower():
        yield Finding("ECS901", kind.pointer, f"`TargetService.Type` must be {quote(TARGET_TYPE)} in an ECS AppSpec, not {shown(kind.value)}.")
    properties = target.child("Properties")
    if properties is None or not isinstance(properties.value, dict):
        where = properties.pointer if properties is not None else target.pointer
        yield Finding("ECS901", where, "`TargetService` needs `Properties` with `TaskDefinition` and `LoadBalancerInfo`.")
        return
    yield from _task_definition(properties)
    yield from _load_balancer(properties)
    yield from _platform_version(properties.child("PlatformVersion"))
    yield from _network(properties.child("NetworkConfiguration"))
    yield from _capacity(properties.child("CapacityProviderStrategy"))


def _task_definition(properties: Node) -> Iterator[Finding]:
    reference = properties.child("TaskDefinition")
    if reference is None:
        yield Finding("ECS901", properties.pointer, "`Properties` has no `TaskDefinition`: the ARN of the task definition to deploy (or `<TASK_DEFINITION>` for CodePipeline to fill in).")
    elif not _is_text(reference.value):
        yield Finding("ECS901", reference.pointer, f"`TaskDefinition` must be a task definition ARN, not {shown(reference.value)}.")
    elif reference.value.startswith("arn:") and not TASK_DEFINITION_ARN.match(reference.value):
        resource = reference.value.split(":", 5)[-1]
        family, _, revision = resource.removeprefix("task-definition/").partition(":")
        if resource.startswith("task-definition/") and revision and not revision.isdigit():
            message = f"`TaskDefinition` ends in revision {quote(revision, limit=40)}, which is not a number; name a registered revision, as in {quote(f'task-definition/{family}:42')}."
        else:
            message = f"`TaskDefinition` names {quote(resource, limit=60)}, not a task definition; CodeDeploy needs `arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION`."
        yield Finding("ECS901", reference.pointer, message)


def _load_balancer(properties: Node) -> Iterator[Finding]:
    info = properties.child("LoadBalancerInfo")
    if info is None or not isinstance(info.value, dict):
        where = info.pointer if info is not None else properties.pointer
        yield Finding("ECS901", where, "`Properties` needs `LoadBalancerInfo` with the `ContainerName` and `ContainerPort` that receive traffic.")
        return
    name, port = info.child("ContainerName"), info.child("ContainerPort")
    if name is None:
        yield Finding("ECS901", info.pointer, "`LoadBalancerInfo` has no `ContainerName`: the container in the task definition that receives traffic.")
    elif not _is_text(name.value):
        yield Finding("ECS901", name.pointer, f"`ContainerName` must be a container name, not {shown(name.value)}.")
    if port is None:
        yield Finding("ECS901", info.pointer, "`LoadBalancerInfo` has no `ContainerPort`: the container port that receives traffic.")
    elif not _is_port(port.value):
        yield Finding("ECS901", port.pointer, f"`ContainerPort` must be a port number from 1 to 65535, not {shown(port.value)}.")


def _is_port(value) -> bool:
    if isinstance(value, str):
        # Text is left to CodeDeploy when it is a number or a value CI substitutes later.
        return value.strip().isdigit() and 1 <= int(value) <= 65535 or is_placeholder(value)
    number = whole_number(value)
    return number is not None and 1 <= number <= 65535


def _platform_version(version: Node | None) -> Iterator[Finding]:
    if version is not None and not _is_text(version.value):
        yield Finding("ECS901", version.pointer, f"`PlatformVersion` must be text such as `LATEST` or `1.4.0` (quote it in YAML), not {shown(version.value)}.")


def _network(network: Node | None) -> Iterator[Finding]:
    if network is None:
        return
    vpc = network.child("AwsvpcConfiguration")
    if vpc is None or not isinstance(vpc.value, dict):
        where = vpc.pointer if vpc is not None else network.pointer
        yield Finding("ECS901", where, "`NetworkConfiguration` needs an `AwsvpcConfiguration` object with `Subnets`, `SecurityGroups` and `AssignPublicIp`.")
        return
    settings = {name: vpc.child(name) for name in NETWORK_SETTINGS}
    missing = [name for name, node in settings.items() if node is None]
    if missing and len(missing) < len(NETWORK_SETTINGS):
        # "All or none of the settings under NetworkConfiguration must be specified" (resources section reference).
        listed = ", ".join(f"{quote(name)}" for name in missing)
        yield Finding("ECS901", vpc.pointer, f"`AwsvpcConfiguration` lacks {listed}; CodeDeploy needs all of `Subnets`, `SecurityGroups` and `AssignPublicIp` or none of them.")
    for name in ("Subnets", "SecurityGroups"):
        node = settings[name]
        if node is not None and not (isinstance(node.value, list) and node.value and all(_is_text(item) for item in node.value)):
            yield Finding("ECS901", node.pointer, f"{quote(name)} must be a list of one or more IDs, not {shown(node.value)}.")
    public = settings["AssignPublicIp"]
    if public is not None and public.value not in ASSIGN_PUBLIC_IP and not is_placeholder(public.value):
        yield Finding("ECS901", public.pointer, f"`AssignPublicIp` must be `ENABLED` or `DISABLED`, not {shown(public.value)}.")


def _capacity(strategy: Node | None) -> Iterator[Finding]:
    if strategy is None:
        return
    if not isinstance(strategy.value, list):
        yield Finding("ECS901", strategy.pointer, f"`CapacityProviderStrategy` must be a list of `CapacityProvider` entries, not {shown(strategy.value)}.")
        return
    for index, item in enumerate(strategy.value):
        entry = Node(item, jp.join(strategy.pointer, index))
        provider = entry.child("CapacityProvider")
        if not isinstance(item, dict) or provider is None or not _is_text(provider.value):
            where = provider.pointer if provider is not None else entry.pointer
            yield Finding("ECS901", where, f"`CapacityProviderStrategy` entry #{index + 1} needs a `CapacityProvider` name such as `FARGATE` or `FARGATE_SPOT`.")
            continue
        for name, (low, high) in (("Base", BASE_RANGE), ("Weight", WEIGHT_RANGE)):
            node = entry.child(name)
            if node is None or is_placeholder(node.value) or isinstance(node.value, str) and node.value.strip().isdigit():
                continue
            number = whole_number(node.value)
            if number is None or not low <= number <= high:
                yield Finding("ECS901", node.pointer, f"{quote(name)} must be a whole number from {low} to {high}, not {shown(node.value)}.")


def _hooks(hooks: Node | None) -> Iterator[Finding]:
    if hooks is None:
        return
    if isinstance(hooks.value, dict):
        entries = [hooks]  # a mapping of event to function is read the same way as the documented list of them
    elif isinstance(hooks.value, list):
        entries = [Node(item, jp.join(hooks.pointer, index)) for index, item in enumerate(hooks.value)]
    else:
        yield Finding("ECS901", hooks.pointer, f"`Hooks` must be a list of `EVENT: lambda-function` entries, not {shown(hooks.value)}.")
        return
    known = {event.lower(): event for event in HOOK_EVENTS}
    for entry in entries:
        if not isinstance(entry.value, dict):
            yield Finding("ECS901", entry.pointer, f"Each `Hooks` entry must map a lifecycle event to a Lambda function, not {shown(entry.value)}.")
            continue
        for event, function in entry.value.items():
            hook = Node(function, jp.join(entry.pointer, event))
            if event.lower() not in known:
                close = difflib.get_close_matches(event, HOOK_EVENTS, n=1)
                hint = f" (did you mean {quote(close[0])}?)" if close else ""
                events = ", ".join(f"{quote(name)}" for name in HOOK_EVENTS)
                yield Finding("ECS901", hook.pointer, f"{quote(event)} is not a lifecycle event of an ECS deployment{hint}; hooks can run at {events}.")
            elif not _is_text(hook.value):
                yield Finding("ECS901", hook.pointer, f"Hook {quote(event)} must name a Lambda function, not {shown(hook.value)}.")


@check("ECS902", subject=AppSpec)
def appspec_container_mismatch(spec: AppSpec) -> Iterator[Finding]:
    tasks = spec.deployed_task_definitions()
    name = spec.find("LoadBalancerInfo", "ContainerName")
    if not tasks or name is None or not _is_text(name.value) or is_placeholder(name.value):
        return
    which = _naming(tasks)
    containers = [(task, container) for task in tasks for container in task.containers]
    if any(not isinstance(container.data.get("name", ""), str) or is_placeholder(container.name) for _, container in containers):
        return  # a name from a template parameter or variable could be the one the AppSpec means
    named = [(task, container) for task, container in containers if container.name == name.value]
    if not named:
        known = sorted({container.name for _, container in containers if container.name})
        if known:
            listed = ", ".join(f"'{quote_text(other)}'" for other in known)
            related = tuple(Related(task.document, task.source_pointer(task.ptr("containerDefinitions")), f"The containers of {_naming([task])}") for task in tasks[:3])
            yield Finding("ECS902", name.pointer, f"`ContainerName` '{quote_text(name.value)}' is not a container in {which}, which defines {listed}.", related=related)
        return
    port = spec.find("LoadBalancerInfo", "ContainerPort")
    number = whole_number(port.value) if port is not None else None
    if number is None and port is not None and isinstance(port.value, str) and port.value.strip().isdigit():
        number = int(port.value)
    if number is None:
        return
    exposed = _container_ports([container for _, container in named])
    if exposed is not None and number not in exposed:
        have = ", ".join(str(value) for value in sorted(exposed)) if exposed else "no port mappings"
        related = tuple(Related(task.document, task.source_pointer(container.ptr("portMappings") if "portMappings" in container.data else container.pointer), f"Container '{quote_text(name.value)}' in {_naming([task])}") for task, container in named[:3])
        yield Finding("ECS902", port.pointer, f"`ContainerPort` {number} is not a `containerPort` of container '{quote_text(name.value)}' in {which} (it has {have}).", related=related)


def _naming(tasks: list) -> str:
    families = sorted({family for task in tasks if (family := task.get("family", str))})
    if not families:
        return "the task definition beside this AppSpec"
    if len(families) == 1:
        return f"task definition '{quote_text(families[0])}'"
    return "task definitions " + ", ".join(f"'{quote_text(family)}'" for family in families)


def _container_ports(containers: list) -> set[int] | None:
    """Every `containerPort` of these containers; None when one cannot be read (a range, a template value)."""
    ports: set[int] = set()
    for container in containers:
        for _, mapping in container.items("portMappings"):
            value = whole_number(mapping.get("containerPort"))
            if value is None:
                return None
            ports.add(value)
        mappings = container.data.get("portMappings")
        if mappings is not None and not isinstance(mappings, list):
            return None
    return ports
