"""A small validator for the JSON Schema subset our generated schemas use.

`jsonschema` costs ~80 ms to import, over half the start-up budget of a pre-commit
run, and its messages speak JSON Schema rather than ECS. This validator covers exactly
the keywords the generator emits ($ref, type, enum, properties, required,
additionalProperties, items); the test suite checks it agrees with `jsonschema`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from ecslint.data import read_text
from ecslint.documents import pointer as jp
from ecslint.subjects.placeholders import is_templated
from ecslint.subjects.quoting import quote_text

_TYPE_NAMES = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


@dataclass(frozen=True)
class Violation:
    pointer: str
    # The problem as a predicate on the field: "must be an integer, got \"eighty\"".
    problem: str
    # True when the pointer names a key that should not be there.
    unknown_key: bool = False


def json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _matches_type(value, expected: str) -> bool:
    actual = json_type(value)
    return actual == expected or (expected == "number" and actual == "integer")


def describe_value(value, reveal: bool) -> str:
    """How a message shows a bad value: short scalars verbatim, anything else (or sensitive) by type."""
    if reveal and not isinstance(value, (dict, list)):
        shown = json.dumps(value, ensure_ascii=False)
        if len(shown) <= 40:
            return quote_text(shown)
    article = _TYPE_NAMES[json_type(value)]
    return article if json_type(value) in ("object", "array", "null") else f"{article} value"


class SchemaValidator:
    def __init__(self, schema: dict, is_sensitive=lambda pointer: False, unknown_key: str = "is not a field the ECS API accepts"):
        self._definitions = schema.get("definitions", {})
        self._root = schema
        self._is_sensitive = is_sensitive
        self._unknown_key = unknown_key

    def definition(self, name: str) -> dict:
        return {"$ref": f"#/definitions/{name}"}

    def _resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            schema = self._definitions[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def validate(self, value, schema: dict | None = None, pointer: str = "") -> list[Violation]:
        found: list[Violation] = []
        # Iterative walk: documents can be deep, and recursion limits must not decide correctness.
        pending = [(value, schema if schema is not None else self._root, pointer)]
        while pending:
            item, item_schema, item_pointer = pending.pop()
            self._check(item, self._resolve(item_schema), item_pointer, found, pending)
        found.sort(key=lambda violation: violation.pointer)
        return found

    def _check(self, value, schema: dict, pointer: str, found: list, pending: list) -> None:
        if isinstance(value, str) and is_templated(value):
            return  # rendered before deployment: `"{{networkmode}}"` or `"${PORT}"` is not the final value
        expected = schema.get("type")
        if expected is not None:
            options = expected if isinstance(expected, list) else [expected]
            if not any(_matches_type(value, option) for option in options):
                wanted = " or ".join(_TYPE_NAMES[option] for option in options)
                shown = describe_value(value, not self._is_sensitive(pointer))
                found.append(Violation(pointer, f"must be {wanted}, got {shown}"))
                return
        if "enum" in schema and value not in schema["enum"]:
            allowed = ", ".join(f"'{quote_text(option)}'" for option in schema["enum"])
            shown = describe_value(value, not self._is_sensitive(pointer))
            found.append(Violation(pointer, f"must be one of {allowed}, got {shown}"))
            return
        if isinstance(value, dict):
            properties = schema.get("properties", {})
            for key in schema.get("required", ()):
                if key not in value:
                    found.append(Violation(jp.join(pointer, key), "is required"))
            additional = schema.get("additionalProperties", True)
            required = schema.get("required", ())
            for key, member in value.items():
                member_pointer = jp.join(pointer, key)
                if member is None and key in properties and key not in required:
                    # Terraform and the deploy action drop nulls before registering: treat as absent.
                    continue
                if key in properties:
                    pending.append((member, properties[key], member_pointer))
                elif additional is False:
                    found.append(Violation(member_pointer, self._unknown_key + did_you_mean(key, properties), unknown_key=True))
                elif isinstance(additional, dict):
                    pending.append((member, additional, member_pointer))
        elif isinstance(value, list) and "items" in schema:
            for index, member in enumerate(value):
                pending.append((member, schema["items"], jp.join(pointer, index)))


def did_you_mean(key: str, known) -> str:
    """`; did you mean 'portMappings'` for the known name closest to key (the same name in other case first), or ""."""
    from difflib import get_close_matches

    same = [name for name in known if name.lower() == key.lower()]
    close = same or get_close_matches(key, list(known), n=1, cutoff=0.75)
    return f"; did you mean '{quote_text(close[0])}'" if close else ""


def model_release(schema: dict) -> str:
    """`botocore 1.44.8 (2026-11)`: which ECS model a generated schema comes from, for messages."""
    return f"botocore {schema.get('x-botocore-version', '?')} ({schema.get('x-botocore-released', 'unknown date')})"


@cache
def task_definition_schema() -> dict:
    text = read_text("ecslint.schemas", "task-definition.schema.json")
    return json.loads(text)


@cache
def service_schema() -> dict:
    """The service shapes (create-service, update-service, describe-services, run-task, create-task-set)."""
    text = read_text("ecslint.schemas", "service.schema.json")
    return json.loads(text)
