"""Adoption in CI: baselines, several reports from one run, the GitHub Action, end to end."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.helpers import REPO, cli

SELECT = ("--select", "ECS3")


def task(host_ports: list[int]) -> str:
    containers = [{"name": f"c{i}", "image": "nginx:1.27", "memory": 128, "portMappings": [{"containerPort": 80, "hostPort": port}]} for i, port in enumerate(host_ports)]
    return json.dumps({"family": "legacy", "containerDefinitions": containers}, indent=2) + "\n"


@pytest.fixture
def legacy_repo(tmp_path, monkeypatch):
    """25 task definitions with 2 static host ports each: 50 legacy ECS304 findings."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for number in range(25):
        (tmp_path / f"svc{number:02d}.task-definition.json").write_text(task([8000 + number, 9000 + number]))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_write_baseline_is_sorted_keyed_by_pointer_and_exits_0(legacy_repo, capsys):
    result = cli(capsys, "check", *SELECT, "--write-baseline", "baseline.json", ".")
    assert result.code == 0
    assert result.err == "ecslint: wrote 50 findings to the baseline baseline.json\n"
    data = json.loads(Path("baseline.json").read_text())
    assert data["version"] == 1 and len(data["findings"]) == 50
    assert data["findings"][0] == {"path": "svc00.task-definition.json", "rule": "ECS304", "pointer": "/containerDefinitions/0/portMappings/0/hostPort", "count": 1}
    assert data["findings"] == sorted(data["findings"], key=lambda e: (e["path"], e["rule"], e["pointer"]))
    assert "line" not in Path("baseline.json").read_text()


def test_baseline_hides_old_findings_and_flags_stale_entries(legacy_repo, capsys):
    cli(capsys, "check", *SELECT, "--write-baseline", "baseline.json", ".")
    result = cli(capsys, "check", *SELECT, "--baseline", "baseline.json", ".")
    assert (result.code, result.out) == (0, "No problems found in 25 files. 50 hidden by the baseline.\n")
    # Fixing one problem leaves a stale entry that the summary points out.
    Path("svc00.task-definition.json").write_text(task([0, 9000]))
    result = cli(capsys, "check", *SELECT, "--baseline", "baseline.json", ".")
    assert result.out == "No problems found in 25 files. 49 hidden by the baseline. 1 baseline entry no longer match; rewrite the baseline with --write-baseline to drop them.\n"
    stale = json.loads(cli(capsys, "check", *SELECT, "--format", "json", "--baseline", "baseline.json", ".").out)["baseline"]["stale"]
    assert stale == [{"path": "svc00.task-definition.json", "rule": "ECS304", "pointer": "/containerDefinitions/0/portMappings/0/hostPort", "count": 1}]


def test_baseline_survives_line_moves_and_works_from_a_subdirectory(legacy_repo, capsys, monkeypatch):
    cli(capsys, "check", *SELECT, "--write-baseline", "baseline.json", ".")
    path = Path("svc03.task-definition.json")
    path.write_text("\n\n" + path.read_text())
    Path("sub").mkdir()
    monkeypatch.chdir("sub")
    assert cli(capsys, "check", *SELECT, "--baseline", "../baseline.json", "..").code == 0


@pytest.mark.parametrize(("content", "message"), [("{", "is not valid JSON"), ('{"version": 9, "findings": []}', "is not an ecslint baseline"), ('{"version": 1, "findings": [{"path": 1}]}', "malformed entry")])
def test_bad_baseline_exits_2(legacy_repo, capsys, content, message):
    Path("baseline.json").write_text(content)
    result = cli(capsys, "check", *SELECT, "--baseline", "baseline.json", ".")
    assert result.code == 2 and message in result.err and len(result.err.splitlines()) == 1
    assert cli(capsys, "check", "--baseline", "missing.json", ".").code == 2


def test_several_reports_from_one_run(legacy_repo, capsys, monkeypatch):
    import ecslint.check_command as command

    runs = []
    real_run = command.run
    monkeypatch.setattr(command, "run", lambda *a, **k: runs.append(1) or real_run(*a, **k))
    result = cli(capsys, "check", *SELECT, "--format", "github", "--report", "sarif:out.sarif", "--report", "json:out.json", ".")
    assert result.code == 1 and len(runs) == 1
    assert result.out.count("::warning ") == 50
    assert len(json.loads(Path("out.sarif").read_text())["runs"][0]["results"]) == 50
    assert json.loads(Path("out.json").read_text())["summary"]["findings"] == 50


@pytest.mark.parametrize(("args", "message"), [(("--report", "xml:out.xml"), "--report 'xml:out.xml'"), (("--report", "json"), "only one report can go to stdout")])
def test_bad_report_options(legacy_repo, capsys, args, message):
    result = cli(capsys, "check", *args, ".")
    assert result.code == 2 and message in result.err


def test_adopting_on_a_legacy_repository_end_to_end(legacy_repo, capsys):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost"}
    # The adoption PR: a baseline of the 50 legacy findings, and CI passes.
    assert cli(capsys, "check", *SELECT, "--write-baseline", "ecslint-baseline.json", ".").code == 0
    subprocess.run(["git", "add", "."], check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "adopt ecslint"], check=True, env=env)
    assert cli(capsys, "check", *SELECT, "--baseline", "ecslint-baseline.json", ".").code == 0
    # The next PR edits a file (lines move) and adds one new problem: a third static port clashing with the first.
    path = Path("svc07.task-definition.json")
    data = json.loads(path.read_text())
    data["containerDefinitions"].append({"name": "new", "image": "nginx:1.27", "memory": 128, "portMappings": [{"containerPort": 81, "hostPort": 8007}]})
    path.write_text("\n" + json.dumps(data, indent=4))
    result = cli(capsys, "check", *SELECT, "--fail-on", "error", "--baseline", "ecslint-baseline.json", "--format", "github", "--report", "sarif:ecslint.sarif", ".")
    assert result.code == 1
    annotations = result.out.splitlines()
    assert [line.split(" ", 1)[0] for line in annotations] == ["::error", "::warning"]
    assert annotations[0].startswith("::error file=svc07.task-definition.json,line=")
    assert "title=ECS302 host-port-clash::Container 'new': `portMappings[0]` claims host port 8007/tcp, already claimed by container 'c0'" in annotations[0]
    assert "title=ECS304 static-host-port::Container 'new'" in annotations[1]
    results = json.loads(Path("ecslint.sarif").read_text())["runs"][0]["results"]
    assert [(r["ruleId"], r["properties"]["pointer"]) for r in results] == [
        ("ECS302", "/containerDefinitions/2/portMappings/0/hostPort"),
        ("ECS304", "/containerDefinitions/2/portMappings/0/hostPort"),
    ]


# --- the GitHub Action -------------------------------------------------------------------


def load_action() -> dict:
    return yaml.safe_load(REPO.joinpath("action.yml").read_text())


def test_action_structure():
    action = load_action()
    assert set(action["inputs"]) == {"paths", "args", "fail-on", "sarif-file", "upload-sarif", "category"}
    assert all("description" in spec for spec in action["inputs"].values())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert steps[1]["uses"].startswith("github/codeql-action/upload-sarif@")
    assert steps[1]["with"]["category"] == "${{ inputs.category }}"
    for step in steps:
        if "run" in step:
            # Inputs reach scripts through env:, never interpolated into the script text.
            assert "${{" not in step["run"] and step["shell"] == "bash"
    assert steps[-1]["if"] == "always()"


def test_action_script_runs_like_github_would(tmp_path):
    workspace, output = tmp_path / "workspace", tmp_path / "github_output"
    workspace.mkdir()
    (workspace / "taskdef.json").write_text(task([8080, 8080]))
    (workspace / "good.task-definition.json").write_text(task([0]))
    script = load_action()["runs"]["steps"][0]["run"]
    env = {
        **os.environ,
        "GITHUB_ACTION_PATH": str(REPO),
        "GITHUB_OUTPUT": str(output),
        "RUNNER_TEMP": str(tmp_path),
        "INPUT_PATHS": "taskdef.json good.task-definition.json",
        "INPUT_ARGS": "--select ECS3",
        "INPUT_FAIL_ON": "error",
        "INPUT_SARIF_FILE": "ecslint.sarif",
    }
    result = subprocess.run(["bash", "-c", script], cwd=workspace, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert "::error file=taskdef.json,line=" in result.stdout and "title=ECS302 host-port-clash" in result.stdout
    assert output.read_text().splitlines() == ["exit-code=1", "sarif-file=ecslint.sarif"]
    assert json.loads((workspace / "ecslint.sarif").read_text())["runs"][0]["results"]
