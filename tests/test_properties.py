"""Property-based tests: generated hostile documents of every kind never cause an internal error, and the
linear matchers agree with the simple (slow) definitions they replaced.

Examples per strategy are bounded (EXAMPLES) so the suite stays fast and deterministic;
`python -m ecslint.devtools.benchmark --fuzz N` runs N per kind for a longer search.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecslint.config import Config
from ecslint.devtools import hostile_inputs
from ecslint.documents.files import Source
from ecslint.engine import Options, run
from ecslint.rulebook import all_rules
from tests.helpers import REPO, cli

# Examples per document strategy (each is linted with every rule), and per matcher strategy.
EXAMPLES = 10
MATCHER_EXAMPLES = 200
BOUNDED = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _lint(filename: str, raw: bytes, iam=None):
    return run([Source(filename, raw, True, None)], Options(frozenset(all_rules()), Config(root=REPO), iam=iam))


def _check_kind(kind: str):
    filename, strategy = hostile_inputs.kinds()[kind]

    @BOUNDED
    @given(strategy)
    def property_holds(raw: bytes):
        report = _lint(filename, raw)
        assert report.internal_errors == []
        assert all(error.message for error in report.input_errors)

    property_holds()


def test_task_definitions_never_cause_an_internal_error():
    _check_kind("task definition")


def test_mutated_bytes_never_cause_an_internal_error():
    _check_kind("mutated bytes")


def test_cloudformation_json_never_causes_an_internal_error():
    _check_kind("CloudFormation (JSON)")


def test_cloudformation_yaml_never_causes_an_internal_error():
    _check_kind("CloudFormation (YAML)")


def test_terraform_never_causes_an_internal_error():
    _check_kind("Terraform")


def test_lifecycle_policies_never_cause_an_internal_error():
    _check_kind("lifecycle policy")


def test_appspec_files_never_cause_an_internal_error():
    _check_kind("AppSpec")


def test_service_definitions_never_cause_an_internal_error():
    _check_kind("service definition")


@BOUNDED
@given(hostile_inputs.iam_exports(), hostile_inputs.task_definitions())
def test_iam_inputs_never_cause_an_internal_error(iam, task):
    from ecslint.documents.parse import parse
    from ecslint.iam.context import IamInputError, context_from_documents

    task["taskRoleArn"] = task["executionRoleArn"] = "arn:aws:iam::123456789012:role/app"
    try:
        context = context_from_documents([parse("iam.json", json.dumps(iam).encode())])
    except IamInputError:
        return  # a one-line usage error: the contract for an unusable --iam file
    assert _lint("task-definition.json", json.dumps(task).encode(), iam=context).internal_errors == []


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(hostile_inputs.config_files())
def test_config_files_are_used_or_refused_in_one_line(tmp_path_factory, capsys, text):
    folder = tmp_path_factory.mktemp("config")
    (folder / ".ecslint.toml").write_text(text)
    (folder / "t.json").write_text(json.dumps({"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1", "memory": 64}]}))
    result = cli(capsys, "check", "--config", str(folder / ".ecslint.toml"), str(folder / "t.json"))
    assert "internal error" not in result.err
    assert result.code in (0, 1) or len(result.err.splitlines()) == 1


@BOUNDED
@given(hostile_inputs.baselines())
def test_baselines_are_used_or_refused_with_a_message(document):
    from ecslint.report import baseline

    try:
        counts = baseline.parse(json.dumps(document), "baseline.json")
    except baseline.BaselineError as error:
        assert str(error).startswith("baseline baseline.json ")
        return
    assert all(isinstance(count, int) and count >= 1 for count in counts.values())


# The linear matchers against the definitions they replaced -----------------------------------------

PATTERN = st.text(alphabet="ab*?:", max_size=12)
VALUE = st.text(alphabet="ab:", max_size=12)


@lru_cache(maxsize=None)
def _regex_for_action(pattern: str) -> re.Pattern:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.IGNORECASE | re.DOTALL)


def _regex_for_resource(pattern: str) -> re.Pattern:
    parts = []
    for index, char in enumerate(pattern):
        if char == "*":
            parts.append(".*" if index + 1 == len(pattern) or pattern[index + 1] == ":" else "[^:]*")
        elif char == "?":
            parts.append("[^:]")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


@settings(max_examples=MATCHER_EXAMPLES, deadline=None, derandomize=True)
@given(PATTERN, VALUE)
def test_action_wildcards_match_as_the_regex_definition_does(pattern, value):
    from ecslint.iam.patterns import action_matches

    assert action_matches(pattern, value) == bool(_regex_for_action(pattern).fullmatch(value))


@settings(max_examples=MATCHER_EXAMPLES, deadline=None, derandomize=True)
@given(PATTERN, VALUE)
def test_resource_wildcards_match_as_the_regex_definition_does(pattern, value):
    from ecslint.iam.patterns import _resource_pattern

    assert _resource_pattern(pattern).fullmatch(value) == bool(_regex_for_resource(pattern).fullmatch(value))


def _overlap_by_recursion(a: str, b: str) -> bool:
    @lru_cache(maxsize=None)
    def meet(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            return meet(i + 1, j) or (j < len(b) and meet(i, j + 1))
        if j < len(b) and b[j] == "*":
            return meet(i, j + 1) or (i < len(a) and meet(i + 1, j))
        if i < len(a) and j < len(b) and (a[i] == b[j] or a[i] == "?" or b[j] == "?"):
            return meet(i + 1, j + 1)
        return False

    return meet(0, 0)


@settings(max_examples=MATCHER_EXAMPLES, deadline=None, derandomize=True)
@given(PATTERN, PATTERN)
def test_pattern_overlap_agrees_with_the_recursive_definition(first, second):
    from ecslint.iam.patterns import patterns_overlap

    assert patterns_overlap(first, second) == _overlap_by_recursion(first.lower(), second.lower())


@settings(max_examples=MATCHER_EXAMPLES, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6)), max_size=30))
def test_first_claims_agree_with_comparing_every_pair(spans):
    from ecslint.checks.intervals import FirstClaims

    ranges = [(low, low + width) for low, width in spans]
    claims = FirstClaims(ranges)
    for index, (low, high) in enumerate(ranges):
        expected = next((earlier for earlier in range(index) if low <= ranges[earlier][1] and ranges[earlier][0] <= high), None)
        assert claims.claim(low, high, index) == expected


# A secret-shaped value with terminal escapes, planted in place of one string value of a generated document.
PLANTED_KEY = "AKIAZZ7QWERTYUIOPASD"
PLANTED = PLANTED_KEY + "\x1b]0;x\x07\x1b[2J\r::error::fake"
JSON_KINDS = ("task definition", "CloudFormation (JSON)", "lifecycle policy", "service definition")


def _plant(value, position: int, counter: list, keys: bool = False):
    """`value` with its `position`-th string value (or, with `keys`, its `position`-th key) replaced by PLANTED."""
    if isinstance(value, dict) and keys:
        planted = {}
        for key, item in value.items():
            counter[0] += 1
            planted[PLANTED if counter[0] - 1 == position else key] = _plant(item, position, counter, keys)
        return planted
    if isinstance(value, dict):
        return {key: _plant(item, position, counter) for key, item in value.items()}
    if isinstance(value, list):
        return [_plant(item, position, counter, keys) for item in value]
    if keys:
        return value
    if isinstance(value, str):
        counter[0] += 1
        return PLANTED if counter[0] - 1 == position else value
    return value


def _rendered(report) -> str:
    from ecslint.report.formatters import FORMATS, render
    from ecslint.report.formatters.common import FormatContext

    return "\n".join(render(name, report, all_rules(), FormatContext()) for name in FORMATS)


def _check_planted(kind: str, keys: bool = False):
    filename, strategy = hostile_inputs.kinds()[kind]

    @BOUNDED
    @given(strategy, st.integers(min_value=0, max_value=40))
    def property_holds(raw: bytes, position: int):
        planted = json.dumps(_plant(json.loads(raw), position, [0], keys)).encode()
        output = _rendered(_lint(filename, planted))
        assert PLANTED_KEY not in output
        assert not any(character in output for character in "\x1b\x07\r")
        assert "\n::error::fake" not in output

    property_holds()


def test_planted_secrets_and_control_characters_never_reach_the_output():
    for kind in JSON_KINDS:
        _check_planted(kind)


def test_a_secret_used_as_a_key_never_reaches_the_output_in_a_pointer():
    for kind in JSON_KINDS:
        _check_planted(kind, keys=True)


def test_pointers_name_secret_keys_masked_and_baselines_still_match(tmp_path, capsys):
    from tests.helpers import cli

    (tmp_path / "td.json").write_text(json.dumps({"family": "x", "containerDefinitions": [{"name": "a", "image": "nginx:1.25", "essential": True, "memory": 128, "dockerLabels": {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY": "AKIAIOSFODNN7EXAMPLE"}}]}))
    checked = ["check", "--isolated", "--select", "ECS203", str(tmp_path / "td.json")]
    result = cli(capsys, *checked, "--format", "json")
    assert [f["pointer"] for f in json.loads(result.out)["findings"]] == ["/containerDefinitions/0/dockerLabels/wJal…(40 chars)"]
    assert cli(capsys, *checked, "--write-baseline", str(tmp_path / "b.json")).code == 0
    assert "bPxRfiCY" not in (tmp_path / "b.json").read_text()
    result = cli(capsys, *checked, "--baseline", str(tmp_path / "b.json"))
    assert "1 hidden by the baseline" in result.out
