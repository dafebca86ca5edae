"""A JSON file that Terraform in the same run reads with file()/templatefile() is linted once, with the resource."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import cli

MAIN_TF = """
resource "aws_ecs_task_definition" "app" {
  family                = "app"
  network_mode          = "bridge"
  container_definitions = file("${path.module}/container-definitions.json")
  tags = { "ecslint:ignore" = "ECS601" }
}
"""
CONTAINERS = json.dumps([{"name": "web", "image": "nginx:latest", "memory": 128, "portMappings": [{"containerPort": 80, "hostPort": 8080}]}])


def test_json_read_by_terraform_is_linted_once_with_the_resources_suppressions(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text(MAIN_TF)
    Path("container-definitions.json").write_text(CONTAINERS)
    result = cli(capsys, "check", "--isolated", "--select", "ECS304,ECS601", "--verbose", ".")
    # ECS304 needs the resource's network mode; ECS601 is suppressed by the resource's tag.
    assert result.out == "main.tf:5:3: ECS304 [warning] Container 'web': `portMappings[0].hostPort` is fixed at 8080 in `bridge` mode.\nFound 1 problem (1 warning) in 1 file. 1 suppressed.\n"
    assert "ecslint: skipped container-definitions.json: linted with the Terraform configuration that reads it\n" in result.err


def test_json_alone_is_linted_on_its_own(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text(MAIN_TF)
    Path("container-definitions.json").write_text(CONTAINERS)
    result = cli(capsys, "check", "--isolated", "--select", "ECS304,ECS601", "container-definitions.json")
    assert [line.split()[1] for line in result.out.splitlines()[:-1]] == ["ECS601"]
