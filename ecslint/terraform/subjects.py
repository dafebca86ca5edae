"""Task definitions from Terraform as subjects: the `.tf`, plan/state and template readers behind ecslint.terraform.front_end."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ecslint.documents import pointer as jp
from ecslint.report.findings import Finding, Related
from ecslint.subjects.task_definition import TaskDefinition, task_definitions
from ecslint.selection import matches
from ecslint.terraform.resources import ignore_from_tags, resource_declaration
from ecslint.terraform.template import Unknown, unknown_pointers
from ecslint.subjects.quoting import quote

# `${var.name}` as a whole quoted value in a message: the user wrote the bare expression.
_WHOLE_EXPRESSION = re.compile(r"([`'])\$\{((?:var|local|data|module|each|count|path|aws_[a-z0-9_]+)\.[A-Za-z0-9_.\[\]\"-]*)\}([`'])")

TASK_TYPE = "aws_ecs_task_definition"
ECR_PREFIX = "aws_ecr_"
# Read by ecslint.terraform.service, imported only for documents that declare one.
SERVICE_TYPE = "aws_ecs_service"
TASK_SET_TYPE = "aws_ecs_task_set"
# Load balancers, their target groups, listeners and listener rules, which the services of a plan or state name by ARN.
BALANCING_PREFIXES = ("aws_lb", "aws_alb")
POLICY_DOCUMENT = "aws_iam_policy_document"
# Data sources the IAM front end reads: policy documents (computed from their blocks), AWS managed policies looked up by
# ARN or name, and roles looked up by name (their policies unknown, but named).
IAM_DATA_SOURCES = (POLICY_DOCUMENT, "aws_iam_policy", "aws_iam_role")
IAM_TYPES = frozenset(
    {"aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_policy",
     "aws_iam_role_policy_attachments_exclusive", "aws_iam_role_policies_exclusive"}
    | {f"data.{kind}" for kind in IAM_DATA_SOURCES}
)
ROLE_FIELDS = ("execution_role_arn", "task_role_arn")

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
_INDEX = re.compile(r"\[[^\[\]]*\]")  # no bracket inside: unclosed `[` runs stay linear


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
    # `${aws_secretsmanager_secret.x.arn}` -> the ARN expression of its customer managed key (None: none or unknown),
    # for the secrets the module itself defines.
    module_secrets: dict = field(default_factory=dict, compare=False, repr=False)
    # The same task definition once per way the conditions the module cannot decide may go (ecslint.terraform.alternatives):
    # checks judge each, and only what they all find stands. Empty: nothing undecided, or too many ways.
    alternatives: tuple = field(default=(), compare=False, repr=False)
    # Those conditions as written (`var.admin`), for messages.
    alternative_conditions: tuple[str, ...] = field(default=(), compare=False)
    # How `defined_secret` writes references, for the role writers.
    expression_syntax = "terraform"

    def alternative_views(self) -> list:
        """This task definition as each alternative sees it: its role fields, roles and unknowns, with everything the run
        has added since (registry, services, --iam) kept."""
        return [
            replace(self, data=other.data, iam=other.iam, mapped=other.mapped, unknown=other.unknown, alternatives=(), alternative_conditions=())
            for other in self.alternatives
        ]

    def defined_secret(self, value):
        """For a `valueFrom` that references an `aws_secretsmanager_secret` of the module: (its ARN expression, its key's) or None."""
        text = value.strip() if isinstance(value, str) else ""
        return (text, self.module_secrets[text]) if text in self.module_secrets else None

    def _same_role_expression(self) -> bool:
        execution, task = self.data.get("executionRoleArn"), self.data.get("taskRoleArn")
        # `count.index` and `each` differ between instances of one resource, but not between its two fields.
        return isinstance(execution, str) and isinstance(task, str) and bool(execution.strip()) and execution == task

    def source_pointer(self, pointer: str) -> str:
        return self.mapped.source_pointer(pointer) if self.mapped is not None else pointer

    def spell_message(self, message: str, pointer: str) -> str:
        if self.mapped is None:
            return message  # a container template: camelCase JSON throughout
        from ecslint.subjects.field_spelling import respell
        from ecslint.terraform.taskdef import TERRAFORM_NAMES

        return respell(message, pointer, lambda _definition, field, in_container: field if in_container else TERRAFORM_NAMES.get(field, field))

    def spell_path(self, pointer: str, base: str) -> str:
        """Terraform's own arguments in snake_case (`requires_compatibilities`), container definitions as written."""
        if self.mapped is None:
            return super().spell_path(pointer, base)
        from ecslint.terraform.taskdef import SINGLE_BLOCKS

        root, source = self.mapped.source_pointer(base), self.mapped.source_pointer(pointer)
        if not jp.is_within(source, root):
            return super().spell_path(pointer, base)
        tokens = jp.split(source[len(root):])
        if not jp.is_within(pointer, "/containerDefinitions"):
            # A block that takes one object is a list of one in parsed HCL: `efs_volume_configuration[0]` reads as the block.
            tokens = [token for index, token in enumerate(tokens) if not (token == "0" and index and tokens[index - 1] in SINGLE_BLOCKS)]
        return jp.to_path(jp.join("", *tokens))

    def ignore_selectors(self) -> list[str]:
        # Templates keep the task definition's own `ecslint:ignore` tag; resources have theirs in `tags`.
        return list(self.ignore) + (super().ignore_selectors() if self.tags_pointer else [])

    def message_for(self, finding) -> str:
        # A value that is one expression (`name = var.container_name`) reads as the expression, not `${...}`.
        return _WHOLE_EXPRESSION.sub(r"\1\2\3", finding.message)

    def ignore_entries(self) -> list[tuple[str, str, str]]:
        return [(selector, "", "The `ecslint:ignore` tag") for selector in self.ignore] + (super().ignore_entries() if self.tags_pointer else [])

    def keeps(self, finding: Finding) -> bool:
        """False for a finding that rests on a value known only after apply (given with the check's API pointers)."""
        if finding.rule_id == "ECS102" and self._same_role_expression():
            return True  # one expression in both fields is one role, whatever its value
        for unknown in self.unknown:
            if jp.is_within(finding.pointer, unknown):
                return False
            # On the object holding the unknown value, and about it: messages name fields in backticks.
            if jp.parent(unknown) == finding.pointer and f"{quote(jp.split(unknown)[-1])}" in finding.message:
                return False
        for name, rules in RULES_NEEDING_FIELD.items():
            if matches(finding.rule_id, rules) and any(jp.is_within(unknown, self.ptr(name)) for unknown in self.unknown):
                return False
        return self.containers_complete or not matches(finding.rule_id, RULES_NEEDING_ALL_CONTAINERS)


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
        ignore=ignore_from_tags(resource.values.get("tags")),
    )


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


def _subjects(document, task_resources: list, iam_resources: list, module: list = (), unfollowed: dict | None = None, module_has_roles: bool = False) -> list[TerraformTaskDefinition]:
    """module_has_roles: the module has a role among the files not read (the subjects then have an IAM context too)."""
    from dataclasses import replace

    from ecslint.terraform.iam import iam_context

    roles = [resource for resource in iam_resources if resource.type == "aws_iam_role"]
    found = [_subject(document, resource, None, roles) for resource in task_resources]
    if roles or unfollowed or module_has_roles:
        # Only what the role fields look up is built: a module of many roles costs each file its own.
        wanted = {value.strip() for subject in found for key in ("executionRoleArn", "taskRoleArn") if isinstance(value := subject.data.get(key), str) and value.strip()}
        context = iam_context(iam_resources, unfollowed, wanted)
        found = [replace(subject, iam=context) for subject in found]
    secrets = module_secrets(module)
    return [replace(subject, module_secrets=secrets) for subject in found] if secrets else found


# `kms_key_id` of aws_secretsmanager_secret takes a key ID, key ARN or alias (Terraform AWS provider docs,
# verified 2026-11-30): `aws_kms_key.x.arn` names the key; `.key_id`/`.id` its ID, from which the ARN is built.
_KMS_REFERENCE = re.compile(r"^\$\{(aws_kms_key\.[\w-]+)\.(arn|key_id|id)\}$")


def module_secrets(resources) -> dict:
    """`${aws_secretsmanager_secret.x.arn}` -> its customer managed key's ARN expression, or None, for each such secret."""
    found = {}
    for resource in resources:
        if resource.type != "aws_secretsmanager_secret":
            continue
        key = resource.values.get("kms_key_id")
        match = _KMS_REFERENCE.match(key) if isinstance(key, str) else None
        if match and match.group(2) == "arn":
            arn = key
        elif match:
            arn = "arn:<PARTITION>:kms:<REGION>:<ACCOUNT_ID>:key/${" + f"{match.group(1)}.{match.group(2)}" + "}"
        elif isinstance(key, str) and key.startswith("arn:") and ":key/" in key and "${" not in key:
            arn = key
        else:
            arn = None
        found[resource.key("arn")] = arn
    return found


# .tf files -------------------------------------------------------------------------------------------


def _hcl_resources(document) -> list:
    from ecslint.terraform.resources import Resource

    found = []
    data = document.data if isinstance(document.data, dict) else {}
    for kind, named in (data.get("resource") or {}).items():
        for name, body in named.items():
            if isinstance(body, dict):
                found.append(Resource(kind, name, f"{kind}.{name}", body, document, jp.join("", "resource", kind, name)))
    for kind in IAM_DATA_SOURCES:
        for name, body in ((data.get("data") or {}).get(kind) or {}).items():
            if isinstance(body, dict):
                found.append(Resource(f"data.{kind}", name, f"data.{kind}.{name}", body, document, jp.join("", "data", kind, name)))
    return found


def _prefixed(resources: list, prefix: str) -> list:
    from dataclasses import replace

    return [replace(resource, address=prefix + resource.address, base="") for resource in resources] if prefix else resources


def _instances(scope, resource) -> list:
    """The resource's instances as the module's values decide them (`count = 0`: none), their values evaluated."""
    from dataclasses import replace

    body = resource.values
    found = scope.instances(f"{resource.type}.{resource.name}") if ("count" in body or "for_each" in body) else None
    if found is None or found.count is None:
        return [replace(resource, values=scope.resolve(body))]
    if found.keys is not None:
        collection = found.collection
        return [
            replace(resource, address=f"{resource.address}[{json.dumps(key)}]", base=resource.base, values=scope.resolve(body, {"each": {"key": key, "value": collection[key] if isinstance(collection, dict) else key}}))
            for key in found.keys
        ]
    return [replace(resource, address=f"{resource.address}[{index}]", base=resource.base, values=scope.resolve(body, {"count": {"index": index}})) for index in range(found.count)]


class _AskedModules(dict):
    """A scope's child modules, noting each module call asked for (Scope.child), to replay it for a reused result."""

    def __init__(self):
        super().__init__()
        self.asked: list[str] = []

    def __contains__(self, name):
        self.asked.append(name)
        return super().__contains__(name)

    def get(self, name, default=None):
        self.asked.append(name)
        return super().get(name, default)


class _AskingChoices:
    """The choices of an evaluation, asked on its behalf by one resource evaluated in a scope of its own: each
    condition it met and the answer it got, in order (ecslint.subjects.alternatives.Choices)."""

    def __init__(self, choices):
        self.choices = choices
        self.asked: list[tuple] = []

    def choose(self, key, text):
        answer = self.choices.choose(key, text)
        self.asked.append((key, text, answer))
        return answer


# Ways one sibling resource is kept evaluated (one per sequence of answers its conditions got).
_MAX_KEPT_WAYS = 8


def _evaluated_alone(scope, resource):
    """(instances, conditions asked, module calls asked) of a resource evaluated in a new scope of the same files and
    choices, which has nothing evaluated yet: every condition its value depends on is asked, none read from what
    an earlier evaluation kept. None when it follows a child module (its values then hold more than the call)."""
    choices = _AskingChoices(scope.choices)
    alone = scope.afresh(choices)
    alone.children = _AskedModules()
    instances = _instances(alone, resource)
    modules = list(dict.fromkeys(alone.children.asked))
    if any(dict.get(alone.children, name) is not None for name in modules):
        return None
    return instances, tuple(choices.asked), modules


def _kept(scope, ways: list):
    """The instances of the first kept way whose conditions get, asked again in order, the answers they got then.

    An evaluation asks its conditions in an order that depends only on the answers so far, so the same answers mean
    the same evaluation; the questions asked before a mismatch are ones this evaluation asks too."""
    for instances, asked, modules in ways:
        if all(scope.choices.choose(key, text) == answer for key, text, answer in asked):
            for name in modules:
                scope.child(name)  # the summary names the module calls it could not follow
            return instances
    return None


def _module_iam_resources(scope, resources: list, index=None, own: int | None = None) -> list:
    """IAM resources of the module and of the local child modules its role fields and policies led to, evaluated.

    With the folder's index, a sibling's resource evaluated for one file of the folder is reused for the next when
    it reads the same declarations (FolderIndex.evaluation_key) and its conditions go the same way, replaying the
    module calls it asked for: each file of a folder otherwise evaluates every IAM block of its siblings again."""
    reusable = isinstance(scope.children, _AskedModules) and scope.choices is not None
    found = []
    for resource in resources:
        key = index.evaluation_key(resource.values, own) if index is not None and reusable else None
        if key is None:
            found += _instances(scope, resource)
            continue
        ways = index.evaluated.setdefault(key, [])
        instances = _kept(scope, ways)
        if instances is None:
            way = _evaluated_alone(scope, resource)
            if way is None:
                instances = _instances(scope, resource)
            else:
                instances, asked, modules = way
                for name in modules:
                    scope.child(name)
                if len(ways) < _MAX_KEPT_WAYS:
                    ways.append(way)
        found += instances
    for child in list(scope.children.values()):
        if child is None:
            continue
        inner = [resource for document in child.documents for resource in _hcl_resources(document) if resource.type in IAM_TYPES]
        found += _module_iam_resources(child, _prefixed(inner, child.prefix))
    return found


def _ecr_subjects(resources: list, document=None) -> list:
    """Subjects of the `aws_ecr_*` resources (ecslint.terraform.ecr, imported only when there are some)."""
    if not any(resource.type.startswith(ECR_PREFIX) for resource in resources):
        return []
    from ecslint.terraform.ecr import ecr_subjects

    return ecr_subjects(resources, _module_text(document) if document is not None else "")


def _module_text(document) -> str:
    """The text of the other `.tf` files of the document's folder (bounded), for what references to it they hold."""
    if not document.path or document.path.startswith("<"):
        return ""
    here = Path(document.path)
    texts = []
    try:
        for path in sorted(here.parent.glob("*.tf")):
            if path.is_file() and path.resolve() != here.resolve():
                info = path.stat()
                if info.st_size <= 1024 * 1024:
                    key, signature = str(path.resolve()), (info.st_mtime_ns, info.st_size)
                    cached = _TEXTS.get(key)
                    if cached is None or cached[0] != signature:
                        cached = _TEXTS[key] = (signature, path.read_text(encoding="utf-8", errors="replace"))
                    texts.append(cached[1])
    except OSError:
        return ""
    return "\n".join(texts)


# The texts _module_text read, once per run: every file of a folder with ECR resources reads all the others.
_TEXTS: dict[str, tuple[tuple[int, int], str]] = {}


def _services(document, resources: list, module_resources=None) -> list:
    if not any(resource.type in (SERVICE_TYPE, TASK_SET_TYPE) for resource in resources):
        return []
    from ecslint.terraform.service import service_subjects

    return service_subjects(document, resources, module_resources)


def _module_resources(document, own: list, index=None, number=None, reached=None) -> list:
    """The resources of the document's module its services read (the target groups, listeners and rules its
    references reach, in any `.tf` file of its folder); its own alone when the folder declares an address twice
    (unrelated files, as for task definitions below)."""
    if index is None:
        index, number = _folder_index(document)
        if index is None or _declared_twice(document, index, number):
            return own
    if reached is None:
        reached = index.reach(number)
    # Services read the load balancers, target groups, listeners and rules their references lead to, through
    # listeners and rules to the load balancer (ecslint.terraform.service.load_balancing): no other can matter.
    siblings = index.documents(number, index.units_of_types(("aws_lb", "aws_alb")) & reached)
    return own + [resource for sibling in siblings for resource in _hcl_resources(sibling)]


def hcl_subjects(document) -> list:
    own = _hcl_resources(document)
    tasks = [resource for resource in own if resource.type == TASK_TYPE]
    registry = _ecr_subjects(own, document)
    if not tasks:
        return registry + _services(document, own, lambda: _module_resources(document, own))
    index, number = _folder_index(document)
    if index is not None and _declared_twice(document, index, number):
        # Terraform rejects a module declaring one address twice: the folder holds unrelated files, and only
        # this file's own resources can be trusted to be the ones its references mean.
        index = None
    reached = index.reach(number) if index is not None else set()
    found = _module_subjects(document, own, tasks, index, number, reached)
    if index is not None:
        # Roles named by name (not by reference) are found among all the module's roles of that name.
        names = _role_names(found)
        if names and (wider := index.reach(number, names)) != reached:
            found = _module_subjects(document, own, tasks, index, number, wider)
    return found + _services(document, own, lambda: _module_resources(document, own, index, number, reached if index is not None else None)) + registry


def _folder_index(document):
    """The index of the document's folder and the document's number in it, or (None, None) for no folder."""
    if not document.path or document.path.startswith("<"):
        return None, None
    from ecslint.terraform.module_reach import folder_index

    here = Path(document.path)
    index = folder_index(here.parent)
    if index is None:
        return None, None
    try:
        number = index.number_of(here)
    except (OSError, RuntimeError):
        return None, None
    return index, number  # number None: the document is not one of the folder's `.tf` files (all of them are read)


def _declared_twice(document, index, number: int) -> bool:
    from ecslint.terraform.module_reach import _data_addresses

    seen = _data_addresses(document.data if isinstance(document.data, dict) else {})
    for other, entry in enumerate(index.files):
        if other == number or entry.invalid:
            continue
        if seen & entry.addresses:
            return True
        seen |= entry.addresses
    return False


def _role_names(subjects: list) -> set[str]:
    """The names (casefolded) by which the subjects' role fields look roles up (IamContext.role)."""
    names = set()
    for subject in subjects:
        for key in ("executionRoleArn", "taskRoleArn"):
            value = subject.data.get(key) if isinstance(subject.data, dict) else None
            if isinstance(value, str) and value.strip():
                name = value.strip().rsplit("/", 1)[-1]
                if name and not any(mark in name for mark in "${}<>#"):
                    names.add(name.casefold())
    return names


def _module_subjects(document, own: list, tasks: list, index, number, reached: set) -> list:
    from dataclasses import replace

    from ecslint.terraform.scope import Scope

    siblings = index.documents(number, reached) if index is not None else []
    module = own + [resource for sibling in siblings for resource in _hcl_resources(sibling)]
    real = document.path and not document.path.startswith("<")
    folder = Path(document.path).resolve().parent if real else None

    def evaluated(choices) -> list[TerraformTaskDefinition]:
        scope = Scope([document] + siblings, folder=folder, choices=choices)
        scope.children = _AskedModules()
        # Role fields first: the child modules their values lead to are then known.
        resolved = [replace(task, values={**task.values, **{key: scope.resolve(task.values[key]) for key in ROLE_FIELDS if key in task.values}}) for task in tasks]
        iam_resources = _module_iam_resources(scope, [resource for resource in module if resource.type in IAM_TYPES], index, number)
        return _subjects(document, resolved, iam_resources, module, _unfollowed(scope), has_roles)

    from ecslint.subjects.alternatives import Choices, alternatives

    has_roles = index is not None and index.has_single_role_elsewhere(number)
    first = Choices()
    found = evaluated(first)
    if first.undecided:
        ways = alternatives(evaluated, first.undecided)
        if ways is not None:
            conditions = tuple(dict.fromkeys(text for _, _, texts in ways[:1] for text in texts))
            found = [replace(subject, alternatives=tuple(way[position] for way, _, _ in ways), alternative_conditions=conditions) for position, subject in enumerate(found)]
    return found


def _unfollowed(scope) -> dict:
    found = dict(scope.unfollowed)
    for child in scope.children.values():
        if child is not None:
            found.update(_unfollowed(child))
    return found


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
            if not isinstance(entry, dict) or entry.get("mode", "managed") not in ("managed", "data") or not isinstance(entry.get("values"), dict):
                continue
            kind, name, address = entry.get("type"), entry.get("name"), entry.get("address")
            if entry.get("mode") == "data" and isinstance(kind, str):
                kind = f"data.{kind}"  # data sources: policy documents, policies and roles looked up
            if kind not in IAM_TYPES and kind not in (TASK_TYPE, SERVICE_TYPE, TASK_SET_TYPE) and not str(kind).startswith((ECR_PREFIX, *BALANCING_PREFIXES)) or not isinstance(address, str):
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
    found = _subjects(document, tasks, [resource for resource in resources if resource.type in IAM_TYPES]) if tasks else []
    return found + _services(document, resources) + _ecr_subjects(resources)


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
