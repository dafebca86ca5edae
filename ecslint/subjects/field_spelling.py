"""Field names in messages, respelled for a source that spells the API's fields its own way.

Checks name fields as the ECS API does, in backticks (`networkMode: host`, `authorizationConfig.iam`).
A CloudFormation template writes `NetworkMode`, Terraform `network_mode` (but camelCase inside its
`container_definitions` JSON). A backticked field path is resolved against the task-definition schema
(or a service's), starting from the definition at the finding's pointer and going outwards, so a value that happens to be
a field name elsewhere (`host` in "use `awsvpc`, `host` or `none`") stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from ecslint.checks.schema_validator import task_definition_schema
from ecslint.documents import pointer as jp

ROOT = "RegisterTaskDefinitionRequest"
CONTAINER = "ContainerDefinition"
_SPAN = re.compile(r"`([^`\n]+)`")
_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:\[\d+\])?(?:\.[A-Za-z][A-Za-z0-9]*(?:\[\d+\])?)*$")
_INDEXED = re.compile(r"^([A-Za-z][A-Za-z0-9]*)((?:\[\d+\])?)$")

# (schema definition, API field, whether inside a container definition) -> the source's name.
Rename = Callable[[str, str, bool], str]


@cache
def _definitions() -> dict:
    return task_definition_schema()["definitions"]


def _target(node: dict, definitions: dict) -> str | None:
    """The definition a property leads to, through lists; None for scalars and maps."""
    while isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            schema = definitions.get(name, {})
            if schema.get("type") == "object" and "properties" in schema:
                return name
            node = schema
        elif node.get("type") == "array":
            node = node.get("items")
        else:
            return None
    return None


def _properties(definition: str, definitions: dict) -> dict:
    return definitions.get(definition, {}).get("properties", {})


def _chain(pointer: str, root: str, definitions: dict) -> list[tuple[str, bool]]:
    """(definition, inside a container) for each object from the root down to the pointer."""
    chain = [(root, False)]
    current, in_container = root, False
    for token in jp.split(pointer):
        if token.isdigit():
            continue
        member = _properties(current, definitions).get(token)
        following = _target(member, definitions) if member is not None else None
        if following is None:
            break
        in_container = in_container or following == CONTAINER
        current = following
        chain.append((current, in_container))
    return chain


def _respell_path(text: str, chain: list[tuple[str, bool]], rename: Rename, definitions: dict) -> str:
    tokens = [_INDEXED.match(token) for token in text.split(".")]
    first = tokens[0].group(1)
    for definition, in_container in reversed(chain):
        if first in _properties(definition, definitions):
            break
    else:
        return text
    spelled = []
    for match in tokens:
        name, index = match.group(1), match.group(2)
        member = _properties(definition, definitions).get(name) if definition else None
        if member is None:
            return text  # not a field path after all
        spelled.append(rename(definition, name, in_container) + index)
        definition = _target(member, definitions)
        in_container = in_container or definition == CONTAINER
    return ".".join(spelled)


def respell(message: str, pointer: str, rename: Rename, root: str = ROOT, definitions: dict | None = None) -> str:
    """The message with each backticked field path (and the key of `field: value`) spelled by `rename`.

    Paths are read against the task-definition schema from RegisterTaskDefinition, unless another schema's
    `definitions` and `root` are given (a service's, from CreateService)."""
    if "`" not in message:
        return message
    definitions = _definitions() if definitions is None else definitions
    chain = _chain(pointer, root, definitions)

    def span(match: re.Match) -> str:
        head, separator, tail = match.group(1).partition(": ")
        if not _PATH.match(head):
            return match.group(0)
        return f"`{_respell_path(head, chain, rename, definitions)}{separator}{tail}`"

    return _SPAN.sub(span, message)
