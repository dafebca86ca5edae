"""Task definitions from Terraform as subjects: the `.tf`, plan/state and template readers behind ecslint.terraform.front_end."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ecslint.documents import pointer as jp
from ecslint.report.findings import Finding, Related
from ecslint.subjects.task_definition import IGNORE_TAG, TaskDefinition, task_definitions
from ecslint.selection import matches
from ecslint.terraform.template import Unknown, unknown_pointers

TASK_TYPE = "aws_ecs_task_definition"
ECR_PREFIX = "aws_ecr_"
POLICY_DOCUMENT = "aws_iam_policy_document"
IAM_TYPES = frozenset({"aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_policy", f"data.{POLICY_DOCUMENT}"})

# Rules whose verdict rests on a task-level field: when that field is unknown they say nothing at all, as
# their findings may point elsewhere (ECS101 points at the secret that needs the role, not at the role).
RULES_NEEDING_FIELD = {
    "requiresCompatibilities": ("ECS101", "ECS301", "ECS4", "ECS703"),
    "networkMode": ("ECS3",),
    "runtimePlatform": ("ECS3", "ECS4", "ECS5", "ECS7"),
    "cpu": ("ECS401", "ECS403", "ECS406"),
    "memory": ("ECS401", "ECS403"),
    # Rules judging one role field point at it, so an unknown field silences them already (see `keeps`).
    "executionRoleArn": ("ECS101", "ECS102", "ECS104"),
    "taskRoleArn": ("ECS102", "ECS112"),
}
# Rules about the set of containers as a whole, silent when a container (or the whole list) is unknown.
RULES_NEEDING_ALL_CONTAINERS = ("ECS404", "ECS405", "ECS902")

_RESOLVABLE = re.compile(r"^(aws_iam_role|aws_iam_policy)\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?\.(arn|name|id)$")
_INDEX = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class TerraformTaskDefinition(TaskDefinition):
    """A task definition from Terraform: API-shaped data, with the way back to the source and what is unknown."""

    # `aws_ecs_task_definition.app` (`module.x.` prefixed in plans); "" for a container template.
    address: str = ""
    # Plans: the resource's `address` key, a related location naming the resource (None for `.tf` files).
    declaration: Related | None = field(default=None, compare=False)
    # API pointer -> source pointer (ecslint.terraform.taskdef.MappedTask); None: pointers are the document's own.
    mapped: object | None = field(default=None, compare=False, repr=False)
    # API pointers of values known only after apply.
    unknown: tuple[str, ...] = ()
    containers_complete: bool = True
    ignore: tuple[str, ...] = ()

    def source_pointer(self, pointer: str) -> str:
        return self.mapped.source_pointer(pointer) if self.mapped is not None else pointer

    def ignore_selectors(self) -> list[str]:
        # Templates keep the task definition's own `ecslint:ignore` tag; resources have theirs in `tags`.
        return list(self.ignore) + (super().ignore_selectors() if self.tags_pointer else [])

    def keeps(self, finding: Finding) -> bool:
        """False for a finding that rests on a value known only after apply (given with the check's API pointers)."""
        for unknown in self.unknown:
            if jp.is_within(finding.pointer, unknown):
                return False
            # On the object holding the unknown value, and about it: messages name fields in backticks.
            if jp.parent(unknown) == finding.pointer and f"`{jp.split(unknown)[-1]}`" in finding.message:
                return False
        for name, rules in RULES_NEEDING_FIELD.items():
            if matches(finding.rule_id, rules) and any(jp.is_within(unknown, self.ptr(name)) for unknown in self.unknown):
                return False
        return self.containers_complete or not matches(finding.rule_id, RULES_NEEDING_ALL_CONTAINERS)


def _ignore_from_tags(tags) -> tuple[str, ...]:
    """`tags = { "ecslint:ignore" = "ECS601 ECS602" }`: the resource's inline suppression."""
    value = tags.get(IGNORE_TAG) if isinstance(tags, dict) else None
    return tuple(value.replace(",", " ").upper().split()) if isinstance(value, str) and not isinstance(value, Unknown) else ()


def _subject(document, resource, iam, roles: list) -> TerraformTaskDefinition:
    from ecslint.terraform.taskdef import map_task

    mapped = map_task(resource.values, resource.pointer)
    _resolve_role_fields(mapped.data, roles)
    containers = mapped.data.get("containerDefinitions")
    complete = mapped.containers_known and not any(isinstance(item, Unknown) for item in (containers if isinstance(containers, list) else [containers]))
    return TerraformTaskDefinition(
        document,
        mapped.data,
        "",
        "register",
        iam=iam,
        address=resource.address,
        declaration=resource_declaration(resource),
        mapped=mapped,
        unknown=tuple(unknown_pointers(mapped.data)),
        containers_complete=complete,
        ignore=_ignore_from_tags(resource.values.get("tags")),
    )


def resource_declaration(resource) -> Related | None:
    """For plans, where a finding's line alone does not say which resource it is: the resource's `address` key."""
    if resource.document.syntax == "hcl":
        return None  # the finding is inside the resource block already
    return Related(resource.document, jp.join(jp.parent(resource.pointer), "address"), f"Resource `{resource.address}`")


def _resolve_role_fields(data: dict, roles: list) -> None:
    """`task_role_arn = aws_iam_role.app.name` -> the role's literal name, when the module spells it out."""
    for key in ("executionRoleArn", "taskRoleArn"):
        value = data.get(key)
        if not (isinstance(value, str) and value.startswith("${") and "aws_iam_role." in value) or value.endswith(".arn}"):
            continue
        role = next((resource for resource in roles if resource.names(value)), None)
        name = role.values.get("name") if role is not None else None
        if isinstance(name, str) and "${" not in name:
            data[key] = name
        # Otherwise the reference stays: its value is unknown, but two fields naming it name the same role (ECS102).


def _subjects(document, task_resources: list, iam_resources: list) -> list[TerraformTaskDefinition]:
    from ecslint.terraform.iam import iam_context

    roles = [resource for resource in iam_resources if resource.type == "aws_iam_role"]
    context = iam_context(iam_resources) if roles else None
    return [_subject(document, resource, context, roles) for resource in task_resources]


# .tf files -------------------------------------------------------------------------------------------


def _hcl_resources(document) -> list:
    from ecslint.terraform.resources import Resource

    found = []
    data = document.data if isinstance(document.data, dict) else {}
    for kind, named in (data.get("resource") or {}).items():
        for name, body in named.items():
            if isinstance(body, dict):
                found.append(Resource(kind, name, f"{kind}.{name}", body, document, jp.join("", "resource", kind, name)))
    for name, body in ((data.get("data") or {}).get(POLICY_DOCUMENT) or {}).items():
        if isinstance(body, dict):
            found.append(Resource(f"data.{POLICY_DOCUMENT}", name, f"data.{POLICY_DOCUMENT}.{name}", body, document, jp.join("", "data", POLICY_DOCUMENT, name)))
    return found


_MODULE_CACHE: dict[str, tuple[tuple[int, int], object]] = {}


def _sibling_documents(document) -> list:
    """The other `.tf` files of the document's module (its folder), parsed; unreadable or invalid ones are left out."""
    from ecslint.documents.parse import Document, parse
    from ecslint.terraform.documents import parse_terraform

    if not document.path or document.path.startswith("<"):
        return []
    here = Path(document.path)
    try:
        siblings = sorted(path for path in here.parent.glob("*.tf") if path.is_file() and path.resolve() != here.resolve())
    except OSError:
        return []
    found = []
    for path in siblings:
        try:
            info = path.stat()
            key = str(path.resolve())
            cached = _MODULE_CACHE.get(key)
            if cached is None or cached[0] != (info.st_mtime_ns, info.st_size):
                raw = path.read_bytes()
                parsed = parse(path.as_posix(), raw, {"hcl": parse_terraform}) if TASK_TYPE.encode() in raw or b"aws_iam_" in raw else None
                _MODULE_CACHE[key] = cached = ((info.st_mtime_ns, info.st_size), parsed)
        except OSError:
            continue
        if isinstance(cached[1], Document):
            found.append(cached[1])
    return found


def _ecr_subjects(resources: list, document=None) -> list:
    """Subjects of the `aws_ecr_*` resources (ecslint.terraform.ecr, imported only when there are some)."""
    if not any(resource.type.startswith(ECR_PREFIX) for resource in resources):
        return []
    from ecslint.terraform.ecr import ecr_subjects

    return ecr_subjects(resources, _ignore_from_tags, _module_text(document) if document is not None else "")


def _module_text(document) -> str:
    """The text of the other `.tf` files of the document's folder (bounded), for what references to it they hold."""
    if not document.path or document.path.startswith("<"):
        return ""
    here = Path(document.path)
    texts = []
    try:
        for path in sorted(here.parent.glob("*.tf")):
            if path.is_file() and path.resolve() != here.resolve() and path.stat().st_size <= 1024 * 1024:
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return ""
    return "\n".join(texts)


def hcl_subjects(document) -> list:
    own = _hcl_resources(document)
    tasks = [resource for resource in own if resource.type == TASK_TYPE]
    registry = _ecr_subjects(own, document)
    if not tasks:
        return registry
    module = own + [resource for sibling in _sibling_documents(document) for resource in _hcl_resources(sibling)]
    declared_in: dict[str, set[str]] = {}
    for resource in module:
        declared_in.setdefault(resource.address, set()).add(resource.document.path)
    if any(len(paths) > 1 for paths in declared_in.values()):
        # Terraform rejects a module declaring one address twice: the folder holds unrelated files, and only
        # this file's own resources can be trusted to be the ones its references mean.
        module = own
    return _subjects(document, tasks, [resource for resource in module if resource.type in IAM_TYPES]) + registry


# Plans and state -------------------------------------------------------------------------------------


def _config_module(configuration: dict, module: str) -> dict:
    """The configuration module for a module address (`module.a[0].module.b`)."""
    current = configuration.get("root_module") if isinstance(configuration, dict) else None
    for name in re.findall(r"module\.([^.\[]+)", module):
        calls = current.get("module_calls") if isinstance(current, dict) else None
        call = calls.get(name) if isinstance(calls, dict) else None
        current = call.get("module") if isinstance(call, dict) else None
    return current if isinstance(current, dict) else {}


def _references(configuration: dict, module: str, relative_address: str) -> dict:
    for entry in _config_module(configuration, module).get("resources") or []:
        if isinstance(entry, dict) and entry.get("address") == relative_address:
            expressions = entry.get("expressions") or {}
            return {key: value.get("references") for key, value in expressions.items() if isinstance(value, dict) and isinstance(value.get("references"), list)}
    return {}


def _mark_after_unknown(values, unknown):
    """Values with every `true` of the change's `after_unknown` made Unknown."""
    if unknown is True:
        return Unknown("known after apply")
    if isinstance(values, dict) and isinstance(unknown, dict):
        merged = dict(values)
        for key, flag in unknown.items():
            merged[key] = _mark_after_unknown(values.get(key), flag)
        return merged
    if isinstance(values, list) and isinstance(unknown, list):
        return [_mark_after_unknown(item, unknown[index]) if index < len(unknown) else item for index, item in enumerate(values)]
    return values


def _resolve_references(values: dict, references: dict, module: str) -> dict:
    """An unknown attribute whose configuration names only one IAM role or policy becomes the `${...}` reference to it."""
    prefix = f"{module}." if module else ""
    for key, value in values.items():
        if not isinstance(value, Unknown) or not references.get(key):
            continue
        named = [reference for reference in references[key] if isinstance(reference, str)]
        bases = {_INDEX.sub("", reference).rsplit(".", 1)[0] if _RESOLVABLE.match(reference) else _INDEX.sub("", reference) for reference in named}
        resolvable = [reference for reference in named if _RESOLVABLE.match(reference)]
        if resolvable and len(bases) == 1:
            values[key] = "${" + prefix + _INDEX.sub("", resolvable[0]) + "}"
    return values


def _rendered_json(value):
    """A JSON string of a plan: final text, where `${` is literal (no template placeholders)."""
    from ecslint.terraform.hcl import Encoded

    if not isinstance(value, str) or isinstance(value, Unknown):
        return value
    try:
        return Encoded(json.loads(value))
    except (ValueError, RecursionError):
        return value


def _plan_resources(document) -> list:
    from ecslint.documents.embedded_json import EmbeddedJsonLocator
    from ecslint.terraform.resources import Resource

    data = document.data
    root_key = "planned_values" if isinstance(data.get("planned_values"), dict) else "values"
    changes = {}
    for change in data.get("resource_changes") or []:
        if isinstance(change, dict) and isinstance(change.get("change"), dict):
            changes[change.get("address")] = change["change"]
    configuration = data.get("configuration") or {}
    locator = EmbeddedJsonLocator(document.text)
    found = []
    pending = [(data[root_key].get("root_module"), jp.join("", root_key, "root_module"))]
    while pending:
        module, pointer = pending.pop(0)
        if not isinstance(module, dict):
            continue
        module_address = module.get("address") if isinstance(module.get("address"), str) else ""
        for index, entry in enumerate(module.get("resources") or []):
            if not isinstance(entry, dict) or entry.get("mode", "managed") != "managed" or not isinstance(entry.get("values"), dict):
                continue
            kind, name, address = entry.get("type"), entry.get("name"), entry.get("address")
            if kind not in IAM_TYPES and kind != TASK_TYPE and not str(kind).startswith(ECR_PREFIX) or not isinstance(address, str):
                continue
            values = copy.copy(entry["values"])
            after_unknown = (changes.get(address) or {}).get("after_unknown")
            values = _mark_after_unknown(values, after_unknown) if isinstance(after_unknown, dict) else values
            references = _references(configuration, module_address, f"{kind}.{name}")
            values = _resolve_references(values, references, module_address)
            values_pointer = jp.join(pointer, "resources", index, "values")
            for attribute in ("container_definitions", "policy", "assume_role_policy", "lifecycle_policy", "repository_policy"):
                locator.embed(jp.join(values_pointer, attribute))
                if attribute in values:
                    values[attribute] = _rendered_json(values[attribute])
            blocks = values.get("inline_policy") if isinstance(values.get("inline_policy"), list) else []
            if blocks:
                values["inline_policy"] = [dict(block, policy=_rendered_json(block.get("policy"))) if isinstance(block, dict) else block for block in blocks]
            for block_index, _ in enumerate(blocks):
                locator.embed(jp.join(values_pointer, "inline_policy", block_index, "policy"))
            found.append(Resource(kind, name, address, values, document, values_pointer, references=references, module=module_address))
        for child_index, child in enumerate(module.get("child_modules") or []):
            pending.append((child, jp.join(pointer, "child_modules", child_index)))
    # The plan's strings hold JSON: teach the document's locator to reach into them.
    document._locator = locator
    return found


def plan_subjects(document) -> list:
    resources = _plan_resources(document)
    tasks = [resource for resource in resources if resource.type == TASK_TYPE]
    registry = _ecr_subjects(resources)
    return (_subjects(document, tasks, [resource for resource in resources if resource.type in IAM_TYPES]) if tasks else []) + registry


# Container templates (.json.tpl) ---------------------------------------------------------------------


def template_subjects(document) -> list | None:
    found = task_definitions(document)
    if found is None:
        return None
    subjects = []
    for task in found:
        unknown = tuple(unknown_pointers(task.data, task.pointer)) if task.shape != "containers" else tuple(unknown_pointers(task.data["containerDefinitions"], task.pointer))
        containers = task.data.get("containerDefinitions")
        complete = not isinstance(containers, Unknown) and not any(isinstance(item, Unknown) for item in (containers if isinstance(containers, list) else []))
        subjects.append(TerraformTaskDefinition(task.document, task.data, task.pointer, task.shape, task.tags_pointer, unknown=unknown, containers_complete=complete))
    return subjects
