"""ECS310-ECS315: how a service's tasks are reached: subnets and public IPs, load balancers, Service
Connect, VPC Lattice and service discovery, judged with the task definition the service runs.

Facts: botocore ECS model 1.44.8 (CreateServiceRequest, AwsVpcConfiguration, LoadBalancer,
ServiceRegistry, ServiceConnectService, VpcLatticeConfiguration, GatewayConnector documentation),
then the ECS developer guide ("Use load balancing to distribute Amazon ECS service traffic",
"Service discovery", "Amazon ECS task networking options"), 2026-12.
"""

from __future__ import annotations

from collections.abc import Iterator

from ecslint.checks import check
from ecslint.report.findings import Finding, Related
from ecslint.subjects.quoting import quote, quote_text
from ecslint.subjects.placeholders import is_templated
from ecslint.subjects.service import Service, get, known
from ecslint.subjects.task_definition import dict_entries


def _text(value) -> bool:
    return isinstance(value, str) and bool(value) and not is_templated(value)


def _related_task(task, pointer: str, what: str) -> tuple[Related, ...]:
    return (Related(task.document, pointer, what),)


def _task_label(task) -> str:
    family = task.get("family", str)
    return f"task definition '{quote_text(family)}'" if family and not is_templated(family) else "its task definition"


def _containers_known(task) -> bool:
    return getattr(task, "containers_complete", True) and bool(task.containers)


@check("ECS310", subject=Service)
def service_network_configuration(service: Service) -> Iterator[Finding]:
    if service.shape == "update":
        return
    task = service.task_definition()
    mode = task.network_mode if task is not None else None
    if mode is None:
        return
    network = service.get("networkConfiguration")
    awsvpc = service.awsvpc_configuration
    if mode == "awsvpc" and service.complete:
        subnets = awsvpc.get("subnets") if awsvpc is not None else None
        if awsvpc is None or (isinstance(subnets, list) and not subnets) or subnets is None:
            where = service.ptr("networkConfiguration") if network is not None else service.pointer
            message = (
                f"{service.label} runs an `awsvpc` task definition but gives no `networkConfiguration.awsvpcConfiguration.subnets`; "
                "ECS rejects it: \"Network Configuration must be provided when networkMode 'awsvpc' is specified.\""
            )
            yield Finding("ECS310", where, message, related=_related_task(task, task.ptr("networkMode"), f"The network mode of {_task_label(task)}"))
    elif mode != "awsvpc" and awsvpc is not None:
        message = (
            f"{service.label} sets `networkConfiguration.awsvpcConfiguration`, but {_task_label(task)} uses {quote(mode)} network mode; "
            "ECS accepts a network configuration only for `awsvpc` tasks. Remove it, or switch the task definition to `awsvpc`."
        )
        yield Finding("ECS310", service.ptr("networkConfiguration"), message, related=_related_task(task, task.ptr("networkMode"), f"The network mode of {_task_label(task)}"))


@check("ECS311", subject=Service)
def service_public_ip(service: Service) -> Iterator[Finding]:
    awsvpc = service.awsvpc_configuration
    if awsvpc is None or get(awsvpc, "assignPublicIp", str) != "ENABLED":
        return
    where = service.ptr("networkConfiguration", "awsvpcConfiguration", "assignPublicIp")
    if service.is_ec2:
        message = (
            f"{service.label} sets `assignPublicIp: ENABLED` on the EC2 launch type, which does not support it "
            "(\"Assign public IP is not supported for this launch type\"); use a public subnet's NAT or a load balancer instead."
        )
        yield Finding("ECS311", where, message, level="error")
        return
    message = (
        f"{service.label} gives every task a public IP address (`assignPublicIp: ENABLED`), reachable from the internet "
        "wherever its security groups allow (Security Hub ECS.2); run tasks in private subnets behind a load balancer or NAT gateway."
    )
    yield Finding("ECS311", where, message)


def _container_ports(container) -> set[int] | None:
    """The container's `containerPort`s, or None when one of them cannot be read (a range, a template value)."""
    ports: set[int] = set()
    for _, mapping in container.items("portMappings"):
        port = mapping.get("containerPort")
        if isinstance(port, int) and not isinstance(port, bool):
            ports.add(port)
        else:
            return None
    return ports


@check("ECS312", subject=Service)
def load_balancer_container_mismatch(service: Service) -> Iterator[Finding]:
    task = service.task_definition()
    if task is None or not _containers_known(task):
        return
    names = [container.name for container in task.containers]
    if any(name is None or is_templated(name) for name in names):
        return
    for index, balancer in service.load_balancers:
        name = get(balancer, "containerName", str)
        if not _text(name):
            continue
        container = task.container(name)
        if container is None:
            listed = ", ".join(f"'{quote_text(known_name)}'" for known_name in names)
            message = f"Load balancer #{index + 1} of {service.label} targets container '{quote_text(name)}', which {_task_label(task)} does not have (it has {listed})."
            yield Finding("ECS312", service.ptr("loadBalancers", index, "containerName"), message, related=_related_task(task, task.ptr("containerDefinitions"), "The containers"))
            continue
        port = get(balancer, "containerPort", int)
        ports = _container_ports(container)
        if port is not None and ports is not None and port not in ports:
            offered = ", ".join(str(item) for item in sorted(ports)) or "none"
            message = (
                f"Load balancer #{index + 1} of {service.label} targets port {port} of container '{quote_text(name)}', which maps only {offered}; "
                f"ECS rejects it: \"The container {quote_text(name)} did not have a container port {port} defined.\""
            )
            yield Finding("ECS312", service.ptr("loadBalancers", index, "containerPort"), message, related=_related_task(task, container.ptr("portMappings"), f"The port mappings of container '{quote_text(name)}'"))
    if task.network_mode != "awsvpc":
        return
    for index, balancer in service.load_balancers:
        advanced = get(balancer, "advancedConfiguration", dict) or {}
        for pointer, value in ((service.ptr("loadBalancers", index, "targetGroupArn"), balancer.get("targetGroupArn")), (service.ptr("loadBalancers", index, "advancedConfiguration", "alternateTargetGroupArn"), advanced.get("alternateTargetGroupArn"))):
            group = service.balancing(value)
            if group is not None and group.kind == "target-group" and group.target_type == "instance":
                message = (
                    f"Load balancer #{index + 1} of {service.label} uses target group '{quote_text(group.name)}' of target type `instance`, "
                    "but `awsvpc` tasks register by IP address; set the target group's target type to `ip`."
                )
                yield Finding("ECS312", pointer, message)


def _port_names(service: Service) -> Iterator[tuple[str, str, str]]:
    """(portName, its pointer, where it is used) for every place a service names a port mapping."""
    connect = service.get("serviceConnectConfiguration", dict) or {}
    if connect.get("enabled") is not False:
        for index, entry in dict_entries(connect.get("services")):
            yield entry.get("portName"), service.ptr("serviceConnectConfiguration", "services", index, "portName"), "Service Connect"
    for index, entry in service.items("vpcLatticeConfigurations"):
        yield entry.get("portName"), service.ptr("vpcLatticeConfigurations", index, "portName"), "VPC Lattice"
    for index, entry in service.items("gatewayConnectors"):
        yield entry.get("portName"), service.ptr("gatewayConnectors", index, "portName"), "The gateway connector"


@check("ECS313", subject=Service)
def port_name_mismatch(service: Service) -> Iterator[Finding]:
    task = service.task_definition()
    if task is None:
        return
    registries = service.items("serviceRegistries")
    if len(registries) > 1:
        # ServiceRegistry: "Each service may be associated with one service registry" (botocore ECS model, 2026-12).
        yield Finding("ECS313", service.ptr("serviceRegistries", 1), f"{service.label} lists {len(registries)} service registries; a service may be associated with only one.")
    mode = task.network_mode
    connectors = service.items("gatewayConnectors")
    if len(connectors) > 1:
        # GatewayConnector: "A service can have at most one gateway connector" (botocore ECS model 1.44.8, 2026-12).
        yield Finding("ECS313", service.ptr("gatewayConnectors", 1), f"{service.label} lists {len(connectors)} gateway connectors; a service can have at most one.")
    if connectors and mode is not None and mode != "awsvpc":
        # "Connect Amazon ECS services to a gateway" (ECS developer guide, 2026-12): the task definition "uses awsvpc network mode".
        message = f"{service.label} has a gateway connector, but {_task_label(task)} uses {quote(mode)} network mode; a gateway routes only to `awsvpc` tasks through a named port."
        yield Finding("ECS313", service.ptr("gatewayConnectors"), message, related=_related_task(task, task.ptr("networkMode"), f"The network mode of {_task_label(task)}"))
    if mode in ("bridge", "host"):
        for index, registry in registries:
            if "port" in registry and "containerName" not in registry:
                message = (
                    f"Service registry #{index + 1} of {service.label} gives `port`, but with {quote(mode)} network mode an SRV record needs "
                    "`containerName` and `containerPort` (the port is the host's, chosen per task)."
                )
                yield Finding("ECS313", service.ptr("serviceRegistries", index, "port"), message)
    if not _containers_known(task):
        return
    declared = [mapping.get("name") for container in task.containers for _, mapping in container.items("portMappings") if "name" in mapping]
    if any(not _text(name) for name in declared):
        return
    for name, pointer, where in _port_names(service):
        if _text(name) and name not in declared:
            offered = ", ".join(f"'{quote_text(item)}'" for item in sorted(set(declared))) or "none"
            message = f"{where} of {service.label} uses `portName` '{quote_text(name)}', but no port mapping of {_task_label(task)} has that `name` (named: {offered})."
            yield Finding("ECS313", pointer, message, related=_related_task(task, task.ptr("containerDefinitions"), "The containers' port mappings"))


def _reachable(service: Service) -> bool:
    connect = service.get("serviceConnectConfiguration", dict)
    return bool(service.load_balancers or service.items("serviceRegistries") or service.items("vpcLatticeConfigurations") or service.items("gatewayConnectors")) or (
        connect is not None and connect.get("enabled") is not False
    )


@check("ECS314", subject=Service)
def dynamic_port_unreachable(service: Service) -> Iterator[Finding]:
    if not service.is_service or not service.complete:
        return
    task = service.task_definition()
    if task is None or task.network_mode != "bridge" or not _containers_known(task) or _reachable(service):
        return
    for container in task.containers:
        for index, mapping in container.items("portMappings"):
            if "containerPort" in mapping and mapping.get("hostPort") in (None, 0):
                message = (
                    f"{service.label} has no load balancer, Service Connect or service registry, yet {container.label} of {_task_label(task)} "
                    f"maps port {quote(mapping['containerPort'])} to a dynamic host port that nothing can find; attach an ALB or NLB target group "
                    "(it registers the ephemeral port), or drop the port mapping if nothing connects to it."
                )
                yield Finding("ECS314", service.pointer, message, related=_related_task(task, container.ptr("portMappings", index), "The dynamic port mapping"))
                return


@check("ECS315", subject=Service)
def unneeded_service_role(service: Service) -> Iterator[Finding]:
    # describe-services reports the service-linked role as `roleArn` even when none was given: only input counts.
    if service.shape not in ("create", "update") or not known(service.get("role")) or not service.get("role"):
        return
    if not service.load_balancers and service.complete:
        message = (
            f"{service.label} sets `role` without a load balancer; CreateService permits it only with `loadBalancers` "
            "(\"If you specify the role parameter, you must also specify a load balancer object\"). Remove `role`."
        )
        yield Finding("ECS315", service.ptr("role"), message)
        return
    task = service.task_definition()
    if task is not None and task.network_mode == "awsvpc":
        message = (
            f"{service.label} sets `role`, but {_task_label(task)} uses `awsvpc`, which needs the ECS service-linked role; "
            "the API permits `role` only for load-balanced services whose task definition does not use awsvpc. Remove `role`."
        )
        yield Finding("ECS315", service.ptr("role"), message)
