"""Concise and full text output, statistics, quiet runs, summaries; levels and selectors a team can tune."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecslint.report.formatters.excerpt import redact
from ecslint.report.formatters.sentences import split_first_sentence
from tests.helpers import cli

FARGATE_BRIDGE = """{
  "family": "web",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "bridge",
  "cpu": "256",
  "memory": "512",
  "containerDefinitions": [
    {"name": "web", "image": "nginx:1.27", "portMappings": [{"containerPort": 80, "hostPort": 8080}]}
  ]
}
"""
SELECT = ("--select", "ECS0,ECS3,ECS4")


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "taskdef.json").write_text(FARGATE_BRIDGE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def test_concise_is_the_default_and_full_adds_the_rest_and_an_excerpt(project, capsys):
    concise = cli(capsys, "check", *SELECT, "deploy/taskdef.json")
    assert concise.out.splitlines()[1] == "deploy/taskdef.json:8:83: ECS304 [warning] Container 'web': `portMappings[0].hostPort` is fixed at 8080 in `bridge` mode."
    full = cli(capsys, "check", *SELECT, "--output-format", "full", "deploy/taskdef.json")
    assert full.code == 1
    assert full.out == (
        "deploy/taskdef.json:4:3: ECS301 [error] Fargate tasks must use `networkMode: awsvpc`, not `bridge`.\n"
        '    3 |   "requiresCompatibilities": ["FARGATE"],\n'
        '    4 |   "networkMode": "bridge",\n'
        "      |   ^^^^^^^^^^^^^^^^^^^^^^^\n"
        "deploy/taskdef.json:8:83: ECS304 [warning] Container 'web': `portMappings[0].hostPort` is fixed at 8080 in `bridge` mode.\n"
        "    So only one copy of this task fits on an instance and rolling deployments stall; use `hostPort: 0` (or leave it out) for dynamic port mapping.\n"
        '    7 |   "containerDefinitions": [\n'
        '    8 |     {"name": "web", "image": "nginx:1.27", "portMappings": [{"containerPort": 80, "hostPort": 8080}]}\n'
        "      |                                                                                   ^^^^^^^^^^^^^^^^\n"
        "Found 2 problems (1 error, 1 warning) in 1 file.\n"
    )


def test_output_format_in_config(project, capsys):
    Path(".ecslint.toml").write_text('output-format = "full"\n')
    assert "    4 |   \"networkMode\": \"bridge\",\n" in cli(capsys, "check", *SELECT, "deploy").out


def test_full_format_shows_related_locations(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("iam.json").write_text(json.dumps({"RoleDetailList": [{"RoleName": "exec", "Arn": "arn:aws:iam::123456789012:role/exec", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}, "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}], "AttachedManagedPolicies": []}], "Policies": []}, indent=1))
    Path("taskdef.json").write_text(json.dumps({"family": "web", "taskRoleArn": "arn:aws:iam::123456789012:role/exec", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 128}]}, indent=1))
    result = cli(capsys, "check", "--isolated", "--select", "ECS107", "--iam", "iam.json", "--output-format", "full", "taskdef.json")
    related = [line for line in result.out.splitlines() if line.startswith("    related: ")]
    assert related and related[0].startswith("    related: iam.json:"), result.out


def test_excerpt_never_shows_string_values_that_may_be_secrets():
    assert redact('{"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI/K7MDENG"}') == '{"name": "AWS_SECRET_ACCESS_KEY", "value": "…"}'
    assert redact('"command": ["sh", "-c", "export PW=abcdefg"]') == '"command": ["sh", "-c", "…"]'
    assert redact("  Value: supersecretvalue") == "  Value: …"
    assert redact('  password = "hunter2hunter"') == '  password = "…"'
    assert redact('  "image": "nginx:latest",') == '  "image": "nginx:latest",'


def test_full_format_masks_a_secret_in_the_excerpt(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    Path("taskdef.json").write_text(json.dumps({"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 128, "environment": [{"name": "AWS_SECRET_ACCESS_KEY", "value": secret}]}]}, indent=1))
    result = cli(capsys, "check", "--isolated", "--select", "ECS201", "--output-format", "full", "taskdef.json")
    assert "ECS201" in result.out and secret not in result.out and secret[:8] not in result.out


@pytest.mark.parametrize(
    ("message", "first", "rest"),
    [
        ("Fargate tasks need task-level `cpu` and `memory`; this task definition does not set them.", "Fargate tasks need task-level `cpu` and `memory`.", "This task definition does not set them."),
        ("Image `a.b:1.2` is old. Use a newer one.", "Image `a.b:1.2` is old.", "Use a newer one."),
        ("`user` is not set, so the container runs as root (e.g. `USER 0`).", "`user` is not set.", "The container runs as root (e.g. `USER 0`)." if False else "So the container runs as root (e.g. `USER 0`)."),
        ("Set it (for example, `x; y`. Or not) now.", "Set it (for example, `x; y`. Or not) now.", ""),
        ("One sentence only.", "One sentence only.", ""),
    ],
)
def test_first_sentence(message, first, rest):
    assert split_first_sentence(message) == (first, rest)


def test_statistics_count_per_rule_sorted(project, capsys):
    Path("deploy/second.json").write_text(FARGATE_BRIDGE)
    result = cli(capsys, "check", *SELECT, "--statistics", "deploy")
    assert result.out == (
        "2  ECS301  [error]    fargate-requires-awsvpc\n"
        "2  ECS304  [warning]  static-host-port\n"
        "Found 4 problems (2 errors, 2 warnings) in 2 files.\n"
    )
    assert cli(capsys, "check", *SELECT, "--statistics", "-q", "deploy").out == "2  ECS301  [error]    fargate-requires-awsvpc\n2  ECS304  [warning]  static-host-port\n"


def test_quiet_prints_findings_only(project, capsys):
    result = cli(capsys, "check", *SELECT, "-q", "deploy")
    assert result.code == 1 and result.out.count("\n") == 2 and "Found" not in result.out
    Path("deploy/taskdef.json").write_text(FARGATE_BRIDGE.replace("bridge", "awsvpc").replace(', "hostPort": 8080', ""))
    assert cli(capsys, "check", *SELECT, "--quiet", "deploy") .out == ""


def test_no_problems_found_is_never_said_of_a_run_that_exits_2(project, capsys):
    Path("deploy/taskdef.json").write_text(FARGATE_BRIDGE.replace("bridge", "awsvpc").replace(', "hostPort": 8080', ""))
    result = cli(capsys, "check", *SELECT, "deploy", "missing.json")
    assert result.code == 2
    assert result.out == "Checked 1 file, but 1 input could not be read (listed on stderr): the run is incomplete.\n"
    assert result.err == "ecslint: error: missing.json: no such file or directory\n"


def test_a_run_that_found_no_document_says_so(project, capsys):
    Path("empty").mkdir()
    Path("empty/package.json").write_text('{"name": "x"}')
    result = cli(capsys, "check", "empty")
    assert (result.code, result.out) == (0, "No ECS document found under the paths given: nothing was checked.\n")


# Levels


def test_levels_in_config_and_on_the_command_line(project, capsys):
    Path(".ecslint.toml").write_text('[levels]\nECS304 = "note"\nfargate-requires-awsvpc = "warning"\n')
    result = cli(capsys, "check", *SELECT, "--format", "json", "deploy")
    levels = {f["rule"]: f["level"] for f in json.loads(result.out)["findings"]}
    assert levels == {"ECS301": "warning", "ECS304": "note"}
    # The command line wins over config, and off disables the rule.
    result = cli(capsys, "check", *SELECT, "--level", "ECS301=off", "--level", "ECS304=error", "deploy")
    assert "ECS301" not in result.out and "ECS304 [error]" in result.out and result.code == 1
    # The most specific selector wins; for the same selector, the command line.
    result = cli(capsys, "check", *SELECT, "--level", "ECS3=note", "--fail-on", "warning", "deploy")
    assert result.code == 1 and "ECS301 [warning]" in result.out
    Path(".ecslint.toml").unlink()
    result = cli(capsys, "check", *SELECT, "--level", "ECS3=note", "--fail-on", "warning", "deploy")
    assert result.code == 0 and "ECS301 [note]" in result.out


def test_sarif_carries_the_effective_level(project, capsys):
    result = cli(capsys, "check", *SELECT, "--level", "ECS304=error", "--format", "sarif", "deploy")
    run = json.loads(result.out)["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "ECS304")
    assert rule["defaultConfiguration"]["level"] == "error"
    assert {r["ruleId"]: r["level"] for r in run["results"]}["ECS304"] == "error"


def test_rules_shows_the_effective_level(project, capsys):
    Path(".ecslint.toml").write_text('[levels]\nECS702 = "off"\nECS502 = "note"\n')
    lines = {line.split()[0]: line.split()[2] for line in cli(capsys, "rules").out.splitlines()}
    assert (lines["ECS702"], lines["ECS502"], lines["ECS301"]) == ("off", "note", "error")
    data = {r["id"]: r["level"] for r in json.loads(cli(capsys, "rules", "--format", "json", "--level", "ECS301=warning").out)}
    assert (data["ECS301"], data["ECS702"]) == ("warning", "off")
    assert {r["id"]: r["level"] for r in json.loads(cli(capsys, "rules", "--format", "json", "--isolated").out)}["ECS702"] == "note"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--level", "ECS001=note"), "ecslint: error: ECS001 (invalid-document) cannot be set to note: a file that cannot be read always fails the run\n"),
        (("--level", "ECS301=loud"), "ecslint: error: level 'loud' for 'ECS301' must be one of error, warning, note, off\n"),
        (("--level", "ECS301"), "ecslint: error: --level 'ECS301': expected RULE=LEVEL, e.g. ECS702=off\n"),
        (("--ignore", "ECS001"), "ecslint: error: ECS001 (invalid-document) cannot be ignored: a file that cannot be read always fails the run\n"),
        (("--select", "E"), "ecslint: error: unknown rule selector 'E' (expected a rule ID such as ECS301, a prefix such as ECS3, or a rule name such as fargate-requires-awsvpc)\n"),
        (("--ignore", "fargate-requires-awsvp"), "ecslint: error: unknown rule selector 'fargate-requires-awsvp' (expected a rule ID such as ECS301, a prefix such as ECS3, or a rule name such as fargate-requires-awsvpc)\n"),
    ],
)
def test_unusable_levels_and_selectors_are_usage_errors(project, capsys, args, message):
    result = cli(capsys, "check", *args, "deploy")
    assert (result.code, result.out, result.err) == (2, "", message)


def test_selectors_accept_rule_names(project, capsys):
    result = cli(capsys, "check", "--select", "fargate-requires-awsvpc,static-host-port", "--ignore", "static-host-port", "deploy")
    assert [line.split()[1] for line in result.out.splitlines()[:-1]] == ["ECS301"]
    Path(".ecslint.toml").write_text('per-file-ignores = { "deploy/*.json" = ["fargate-requires-awsvpc"] }\n')
    result = cli(capsys, "check", "--select", "ECS3", "deploy")
    assert "ECS301" not in result.out and "1 suppressed" in result.out


def test_ecs001_cannot_be_deselected(project, capsys):
    Path("deploy/broken.json").write_text('{"family": ')
    result = cli(capsys, "check", "--select", "ECS5", "deploy/broken.json")
    assert result.code == 1 and "deploy/broken.json:1:12: ECS001 [error]" in result.out
    Path(".ecslint.toml").write_text('select = ["ECS5"]\nignore = ["ECS0"]\nper-file-ignores = { "deploy/*" = ["ECS001"] }\n')
    result = cli(capsys, "check", "deploy/broken.json")
    assert result.code == 1 and "ECS001" in result.out


def test_tool_ecslint_table_in_ecslint_toml_is_accepted(project, capsys):
    Path(".ecslint.toml").write_text('[tool.ecslint]\nselect = ["ECS301"]\n')
    result = cli(capsys, "check", "deploy")
    assert [line.split()[1] for line in result.out.splitlines()[:-1]] == ["ECS301"]
    Path("other.toml").write_text('select = ["ECS301"]\n[tool.ecslint]\nignore = ["ECS304"]\n')
    result = cli(capsys, "check", "--config", "other.toml", "deploy")
    assert result.code == 2
    assert result.err == "ecslint: error: invalid config in other.toml: settings both at the top level (select) and in [tool.ecslint]; in other.toml write them at the top level only\n"


def test_iam_and_baseline_in_config(project, capsys):
    Path("deploy/taskdef.json").write_text(json.dumps({"family": "web", "taskRoleArn": "arn:aws:iam::123456789012:role/app", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 128}]}))
    Path("ci").mkdir()
    Path("ci/iam.json").write_text(json.dumps({"RoleDetailList": [{"RoleName": "app", "Arn": "arn:aws:iam::123456789012:role/app", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}, "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}], "AttachedManagedPolicies": []}]}))
    Path(".ecslint.toml").write_text('select = ["ECS107"]\niam = ["ci/iam.json"]\nbaseline = "ci/baseline.json"\n')
    assert cli(capsys, "check", "--write-baseline", "ci/baseline.json", "deploy").code == 0
    assert [entry["rule"] for entry in json.loads(Path("ci/baseline.json").read_text())["findings"]] == ["ECS107"]
    result = cli(capsys, "check", "deploy")
    assert (result.code, result.out) == (0, "No problems found in 1 file. 1 hidden by the baseline.\n")
