"""SARIF output passes the official 2.1.0 schema and every check GitHub code scanning makes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from ecslint.rulebook import all_rules, rule_markdown
from tests.helpers import REPO, SARIF_SCHEMA, cli, needs_shared

BAD = json.dumps(
    {
        "family": "wéb",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "bridge",
        "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "portMappings": [{"containerPort": 80, "hostPort": 80}, {"containerPort": 80, "hostPort": 80}]}],
    },
    indent=2,
)


def github_checks(sarif: dict) -> None:
    """What code scanning rejects or mishandles, beyond the schema (SARIF.md)."""
    assert sarif["version"] == "2.1.0" and sarif["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    assert "results" in run and isinstance(run["results"], list)
    assert run["columnKind"] == "unicodeCodePoints"
    assert "automationDetails" not in run or run["automationDetails"]["id"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "ecslint" and driver["semanticVersion"] and driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    for rule in driver["rules"]:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule["name"]) and len(rule["name"]) <= 255
        for key in ("shortDescription", "fullDescription"):
            assert 0 < len(rule[key]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        properties = rule["properties"]
        assert len(properties["tags"]) <= 10 and properties["precision"] and properties["problem.severity"]
        if "security-severity" in properties:
            assert isinstance(properties["security-severity"], str)
            assert 0 < float(properties["security-severity"]) <= 10
            assert "security" in properties["tags"]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        assert len(result["locations"]) == 1
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "./", "file:")) and "\\" not in uri and " " not in uri
        region = location["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
        assert result["partialFingerprints"]["ecslint/v1"]
    fingerprints = [r["partialFingerprints"]["ecslint/v1"] for r in run["results"]]
    assert len(fingerprints) == len(set(fingerprints))


def validate(sarif: dict) -> None:
    if SARIF_SCHEMA.is_file():
        schema = json.loads(SARIF_SCHEMA.read_text())
        jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(sarif)
    github_checks(sarif)


@pytest.fixture
def repository(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "ecs services").mkdir()
    (tmp_path / "ecs services" / "taskdef.json").write_text(BAD)
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "taskdef.json").write_text(json.dumps({"family": "x", "containerDefinitions": [{"name": "x", "image": "nginx:1.27", "memory": 128}]}))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sarif_of(capsys, *args) -> dict:
    result = cli(capsys, "check", "--format", "sarif", *args)
    assert result.code in (0, 1), result.err
    return json.loads(result.out)


@needs_shared
def test_dirty_run_is_valid_sarif(repository, capsys):
    sarif = sarif_of(capsys, ".")
    validate(sarif)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"ECS301", "ECS302", "ECS401"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results if r["ruleId"].startswith("ECS3")}
    assert uris == {"ecs%20services/taskdef.json"}


@needs_shared
def test_clean_run_is_valid_sarif_with_empty_results(repository, capsys):
    sarif = sarif_of(capsys, "--select", "ECS0,ECS3", "clean")
    validate(sarif)
    assert sarif["runs"][0]["results"] == []
    assert len(sarif["runs"][0]["tool"]["driver"]["rules"]) == len([r for r in all_rules() if r.startswith(("ECS0", "ECS3"))])


@needs_shared
def test_every_rule_descriptor_is_valid(repository, capsys):
    sarif = sarif_of(capsys, "clean")
    validate(sarif)
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == set(all_rules())
    assert rules["ECS301"]["help"]["markdown"] == rule_markdown(all_rules()["ECS301"])


def test_uris_are_relative_to_the_repository_root_from_a_subdirectory(repository, capsys, monkeypatch):
    monkeypatch.chdir(repository / "ecs services")
    sarif = sarif_of(capsys, "taskdef.json")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"ecs%20services/taskdef.json"}


def test_output_file_and_category(repository, capsys):
    result = cli(capsys, "check", "--format", "sarif", "--output", "out/ecslint.sarif", "--sarif-category", "ecs/prod", ".")
    assert result.code == 2 and "cannot write out/ecslint.sarif" in result.err
    Path("out").mkdir()
    result = cli(capsys, "check", "--format", "sarif", "--output", "out/ecslint.sarif", "--sarif-category", "ecs/prod", ".")
    assert result.code == 1 and result.out == ""
    sarif = json.loads(Path("out/ecslint.sarif").read_text())
    assert sarif["runs"][0]["automationDetails"] == {"id": "ecs/prod/"}


def test_fingerprints_survive_edits_elsewhere(repository, capsys):
    before = sarif_of(capsys, "ecs services")["runs"][0]["results"]
    path = Path("ecs services/taskdef.json")
    path.write_text("\n\n\n" + path.read_text())
    after = sarif_of(capsys, "ecs services")["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 3 for r in before] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after
    ]


def test_suppressed_findings_stay_out_of_sarif(repository, capsys):
    data = json.loads(BAD)
    data["tags"] = [{"key": "ecslint:ignore", "value": "ECS3"}]
    Path("ecs services/taskdef.json").write_text(json.dumps(data))
    results = sarif_of(capsys, ".")["runs"][0]["results"]
    assert results and not any(r["ruleId"].startswith("ECS3") for r in results)
    assert not any("suppressions" in r for r in results)


def test_schema_file_is_where_tests_expect_it():
    assert REPO.joinpath("schemas", "task-definition.schema.json").is_file()
