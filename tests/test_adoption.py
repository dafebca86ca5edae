"""Adoption in CI: baselines, several reports from one run, the GitHub Action, end to end."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
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


def action_step(step_id: str) -> dict:
    return next(step for step in load_action()["runs"]["steps"] if step.get("id") == step_id)


def test_action_structure():
    action = load_action()
    assert set(action["inputs"]) == {"paths", "args", "fail-on", "sarif-file", "upload-sarif", "category", "python-version"}
    assert all("description" in spec for spec in action["inputs"].values())
    # Unset, --fail-on is not passed: the project's config decides.
    assert action["inputs"]["fail-on"]["default"] == ""
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["category"] == "${{ inputs.category }}"
    # A run that exited 2 (a typo in paths:) must not upload an empty report that closes every alert.
    assert "steps.lint.outputs.exit-code != '2'" in upload["if"]
    for step in steps:
        if "run" in step:
            # Inputs reach scripts through env:, never interpolated into the script text.
            assert "${{" not in step["run"] and step["shell"] == "bash"
        if "uses" in step:
            # Pinned by commit SHA, with the version in a comment (zizmor's unpinned-uses).
            assert re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
    assert any(step.get("uses", "").startswith("actions/setup-python@") and step["if"] == "steps.python.outputs.found != 'true'" for step in steps)
    assert any(step.get("uses", "").startswith("actions/cache@") for step in steps)
    assert steps[-1]["if"] == "always()"
    text = REPO.joinpath("action.yml").read_text()
    assert re.findall(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+", text) and "@v3" not in text


def fake_install(tmp_path: Path) -> Path:
    """A cached venv whose `ecslint` records its arguments and runs this checkout's ecslint."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    script = venv / "bin" / "ecslint"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/args"\nexec "{sys.executable}" -m ecslint "$@"\n')
    script.chmod(0o755)
    return venv


def run_lint_step(tmp_path: Path, workspace: Path, **inputs) -> tuple[subprocess.CompletedProcess, list[str], list[str]]:
    output = tmp_path / "github_output"
    output.write_text("")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "GITHUB_ACTION_PATH": str(REPO),
        "GITHUB_OUTPUT": str(output),
        "VENV": str(fake_install(tmp_path)),
        "CACHE_HIT": "true",
        "INPUT_PATHS": ".",
        "INPUT_ARGS": "",
        "INPUT_FAIL_ON": "",
        "INPUT_SARIF_FILE": "ecslint.sarif",
        **inputs,
    }
    result = subprocess.run(["bash", "-c", action_step("lint")["run"]], cwd=workspace, env=env, capture_output=True, text=True, timeout=300)
    return result, output.read_text().splitlines(), (tmp_path / "args").read_text().splitlines()


def test_action_passes_fail_on_only_when_set(tmp_path):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "taskdef.json").write_text(task([8080]))
    (workspace / ".ecslint.toml").write_text('select = ["ECS304"]\nfail-on = "error"\n')
    result, outputs, args = run_lint_step(tmp_path, workspace)
    assert result.returncode == 0, result.stderr
    assert "--fail-on" not in args and outputs == ["exit-code=0", "sarif-file=ecslint.sarif"]
    result, outputs, args = run_lint_step(tmp_path, workspace, INPUT_FAIL_ON="warning")
    assert args[args.index("--fail-on") + 1] == "warning" and outputs[0] == "exit-code=1"


def test_action_does_not_offer_the_sarif_of_a_run_that_exited_2(tmp_path):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "taskdef.json").write_text(task([0]))
    result, outputs, _ = run_lint_step(tmp_path, workspace, INPUT_PATHS="taskdef.json deploy/typo")
    assert result.returncode == 0, result.stderr
    assert outputs == ["exit-code=2"] and (workspace / "ecslint.sarif").is_file()


def test_action_fails_clearly_without_a_supported_python(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "python3").write_text("#!/bin/sh\ncase \"$1\" in --version) echo 'Python 3.8.10';; *) exit 1;; esac\n")
    (fake / "python3").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:/usr/bin:/bin", "GITHUB_OUTPUT": str(tmp_path / "out"), "GITHUB_ACTION_PATH": str(REPO)}
    result = subprocess.run(["bash", "-c", action_step("install-key")["run"]], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout.startswith("::error title=ecslint::ecslint needs Python 3.11 or newer, and this runner has Python 3.8.10;")


def test_action_cache_key_follows_the_action_files_and_python(tmp_path):
    env = {**os.environ, "GITHUB_OUTPUT": str(tmp_path / "out"), "GITHUB_ACTION_PATH": str(REPO), "RUNNER_OS": "Linux", "RUNNER_TEMP": str(tmp_path)}
    result = subprocess.run(["bash", "-c", action_step("install-key")["run"]], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "out").read_text().splitlines()
    assert re.fullmatch(r"key=ecslint-Linux-3\.\d+-[0-9a-f]{16}", lines[0]) and lines[1] == f"venv={tmp_path}/ecslint-action-venv"


def test_action_script_runs_like_github_would(tmp_path):
    workspace, output = tmp_path / "workspace", tmp_path / "github_output"
    workspace.mkdir()
    (workspace / "taskdef.json").write_text(task([8080, 8080]))
    (workspace / "good.task-definition.json").write_text(task([0]))
    script = action_step("lint")["run"]
    env = {
        **os.environ,
        "GITHUB_ACTION_PATH": str(REPO),
        "GITHUB_OUTPUT": str(output),
        "VENV": str(tmp_path / "venv"),
        "CACHE_HIT": "",
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
