"""A JSON file that Terraform reads with file()/templatefile() is linted once, with the resource, and findings on its
content are reported in that file, at its own lines and pointers, as if it were linted itself."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ecslint import workers
from tests.helpers import SARIF_SCHEMA, cli

MAIN_TF = """\
resource "aws_ecs_task_definition" "app" {
  family                = "app"
  network_mode          = "bridge"
  pid_mode              = "host"
  container_definitions = file("${path.module}/containers.json")
  tags = { "ecslint:ignore" = "ECS601" }
}

resource "aws_ecs_task_definition" "inline" {
  family                = "inline"
  network_mode          = "bridge"
  container_definitions = jsonencode([{
    name         = "db"
    image        = "postgres:latest"
    memory       = 256
    portMappings = [{ containerPort = 5432, hostPort = 5432 }]
  }])
}
"""
CONTAINERS = """\
[
  {
    "name": "web",
    "image": "nginx:latest",
    "memory": 128,
    "portMappings": [
      {
        "containerPort": 80,
        "hostPort": 8080
      }
    ]
  }
]
"""
SELECT = ("--isolated", "--select", "ECS304,ECS505,ECS601")
# ECS304 needs the resource's network mode: the JSON alone does not tell it. ECS601 on `nginx:latest` is
# suppressed by the resource's tag; the jsonencode() resource and the resource's own pid_mode stay in main.tf.
TEXT = """\
containers.json:9:9: ECS304 [warning] Container 'web': `portMappings[0].hostPort` is fixed at 8080 in `bridge` mode.
main.tf:4:3: ECS505 [warning] `pid_mode: host` shares the instance's process namespace with every container in the task, which can then see, signal and (with SYS_PTRACE) trace every process on the instance (Security Hub ECS.3).
main.tf:14:5: ECS601 [warning] Container 'db': image `postgres:latest` uses the `latest` tag, which moves with every push.
main.tf:16:45: ECS304 [warning] Container 'db': `portMappings[0].hostPort` is fixed at 5432 in `bridge` mode.
Found 4 problems (4 warnings) in 2 files. 1 suppressed.
"""
READER = "Read with `file()` by `container_definitions` of `aws_ecs_task_definition.app`"


@pytest.fixture
def module(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text(MAIN_TF)
    Path("containers.json").write_text(CONTAINERS)
    return tmp_path


def _json_findings(capsys, *args) -> list[dict]:
    result = cli(capsys, "check", *SELECT, "--format", "json", *args)
    assert result.code == 1, result.err
    return json.loads(result.out)["findings"]


@pytest.mark.parametrize("paths", [(".",), ("main.tf",), ("main.tf", "containers.json"), ("containers.json", "main.tf")])
def test_findings_on_the_file_content_are_at_its_own_lines(module, capsys, paths):
    # Walked, the .tf file named alone, or both named: the same findings, each once.
    result = cli(capsys, "check", *SELECT, *paths)
    assert (result.code, result.out) == (1, TEXT)


def test_the_json_named_with_its_terraform_is_not_linted_a_second_time(module, capsys):
    result = cli(capsys, "check", *SELECT, "--verbose", "main.tf", "containers.json")
    assert "ecslint: skipped containers.json: linted with the Terraform configuration that reads it\n" in result.err
    assert result.out.count("containers.json:") == 1


def test_json_format_has_the_files_path_position_and_pointer(module, capsys):
    found = _json_findings(capsys, "main.tf")[0]
    assert (found["path"], found["line"], found["column"], found["endLine"], found["endColumn"]) == ("containers.json", 9, 9, 9, 25)
    assert (found["rule"], found["pointer"]) == ("ECS304", "/0/portMappings/0/hostPort")
    assert found["related"] == [{"path": "main.tf", "line": 5, "column": 3, "pointer": "/resource/aws_ecs_task_definition/app/container_definitions", "message": READER}]


def test_full_format_shows_the_json_files_lines_and_the_reading_attribute(module, capsys):
    result = cli(capsys, "check", "--isolated", "--select", "ECS304", "--output-format", "full", "main.tf")
    assert result.out.splitlines()[:6] == [
        "containers.json:9:9: ECS304 [warning] Container 'web': `portMappings[0].hostPort` is fixed at 8080 in `bridge` mode.",
        "    So only one copy of this task fits on an instance and rolling deployments stall; use `hostPort: 0` (or leave it out) for dynamic port mapping.",
        f"    related: main.tf:5:3: {READER}",
        '    8 |         "containerPort": 80,',
        '    9 |         "hostPort": 8080',
        "      |         ^^^^^^^^^^^^^^^^",
    ]


def test_sarif_names_the_json_file_as_the_artifact(module, capsys):
    result = cli(capsys, "check", *SELECT, "--format", "sarif", "main.tf")
    sarif = json.loads(result.out)
    if SARIF_SCHEMA.is_file():
        from tests.test_sarif import github_checks, validate

        validate(sarif)
        github_checks(sarif)
    first = sarif["runs"][0]["results"][0]
    assert first["ruleId"] == "ECS304" and first["properties"] == {"pointer": "/0/portMappings/0/hostPort"}
    assert first["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "containers.json", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 9, "startColumn": 9, "endLine": 9, "endColumn": 25}}}]
    related = first["relatedLocations"][0]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "main.tf" and related["physicalLocation"]["region"]["startLine"] == 5
    assert [result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in sarif["runs"][0]["results"]] == ["containers.json", "main.tf", "main.tf", "main.tf"]


def test_github_annotations_name_the_json_file(module, capsys):
    result = cli(capsys, "check", *SELECT, "--format", "github", "main.tf")
    assert result.out.splitlines()[0].startswith("::warning file=containers.json,line=9,col=9,endLine=9,endColumn=25,title=ECS304 static-host-port::Container 'web'")


def test_baseline_keys_are_the_json_files_and_hide_its_findings(module, capsys):
    cli(capsys, "check", *SELECT, "--write-baseline", "baseline.json", "main.tf")
    entries = json.loads(Path("baseline.json").read_text())["findings"]
    assert {"path": "containers.json", "rule": "ECS304", "pointer": "/[name=web]/portMappings/0/hostPort", "count": 1} in entries
    assert [entry["path"] for entry in entries] == ["containers.json", "main.tf", "main.tf", "main.tf"]
    result = cli(capsys, "check", *SELECT, "--baseline", "baseline.json", ".")
    assert (result.code, result.out) == (0, "No problems found in 2 files. 1 suppressed. 4 hidden by the baseline.\n")


def test_a_baseline_used_with_the_tf_file_named_alone_covers_the_file_it_reads(module, capsys):
    cli(capsys, "check", *SELECT, "--write-baseline", "baseline.json", "main.tf")
    result = cli(capsys, "check", *SELECT, "--baseline", "baseline.json", "main.tf")
    assert (result.code, result.out) == (0, "No problems found in 2 files. 1 suppressed. 4 hidden by the baseline.\n")
    # Rewritten from the same run: the file read is part of it, so its entries are not carried over twice.
    result = cli(capsys, "check", *SELECT, "--baseline", "baseline.json", "--write-baseline", "again.json", "main.tf")
    assert json.loads(Path("again.json").read_text()) == json.loads(Path("baseline.json").read_text())
    # Fixed in the JSON file: its entry is stale, not kept as if it were outside the run.
    Path("containers.json").write_text(CONTAINERS.replace('"hostPort": 8080', '"hostPort": 0'))
    result = cli(capsys, "check", *SELECT, "--baseline", "baseline.json", "main.tf")
    assert result.out == "No problems found in 2 files. 1 suppressed. 3 hidden by the baseline. 1 baseline entry no longer match; rewrite the baseline with --write-baseline to drop them.\n"


def test_baseline_entries_recorded_at_the_tf_attribute_still_match(module, capsys):
    # Written when findings on the file's content were reported at the `.tf` attribute that reads it.
    recorded = {"path": "main.tf", "rule": "ECS304", "pointer": "/resource/aws_ecs_task_definition/app/container_definitions/0/portMappings/0/hostPort", "count": 1}
    Path("old.json").write_text(json.dumps({"version": 1, "tool": "ecslint", "findings": [recorded]}))
    result = cli(capsys, "check", "--isolated", "--select", "ECS304", "--baseline", "old.json", "main.tf")
    assert result.out == "main.tf:16:45: ECS304 [warning] Container 'db': `portMappings[0].hostPort` is fixed at 5432 in `bridge` mode.\nFound 1 problem (1 warning) in 2 files. 1 hidden by the baseline.\n"


def test_config_ignores_for_the_json_file_apply_and_so_do_the_tf_files(module, capsys):
    Path(".ecslint.toml").write_text('[per-file-ignores]\n"containers.json" = ["ECS304"]\n')
    result = cli(capsys, "check", "--select", "ECS304", "main.tf")
    assert result.out == "main.tf:16:45: ECS304 [warning] Container 'db': `portMappings[0].hostPort` is fixed at 5432 in `bridge` mode.\nFound 1 problem (1 warning) in 2 files. 1 suppressed.\n"
    Path(".ecslint.toml").write_text('[per-file-ignores]\n"main.tf" = ["ECS304"]\n')
    assert cli(capsys, "check", "--select", "ECS304", "main.tf").out == "No problems found in 2 files. 2 suppressed.\n"


def test_a_json_file_in_a_folder_under_the_configuration_is_linted_once(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("infra/templates").mkdir(parents=True)
    Path("infra/main.tf").write_text(MAIN_TF.replace("${path.module}/containers.json", "templates/containers.json"))
    Path("infra/templates/containers.json").write_text(CONTAINERS)
    result = cli(capsys, "check", "--isolated", "--select", "ECS304", ".")
    assert [line for line in result.out.splitlines() if "containers.json" in line] == [
        "infra/templates/containers.json:9:9: ECS304 [warning] Container 'web': `portMappings[0].hostPort` is fixed at 8080 in `bridge` mode."
    ]


TEMPLATE_TF = """\
variable "tag" {}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  network_mode          = "bridge"
  container_definitions = templatefile("${path.module}/containers.json.tpl", {
    name  = "a-container-name-longer-than-its-placeholder"
    image = "nginx:latest"
    tag   = var.tag
    port  = 8080
  })
}
"""
TEMPLATE = """\
[
  {
    "name": "${name}", "memory": 128, "image": "${image}",
    "portMappings": [{ "containerPort": 80, "hostPort": ${port} }],
    "environment": [{ "name": "RELEASE", "value": "${tag}" }], "privileged": true
  }
]
"""


@pytest.mark.parametrize("paths", [("main.tf",), ("main.tf", "containers.json.tpl")])
def test_templatefile_findings_map_back_through_the_templates_text(tmp_path, monkeypatch, capsys, paths):
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text(TEMPLATE_TF)
    Path("containers.json.tpl").write_text(TEMPLATE)
    result = cli(capsys, "check", "--isolated", "--select", "ECS304,ECS501,ECS601", "--format", "json", *paths)
    located = [(f["path"], f["rule"], f["pointer"], f["line"], f["column"], f["endLine"], f["endColumn"]) for f in json.loads(result.out)["findings"]]
    assert located == [
        # A filled value marks its placeholder: `"image": "${image}"`, and `"hostPort": ${port}`.
        ("containers.json.tpl", "ECS601", "/0/image", 3, 39, 3, 58),
        ("containers.json.tpl", "ECS304", "/0/portMappings/0/hostPort", 4, 45, 4, 64),
        # After a filled value longer than its placeholder, and an unknown one (`${tag}`), positions are the template's.
        ("containers.json.tpl", "ECS501", "/0/privileged", 5, 64, 5, 82),
    ]
    assert json.loads(result.out)["findings"][0]["message"].startswith("Container 'a-container-name-longer-than-its-placeholder': image `nginx:latest`")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_worker_processes_report_the_same_places_and_excerpts(module, capsys, monkeypatch):
    for number in range(4):
        Path(f"web-{number}.json").write_text(json.dumps({"family": f"web-{number}", "containerDefinitions": [{"name": "web", "image": "nginx:latest", "memory": 128}]}))
    arguments = ("check", "--isolated", "--select", "ECS304,ECS601", "--output-format", "full", ".")
    serial = cli(capsys, *arguments).out
    monkeypatch.setattr(workers, "MIN_FILES", 3)
    monkeypatch.setattr(workers, "_CHUNK", 2)
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    used = []
    original = workers.map_chunks
    monkeypatch.setattr(workers, "map_chunks", lambda *arguments: used.append(True) or original(*arguments))
    assert cli(capsys, *arguments).out == serial and used == [True]
    assert serial.startswith("containers.json:9:9: ECS304 [warning] Container 'web'") and '    9 |         "hostPort": 8080\n' in serial


def test_findings_judged_again_with_the_runs_repositories_replace_the_first_ones(module, capsys):
    # An image from a repository the run defines: ECS601 judges the task definition again, once.
    Path("containers.json").write_text(CONTAINERS.replace('"nginx:latest"', '"123456789012.dkr.ecr.us-east-1.amazonaws.com/web:latest"'))
    Path("ecr.tf").write_text('resource "aws_ecr_repository" "web" {\n  name                 = "web"\n  image_tag_mutability = "MUTABLE"\n}\n')
    result = cli(capsys, "check", "--isolated", "--select", "ECS601", "--no-inline-ignores", "--format", "json", ".")
    located = [(f["path"], f["line"], f["column"], f["pointer"]) for f in json.loads(result.out)["findings"]]
    assert located == [("containers.json", 4, 5, "/0/image"), ("main.tf", 14, 5, "/resource/aws_ecs_task_definition/inline/container_definitions/0/image")]
