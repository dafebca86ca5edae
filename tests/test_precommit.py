"""The pre-commit hook, tested the way users meet it: validate-manifest and try-repo."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from tests.helpers import REPO

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
        ("package.json", False),
        ("service.json", False),
        ("task-defaults.json", False),
    ],
)
def test_files_pattern(path, matched):
    [hook] = [hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()) if hook["id"] == "ecslint"]
    assert bool(re.search(hook["files"], path)) is matched


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
