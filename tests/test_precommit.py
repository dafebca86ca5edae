"""The pre-commit hook, tested the way users meet it: validate-manifest and try-repo."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from tests.helpers import CORPUS, REPO, needs_shared

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
BAD = {"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "bridge", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]}
GOOD = {"family": "web", "tags": [{"key": "ecslint:ignore", "value": "ECS1 ECS2 ECS5 ECS6 ECS7"}], "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]}


def test_manifest_is_valid():
    result = subprocess.run([*PRE_COMMIT, "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("path", "matched"),
    [
        ("taskdef.json", True),
        ("task-definition.json", True),
        ("web_task_def.json", True),
        ("deploy/taskdef.prod.json", True),
        ("ecs/prod.task-definition.json", True),
        ("task-definitions.json", True),
        ("container-definitions.json", True),
        ("infra/container_definitions.prod.json", True),
        ("container-definitions/db.json", True),
        ("web-task.json", True),
        ("task.json", True),
        ("td.json", True),
        ("tests/run-test-td.json", True),
        ("ecs/web.json", True),
        ("deploy/ecs/prod/web.json", True),
        (".aws/deploy-prod.json", True),
        ("nginx/nginx_fargate.json", True),
        ("sidecar/combination-ec2.json", True),
        ("TaskDefinition.json", True),
        ("package.json", False),
        ("service.json", False),
        ("task-defaults.json", False),
        (".vscode/tasks.json", False),
        ("tsconfig.json", False),
        ("std.json", False),
    ],
)
def test_files_pattern(path, matched):
    [hook] = [hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()) if hook["id"] == "ecslint"]
    assert bool(re.search(hook["files"], path)) is matched


def test_every_hook_skips_files_that_are_not_ecs_documents():
    for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()):
        assert "--skip-unrecognised" in hook["entry"].split(), hook["id"]


@needs_shared
def test_files_pattern_matches_the_corpus_task_definitions():
    """The names real repositories give their task definitions (MANIFEST.tsv records the original paths)."""
    import csv

    [hook] = [hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()) if hook["id"] == "ecslint"]
    with (CORPUS / "MANIFEST.tsv").open() as manifest:
        paths = [row["path_in_repo"] for row in csv.DictReader(manifest, delimiter="\t") if row["kind"] in ("taskdef", "describe", "containers") and row["path_in_repo"].endswith(".json")]
    matched = [path for path in paths if re.search(hook["files"], path)]
    assert len(matched) / len(paths) >= 0.95, sorted(set(paths) - set(matched))


def test_skip_unrecognised_skips_other_json_quietly(tmp_path, monkeypatch, capsys):
    from tests.helpers import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "package.json").write_text('{"name": "web", "version": "1.0.0"}')
    (tmp_path / "broken-package.json").write_text('{"name": ')
    (tmp_path / "bad.task-definition.json").write_text(json.dumps(BAD))
    result = cli(capsys, "check", "--isolated", "--skip-unrecognised", "package.json", "broken-package.json")
    assert (result.code, result.out, result.err) == (0, "No ECS document found under the paths given: nothing was checked.\n", "")
    # Without the flag a file named on the command line must be an ECS document.
    assert cli(capsys, "check", "--isolated", "package.json").code == 1
    # A task definition that does not parse still fails.
    (tmp_path / "broken.task-definition.json").write_text('{"containerDefinitions": [')
    result = cli(capsys, "check", "--isolated", "--skip-unrecognised", "package.json", "broken.task-definition.json", "bad.task-definition.json")
    assert result.code == 1 and "broken.task-definition.json:1:27: ECS001" in result.out and "bad.task-definition.json:1:" in result.out


@pytest.fixture(scope="module")
def user_repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("user-repo")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost", "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "bad.task-definition.json").write_text(json.dumps(BAD, indent=2))
    (repo / "good.task-definition.json").write_text(json.dumps(GOOD, indent=2))
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)
    return repo, env


def _try_repo(user_repo, filename):
    repo, env = user_repo
    return subprocess.run([*PRE_COMMIT, "try-repo", str(REPO), "ecslint", "--files", filename], cwd=repo, env=env, capture_output=True, text=True, timeout=900)


def test_try_repo_fails_on_a_bad_file_and_prints_the_finding(user_repo):
    result = _try_repo(user_repo, "bad.task-definition.json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "bad.task-definition.json:6:3: ECS301 [error] Fargate tasks must use `networkMode: awsvpc`, not `bridge`." in result.stdout


def test_try_repo_passes_on_a_good_file(user_repo):
    result = _try_repo(user_repo, "good.task-definition.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
