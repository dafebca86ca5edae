"""A problem on a role several task definitions share: one finding per document, the other task definitions related."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import cli

TRUST = '''
resource "aws_iam_role" "shared" {
  name               = "shared"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = {Service = "ecs-tasks.amazonaws.com"}, Action = "sts:AssumeRole"}]})
  inline_policy {
    name   = "admin"
    policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "*", Resource = "*"}]})
  }
}
'''

TASK = '''
resource "aws_ecs_task_definition" "%s" {
  family                = "%s"
  task_role_arn         = aws_iam_role.shared.arn
  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27", memory = 256, essential = true }])
}
'''


def _json(capsys, *paths) -> dict:
    result = cli(capsys, "check", "--isolated", "--select", "ECS107,ECS109", "--format", "json", *map(str, paths))
    return json.loads(result.out)


def _places(report: dict) -> list:
    return [
        (Path(f["path"]).name, f["rule"], f["line"], f["pointer"], [(Path(r["path"]).name, r["line"], r["pointer"], r["message"]) for r in f["related"]])
        for f in report["findings"]
    ]


def test_a_role_shared_by_task_definitions_of_one_module_is_reported_once(tmp_path, capsys):
    (tmp_path / "iam.tf").write_text(TRUST)
    (tmp_path / "web.tf").write_text(TASK % ("web", "web"))
    (tmp_path / "worker.tf").write_text(TASK % ("worker", "worker") + TASK % ("cron", "cron"))
    report = _json(capsys, tmp_path)
    also = "Another task definition with the same role (`task_role_arn`)"
    assert _places(report) == [
        ("web.tf", "ECS107", 4, "/resource/aws_ecs_task_definition/web/task_role_arn", [
            ("iam.tf", 7, "/resource/aws_iam_role/shared/inline_policy/0/policy/Statement/0", "Statement 1 of policy 'admin' allows every action on every resource"),
            ("worker.tf", 4, "/resource/aws_ecs_task_definition/worker/task_role_arn", also),
            ("worker.tf", 10, "/resource/aws_ecs_task_definition/cron/task_role_arn", also),
        ]),
        ("web.tf", "ECS109", 4, "/resource/aws_ecs_task_definition/web/task_role_arn", [
            ("iam.tf", 4, "/resource/aws_iam_role/shared/assume_role_policy/Statement/0", "Statement 1 of the trust policy trusts `ecs-tasks.amazonaws.com` without a source condition"),
            ("worker.tf", 4, "/resource/aws_ecs_task_definition/worker/task_role_arn", also),
            ("worker.tf", 10, "/resource/aws_ecs_task_definition/cron/task_role_arn", also),
        ]),
    ]
    assert report["summary"]["findings"] == 2 and report["summary"]["taskDefinitions"] == 3
    # Another module with the same role names: its own finding, not merged across folders.
    other = tmp_path.parent / f"{tmp_path.name}-other"
    other.mkdir()
    (other / "main.tf").write_text(TRUST + TASK % ("web", "web"))
    assert [(Path(f["path"]).parent.name, f["rule"], len(f["related"])) for f in _json(capsys, tmp_path, other)["findings"]] == [
        (other.name, "ECS107", 1), (other.name, "ECS109", 1), (tmp_path.name, "ECS107", 3), (tmp_path.name, "ECS109", 3),
    ]
    # The same folder named twice is still one finding with the two other task definitions.
    assert [len(f["related"]) for f in _json(capsys, tmp_path, tmp_path / "web.tf")["findings"]] == [3, 3]


def test_different_roles_are_not_merged_and_sarif_carries_the_related_locations(tmp_path, capsys):
    (tmp_path / "main.tf").write_text(TRUST + TRUST.replace('"shared"', '"other"') + TASK % ("web", "web") + (TASK % ("worker", "worker")).replace("aws_iam_role.shared", "aws_iam_role.other"))
    assert [(f["pointer"], len(f["related"])) for f in _json(capsys, tmp_path)["findings"] if f["rule"] == "ECS107"] == [
        ("/resource/aws_ecs_task_definition/web/task_role_arn", 1), ("/resource/aws_ecs_task_definition/worker/task_role_arn", 1),
    ]
    text = TRUST + TASK % ("web", "web") + TASK % ("worker", "worker")
    (tmp_path / "main.tf").write_text(text)
    web, worker = [number for number, line in enumerate(text.splitlines(), start=1) if "task_role_arn" in line]
    result = cli(capsys, "check", "--isolated", "--select", "ECS107", "--format", "sarif", str(tmp_path))
    (run,) = json.loads(result.out)["runs"]
    (finding,) = run["results"]
    assert finding["locations"][0]["physicalLocation"]["region"]["startLine"] == web
    assert [(r["physicalLocation"]["region"]["startLine"], r["message"]["text"]) for r in finding["relatedLocations"]] == [
        (7, "Statement 1 of policy 'admin' allows every action on every resource"),
        (worker, "Another task definition with the same role (`task_role_arn`)"),
    ]
    full = cli(capsys, "check", "--isolated", "--select", "ECS107", "--output-format", "full", str(tmp_path / "main.tf")).out
    assert f"related: {tmp_path / 'main.tf'}:{worker}:3: Another task definition with the same role (`task_role_arn`)" in full


TEMPLATE = '''
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com}, Action: sts:AssumeRole}]
  Web:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !GetAtt Role.Arn
      ContainerDefinitions: [{Name: web, Image: nginx:1.27, Memory: 256}]
  Worker:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !GetAtt Role.Arn
      ContainerDefinitions: [{Name: worker, Image: nginx:1.27, Memory: 256}]
'''


def test_a_template_with_several_task_definitions(tmp_path, capsys):
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    assert _places(_json(capsys, tmp_path / "template.yaml")) == [
        ("template.yaml", "ECS109", 11, "/Resources/Web/Properties/TaskRoleArn", [
            ("template.yaml", 7, "/Resources/Role/Properties/AssumeRolePolicyDocument/Statement/0", "Statement 1 of the trust policy trusts `ecs-tasks.amazonaws.com` without a source condition"),
            ("template.yaml", 16, "/Resources/Worker/Properties/TaskRoleArn", "Another task definition with the same role (`TaskRoleArn`)"),
        ]),
    ]


def test_a_plan_with_several_task_definitions(tmp_path, capsys):
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    containers = json.dumps([{"name": "app", "image": "nginx:1.27", "memory": 256}])
    resources = [
        {"address": f"aws_ecs_task_definition.{name}", "mode": "managed", "type": "aws_ecs_task_definition", "name": name,
         "values": {"family": name, "task_role_arn": "arn:aws:iam::123456789012:role/app", "container_definitions": containers}}
        for name in ("web", "worker")
    ] + [{"address": "aws_iam_role.app", "mode": "managed", "type": "aws_iam_role", "name": "app", "values": {"name": "app", "arn": "arn:aws:iam::123456789012:role/app", "assume_role_policy": trust}}]
    (tmp_path / "plan.json").write_text(json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}}}, indent=1))
    (finding,) = _json(capsys, tmp_path / "plan.json")["findings"]
    assert (finding["rule"], finding["pointer"]) == ("ECS109", "/planned_values/root_module/resources/0/values/task_role_arn")
    assert [(r["pointer"], r["message"]) for r in finding["related"]] == [
        ("/planned_values/root_module/resources/2/values/assume_role_policy/Statement/0", "Statement 1 of the trust policy trusts `ecs-tasks.amazonaws.com` without a source condition"),
        ("/planned_values/root_module/resources/0/address", "Resource `aws_ecs_task_definition.web`"),
        ("/planned_values/root_module/resources/1/values/task_role_arn", "Another task definition with the same role (`task_role_arn`)"),
    ]
