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
    assert "ecslint/rules/details.json" in names
    # Every module of the source tree, subpackages included: a package left out of pyproject's list
    # installs fine and fails only when a rule of it first runs.
    modules = {path.relative_to(REPO).as_posix() for path in (REPO / "ecslint").rglob("*.py")}
    assert sorted(modules - set(names)) == []


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


def test_wheel_metadata_names_the_license_urls_and_python_versions(wheel):
    import email
    import tomllib
    import zipfile

    archive = zipfile.ZipFile(wheel)
    [metadata_name] = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
    metadata = email.message_from_bytes(archive.read(metadata_name))
    assert metadata["License-Expression"] == "Apache-2.0"
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in archive.namelist())
    urls = dict(value.split(", ", 1) for value in metadata.get_all("Project-URL"))
    assert set(urls) >= {"Homepage", "Changelog", "Issues"} and all(url.startswith("https://") for url in urls.values())
    classifiers = metadata.get_all("Classifier")
    requires = tomllib.loads(REPO.joinpath("pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.11" and {"Programming Language :: Python :: 3.11", "Programming Language :: Python :: 3.12"} <= set(classifiers)


def test_license_file_is_the_apache_license_the_metadata_names():
    text = REPO.joinpath("LICENSE").read_text()
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text


def test_changelog_has_a_section_for_this_version():
    from ecslint import __version__

    text = REPO.joinpath("CHANGELOG.md").read_text()
    assert "## [Unreleased]" in text and f"## [{__version__}]" in text
