"""Runs that must not pass and CI that must not lie: SARIF of failed runs, the action, the hooks' patterns."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.helpers import REPO, cli
from tests.test_sarif import validate

GOOD = json.dumps({"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 128}]})


@pytest.fixture
def repository(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "taskdef.json").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sarif_of_a_run_with_an_input_error_is_not_successful(repository, capsys):
    result = cli(capsys, "check", "--select", "ECS3", "--format", "sarif", "deploy", "typo/")
    assert result.code == 2
    sarif = json.loads(result.out)
    validate(sarif)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "error",
            "message": {"text": "typo: no such file or directory"},
            "descriptor": {"id": "input-error"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "typo", "uriBaseId": "%SRCROOT%"}}}],
        }
    ]


def test_sarif_of_a_clean_run_is_successful(repository, capsys):
    sarif = json.loads(cli(capsys, "check", "--select", "ECS3", "--format", "sarif", "deploy").out)
    assert sarif["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_no_arguments_prints_the_help(capsys):
    result = cli(capsys)
    assert result.code == 0 and result.out.startswith("Usage: ecslint [OPTIONS] COMMAND [ARGS]...") and "check" in result.out


def test_force_exclude_applies_to_stdin_filename(repository, capsys, monkeypatch):
    import io

    Path(".ecslint.toml").write_text('extend-exclude = ["legacy/"]\n')
    bad = json.dumps({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "bridge", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 128}]})

    def run(*args):
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(bad.encode())))
        return cli(capsys, "check", "--select", "ECS301", *args)

    assert run("--force-exclude", "--stdin-filename", "legacy/taskdef.json", "-").code == 0
    assert run("--stdin-filename", "legacy/taskdef.json", "-").code == 1
    assert run("--force-exclude", "--stdin-filename", "deploy/taskdef.json", "-").code == 1


def test_walking_honours_gitignore(repository, capsys):
    Path(".gitignore").write_text("cdk.out/\n*.generated.json\n!keep.generated.json\n/sub/build\n")
    bad = json.dumps({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "bridge", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 128}]})
    for name in ("cdk.out/a.json", "deploy/x.generated.json", "deploy/keep.generated.json", "sub/build/b.json", "other/sub/build/c.json"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(bad)
    Path("deploy/.gitignore").write_text("local-*.json\n")
    Path("deploy/local-1.json").write_text(bad)

    def linted(*args):
        out = cli(capsys, "check", "--select", "ECS301", *args).out
        return sorted(line.split(":")[0] for line in out.splitlines()[:-1])

    assert linted(".") == ["deploy/keep.generated.json", "other/sub/build/c.json"]
    assert linted("--no-respect-gitignore", ".") == ["cdk.out/a.json", "deploy/keep.generated.json", "deploy/local-1.json", "deploy/x.generated.json", "other/sub/build/c.json", "sub/build/b.json"]
    # Files named on the command line are linted whatever .gitignore says.
    assert linted("cdk.out/a.json") == ["cdk.out/a.json"]
    Path(".ecslint.toml").write_text("respect-gitignore = false\n")
    assert "cdk.out/a.json" in linted(".")
