"""ECS002-ECS003: what the RegisterTaskDefinition API itself would reject."""

from __future__ import annotations

from functools import cache

from ecslint.documents import pointer as jp
from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.task_definition import DESCRIBE_ONLY_KEYS, TaskDefinition
from ecslint.checks.schema_validator import SchemaValidator, did_you_mean, model_release, task_definition_schema
from ecslint.subjects.quoting import quote, quote_text

# Values under these fields may hold credentials: messages show their type, never the value.
_SENSITIVE_FIELDS = frozenset({"environment", "secrets", "command", "entryPoint", "dockerLabels", "options", "secretOptions", "healthCheck", "repositoryCredentials"})


def _is_sensitive(pointer: str) -> bool:
    return any(part in _SENSITIVE_FIELDS for part in jp.split(pointer))


def unknown_field_problem() -> str:
    """Names the model the schema comes from, so that a user can tell a typo from a field newer than ecslint."""
    return f"is not a field of the ECS API as of {model_release(task_definition_schema())}"


@cache
def _validator() -> SchemaValidator:
    return SchemaValidator(task_definition_schema(), _is_sensitive, unknown_field_problem())


def _subject(task: TaskDefinition, pointer: str) -> tuple[str, str]:
    """(prefix naming the container, field path relative to it, spelled as the file spells it) for a message about pointer."""
    for container in task.containers:
        if jp.is_within(pointer, container.pointer) and pointer != container.pointer:
            return f"{container.label}: ", task.spell_path(pointer, container.pointer)
    # Fields of the task definition are named from it; other keys (describe output's `tags`) from the root.
    base = task.pointer if jp.is_within(pointer, task.pointer) else ""
    return "", task.spell_path(pointer, base)


def _container_list_problems(task: TaskDefinition):
    """ECS rejects a task definition without containers, whatever the model says ("Container list cannot be empty")."""
    if not task.knows_task_fields:
        return
    pointer = task.ptr("containerDefinitions")
    containers = task.data.get("containerDefinitions")
    name = task.spell_path(pointer, task.pointer)
    if containers is None and task.shape == "describe":
        # Register input gets this from the schema; describe output and templates (CloudFormation) do not.
        yield Finding("ECS002", pointer, f"'{quote_text(name)}' is required: ECS rejects a task definition without containers.")
    elif containers == []:
        yield Finding("ECS002", pointer, f"'{quote_text(name)}' is empty: ECS rejects a task definition without containers (\"Container list cannot be empty\").")


def _violations(task: TaskDefinition):
    validator = _validator()
    if task.shape == "describe":
        found = validator.validate(task.document.data, validator.definition("DescribeTaskDefinitionResponse"))
        own_tags = task.ptr("tags")
        if isinstance(task.data, dict) and "tags" in task.data:
            # ecspresso writes the tags inside `taskDefinition` and registers them with it: judge them as tags.
            found = [violation for violation in found if violation.pointer != own_tags] + validator.validate(task.data["tags"], validator.definition("Tags"), own_tags)
        return found
    if task.shape == "containers":
        container_schema = validator.definition("ContainerDefinition")
        return [v for c in task.containers for v in validator.validate(c.data, container_schema, c.pointer)]
    return [
        violation
        for violation in validator.validate(task.data, validator.definition("RegisterTaskDefinitionRequest"), task.pointer)
        # Describe-only fields at the top level are ECS003's finding, not a schema violation.
        if not (violation.unknown_key and jp.parent(violation.pointer) == task.pointer and jp.split(violation.pointer)[-1] in DESCRIBE_ONLY_KEYS)
    ]


@check("ECS002")
def schema_violation(task: TaskDefinition):
    rejected_keys = task.rejected_keys()
    # A required field written in the API's spelling is one problem, reported as the spelling.
    respelled = {rejected.pointer for rejected in rejected_keys}
    for violation in _violations(task):
        if violation.pointer in respelled:
            continue
        prefix, path = _subject(task, violation.pointer)
        yield Finding("ECS002", violation.pointer, f"{prefix}'{quote_text(path)}' {violation.problem}.")
    for rejected in rejected_keys:
        prefix, path = _subject(task, rejected.pointer)
        same = [name for name in rejected.known if name.lower() == rejected.key.lower()]
        if same:
            message = f"{prefix}'{quote_text(path)}' is the ECS API's spelling, which {rejected.format} rejects; write '{quote_text(same[0])}'."
        else:
            message = f"{prefix}'{quote_text(path)}' {unknown_field_problem()}{did_you_mean(rejected.key, rejected.known)}."
        yield Finding("ECS002", rejected.pointer, message)
    yield from _container_list_problems(task)
    if task.document.has_duplicate_keys:
        for pointer, region in task.document.locator.duplicate_regions():
            if jp.is_within(pointer, task.pointer if task.shape != "describe" else ""):
                prefix, path = _subject(task, pointer)
                message = f"{prefix}'{quote_text(path)}' is given more than once in the same object; the ECS API keeps only the last value."
                yield Finding("ECS002", pointer, message, region=region)


@check("ECS003")
def describe_only_fields(task: TaskDefinition):
    if task.shape != "register":
        return
    present = sorted(key for key in task.data if key in DESCRIBE_ONLY_KEYS)
    if present:
        names = ", ".join(f"{quote(key)}" for key in present)
        message = (
            f"This file carries fields that only describe-task-definition returns ({names}); "
            "`aws ecs register-task-definition --cli-input-json` rejects them. Remove them, "
            "or keep them only if the file is deployed by amazon-ecs-deploy-task-definition, which strips them."
        )
        yield Finding("ECS003", task.ptr(present[0]), message)
