"""`aws_ecs_service` (and `aws_ecs_task_set`) resources -> CreateService's (CreateTaskSet's) camelCase input, as
services paired with the module's task definition and load balancing resources.

Attribute and block names: the AWS provider's `aws_ecs_service` documentation
(https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_service), 2026-12.
The provider spreads `deploymentConfiguration` over top-level attributes and blocks
(`deployment_maximum_percent`, `deployment_circuit_breaker`, `alarms`, `deployment_configuration`)
and takes `assign_public_ip` as a boolean; they are gathered back into the API's shape here.
`task_definition = aws_ecs_task_definition.app.arn` names the module's `aws_ecs_task_definition.app`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ecslint.documents import pointer as jp
from ecslint.report.findings import Finding, Related
from ecslint.subjects.service import BalancingResource, Service
from ecslint.terraform.resources import ignore_from_tags, resource_declaration
from ecslint.terraform.taskdef import Block, MappedTask, _empty, _map_block
from ecslint.terraform.template import Unknown, unknown_pointers
from ecslint.subjects.quoting import quote, quote_text

SERVICE_TYPE = "aws_ecs_service"
TASK_SET_TYPE = "aws_ecs_task_set"
_TASK_REFERENCE = re.compile(r"(?<![\w.])(aws_ecs_task_definition\.[A-Za-z_][\w-]*)")

_ADVANCED = Block(
    "advancedConfiguration",
    {"alternate_target_group_arn": "alternateTargetGroupArn", "production_listener_rule": "productionListenerRule", "test_listener_rule": "testListenerRule", "role_arn": "roleArn"},
    single=True,
)
_HOOK = Block("lifecycleHooks", {"hook_target_arn": "hookTargetArn", "role_arn": "roleArn", "lifecycle_stages": "lifecycleStages", "hook_details": "hookDetails"})
_DEPLOYMENT_MEMBERS = {
    "strategy": "strategy",
    "bake_time_in_minutes": "bakeTimeInMinutes",
    "lifecycle_hook": _HOOK,
    "linear_configuration": Block("linearConfiguration", {"step_percent": "stepPercent", "step_bake_time_in_minutes": "stepBakeTimeInMinutes"}, single=True),
    "canary_configuration": Block("canaryConfiguration", {"canary_percent": "canaryPercent", "canary_bake_time_in_minutes": "canaryBakeTimeInMinutes"}, single=True),
}
_EBS = Block(
    "managedEBSVolume",
    {
        "role_arn": "roleArn",
        "encrypted": "encrypted",
        "file_system_type": "filesystemType",
        "iops": "iops",
        "kms_key_id": "kmsKeyId",
        "size_in_gb": "sizeInGiB",
        "snapshot_id": "snapshotId",
        "throughput": "throughput",
        "volume_type": "volumeType",
        "volume_initialization_rate": "volumeInitializationRate",
    },
    single=True,
)
SERVICE_ATTRIBUTES: dict = {
    "name": "serviceName",
    "cluster": "cluster",
    "task_definition": "taskDefinition",
    "desired_count": "desiredCount",
    "launch_type": "launchType",
    "platform_version": "platformVersion",
    "iam_role": "role",
    "scheduling_strategy": "schedulingStrategy",
    "health_check_grace_period_seconds": "healthCheckGracePeriodSeconds",
    "enable_execute_command": "enableExecuteCommand",
    "enable_ecs_managed_tags": "enableECSManagedTags",
    "propagate_tags": "propagateTags",
    "availability_zone_rebalancing": "availabilityZoneRebalancing",
    "deployment_controller": Block("deploymentController", {"type": "type"}, single=True),
    "load_balancer": Block(
        "loadBalancers",
        {"elb_name": "loadBalancerName", "target_group_arn": "targetGroupArn", "container_name": "containerName", "container_port": "containerPort", "advanced_configuration": _ADVANCED},
    ),
    "ordered_placement_strategy": Block("placementStrategy", {"type": "type", "field": "field"}),
    "placement_constraints": Block("placementConstraints", {"type": "type", "expression": "expression"}),
    "capacity_provider_strategy": Block("capacityProviderStrategy", {"capacity_provider": "capacityProvider", "base": "base", "weight": "weight"}),
    "service_registries": Block("serviceRegistries", {"registry_arn": "registryArn", "port": "port", "container_name": "containerName", "container_port": "containerPort"}),
    "service_connect_configuration": Block(
        "serviceConnectConfiguration",
        {
            "enabled": "enabled",
            "namespace": "namespace",
            "service": Block(
                "services",
                {
                    "port_name": "portName",
                    "discovery_name": "discoveryName",
                    "ingress_port_override": "ingressPortOverride",
                    "client_alias": Block("clientAliases", {"port": "port", "dns_name": "dnsName"}),
                },
            ),
        },
        single=True,
    ),
    "volume_configuration": Block("volumeConfigurations", {"name": "name", "managed_ebs_volume": _EBS}),
    "vpc_lattice_configurations": Block("vpcLatticeConfigurations", {"role_arn": "roleArn", "target_group_arn": "targetGroupArn", "port_name": "portName"}),
}
# `aws_ecs_task_set` (AWS provider documentation, ecs_task_set, 2026-12) -> CreateTaskSet's fields; its load balancer
# block names the Classic Load Balancer `load_balancer_name`, where `aws_ecs_service` says `elb_name`.
TASK_SET_ATTRIBUTES: dict = {
    "service": "service",
    "cluster": "cluster",
    "task_definition": "taskDefinition",
    "external_id": "externalId",
    "launch_type": "launchType",
    "platform_version": "platformVersion",
    "load_balancer": Block(
        "loadBalancers", {"load_balancer_name": "loadBalancerName", "target_group_arn": "targetGroupArn", "container_name": "containerName", "container_port": "containerPort"}
    ),
    "service_registries": SERVICE_ATTRIBUTES["service_registries"],
    "capacity_provider_strategy": SERVICE_ATTRIBUTES["capacity_provider_strategy"],
    "scale": Block("scale", {"unit": "unit", "value": "value"}, single=True),
}
# Provider attributes and blocks that are members of the API's `deploymentConfiguration`.
_DEPLOYMENT_ATTRIBUTES = {"deployment_maximum_percent": "maximumPercent", "deployment_minimum_healthy_percent": "minimumHealthyPercent"}
_DEPLOYMENT_BLOCKS = {
    "deployment_circuit_breaker": Block("deploymentCircuitBreaker", {"enable": "enable", "rollback": "rollback"}, single=True),
    "alarms": Block("alarms", {"alarm_names": "alarmNames", "enable": "enable", "rollback": "rollback"}, single=True),
}


@dataclass(frozen=True)
class TerraformService(Service):
    """An `aws_ecs_service` resource in the API's shape, with the way back to the source and what is unknown."""

    address: str = ""
    declaration: Related | None = field(default=None, compare=False)
    mapped: object | None = field(default=None, compare=False, repr=False)
    unknown: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def source_pointer(self, pointer: str) -> str:
        return self.mapped.source_pointer(pointer) if self.mapped is not None else pointer

    def ignore_selectors(self) -> list[str]:
        return list(self.ignore)

    def keeps(self, finding: Finding) -> bool:
        """False for a finding on, or about, a value known only after apply (a message names the field alone, or as
        the end of a path: `deploymentConfiguration.deploymentCircuitBreaker`)."""
        for unknown in self.unknown:
            if jp.is_within(finding.pointer, unknown):
                return False
            field = jp.split(unknown)[-1] if unknown else ""
            if jp.is_within(unknown, finding.pointer) and (quote(field) in finding.message or f".{quote_text(field)}`" in finding.message):
                return False
        return True


def _network(value, source: str, out: MappedTask):
    """`network_configuration { subnets, security_groups, assign_public_ip = bool }` -> networkConfiguration.awsvpcConfiguration."""
    blocks = value if isinstance(value, list) else [value]
    if len(blocks) != 1 or not isinstance(blocks[0], dict):
        return None
    block, at = blocks[0], jp.join(source, 0)
    api = "/networkConfiguration/awsvpcConfiguration"
    out.sources["/networkConfiguration"] = out.sources[api] = at
    result: dict = {}
    for key, target in (("subnets", "subnets"), ("security_groups", "securityGroups"), ("assign_public_ip", "assignPublicIp")):
        if key not in block or _empty(block[key]):
            continue
        item = block[key]
        if key == "assign_public_ip" and isinstance(item, bool):
            item = "ENABLED" if item else "DISABLED"
        out.sources[jp.join(api, target)] = jp.join(at, key)
        result[target] = item
    return {"awsvpcConfiguration": result}


def map_service(values: dict, source: str, attributes: dict = SERVICE_ATTRIBUTES) -> MappedTask:
    """Map an `aws_ecs_service` (or, with TASK_SET_ATTRIBUTES, `aws_ecs_task_set`) resource's values (at `source` in
    the document) to CreateService's (CreateTaskSet's) shape."""
    out = MappedTask({})
    out.sources[""] = source
    data: dict = {}
    deployment: dict = {}
    for key, item in values.items():
        if _empty(item):
            continue
        if key == "network_configuration":
            mapped = _network(item, jp.join(source, key), out)
            if mapped is not None:
                data["networkConfiguration"] = mapped
        elif attributes is not SERVICE_ATTRIBUTES and key not in attributes:
            continue  # Terraform's own arguments (`force_delete`, `wait_until_stable`)
        elif key in _DEPLOYMENT_ATTRIBUTES:
            out.sources.setdefault("/deploymentConfiguration", source)
            out.sources[jp.join("/deploymentConfiguration", _DEPLOYMENT_ATTRIBUTES[key])] = jp.join(source, key)
            deployment[_DEPLOYMENT_ATTRIBUTES[key]] = item
        elif key in _DEPLOYMENT_BLOCKS:
            block = _DEPLOYMENT_BLOCKS[key]
            out.sources.setdefault("/deploymentConfiguration", source)
            mapped = _map_block(item, block, jp.join("/deploymentConfiguration", block.name), jp.join(source, key), out)
            if not _empty(mapped):
                deployment[block.name] = mapped
        elif key == "deployment_configuration":
            mapped = _map_block(item, Block("deploymentConfiguration", _DEPLOYMENT_MEMBERS, single=True), "/deploymentConfiguration", jp.join(source, key), out)
            if isinstance(mapped, dict):
                deployment.update(mapped)
        elif isinstance(target := attributes.get(key), Block):
            mapped = _map_block(item, target, "/" + target.name, jp.join(source, key), out)
            if not _empty(mapped):
                data[target.name] = mapped
        elif target is not None:
            out.sources["/" + target] = jp.join(source, key)
            data[target] = item
    if deployment:
        data["deploymentConfiguration"] = deployment
    out.data = data
    return out


def _definitions() -> dict:
    from ecslint.checks.schema_validator import service_schema

    return service_schema()["definitions"]


def _as_api_types(value, node: dict, definitions: dict, depth: int = 0):
    """Terraform converts `"360"` to a number and `"true"` to a boolean where the attribute wants one; so does this."""
    while isinstance(node, dict) and "$ref" in node and depth < 64:
        node = definitions.get(node["$ref"].rsplit("/", 1)[1], {})
        depth += 1
    kind = node.get("type") if isinstance(node, dict) else None
    if isinstance(value, Unknown) or depth >= 64:
        return value
    if isinstance(value, dict) and kind == "object":
        properties = node.get("properties") or {}
        return {key: _as_api_types(item, properties.get(key, {}), definitions, depth + 1) for key, item in value.items()}
    if isinstance(value, list) and kind == "array":
        return [_as_api_types(item, node.get("items", {}), definitions, depth + 1) for item in value]
    if isinstance(value, str):
        if kind == "integer" and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            return int(value)
        if kind == "boolean" and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
    if kind == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


# Elastic Load Balancing resources a service's load balancers name (the `aws_alb_*` names are aliases of
# the `aws_lb_*` ones), with `arn` and `id` both the ARN (AWS provider documentation of the three, 2026-12).
BALANCING_TYPES = {
    "aws_lb_target_group": "target-group",
    "aws_alb_target_group": "target-group",
    "aws_lb_listener": "listener",
    "aws_alb_listener": "listener",
    "aws_lb_listener_rule": "listener-rule",
    "aws_alb_listener_rule": "listener-rule",
}


def load_balancing(resources: list) -> dict:
    """`${aws_lb_target_group.blue.arn}` (how a reference to each target group, listener and rule reads) -> what it is.

    In a plan or state, a resource that already exists has its ARN among its values, and a service names it by
    that ARN: it is a key too."""
    groups = {key: resource.base for resource in resources if BALANCING_TYPES.get(resource.type) == "target-group" for key in _keys(resource)}
    # `load_balancer_type` is `application` when unset (AWS provider documentation, lb, 2026-12).
    balancers = {
        key: kind
        for resource in resources
        if resource.type in ("aws_lb", "aws_alb") and isinstance(kind := resource.values.get("load_balancer_type", "application"), str) and not isinstance(kind, Unknown)
        for key in _keys(resource)
    }
    found: dict = {}
    for resource in resources:
        kind = BALANCING_TYPES.get(resource.type)
        if kind is None:
            continue
        if kind == "target-group":
            target_type = resource.values.get("target_type", "instance")
            item = BalancingResource(kind, resource.base, target_type=target_type if isinstance(target_type, str) and not isinstance(target_type, Unknown) else None)
        else:
            balancer = balancers.get(str(resource.values.get("load_balancer_arn"))) if kind == "listener" else None
            item = BalancingResource(kind, resource.base, forwards=_forwards(resource.values.get("action" if kind == "listener-rule" else "default_action"), groups), balancer_type=balancer)
        for key in _keys(resource):
            found[key] = item
    return found


def _keys(resource) -> list[str]:
    known = [value for value in (resource.values.get("arn"), resource.values.get("id")) if isinstance(value, str) and not isinstance(value, Unknown) and value.startswith("arn:")]
    return [f"${{{resource.base}.arn}}", f"${{{resource.base}.id}}", *known]


def _blocks(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else [value] if isinstance(value, dict) else []


def _forwards(actions, groups: dict) -> tuple[str, ...] | None:
    """The module's target groups that `forward` actions send traffic to; None when one is not the module's."""
    if actions is None or isinstance(actions, Unknown):
        return None
    named: list[str] = []
    for action in _blocks(actions):
        if action.get("type") != "forward":
            continue
        values = [action["target_group_arn"]] if "target_group_arn" in action else []
        values += [group.get("arn") for forward in _blocks(action.get("forward")) for group in _blocks(forward.get("target_group"))]
        for value in values:
            if not isinstance(value, str) or str(value) not in groups:
                return None
            named.append(groups[str(value)])
    return tuple(dict.fromkeys(named))


def _known_references(pointers: list[str], data, balancing: dict) -> tuple[str, ...]:
    """The unknown pointers, less those whose value is a reference to a target group, listener or rule of the module:
    the rules judge those resources (ECS312, ECS911), so their findings are kept."""
    return tuple(pointer for pointer in pointers if _value_at(data, pointer) not in balancing)


def _value_at(data, pointer: str):
    for token in jp.split(pointer):
        if isinstance(data, dict):
            data = data.get(token)
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return None
    return str(data) if isinstance(data, str) else None


def service_subjects(document, resources: list, module_resources=None) -> list[TerraformService]:
    """The `aws_ecs_service` resources among `resources` (one document's), as services; `module_resources`, when
    given, returns the resources of the whole module, for the target groups and listeners the services name."""
    found = []
    balancing = None
    for resource in resources:
        if resource.type not in (SERVICE_TYPE, TASK_SET_TYPE):
            continue
        task_set = resource.type == TASK_SET_TYPE
        mapped = map_service(resource.values, resource.pointer, TASK_SET_ATTRIBUTES if task_set else SERVICE_ATTRIBUTES)
        root = "CreateTaskSetRequest" if task_set else "CreateServiceRequest"
        mapped.data = _as_api_types(mapped.data, {"$ref": f"#/definitions/{root}"}, _definitions())
        reference = resource.values.get("task_definition")
        # A plan keeps the configuration's references beside values that are unknown or already rendered.
        references = " ".join(item for item in resource.references.get("task_definition") or () if isinstance(item, str))
        named = _TASK_REFERENCE.search(reference if isinstance(reference, Unknown) else references)
        scope = str(PurePosixPath(document.path).parent)
        key = named.group(1) if named else None
        if key is not None and resource.module:
            key = f"{resource.module}.{key}"
        if balancing is None:
            balancing = load_balancing(module_resources() if module_resources is not None else resources)
        found.append(
            TerraformService(
                document,
                mapped.data,
                "",
                "task-set" if task_set else "create",
                label_hint=resource.address,
                task_definition_key=(scope if document.syntax == "hcl" else document.path, key) if key else None,
                address=resource.address,
                declaration=resource_declaration(resource),
                mapped=mapped,
                unknown=_known_references(unknown_pointers(mapped.data), mapped.data, balancing),
                load_balancing=balancing,
                ignore=ignore_from_tags(resource.values.get("tags")),
            )
        )
    return found
