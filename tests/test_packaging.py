"""The package installs as users get it: a built wheel carries the rule and schema data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv

import pytest

from tests.helpers import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    # Build from a clean copy: setuptools reuses ./build, where modules deleted since linger.
    source = tmp_path_factory.mktemp("source") / "ecslint"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns("build", "dist", ".git", ".venv", ".ci-venv", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis"))
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)], check=True, capture_output=True)
    [built] = out.glob("ecslint-*.whl")
    return built


def test_wheel_contains_rules_and_schemas(wheel):
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "ecslint/rules/ECS301.toml" in names
    assert "ecslint/schemas/task-definition.schema.json" in names
    assert "ecslint/schemas/config.schema.json" in names


def test_wheel_installs_into_a_fresh_venv_and_runs(wheel, tmp_path):
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True, timeout=600)
    rules = subprocess.run([str(target / "bin" / "ecslint"), "rules"], capture_output=True, text=True, cwd=tmp_path)
    assert rules.returncode == 0, rules.stderr
    assert "ECS301  fargate-requires-awsvpc" in rules.stdout
    check = subprocess.run([str(target / "bin" / "ecslint"), "check", "--select", "ECS3,ECS4", str(REPO / "examples")], capture_output=True, text=True, cwd=tmp_path)
    assert check.returncode == 1 and "ECS301 [error]" in check.stdout
