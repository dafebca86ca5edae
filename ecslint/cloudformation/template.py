"""CloudFormation templates (hand-written, or `cdk synth` output): each AWS::ECS::TaskDefinition as a task definition
(and the ECR resources beside them, through ecslint.cloudformation.ecr).

A template is a mapping whose `Resources` is a mapping of resources with a `Type`. Each task
definition's properties are resolved (ecslint.cloudformation.intrinsics), mapped to the ECS API's
field names (ecslint.cloudformation.properties) and checked by every rule; findings are mapped back
to the template's own keys (`/Resources/Web/Properties/ContainerDefinitions/0/PortMappings/0/HostPort`).
Roles the template defines form the IAM context for the (P) rules (ecslint.cloudformation.iam).

How the schema check sees a template: the subject has the `describe` shape and its `document` is
an API view, `{"taskDefinition": {...}, "tags": [...]}`, in which each value only deployment decides
is replaced by a stand-in the schema accepts. ECS002 therefore judges only what the template says
(and, as for describe output, does not require `family`, which CloudFormation generates), while
the other rules read `data`, where such values stay `${...}` placeholders and are not judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ecslint.documents import pointer as jp
from ecslint.cloudformation.intrinsics import NO_VALUE, Template
from ecslint.cloudformation.properties import TASK_DEFINITION, Converter, definition
from ecslint.documents.parse import Document
from ecslint.cloudformation.resource_view import ApiLocator, MetadataSuppressions, metadata_ignores
from ecslint.subjects.task_definition import TaskDefinition

TASK_DEFINITION_TYPE = "AWS::ECS::TaskDefinition"
# Resources read by ecslint.cloudformation.service, imported only for templates that have one.
SERVICE_TYPES = ("AWS::ECS::Service", "AWS::ECS::TaskSet")
API_ROOT = "/taskDefinition"
ROLE_FIELDS = ("executionRoleArn", "taskRoleArn")
TAGS_ROOT = "/tags"


@dataclass(frozen=True)
class CloudFormationTaskDefinition(MetadataSuppressions, TaskDefinition):
    """An AWS::ECS::TaskDefinition resource, read as the task definition CloudFormation would register."""

    converter: Converter | None = field(default=None, compare=False, repr=False)
    # The task definition once per way the conditions the template cannot decide may go, for its roles (see
    # ecslint.subjects.alternatives); empty when none is undecided, or past eight ways.
    alternatives: tuple = field(default=(), compare=False, repr=False)
    # Those conditions' names, for messages.
    alternative_conditions: tuple[str, ...] = field(default=(), compare=False)

    def alternative_views(self) -> list:
        """This task definition with each alternative's role fields and roles; every other value as the template has it
        (a property chosen by a condition stays unknown, as without alternatives)."""
        views = []
        for other in self.alternatives:
            data = {key: value for key, value in self.data.items() if key not in ROLE_FIELDS}
            data.update({key: other.data[key] for key in ROLE_FIELDS if key in other.data})
            views.append(replace(self, data=data, iam=other.iam, alternatives=(), alternative_conditions=()))
        return views

    def message_for(self, finding) -> str:
        from ecslint.cloudformation.messages import as_written, default_note, with_note

        message = as_written(finding.message)
        if self.converter is not None and (note := default_note(self.converter.template, self.source_pointer(finding.pointer))):
            message = with_note(message, note)
        return message

    def is_unresolved(self, pointer: str) -> bool:
        """True at (or inside) a value that only deployment decides, where a rule wants a number, flag, enum or structure."""
        return self.converter is not None and self.converter.is_unresolved(pointer)

    def keeps(self, finding) -> bool:
        """False for a finding on such a value (the rule judged a placeholder, not what will be deployed), and
        for another rule's finding on a property CloudFormation rejects: ECS002 reports it, once."""
        if finding.rule_id != "ECS002" and self.converter is not None and any(finding.pointer == rejected.pointer for rejected in self.converter.rejected):
            return False
        return not self.is_unresolved(finding.pointer)

    def spell_path(self, pointer: str, base: str) -> str:
        """The template's own property names: `PortMappings[0].HostPort`, read off the template pointers."""
        if self.converter is None or not (jp.is_within(pointer, API_ROOT) or jp.is_within(pointer, TAGS_ROOT)):
            return super().spell_path(pointer, base)
        root = self.converter.source_pointer(base) if base else self.converter.pointers.get(API_ROOT, "")
        source = self.converter.source_pointer(pointer)
        if root and jp.is_within(source, root):
            return jp.to_path(source[len(root):])
        return super().spell_path(pointer, base)

    def spell_message(self, message: str, pointer: str) -> str:
        if not jp.is_within(pointer, API_ROOT):
            return message
        from ecslint.cloudformation.properties import cfn_name
        from ecslint.subjects.field_spelling import respell

        return respell(message, pointer[len(API_ROOT):], lambda definition, field, _in_container: cfn_name(definition, field))

    def rejected_keys(self):
        return list(self.converter.rejected) if self.converter is not None else []

    # How `defined_secret` writes references (`!Sub` variables), for the role writers.
    expression_syntax = "cloudformation"

    def defined_secret(self, value: str):
        """For a `valueFrom` written as `!Ref` to an AWS::SecretsManager::Secret of this template: (the ARN, the
        ARN of its customer managed KMS key or None) as `!Sub` text, with `<PARTITION>`, `<REGION>` and
        `<ACCOUNT_ID>` for the pseudo parameters; None for anything else.

        `Ref` of a secret returns its ARN; `KmsKeyId` takes a key ID, key ARN, alias name or alias ARN, of which
        only a key (by `!Ref`, `!GetAtt Key.Arn` or a key ARN) names what `kms:Decrypt` needs (CloudFormation
        resource reference, AWS::SecretsManager::Secret and AWS::KMS::Key, verified 2026-11-30).
        """
        template = self.converter.template if self.converter is not None else None
        text = value.strip() if isinstance(value, str) else ""
        if template is None or not (text.startswith("${") and text.endswith("}")) or template.resource_type(text[2:-1]) != "AWS::SecretsManager::Secret":
            return None
        raw = template.properties(text[2:-1]).get("KmsKeyId")
        return text, _kms_key_arn(template, raw)

    def source_pointer(self, pointer: str) -> str:
        if self.converter is None or not (jp.is_within(pointer, API_ROOT) or jp.is_within(pointer, TAGS_ROOT)):
            return pointer  # already a template pointer (duplicate keys are found in the template itself)
        return self.converter.source_pointer(pointer)


def _kms_key_arn(template: Template, raw) -> str | None:
    if isinstance(raw, dict) and set(raw) == {"Ref"} and template.resource_type(raw["Ref"]) == "AWS::KMS::Key":
        return "arn:<PARTITION>:kms:<REGION>:<ACCOUNT_ID>:key/${" + raw["Ref"] + "}"
    attribute = raw.get("Fn::GetAtt") if isinstance(raw, dict) and set(raw) == {"Fn::GetAtt"} else None
    if isinstance(attribute, str):
        attribute = attribute.split(".", 1)
    if isinstance(attribute, list) and attribute[1:] == ["Arn"] and template.resource_type(attribute[0]) == "AWS::KMS::Key":
        return "${" + attribute[0] + ".Arn}"
    value = template.resolve(raw) if raw is not None else None
    if isinstance(value, str) and value.startswith("arn:") and ":kms:" in value and ":key/" in value and "${" not in value:
        return value
    return None


def is_template(data) -> bool:
    """A mapping with `Resources`, a mapping of resources each declaring a `Type`."""
    resources = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(resources, dict) or not resources:
        return False
    # `Fn::ForEach::Name` entries (AWS::LanguageExtensions) expand into resources at deployment.
    declared = [resource for key, resource in resources.items() if not key.startswith("Fn::ForEach")]
    return bool(declared) and all(isinstance(resource, dict) and isinstance(resource.get("Type"), str) for resource in declared)


def _task_definition(document: Document, template: Template, logical_id: str, resource: dict, iam) -> CloudFormationTaskDefinition:
    resource_pointer = jp.join("/Resources", logical_id)
    converter = Converter(template, rejects_unknown=True)
    properties, source = template.step(resource.get("Properties", {}), jp.join(resource_pointer, "Properties"))
    raw_tags = NO_VALUE
    if isinstance(properties, dict):
        properties = dict(properties)
        raw_tags = properties.pop("Tags", NO_VALUE)
    data = converter.convert(properties, source, API_ROOT, definition(TASK_DEFINITION))
    if not isinstance(data, dict):
        data = {}  # properties only deployment decides: nothing to judge
    view = {"taskDefinition": converter.validation_copy(data, API_ROOT)}
    if raw_tags is not NO_VALUE:
        tags = converter.convert(raw_tags, jp.join(source, "Tags"), TAGS_ROOT, definition("Tags"))
        if tags is not NO_VALUE:
            view["tags"] = converter.validation_copy(tags, TAGS_ROOT)
    locator = ApiLocator(document, resource_pointer, converter)
    has_duplicates = document.has_duplicate_keys and bool(locator.duplicate_regions())
    api_document = Document(path=document.path, text=document.text, data=view, has_duplicate_keys=has_duplicates, syntax=document.syntax, _locator=locator)
    return CloudFormationTaskDefinition(
        api_document,
        data,
        API_ROOT,
        "describe",
        tags_pointer=TAGS_ROOT,
        iam=iam,
        logical_id=logical_id,
        metadata_ignores=metadata_ignores(resource),
        converter=converter,
    )


def cloudformation_task_definitions(document: Document) -> list | None:
    """Every AWS::ECS::TaskDefinition, AWS::ECS::Service and AWS::ECS::TaskSet in a CloudFormation template;
    None when the document is not a template."""
    if not is_template(document.data):
        return None
    template = Template(document.data)
    services = []
    if any(isinstance(resource, dict) and resource.get("Type") in SERVICE_TYPES for resource in template.resources.values()):
        from ecslint.cloudformation.service import template_services

        services = template_services(document, template)
    return _task_definitions(document, template) + services


def _task_definitions(document: Document, template: Template) -> list[CloudFormationTaskDefinition]:
    found = [(logical_id, resource) for logical_id, resource in template.resources_of_type(TASK_DEFINITION_TYPE)]
    registry = []
    if any(isinstance(resource, dict) and str(resource.get("Type", "")).startswith("AWS::ECR::") for resource in template.resources.values()):
        from ecslint.cloudformation.ecr import ecr_subjects

        registry = ecr_subjects(document, template)
    if not found:
        return registry
    from ecslint.cloudformation.iam import template_iam_context

    def read(template: Template) -> list[CloudFormationTaskDefinition]:
        iam = template_iam_context(template, document)
        # A template without roles says nothing about IAM: leave the (P) rules as without `--iam`.
        iam = iam if iam.roles else None
        return [_task_definition(document, template, logical_id, resource, iam) for logical_id, resource in found]

    from ecslint.subjects.alternatives import Choices, alternatives

    first = Choices()
    tasks = read(Template(document.data, first))
    if first.undecided:
        # Conditions the parameters' defaults cannot decide: the roles are read once per way they go.
        ways = alternatives(lambda choices: read(Template(document.data, choices)), first.undecided)
        if ways is not None:
            names = ways[0][2]
            tasks = [replace(task, alternatives=tuple(way[index] for way, _, _ in ways), alternative_conditions=names) for index, task in enumerate(tasks)]
    return tasks + registry
