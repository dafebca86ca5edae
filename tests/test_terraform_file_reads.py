"""Terraform `file()`/`templatefile()` read only regular files of the tree being linted, and their content is never echoed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ecslint.front_ends import parse, recognise
from ecslint.terraform.template import Unknown
from tests.helpers import cli

# Assembled so that this file holds no complete token.
SECRET = "ghp_" + "S3cr3tFr0mTh3Env1r0nm3nt" + "Abcd1234Efgh"
CONTAINERS = json.dumps([{"name": "web", "image": "nginx:latest", "memory": 256, "environment": [{"name": "CI_TOKEN", "value": SECRET}]}])


def _module(folder: Path, expression: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / "main.tf"
    main.write_text(f'resource "aws_ecs_task_definition" "web" {{\n  family = "web"\n  container_definitions = {expression}\n}}\n', encoding="utf-8")
    return main


def _containers(main: Path):
    [subject] = recognise(parse(str(main), main.read_bytes()))
    return subject.data.get("containerDefinitions")


def test_a_file_beside_the_module_is_read(tmp_path):
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "containers.json").write_text(CONTAINERS, encoding="utf-8")
    containers = _containers(_module(tmp_path / "mod", 'file("containers.json")'))
    assert containers[0]["name"] == "web"


def test_an_absolute_path_is_never_read(tmp_path):
    outside = tmp_path / "elsewhere.json"
    outside.write_text(CONTAINERS, encoding="utf-8")
    assert isinstance(_containers(_module(tmp_path / "mod", f'file("{outside}")')), Unknown)


def test_dot_dot_out_of_the_module_is_not_read_outside_a_repository(tmp_path):
    (tmp_path / "shared.json").write_text(CONTAINERS, encoding="utf-8")
    assert isinstance(_containers(_module(tmp_path / "mod", 'file("../shared.json")')), Unknown)


def test_dot_dot_within_the_repository_is_read_but_never_its_version_control_data(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(CONTAINERS, encoding="utf-8")
    (tmp_path / "shared.json").write_text(CONTAINERS, encoding="utf-8")
    assert _containers(_module(tmp_path / "infra" / "mod", 'file("../../shared.json")'))[0]["name"] == "web"
    assert isinstance(_containers(_module(tmp_path / "infra" / "other", 'file("../../.git/config")')), Unknown)


def test_a_symlink_out_of_the_tree_is_not_followed(tmp_path):
    (tmp_path / "outside.json").write_text(CONTAINERS, encoding="utf-8")
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "link.json").symlink_to(tmp_path / "outside.json")
    assert isinstance(_containers(_module(tmp_path / "mod", 'file("link.json")')), Unknown)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_not_read_and_does_not_hang(tmp_path):
    (tmp_path / "mod").mkdir()
    os.mkfifo(tmp_path / "mod" / "pipe.json")
    assert isinstance(_containers(_module(tmp_path / "mod", 'file("pipe.json")')), Unknown)


def test_devices_are_not_read(tmp_path):
    assert isinstance(_containers(_module(tmp_path / "mod", 'file("/dev/zero")')), Unknown)


@pytest.mark.parametrize("field", ["name", "image"])
def test_file_content_used_as_a_string_is_never_echoed(capsys, tmp_path, field):
    folder = tmp_path / "mod"
    folder.mkdir()
    (folder / "env.txt").write_text(f"CI_TOKEN={SECRET}\n\x1b[2J::error::fake\n", encoding="utf-8")
    value = {"name": '"web"', "image": '"nginx:latest"', field: 'file("env.txt")'}
    text = f'resource "aws_ecs_task_definition" "web" {{\n  family = "web"\n  container_definitions = jsonencode([{{ name = {value["name"]}, image = {value["image"]}, user = "root" }}])\n}}\n'
    (folder / "main.tf").write_text(text, encoding="utf-8")
    for output_format in ("text", "json", "sarif", "github"):
        result = cli(capsys, "check", "--isolated", "--format", output_format, str(folder / "main.tf"))
        assert SECRET[:10] not in result.out + result.err and "\x1b" not in result.out + result.err


def test_a_file_that_is_not_json_is_unknown_and_not_echoed(capsys, tmp_path):
    folder = tmp_path / "mod"
    folder.mkdir()
    (folder / "notes.txt").write_text(f"token {SECRET}", encoding="utf-8")
    main = _module(folder, 'file("notes.txt")')
    assert isinstance(_containers(main), Unknown)
    result = cli(capsys, "check", "--isolated", "--format", "json", str(main))
    assert SECRET[:10] not in result.out + result.err
