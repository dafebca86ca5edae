"""CloudFormation's PascalCase task-definition properties as the ECS API's camelCase fields, with pointers both ways.

The walk follows ecslint's own RegisterTaskDefinition schema: an API field's CloudFormation name is
the field with its first letter capitalised, except for the few listed in `_CFN_NAMES`; maps whose
keys are the user's (`dockerLabels`, log `options`, `driverOpts`, `labels`) keep their keys as written.
Scalars are converted as CloudFormation converts them before calling ECS (`Cpu: 256` is the string
"256", `Memory: "512"` the integer 512, `Essential: "true"` a boolean), so that ECS002 judges what
ECS receives. Properties CloudFormation does not know (a misspelling, or the API's camelCase name,
which CloudFormation rejects) are left out of the task definition and listed as rejected, for ECS002.
"""

from __future__ import annotations

import re
from functools import cache

from ecslint.documents import pointer as jp
from ecslint.cloudformation.intrinsics import NO_VALUE, Template, Unresolved, as_text
from ecslint.checks.schema_validator import service_schema, task_definition_schema
from ecslint.subjects.task_definition import RejectedKey

# CloudFormation property names that are not the API field with its first letter capitalised, by
# (API schema definition, API field). Source: the AWS::ECS::TaskDefinition resource schema (as shipped
# in cfn-lint 1.51's data/schemas) and the CloudFormation user guide's property pages, verified 2026-11-30.
_CFN_NAMES = {
    ("ProxyConfiguration", "properties"): "ProxyConfigurationProperties",
    ("Volume", "efsVolumeConfiguration"): "EFSVolumeConfiguration",
    ("Volume", "fsxWindowsFileServerVolumeConfiguration"): "FSxWindowsFileServerVolumeConfiguration",
    ("Volume", "s3filesVolumeConfiguration"): "S3FilesVolumeConfiguration",
    ("EFSVolumeConfiguration", "fileSystemId"): "FilesystemId",
    ("EFSAuthorizationConfig", "iam"): "IAM",
    # AWS::ECS::Service (CloudFormation user guide, aws-resource-ecs-service.html, 2026-12).
    ("CreateServiceRequest", "placementStrategy"): "PlacementStrategies",
}

# Other spellings CloudFormation accepts, by (API schema definition, CloudFormation property): AWS::ECS::TaskSet
# documents `AwsVpcConfiguration` where AWS::ECS::Service has `AwsvpcConfiguration`, and working service
# templates use both (aws-properties-ecs-service-networkconfiguration.html, aws-properties-ecs-taskset-networkconfiguration.html, 2026-12).
_CFN_ALIASES = {("NetworkConfiguration", "AwsVpcConfiguration"): "awsvpcConfiguration"}

TASK_DEFINITION = "RegisterTaskDefinitionRequest"
# Text fields that rules read as numbers (`"256"`, `"1 vCPU"`, `"2 GB"`): an unresolved value there is as unknown
# as an unresolved integer.
_NUMBERS_AS_TEXT = frozenset({(TASK_DEFINITION, "cpu"), (TASK_DEFINITION, "memory")})
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
# Linear on long digit runs: the digits before and after the point are matched in one way only.
_NUMBER = re.compile(r"^\s*[+-]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")


def cfn_name(definition: str | None, api_field: str) -> str:
    """The CloudFormation property for an API field of the given schema definition."""
    return _CFN_NAMES.get((definition, api_field)) or api_field[:1].upper() + api_field[1:]


@cache
def _cfn_fields(definition_name: str | None) -> dict[str, str]:
    """CloudFormation property -> API field, for one schema definition's properties."""
    schema = _definition(definition_name) if definition_name else {}
    names = {cfn_name(definition_name, field): field for field in schema.get("properties", {})}
    names.update({alias: field for (definition, alias), field in _CFN_ALIASES.items() if definition == definition_name})
    return names


def _definition(name: str) -> dict:
    """A schema definition by name: the task definition's, else (read only for services) the service shapes'."""
    found = task_definition_schema()["definitions"].get(name)
    if found is None:
        found = service_schema()["definitions"].get(name)
    return found if isinstance(found, dict) else {}


def resolve_schema(node: dict) -> tuple[dict, str | None]:
    """(the schema a node stands for, the definition name it came from, if any)."""
    name = None
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = _definition(name)
    return (node if isinstance(node, dict) else {}), name


def definition(name: str) -> dict:
    return {"$ref": f"#/definitions/{name}"}


def coerce(value, kind: str | None):
    """A scalar converted the way CloudFormation converts template values for the property's type."""
    if isinstance(value, Unresolved) or kind is None:
        return value
    if kind == "string" and not isinstance(value, str):
        text = as_text(value)
        return text if text is not None else value
    if isinstance(value, str):
        if kind == "integer" and _INTEGER.match(value):
            return int(value)
        if kind == "number" and _NUMBER.match(value):
            number = float(value)
            return int(number) if number.is_integer() else number
        if kind == "boolean" and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
    if kind == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def stand_in(node: dict):
    """A value the schema accepts, standing for an unresolved one in the copy ECS002 validates."""
    schema, _ = resolve_schema(node)
    if "enum" in schema and schema["enum"]:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "string":
        return ""
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        properties = schema.get("properties", {})
        return {key: stand_in(properties.get(key, {})) for key in schema.get("required", ())}
    return None


class Converter:
    """Converts one resource's properties, recording API pointer -> template pointer as it goes."""

    def __init__(self, template: Template, rejects_unknown: bool = False):
        self.template = template
        # True: a key that is no property where it stands is left out and listed in `rejected` (task
        # definitions, for ECS002); False: it is kept as written, for the subject's schema check to report.
        self.rejects_unknown = rejects_unknown
        self.pointers: dict[str, str] = {}
        self.nodes: dict[str, dict] = {}
        # API pointers of unresolved values in places that want a number, boolean, enum, object or list.
        self.unresolved: dict[str, dict] = {}
        # Keys that are no CloudFormation property where they stand; CloudFormation rejects the template.
        self.rejected: list[RejectedKey] = []

    def convert(self, raw, source: str, api: str, node: dict, depth: int = 0):
        value, source = self.template.step(raw, source)
        if value is NO_VALUE:
            return NO_VALUE
        self.pointers[api] = source
        self.nodes[api] = node
        schema, name = resolve_schema(node)
        kind = schema.get("type")
        if isinstance(value, Unresolved):
            if kind not in (None, "string") or "enum" in schema:
                self.unresolved[api] = node
            return value
        if depth > 64:
            return self.template.resolve(value)
        if isinstance(value, dict):
            return self._object(value, source, api, schema if kind == "object" else {}, name, depth)
        if isinstance(value, list):
            items = schema.get("items", {}) if kind == "array" else {}
            converted = []
            for index, item in enumerate(value):
                result = self.convert(item, jp.join(source, index), jp.join(api, len(converted)), items, depth + 1)
                if result is not NO_VALUE:
                    converted.append(result)
            return converted
        return coerce(value, kind)

    def _object(self, value: dict, source: str, api: str, schema: dict, name: str | None, depth: int) -> dict:
        properties = schema.get("properties")
        if properties is None:
            # A map of the user's own keys (or a place the schema says nothing about): keys stay.
            additional = schema.get("additionalProperties")
            member_node = additional if isinstance(additional, dict) else {}
            names = {}
        else:
            member_node = {}
            names = _cfn_fields(name) if name else {cfn_name(None, field): field for field in properties}
        converted: dict = {}
        for key, member in value.items():
            field = names.get(key)
            if field is None and properties is not None and self.rejects_unknown:
                pointer = jp.join(api, key)
                self.pointers[pointer] = jp.join(source, key)
                self.rejected.append(RejectedKey(pointer, key, tuple(names), "CloudFormation"))
                continue
            node = properties[field] if field is not None else member_node
            field = field or key
            result = self.convert(member, jp.join(source, key), jp.join(api, field), node, depth + 1)
            if result is not NO_VALUE:
                converted[field] = result
            if isinstance(result, Unresolved) and (name, field) in _NUMBERS_AS_TEXT:
                self.unresolved[jp.join(api, field)] = node
        return converted

    def is_unresolved(self, pointer: str) -> bool:
        """True at or inside an unresolved value recorded in `unresolved`."""
        while True:
            if pointer in self.unresolved:
                return True
            if not pointer:
                return False
            pointer = jp.parent(pointer)

    def source_pointer(self, pointer: str) -> str:
        """The template pointer for an API pointer, also for fields the template does not write (nearest parent + names)."""
        if pointer in self.pointers:
            return self.pointers[pointer]
        tokens = jp.split(pointer)
        for cut in range(len(tokens) - 1, -1, -1):
            prefix = jp.join("", *tokens[:cut])
            if prefix in self.pointers:
                return jp.join(self.pointers[prefix], *self._cfn_tokens(self.nodes.get(prefix, {}), tokens[cut:]))
        return pointer

    def _cfn_tokens(self, node: dict, tokens: list[str]) -> list[str]:
        names = []
        for token in tokens:
            schema, name = resolve_schema(node)
            properties = schema.get("properties") or {}
            if schema.get("type") == "object" and token in properties:
                names.append(cfn_name(name, token))
                node = properties[token]
            elif schema.get("type") == "array":
                names.append(token)
                node = schema.get("items", {})
            else:
                names.append(token)
                node = {}
        return names

    def validation_copy(self, value, api: str):
        """The converted value with each unresolved value replaced by a stand-in the schema accepts."""
        if not self.unresolved:
            return value  # nothing to stand in for: the schema check may read the value itself
        if api in self.unresolved:
            return stand_in(self.unresolved[api])
        if isinstance(value, dict):
            return {key: self.validation_copy(member, jp.join(api, key)) for key, member in value.items()}
        if isinstance(value, list):
            return [self.validation_copy(item, jp.join(api, index)) for index, item in enumerate(value)]
        return value
