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

from dataclasses import dataclass, field

from ecslint.documents import pointer as jp
from ecslint.cloudformation.intrinsics import NO_VALUE, Template
from ecslint.cloudformation.properties import TASK_DEFINITION, Converter, definition
from ecslint.documents.parse import Document
from ecslint.subjects.task_definition import TaskDefinition

TASK_DEFINITION_TYPE = "AWS::ECS::TaskDefinition"
API_ROOT = "/taskDefinition"
TAGS_ROOT = "/tags"


@dataclass(frozen=True)
class CloudFormationTaskDefinition(TaskDefinition):
    """An AWS::ECS::TaskDefinition resource, read as the task definition CloudFormation would register."""

    logical_id: str = ""
    # Rule IDs or prefixes from the resource's `Metadata: {ecslint: {ignore: [...]}}`.
    metadata_ignores: tuple[str, ...] = ()
    converter: Converter | None = field(default=None, compare=False, repr=False)

    def ignore_selectors(self) -> list[str]:
        return list(self.metadata_ignores) + super().ignore_selectors()

    def is_unresolved(self, pointer: str) -> bool:
        """True at (or inside) a value that only deployment decides, where a rule wants a number, flag, enum or structure."""
        return self.converter is not None and self.converter.is_unresolved(pointer)

    def keeps(self, finding) -> bool:
        """False for a finding on such a value: the rule judged a placeholder, not what will be deployed."""
        return not self.is_unresolved(finding.pointer)

    def source_pointer(self, pointer: str) -> str:
        if self.converter is None or not (jp.is_within(pointer, API_ROOT) or jp.is_within(pointer, TAGS_ROOT)):
            return pointer  # already a template pointer (duplicate keys are found in the template itself)
        return self.converter.source_pointer(pointer)


class _ApiLocator:
    """Regions for API pointers (through the template), and the template's duplicate keys inside one resource."""

    def __init__(self, template_document: Document, subject_pointer: str, converter: Converter):
        self._template = template_document
        self._resource = subject_pointer
        self._converter = converter

    def region(self, pointer: str):
        return self._template.locator.region(self._converter.source_pointer(pointer) if pointer.startswith((API_ROOT, TAGS_ROOT)) else pointer)

    def duplicate_regions(self):
        return [(pointer, region) for pointer, region in self._template.locator.duplicate_regions() if jp.is_within(pointer, self._resource)]


def _metadata_ignores(resource: dict) -> tuple[str, ...]:
    metadata = resource.get("Metadata")
    settings = metadata.get("ecslint") if isinstance(metadata, dict) else None
    ignore = settings.get("ignore") if isinstance(settings, dict) else None
    if isinstance(ignore, str):
        ignore = ignore.replace(",", " ").split()
    if not isinstance(ignore, list):
        return ()
    return tuple(item.strip().upper() for item in ignore if isinstance(item, str) and item.strip())


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
    converter = Converter(template)
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
    locator = _ApiLocator(document, resource_pointer, converter)
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
        metadata_ignores=_metadata_ignores(resource),
        converter=converter,
    )


def cloudformation_task_definitions(document: Document) -> list[CloudFormationTaskDefinition] | None:
    """Every AWS::ECS::TaskDefinition in a CloudFormation template; None when the document is not a template."""
    if not is_template(document.data):
        return None
    template = Template(document.data)
    found = [(logical_id, resource) for logical_id, resource in template.resources_of_type(TASK_DEFINITION_TYPE)]
    registry = []
    if any(isinstance(resource, dict) and str(resource.get("Type", "")).startswith("AWS::ECR::") for resource in template.resources.values()):
        from ecslint.cloudformation.ecr import ecr_subjects

        registry = ecr_subjects(document, template, _metadata_ignores)
    if not found:
        return registry
    from ecslint.cloudformation.iam import template_iam_context

    iam = template_iam_context(template, document)
    # A template without roles says nothing about IAM: leave the (P) rules as without `--iam`.
    iam = iam if iam.roles else None
    return [_task_definition(document, template, logical_id, resource, iam) for logical_id, resource in found] + registry
