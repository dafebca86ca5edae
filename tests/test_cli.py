"""The command-line contract of CLI.md: formats, exit codes, selection, config, suppressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecslint.rulebook import all_rules, rule_markdown
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


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A repository folder with one bad task definition, as the current directory."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "taskdef.json").write_text(FARGATE_BRIDGE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def check(capsys, *args):
    return cli(capsys, "check", "--select", "ECS0,ECS3,ECS4", *args)


def test_text_output_is_exact(project, capsys):
    result = check(capsys, "deploy/taskdef.json")
    assert result.code == 1
    assert result.out == (
        "deploy/taskdef.json:4:3: ECS301 [error] Fargate tasks must use `networkMode: awsvpc`, not `bridge`.\n"
        "deploy/taskdef.json:8:83: ECS304 [warning] Container 'web': `portMappings[0].hostPort` is fixed at 8080 in `bridge` mode.\n"
        "Found 2 problems (1 error, 1 warning) in 1 file.\n"
    )
    assert result.err == ""


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((), 1),
        (("--fail-on", "error"), 1),
        (("--fail-on", "none"), 0),
        (("--exit-zero",), 0),
        (("--select", "ECS304"), 1),
        (("--select", "ECS304", "--fail-on", "error"), 0),
        (("--select", "ECS003"), 0),
    ],
)
def test_exit_codes(project, capsys, args, code):
    selection = () if "--select" in args else ("--select", "ECS0,ECS3,ECS4")
    assert cli(capsys, "check", *selection, *args, "deploy").code == code


def test_notes_never_fail_by_default(project, capsys):
    Path("deploy/taskdef.json").write_text(json.dumps({"family": "w", "revision": 3, "containerDefinitions": [{"name": "w", "image": "nginx:1.27", "memory": 128}]}))
    result = check(capsys, "deploy")
    assert result.code == 0 and "ECS003 [note]" in result.out
    assert check(capsys, "--fail-on", "note", "deploy").code == 1


def test_select_and_ignore_take_prefixes_and_the_most_specific_wins(project, capsys):
    assert "ECS304" not in check(capsys, "--ignore", "ECS30", "deploy").out
    out = check(capsys, "--ignore", "ECS3", "--extend-select", "ECS304", "deploy").out
    assert "ECS304" in out and "ECS301" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "--select", "XYZ1"), "ecslint: error: unknown rule selector 'XYZ1' (expected a rule ID such as ECS301, a prefix such as ECS3, or a rule name such as fargate-requires-awsvpc)\n"),
        (("check", "--format", "xml", "."), None),
        (("check", "--bogus"), None),
        (("explain", "ECS999"), "ecslint: error: unknown rule 'ECS999' (see `ecslint rules`)\n"),
        (("frobnicate",), None),
    ],
)
def test_usage_errors_exit_2_with_one_line(project, capsys, args, message):
    result = cli(capsys, *args)
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.splitlines()) == 1 and result.err.startswith("ecslint: error: ")
    if message:
        assert result.err == message


def test_output_file_is_written_and_stdout_stays_empty(project, capsys):
    result = check(capsys, "--format", "json", "--output", "report.json", "deploy")
    assert result.code == 1 and result.out == ""
    report = json.loads(Path("report.json").read_text())
    assert [f["rule"] for f in report["findings"]] == ["ECS301", "ECS304"]
    assert not list(project.glob(".report.json.*"))


def test_json_report_shape(project, capsys):
    report = json.loads(check(capsys, "--format", "json", "deploy").out)
    assert report["summary"] == {"files": 1, "taskDefinitions": 1, "findings": 2, "errors": 1, "warnings": 1, "notes": 0, "suppressed": 0}
    assert report["findings"][0] == {
        "path": "deploy/taskdef.json",
        "line": 4,
        "column": 3,
        "endLine": 4,
        "endColumn": 26,
        "rule": "ECS301",
        "name": "fargate-requires-awsvpc",
        "level": "error",
        "message": "Fargate tasks must use `networkMode: awsvpc`, not `bridge`.",
        "pointer": "/networkMode",
        "logicalLocation": None,
        "related": [],
    }
    assert report["inputErrors"] == []
    assert report["baseline"] == {"hidden": 0, "stale": []}


def test_github_format(project, capsys):
    result = check(capsys, "--format", "github", "deploy")
    lines = result.out.splitlines()
    assert lines[0] == "::error file=deploy/taskdef.json,line=4,col=3,endLine=4,endColumn=26,title=ECS301 fargate-requires-awsvpc::Fargate tasks must use `networkMode: awsvpc`, not `bridge`."
    assert lines[1].startswith("::warning file=deploy/taskdef.json,line=8,col=83,")


def test_github_escaping():
    from ecslint.report.formatters.github import escape_data, escape_property

    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_tag_suppression_and_audit_mode(project, capsys):
    data = json.loads(FARGATE_BRIDGE)
    data["tags"] = [{"key": "ecslint:ignore", "value": "ECS304 ECS30"}]
    Path("deploy/taskdef.json").write_text(json.dumps(data))
    result = check(capsys, "deploy")
    assert result.code == 0
    assert result.out == "No problems found in 1 file. 2 suppressed.\n"
    assert check(capsys, "--no-inline-ignores", "deploy").code == 1


def test_config_in_pyproject(project, capsys):
    Path("pyproject.toml").write_text('[tool.ecslint]\nselect = ["ECS0", "ECS3", "ECS4"]\nextend-ignore = ["ECS304"]\nfail-on = "none"\nformat = "json"\n')
    result = cli(capsys, "check", "deploy")
    assert result.code == 0
    assert [f["rule"] for f in json.loads(result.out)["findings"]] == ["ECS301"]
    # Command-line options override the file.
    assert cli(capsys, "check", "--fail-on", "error", "--format", "text", "deploy").out.startswith("deploy/taskdef.json:4:3: ECS301")


def test_ecslint_toml_wins_over_pyproject(project, capsys):
    Path("pyproject.toml").write_text('[tool.ecslint]\nignore = ["ECS301"]\n')
    Path(".ecslint.toml").write_text('ignore = ["ECS304"]\n')
    out = cli(capsys, "check", "--select", "ECS3", "deploy").out
    assert "ECS301" in out and "ECS304" not in out
    assert "ECS304" in cli(capsys, "check", "--isolated", "--select", "ECS3", "deploy").out


def test_config_found_from_a_subdirectory(project, capsys, monkeypatch):
    Path(".ecslint.toml").write_text('ignore = ["ECS304"]\n')
    monkeypatch.chdir("deploy")
    assert "ECS304" not in cli(capsys, "check", "--select", "ECS3", "taskdef.json").out


def test_per_file_ignores_and_ignore_entries(project, capsys):
    Path(".ecslint.toml").write_text(
        'per-file-ignores = { "deploy/*.json" = ["ECS304"] }\n'
        "[[ignore]]\n"
        'path = "deploy/taskdef.json"\n'
        'rule = "ECS301"\n'
        'pointer = "/networkMode"\n'
        'reason = "migrating to awsvpc next sprint"\n'
    )
    result = check(capsys, "deploy")
    assert result.code == 0
    assert result.out == "No problems found in 1 file. 2 suppressed.\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("fail-on = 'sometimes'\n", "'fail-on' must be one of 'error', 'warning', 'note', 'none', got \"sometimes\""),
        ("selct = ['ECS3']\n", "'selct' is not an ecslint setting; did you mean 'select'"),
        ("[[ignore]]\npath = 'x'\nrule = 'ECS301'\nreason = ' '\n", "'ignore[0].reason' must say why the finding is ignored"),
        ("[[ignore]]\npath = 'x'\nrule = 'ECS301'\n", "'ignore[0].reason' is required"),
        ("select = ['NOPE']\n", "unknown rule selector 'NOPE'"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_config_exits_2_with_one_line(project, capsys, content, message):
    Path(".ecslint.toml").write_text(content)
    result = cli(capsys, "check", "deploy")
    assert result.code == 2 and result.out == ""
    assert len(result.err.splitlines()) == 1 and message in result.err


def test_explicit_config_path_and_missing_config(project, capsys):
    Path("custom.toml").write_text('ignore = ["ECS3"]\n')
    assert cli(capsys, "check", "--config", "custom.toml", "--select", "ECS3", "deploy").code == 0
    result = cli(capsys, "check", "--config", "nope.toml", "deploy")
    assert result.code == 2 and result.err == "ecslint: error: config file not found: nope.toml\n"


def test_exclude_and_force_exclude(project, capsys):
    Path(".ecslint.toml").write_text('extend-exclude = ["deploy/"]\n')
    assert check(capsys, ".").out == "No ECS document found under the paths given: nothing was checked.\n"
    assert check(capsys, "deploy/taskdef.json").code == 1
    assert check(capsys, "--force-exclude", "deploy/taskdef.json").code == 0


def test_rules_command(capsys):
    result = cli(capsys, "rules", "--format", "json")
    rules = json.loads(result.out)
    assert [r["id"] for r in rules] == sorted(all_rules())
    assert {"id": "ECS301", "name": "fargate-requires-awsvpc", "level": "error"}.items() <= rules[[r["id"] for r in rules].index("ECS301")].items()
    text = cli(capsys, "rules").out
    assert "ECS301  fargate-requires-awsvpc" in text


def test_explain_prints_the_rule_documentation(capsys):
    result = cli(capsys, "explain", "ecs301")
    assert result.code == 0
    assert result.out == rule_markdown(all_rules()["ECS301"])
    assert result.out.startswith("# ECS301 fargate-requires-awsvpc\n")
    assert cli(capsys, "explain", "fargate-requires-awsvpc").out == result.out


def test_version_names_the_schema_source(capsys):
    result = cli(capsys, "--version")
    assert result.code == 0
    assert result.out.startswith("ecslint 0.1.0 (task-definition schema from botocore 1.")


def test_colour_only_when_asked():
    from ecslint.engine import Report
    from ecslint.report.findings import Located, Region
    from ecslint.report.formatters import FormatContext
    from ecslint.report.formatters.text import format_text

    report = Report(findings=[Located("a.json", "ECS301", "fargate-requires-awsvpc", "error", "Msg.", "/networkMode", Region(1, 2, 1, 3))], files_checked=1)
    assert "\x1b[" not in format_text(report, {}, FormatContext(color=False))
    assert "\x1b[31mECS301\x1b[0m" in format_text(report, {}, FormatContext(color=True))


def test_related_locations_reach_json_and_sarif(tmp_path, capsys, monkeypatch):
    """A check may name another place (e.g. an IAM policy statement); both reports carry it with its line."""
    from ecslint.checks import CHECKS, Check, checks_for, load_all
    from ecslint.documents.parse import parse
    from ecslint.subjects.task_definition import TaskDefinition
    from ecslint.report.findings import Finding, Related

    policy = parse("iam/roles.json", b'{\n  "Statement": [\n    {"Effect": "Allow"}\n  ]\n}\n')

    def fake(task):
        yield Finding("ECS301", task.ptr("networkMode"), "Main message.", related=(Related(policy, "/Statement/0", "The statement."),))

    load_all()
    monkeypatch.setitem(CHECKS, ("ECS301", TaskDefinition), Check(fake, TaskDefinition))
    checks_for.cache_clear()
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    Path("taskdef.json").write_text(FARGATE_BRIDGE)
    finding = json.loads(cli(capsys, "check", "--select", "ECS301", "--format", "json", "taskdef.json").out)["findings"][0]
    assert finding["related"] == [{"path": "iam/roles.json", "line": 3, "column": 5, "pointer": "/Statement/0", "message": "The statement."}]
    result = json.loads(cli(capsys, "check", "--select", "ECS301", "--format", "sarif", "taskdef.json").out)["runs"][0]["results"][0]
    [related] = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "iam/roles.json"
    assert related["physicalLocation"]["region"]["startLine"] == 3 and related["message"]["text"] == "The statement."
    monkeypatch.undo()
    checks_for.cache_clear()
