"""AWS::ECS::Service and AWS::ECS::TaskSet resources as services, paired with the task definition, target
groups, listeners and listener rules of the same template.

Properties are resolved and mapped to CreateService's (CreateTaskSet's) field names as task
definitions are (ecslint.cloudformation.properties); findings point at the template's own keys.
`TaskDefinition: !Ref TaskDef` (or `!GetAtt TaskDef.TaskDefinitionArn`) names the template's
`TaskDef` resource, which the engine's second pass finds among the run's task definitions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ecslint.cloudformation.intrinsics import Template, Unresolved
from ecslint.cloudformation.properties import Converter, definition
from ecslint.cloudformation.resource_view import ApiLocator, MetadataSuppressions, metadata_ignores
from ecslint.documents import pointer as jp
from ecslint.documents.parse import Document
from ecslint.subjects.service import BalancingResource, Service

SERVICE_TYPE = "AWS::ECS::Service"
TASK_DEFINITION_TYPE = "AWS::ECS::TaskDefinition"
TASK_SET_TYPE = "AWS::ECS::TaskSet"
TARGET_GROUP_TYPE = "AWS::ElasticLoadBalancingV2::TargetGroup"
LOAD_BALANCER_TYPE = "AWS::ElasticLoadBalancingV2::LoadBalancer"
# Elastic Load Balancing resources a service's load balancers name, and the `!GetAtt` attribute that is
# their ARN, as `!Ref` is (CloudFormation template reference, the three resources' return values, 2026-12).
_BALANCING_TYPES = {
    TARGET_GROUP_TYPE: ("target-group", "TargetGroupArn"),
    "AWS::ElasticLoadBalancingV2::Listener": ("listener", "ListenerArn"),
    "AWS::ElasticLoadBalancingV2::ListenerRule": ("listener-rule", "RuleArn"),
}
API_ROOT = "/service"
# Properties only CloudFormation has (aws-resource-ecs-service.html, 2026-12): not CreateService fields.
_CLOUDFORMATION_ONLY = ("ForceNewDeployment",)
# `${TaskDef}` or `${TaskDef.TaskDefinitionArn}`: how `!Ref`/`!GetAtt` of a template resource resolve.
_RESOURCE_PLACEHOLDER = re.compile(r"^\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}$")


@dataclass(frozen=True)
class CloudFormationService(MetadataSuppressions, Service):
    """A service or task set resource, read as the CreateService (CreateTaskSet) input CloudFormation would send."""

    converter: Converter | None = field(default=None, compare=False, repr=False)

    def keeps(self, finding) -> bool:
        return self.converter is None or not self.converter.is_unresolved(finding.pointer)

    def source_pointer(self, pointer: str) -> str:
        if self.converter is None or not jp.is_within(pointer, API_ROOT):
            return pointer
        return self.converter.source_pointer(pointer)

    def spell_message(self, message: str, pointer: str) -> str:
        """Field names as the template writes them: `DeploymentCircuitBreaker`, `AwsvpcConfiguration.AssignPublicIp`."""
        if self.converter is None or not jp.is_within(pointer, API_ROOT):
            return message
        from ecslint.checks.schema_validator import service_schema
        from ecslint.cloudformation.properties import cfn_name
        from ecslint.subjects.field_spelling import respell

        root = "CreateServiceRequest" if self.shape == "create" else "CreateTaskSetRequest"
        return respell(message, pointer[len(API_ROOT):], lambda definition, field, _in_container: cfn_name(definition, field), root, service_schema()["definitions"])


def _resource_named(template: Template, value, kinds: tuple[str, ...]) -> str | None:
    match = _RESOURCE_PLACEHOLDER.match(value) if isinstance(value, Unresolved) else None
    return match.group(1) if match and template.resource_type(match.group(1)) in kinds else None


def _load_balancing(template: Template) -> dict:
    """What `!Ref` (or `!GetAtt` of the ARN) of each target group, listener and listener rule resolves to -> what it is."""
    found: dict = {}
    groups = {
        key: logical_id
        for logical_id, resource in template.resources_of_type(TARGET_GROUP_TYPE)
        if _may_exist(template, resource)
        for key in ("${" + logical_id + "}", "${" + logical_id + ".TargetGroupArn}")
    }
    for kind, (name, attribute) in _BALANCING_TYPES.items():
        for logical_id, resource in template.resources_of_type(kind):
            if not _may_exist(template, resource):
                continue
            properties = template.properties(logical_id)
            if name == "target-group":
                target_type = template.resolve(properties.get("TargetType", "instance"))
                item = BalancingResource(name, logical_id, target_type=target_type if _literal(target_type) else None)
            else:
                actions = properties.get("Actions" if name == "listener-rule" else "DefaultActions")
                balancer = _balancer_type(template, properties.get("LoadBalancerArn")) if name == "listener" else None
                item = BalancingResource(name, logical_id, forwards=_forwards(template, actions, groups), balancer_type=balancer)
            found["${" + logical_id + "}"] = found["${" + logical_id + "." + attribute + "}"] = item
    return found


def _balancer_type(template: Template, reference) -> str | None:
    """`application` or `network` for the template's load balancer a listener belongs to (`application` when `Type` is
    unset: AWS::ElasticLoadBalancingV2::LoadBalancer, CloudFormation template reference, 2026-12); None when not the template's."""
    named = _resource_named(template, template.resolve(reference), (LOAD_BALANCER_TYPE,))
    if named is None:
        return None
    kind = template.resolve(template.properties(named).get("Type", "application"))
    return kind if _literal(kind) else None


def _literal(value) -> bool:
    return isinstance(value, str) and not isinstance(value, Unresolved)


def _forwards(template: Template, actions, groups: dict) -> tuple[str, ...] | None:
    """The target groups of the template that `forward` actions send traffic to; None when one is not the template's."""
    resolved = template.resolve(actions)
    if not isinstance(resolved, list):
        return None
    named: list[str] = []
    for action in resolved:
        if not isinstance(action, dict) or action.get("Type") != "forward":
            continue
        config = action.get("ForwardConfig") if isinstance(action.get("ForwardConfig"), dict) else {}
        entries = config.get("TargetGroups") if isinstance(config.get("TargetGroups"), list) else []
        values = ([action["TargetGroupArn"]] if "TargetGroupArn" in action else []) + [entry.get("TargetGroupArn") for entry in entries if isinstance(entry, dict)]
        for value in values:
            if not isinstance(value, Unresolved) or value not in groups:
                return None
            named.append(groups[value])
    return tuple(dict.fromkeys(named))


def _service(document: Document, template: Template, logical_id: str, resource: dict, kind: str, load_balancing: dict) -> CloudFormationService:
    resource_pointer = jp.join("/Resources", logical_id)
    converter = Converter(template)
    properties, source = template.step(resource.get("Properties", {}), jp.join(resource_pointer, "Properties"))
    if isinstance(properties, dict):
        properties = {key: value for key, value in properties.items() if key not in _CLOUDFORMATION_ONLY}
    root = "CreateServiceRequest" if kind == SERVICE_TYPE else "CreateTaskSetRequest"
    data = converter.convert(properties, source, API_ROOT, definition(root))
    if not isinstance(data, dict):
        data = {}
    reference = data.get("taskDefinition")
    named = _resource_named(template, reference, (TASK_DEFINITION_TYPE,))
    view = {"service": converter.validation_copy(data, API_ROOT)}
    locator = ApiLocator(document, resource_pointer, converter)
    has_duplicates = document.has_duplicate_keys and bool(locator.duplicate_regions())
    api_document = Document(path=document.path, text=document.text, data=view, has_duplicate_keys=has_duplicates, syntax=document.syntax, _locator=locator)
    return CloudFormationService(
        api_document,
        data,
        API_ROOT,
        "create" if kind == SERVICE_TYPE else "task-set",
        label_hint=logical_id,
        # "If no value is specified, a default of 1 is used" (AWS::ECS::Service DesiredCount, CloudFormation user guide, 2026-12).
        default_desired_count=1 if kind == SERVICE_TYPE else None,
        task_definition_key=(document.path, named) if named else None,
        load_balancing=load_balancing,
        logical_id=logical_id,
        metadata_ignores=metadata_ignores(resource),
        converter=converter,
    )


def _may_exist(template: Template, resource: dict) -> bool:
    """False for a resource whose `Condition` is false with the parameters' defaults: with them, the stack has no such
    resource, and the values the other resources resolve to (`!If` on the same condition) are not the ones it would run with."""
    condition = resource.get("Condition")
    return not isinstance(condition, str) or template.condition(condition) is not False


def template_services(document: Document, template: Template) -> list[CloudFormationService]:
    """Every AWS::ECS::Service and AWS::ECS::TaskSet of a template."""
    found = [(logical_id, resource, kind) for kind in (SERVICE_TYPE, TASK_SET_TYPE) for logical_id, resource in template.resources_of_type(kind) if _may_exist(template, resource)]
    if not found:
        return []
    load_balancing = _load_balancing(template)
    return [_service(document, template, logical_id, resource, kind, load_balancing) for logical_id, resource, kind in found]

