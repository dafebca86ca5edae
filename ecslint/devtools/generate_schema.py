"""Generate schemas/task-definition.schema.json and schemas/service.schema.json from botocore's ECS service model.

Run `python -m ecslint.devtools.generate_schema` after upgrading botocore; a test fails
while a committed schema differs from what the installed botocore generates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT_SHAPES = ("RegisterTaskDefinitionRequest", "DescribeTaskDefinitionResponse")
# The shapes a service is written in: create-service and update-service input, describe-services
# output, and the run-task and create-task-set input that share the service's placement and network fields.
SERVICE_ROOT_SHAPES = ("CreateServiceRequest", "UpdateServiceRequest", "DescribeServicesResponse", "RunTaskRequest", "CreateTaskSetRequest")

# Rejected by the service although the model does not mark them required
# ("Container.name should not be null or empty", ClientException; verified 2026-11-30).
EXTRA_REQUIRED = {"ContainerDefinition": ["name", "image"]}

# The month each botocore release the schema may come from was published, for ECS002's
# "as of botocore X (month)"; a new pin adds its release here (PyPI release history).
RELEASE_MONTHS = {"1.44.8": "2026-11"}

_PRIMITIVES = {
    "integer": {"type": "integer"},
    "long": {"type": "integer"},
    "double": {"type": "number"},
    "float": {"type": "number"},
    "boolean": {"type": "boolean"},
    # The CLI prints timestamps as ISO strings, the raw API as epoch seconds.
    "timestamp": {"type": ["string", "number"]},
}


def _schema_for(shape_name: str, shapes: dict, definitions: dict) -> dict:
    shape = shapes[shape_name]
    kind = shape["type"]
    if kind in _PRIMITIVES:
        return dict(_PRIMITIVES[kind])
    if kind == "string":
        return {"type": "string", "enum": list(shape["enum"])} if "enum" in shape else {"type": "string"}
    if shape_name not in definitions:
        definitions[shape_name] = {}  # placeholder: recursive shapes stop here
        definitions[shape_name] = _compound(shape_name, shape, shapes, definitions)
    return {"$ref": f"#/definitions/{shape_name}"}


def _compound(shape_name: str, shape: dict, shapes: dict, definitions: dict) -> dict:
    kind = shape["type"]
    if kind == "list":
        return {"type": "array", "items": _schema_for(shape["member"]["shape"], shapes, definitions)}
    if kind == "map":
        return {"type": "object", "additionalProperties": _schema_for(shape["value"]["shape"], shapes, definitions)}
    if kind != "structure":
        raise ValueError(f"unsupported botocore shape type {kind!r} ({shape_name})")
    properties = {name: _schema_for(member["shape"], shapes, definitions) for name, member in shape["members"].items()}
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    required = list(shape.get("required", ())) + EXTRA_REQUIRED.get(shape_name, [])
    if required:
        schema["required"] = required
    return schema


def generate(roots: tuple[str, ...] = ROOT_SHAPES, title: str = "Amazon ECS task definition (RegisterTaskDefinition input)") -> tuple[dict, str]:
    """The schema document for the given root shapes (the first is the schema's root) and the botocore version it came from."""
    import botocore
    import botocore.loaders

    shapes = botocore.loaders.Loader().load_service_model("ecs", "service-2")["shapes"]
    definitions: dict = {}
    for name in roots:
        _schema_for(name, shapes, definitions)
    if botocore.__version__ not in RELEASE_MONTHS:
        raise SystemExit(f"add the release month of botocore {botocore.__version__} to RELEASE_MONTHS in {__name__}")
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$comment": f"Generated from botocore {botocore.__version__} (ECS service model) by ecslint.devtools.generate_schema; do not edit.",
        "title": title,
        "x-botocore-version": botocore.__version__,
        "x-botocore-released": RELEASE_MONTHS[botocore.__version__],
        "$ref": f"#/definitions/{roots[0]}",
        "definitions": dict(sorted(definitions.items())),
    }
    return schema, botocore.__version__


def generate_service() -> tuple[dict, str]:
    return generate(SERVICE_ROOT_SHAPES, "Amazon ECS service (CreateService input, describe-services output)")


def render(schema: dict) -> str:
    return json.dumps(schema, indent=1, sort_keys=False) + "\n"


def main() -> int:
    for name, (schema, version) in (("task-definition.schema.json", generate()), ("service.schema.json", generate_service())):
        target = Path(__file__).resolve().parents[2] / "schemas" / name
        target.write_text(render(schema), encoding="utf-8")
        print(f"wrote {target.name} from botocore {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
