"""The task-definition schema: generated from botocore, and validated with messages people understand."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecslint.devtools.generate_schema import generate, render
from ecslint.subjects.placeholders import is_templated
from ecslint.checks.schema_validator import SchemaValidator, task_definition_schema
from tests.helpers import CORPUS, REPO, lint_text, needs_shared


def test_committed_schema_matches_installed_botocore():
    schema, version = generate()
    committed = REPO.joinpath("schemas", "task-definition.schema.json").read_text()
    assert committed == render(schema), f"regenerate with `python -m ecslint.devtools.generate_schema` (botocore {version})"
    assert f"**{version}**" in REPO.joinpath("schemas", "SOURCES.md").read_text()


def test_schema_is_valid_json_schema():
    jsonschema.Draft7Validator.check_schema(task_definition_schema())


def _messages(text, select=("ECS002",)):
    return [(f.pointer, f.message) for f in lint_text(text, select=list(select))]


def test_messages_name_container_and_field():
    text = json.dumps({"family": "web", "containerDefinitions": [{"name": "web", "image": "x", "portMappings": [{"containerPort": "eighty"}]}]})
    assert _messages(text) == [("/containerDefinitions/0/portMappings/0/containerPort", "Container 'web': 'portMappings[0].containerPort' must be an integer, got \"eighty\".")]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"containerDefinitions": []}, [("/family", "'family' is required."), ("/containerDefinitions", "'containerDefinitions' is empty: ECS rejects a task definition without containers (\"Container list cannot be empty\").")]),
        ({"family": "w", "containerDefinitions": [{"name": "w", "image": "x", "portMapping": []}]}, [("/containerDefinitions/0/portMapping", "Container 'w': 'portMapping' is not a field of the ECS API as of botocore 1.44.8 (2026-11); did you mean 'portMappings'.")]),
        ({"family": "w", "networkMode": "vpc", "containerDefinitions": [{"name": "w", "image": "x"}]}, [("/networkMode", "'networkMode' must be one of 'bridge', 'host', 'awsvpc', 'none', got \"vpc\".")]),
        ({"family": "w", "cpu": 256, "containerDefinitions": [{"name": "w", "image": "x"}]}, [("/cpu", "'cpu' must be a string, got 256.")]),
        ({"family": "w", "containerDefinitions": [{"image": "x"}]}, [("/containerDefinitions/0/name", "Container #1: 'name' is required.")]),
        ({"family": "w", "containerDefinitions": [{"name": "w", "image": "x", "environment": [{"name": "DB_PASSWORD", "value": 12345678}]}]}, [("/containerDefinitions/0/environment/0/value", "Container 'w': 'environment[0].value' must be a string, got an integer value.")]),
        ({"family": "w", "containerDefinitions": [{"name": "w", "image": "x", "user": None, "essential": None}]}, []),
        ({"family": "w", "networkMode": "{{networkmode}}", "containerDefinitions": [{"name": "w", "image": "x", "memory": "${MEMORY}"}]}, []),
        ({"taskDefinition": {"family": "w", "revision": 3, "status": "ACTIVE", "containerDefinitions": [{"name": "w", "image": "x"}]}, "tags": []}, []),
    ],
)
def test_violation_messages(document, expected):
    assert _messages(json.dumps(document)) == expected


def test_fields_added_to_the_ecs_model_since_1_43_are_accepted():
    # trustedExecutionConfiguration, resourceRequirements[].sharingStrategy (value no longer required)
    # and the NeuronDevice resource type arrived in the ECS model after botocore 1.43.11.
    text = json.dumps({
        "family": "w",
        "requiresCompatibilities": ["MANAGED_INSTANCES"],
        "trustedExecutionConfiguration": {"isolationMode": "CONFIDENTIAL_SANDBOX", "attestationPolicy": "arn:aws:ecs:us-east-1:123456789012:attestation-policy/p"},
        "containerDefinitions": [
            {"name": "w", "image": "x", "resourceRequirements": [{"type": "GPU", "sharingStrategy": {"nvidiaMps": {"memory": 4096, "maxComputePercent": 50}}}]},
            {"name": "n", "image": "y", "resourceRequirements": [{"type": "NeuronDevice", "value": "1"}]},
        ],
    })
    assert _messages(text) == []


def test_describe_only_fields_are_not_schema_violations():
    text = json.dumps({"family": "w", "revision": 1, "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/w:1", "containerDefinitions": [{"name": "w", "image": "x"}]})
    assert _messages(text, ("ECS002", "ECS003")) == [("/revision", lint_text(text, select=["ECS003"])[0].message)]


def test_bare_container_list_is_validated_per_container():
    text = json.dumps([{"name": "a", "image": "x", "memory": "512"}, {"name": "b", "image": "y", "cpu": 10}])
    assert _messages(text) == [("/0/memory", "Container 'a': 'memory' must be an integer, got \"512\".")]


# --- the small validator agrees with jsonschema -----------------------------------------

_SCHEMA = task_definition_schema()
_OURS = SchemaValidator(_SCHEMA)
_THEIRS = jsonschema.Draft7Validator(_SCHEMA)


def _undecided(value) -> bool:
    return value is None or (isinstance(value, str) and is_templated(value))


def _strip_nulls(value):
    """Nulls are absent and placeholders undecided for ecslint; jsonschema judges both, by design."""
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if not _undecided(v)}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value if not _undecided(v)]
    return value


def _agree(document):
    document = _strip_nulls(document)
    ours = bool(_OURS.validate(document))
    theirs = not _THEIRS.is_valid(document)
    assert ours == theirs, (document, _OURS.validate(document), list(_THEIRS.iter_errors(document))[:3])


_SEED = {
    "family": "web",
    "networkMode": "awsvpc",
    "cpu": "256",
    "containerDefinitions": [
        {"name": "web", "image": "nginx", "portMappings": [{"containerPort": 80, "protocol": "tcp"}], "environment": [{"name": "A", "value": "b"}], "essential": True}
    ],
}
_PATHS = [
    ("family",),
    ("networkMode",),
    ("cpu",),
    ("containerDefinitions", 0, "portMappings", 0, "containerPort"),
    ("containerDefinitions", 0, "portMappings", 0, "protocol"),
    ("containerDefinitions", 0, "environment", 0, "value"),
    ("containerDefinitions", 0, "essential"),
    ("containerDefinitions", 0, "name"),
    ("containerDefinitions", 0, "unknownField"),
    ("unknownTopLevel",),
]
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 70000), # jsonschema counts 80.0 as an integer; botocore (and so ecslint) does not: integral floats stay out.
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()), st.sampled_from(["tcp", "udp", "awsvpc", "bridge", "", "x"]), st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.sampled_from(["a", "name"]), st.text(max_size=3), max_size=2))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PATHS), _VALUES), max_size=3), st.sets(st.sampled_from(["family", "containerDefinitions"])))
def test_validator_agrees_with_jsonschema_on_mutations(mutations, removed):
    document = copy.deepcopy(_SEED)
    for path, value in mutations:
        target = document
        for token in path[:-1]:
            target = target[token]
        target[path[-1]] = value
    for key in removed:
        document.pop(key, None)
    _agree(document)


@needs_shared
def test_validator_agrees_with_jsonschema_on_the_corpus():
    checked = 0
    for path in sorted(CORPUS.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and "containerDefinitions" in data:
            _agree(data)
            checked += 1
    assert checked > 50


def test_ecspresso_tags_inside_the_task_definition_are_tags():
    text = json.dumps({"taskDefinition": {"family": "w", "containerDefinitions": [{"name": "w", "image": "x"}], "tags": [{"key": "team", "value": "web"}, {"key": "env", "valu": "prod"}]}})
    assert _messages(text) == [("/taskDefinition/tags/1/valu", "'tags[1].valu' is not a field of the ECS API as of botocore 1.44.8 (2026-11); did you mean 'value'.")]


def test_unknown_field_names_the_botocore_model():
    text = json.dumps({"family": "w", "foo": 1, "containerDefinitions": [{"name": "w", "image": "x"}]})
    assert _messages(text) == [("/foo", "'foo' is not a field of the ECS API as of botocore 1.44.8 (2026-11).")]
