"""Adversarial timing: every regex and matcher applied to input stays within a bound of a plain scan of it.

Bounds are ratios against a scan of the same input (a Python loop over its characters, or linting a
same-sized input of plain values), never absolute times, so a slow or busy machine does not fail them;
a quadratic or exponential case misses them by orders of magnitude.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import time

import pytest

import ecslint
from ecslint.lazy_regex import LazyPattern
from tests.helpers import container, lint_text, task

SIZE = 8000
# Seeds that made one of the old patterns backtrack, and prefixes that open the patterns' contexts.
SEEDS = ["0", " ", "a", "A", ".", ":", "/", "-", "_", "a.", "a:", "0.", "${", "<%", "{%", "#{", "%{", "((", "a[", '\\"', ".dkr.ecr.", "a://", "AKIA", "A_"]
PREFIXES = ["", "1", "secretaccesskey", "a://a:", "-----BEGIN PRIVATE KEY-----", "arn:aws:iam::123456789012:role/", "x.dkr.ecr."]
# Patterns the code applies only at positions it found itself (the few characters before a `://`, a
# quote that opens a string), never searched through a whole value.
ANCHORED_BY_CODE = {"ecslint.subjects.secret_patterns._SCHEME_BEFORE", "ecslint.subjects.secret_patterns._SCHEME_TAIL", "ecslint.report.formatters.excerpt._STRING"}


def _best_of(function, *arguments, runs: int = 3) -> float:
    # CPU time of this process: other work on a shared CI machine does not count against the bound.
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        function(*arguments)
        best = min(best, time.process_time() - start)
    return best


def _plain_scan(text: str) -> None:
    for _ in text:
        pass


def _compiled(value) -> re.Pattern | None:
    if isinstance(value, re.Pattern):
        return value
    return value.compiled if isinstance(value, LazyPattern) else None


def _patterns() -> dict[str, re.Pattern]:
    """Every module-level pattern, compiled or lazy, and those inside module-level tuples of named tuples (TOKEN_PATTERNS)."""
    found = {}
    for module in pkgutil.walk_packages(ecslint.__path__, "ecslint."):
        if ".devtools" in module.name:
            continue
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if (pattern := _compiled(value)) is not None:
                found[f"{module.name}.{name}"] = pattern
            elif isinstance(value, tuple):
                for index, item in enumerate(value):
                    for field in getattr(item, "_fields", ()):
                        if (pattern := _compiled(getattr(item, field))) is not None:
                            found[f"{module.name}.{name}[{index}].{field}"] = pattern
    return found


def _adversarial_strings() -> list[str]:
    strings = [seed * (SIZE // len(seed)) + "!" for seed in SEEDS]
    strings += [prefix + seed * (SIZE // len(seed)) + "!" for prefix in PREFIXES[1:] for seed in (" ", "0", "a", "a.", "${")]
    return strings


def test_every_regex_is_linear_on_adversarial_strings():
    strings = _adversarial_strings()
    plain = max(_best_of(_plain_scan, text) for text in strings)
    worst: list[tuple[float, str, str]] = []
    for name, pattern in sorted(_patterns().items()):
        if name in ANCHORED_BY_CODE:
            continue
        for text in strings:
            for method in (pattern.search, pattern.match, pattern.fullmatch):
                elapsed = _best_of(method, text, runs=1)
                if elapsed > 20 * plain:  # rare: measure again before counting it
                    elapsed = _best_of(method, text)
                worst.append((elapsed / plain, name, text[:24]))
    worst.sort(reverse=True)
    # A linear pattern costs at most a few hundred plain scans (a bounded repeat such as `{16}` tried at
    # each character); the old quadratic ones cost from 4,000 (`\d*\.?\d+`) to 30,000 here.
    assert worst[0][0] < 400, worst[:5]


def test_wildcard_matching_is_linear_in_the_number_of_stars():
    from ecslint.iam.patterns import action_matches, patterns_overlap, resource_matches, Arn

    action = "s3:" + "a" * 200
    plain = _best_of(_plain_scan, action * 50)
    for stars in (3, 12, 40):
        pattern = "s3:" + "*a" * stars + "b"
        assert _best_of(action_matches, pattern, action) < 10 * plain
        assert _best_of(resource_matches, "arn:aws:s3:::" + "*a" * stars + "b", Arn.parse("arn:aws:s3:::" + "a" * 200)) < 10 * plain
    long_pattern = "iam:" + "a*" * 1500
    assert _best_of(patterns_overlap, long_pattern, "iam:Put*Policy") < 2000 * plain


@pytest.mark.parametrize("field", ["hostPort", "containerPortRange"])
def test_host_port_clashes_cost_no_more_than_reading_the_mappings(field):
    from ecslint.checks.network import host_port_clash, port_mappings
    from ecslint.documents.parse import parse
    from ecslint.subjects.task_definition import task_definitions

    if field == "hostPort":
        mappings = [{"containerPort": port, "hostPort": port} for port in range(1, 8001)]
    else:
        mappings = [{"containerPortRange": f"{port}-{port + 1}"} for port in range(1, 16001, 2)]
    document = parse("t.json", task([container(portMappings=mappings)], networkMode="host").encode())
    subject = task_definitions(document)[0]
    reading = _best_of(lambda: port_mappings(subject))
    checking = _best_of(lambda: list(host_port_clash(subject)))
    # Comparing every mapping with every other took about 250 readings' time here.
    assert checking < 25 * reading


def _lint_time(text: str, filename: str, select: list[str] | None = None) -> float:
    return _best_of(lambda: lint_text(text, filename, select=select), runs=2)


def test_values_at_the_ecs_size_limit_lint_as_fast_as_plain_ones():
    hostile = ["0" * 8000 + "!", "secretaccesskey" + " " * 8000 + "!", "a." * 4000, "<%" * 4000, "${" * 4000, "a://" + "a." * 4000]
    plain = ["x" * len(value) for value in hostile]
    fields = {"cpu": "1" + " " * 8000 + "x", "memory": "0" * 8000 + "x"}

    def document(values, **extra):
        return task([container(environment=[{"name": f"V{i}", "value": value} for i, value in enumerate(values)], command=values)], **extra)

    ratio = _lint_time(document(hostile, **fields), "t.json") / _lint_time(document(plain, cpu="x" * 8001, memory="x" * 8001), "t.json")
    assert ratio < 5


def _template(value: str, count: int) -> str:
    environment = "".join(f"            - Name: E{i}\n              Value: {value}\n" for i in range(count))
    return (
        f'Parameters:\n  Big:\n    Type: String\n    Default: "{"x" * 10_000}"\n'
        "Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n"
        "        - Name: app\n          Image: nginx:1\n          Memory: 64\n          Environment:\n" + environment
    )


def test_substitution_does_not_amplify_a_template():
    from ecslint.cloudformation import intrinsics

    count = 2 * intrinsics.MAX_RESOLVED_TEXT // 10_000  # twice what the budget allows
    substituted = _lint_time(_template('!Sub "${Big}"', count), "template.yaml", ["ECS1", "ECS2"])
    plain = _lint_time(_template("plain", count), "template.yaml", ["ECS1", "ECS2"])
    assert substituted / plain < 6


def test_templatefile_does_not_amplify_its_variables(tmp_path):
    from ecslint.documents.files import Source
    from ecslint.engine import Options, run
    from ecslint.config import Config
    from ecslint.rulebook import all_rules

    def lint_folder(body: str, variable: str) -> float:
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        folder.mkdir()
        (folder / "c.json.tpl").write_text('[{"name": "a", "image": "nginx:1", "memory": 64, "environment": [{"name": "x", "value": "' + body + '"}]}]')
        main = f'resource "aws_ecs_task_definition" "t" {{\n  family = "x"\n  container_definitions = templatefile("c.json.tpl", {{ a = "{variable}" }})\n}}\n'
        (folder / "main.tf").write_text(main)
        source = Source(str(folder / "main.tf"), main.encode(), True, None)
        return _best_of(lambda: run([source], Options(frozenset(all_rules()), Config(root=tmp_path))), runs=2)

    amplified = lint_folder("${a}" * 50_000, "y" * 1000)
    # The same template with a one-character variable: only the variable's length differs, so the ratio is
    # the amplification itself (substituting would make it ~1000); a plain value of the same length is no
    # measure, as it skips the placeholder handling that 50,000 interpolations cost either way.
    unamplified = lint_folder("${a}" * 50_000, "y")
    assert amplified / unamplified < 15, (amplified, unamplified)


def test_json_position_index_is_linear_in_escapes():
    from ecslint.documents.jsontext import JsonLocator

    escaped = json.dumps({"family": '\\"' * 200_000, "containerDefinitions": []})
    plain = json.dumps({"family": "x" * len(escaped), "containerDefinitions": []})
    assert _best_of(JsonLocator, escaped) < 20 * _best_of(JsonLocator, plain) + 20 * _best_of(_plain_scan, plain)


@pytest.mark.parametrize("count", [2000])
def test_depends_on_chains_are_linear(count):
    containers = [container(name=f"c{i}", dependsOn=[{"containerName": f"c{i + 1}", "condition": "START"}]) for i in range(count)]
    long_chain = _lint_time(task(containers + [container(name=f"c{count}")]), "t.json", ["ECS405"])
    short_chain = _lint_time(task(containers[: count // 4] + [container(name=f"c{count // 4}")]), "t.json", ["ECS405"])
    assert long_chain / short_chain < 10  # 4x the input; quadratic would be 16x


def test_gitignore_globs_cost_at_most_pattern_times_path():
    from ecslint.documents.gitignore import parse

    name = "a" * 250
    for stars in (3, 12, 40):
        pattern = parse("*a" * stars + "b\n" + "**/" * stars + "x/**/y\n")
        # The greedy matcher returns only to the last `*`: at most one pass over the name per token.
        bound = 100 * _best_of(_plain_scan, name * (2 * stars + 2))
        assert _best_of(lambda: [p.fullmatch("d/" * 20 + name) for p in pattern]) < bound


def test_ecr_scanning_filters_are_linear_in_the_number_of_stars():
    from ecslint.subjects.ecr_registry import star_fullmatch, wildcard_matches

    name = "a" * 256
    plain = _best_of(_plain_scan, name * 4)
    for stars in (3, 12, 40):
        # A backtracking regex takes minutes on 12 stars; position by position costs a few passes of a Python loop.
        assert _best_of(wildcard_matches, "*a" * stars + "b", name) < 100 * plain
    assert wildcard_matches("prod-*", "prod-api") and not wildcard_matches("prod-*", "dev-prod-api")
    assert wildcard_matches("*api*", "prod-api-1") and wildcard_matches("api", "my-api-repo")
    # Tag exclusion filters: a whole-tag match, `*` any run.
    assert star_fullmatch("release-*", "release-1.2") and not star_fullmatch("release-*", "pre-release-1") and star_fullmatch("latest", "latest")
