"""CodeDeploy AppSpec for ECS: recognition, ECS901 edge cases, ECS902 across files of one run, positions in YAML and JSON."""

from __future__ import annotations

import json

import pytest

from ecslint.subjects.appspec import appspec_files, family_of
from ecslint.documents.parse import parse
from tests.helpers import cli, lint_text

APPSPEC = """version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: {task}
        LoadBalancerInfo:
          ContainerName: "{name}"
          ContainerPort: {port}
"""
CONTAINER_NAME = "/Resources/0/TargetService/Properties/LoadBalancerInfo/ContainerName"
CONTAINER_PORT = "/Resources/0/TargetService/Properties/LoadBalancerInfo/ContainerPort"


def appspec(task="<TASK_DEFINITION>", name="web", port=80, extra="") -> str:
    return APPSPEC.format(task=task, name=name, port=port) + extra


def taskdef(family="web", containers=(("web", (80,)),)) -> str:
    definitions = [{"name": name, "image": "nginx:1.27", "portMappings": [{"containerPort": port} for port in ports]} for name, ports in containers]
    return json.dumps({"family": family, "networkMode": "awsvpc", "containerDefinitions": definitions}, indent=2)


def lint(text, filename="appspec.yaml", select=("ECS901", "ECS902"), companions=()):
    return [(f.rule_id, f.pointer) for f in lint_text(text, filename, select=list(select), companions=companions) if f.path == filename]


# ECS901


def test_the_documented_example_is_valid():
    extra = """        PlatformVersion: "LATEST"
        NetworkConfiguration:
          AwsvpcConfiguration:
            Subnets: ["subnet-1234abcd","subnet-5678abcd"]
            SecurityGroups: ["sg-12345678"]
            AssignPublicIp: "ENABLED"
        CapacityProviderStrategy:
          - Base: 1
            CapacityProvider: "FARGATE_SPOT"
            Weight: 2
          - Base: 0
            CapacityProvider: "FARGATE"
            Weight: 1
Hooks:
  - BeforeInstall: "LambdaFunctionToValidateBeforeInstall"
  - AfterInstall: "LambdaFunctionToValidateAfterInstall"
  - AfterAllowTestTraffic: "LambdaFunctionToValidateAfterTestTrafficStarts"
  - BeforeAllowTraffic: "LambdaFunctionToValidateBeforeAllowingProductionTraffic"
  - AfterAllowTraffic: "LambdaFunctionToValidateAfterAllowingProductionTraffic"
"""
    assert lint(appspec(task='"arn:aws:ecs:us-east-1:111222333444:task-definition/my-task-definition-family-name:1"', extra=extra)) == []


def test_keys_are_read_without_regard_to_case():
    text = "VERSION: 0.0\nresources:\n  - targetService:\n      type: aws::ecs::service\n      properties:\n        taskDefinition: <TASK_DEFINITION>\n        loadBalancerInfo: {containerName: web, containerPort: 80}\nhooks:\n  - beforeinstall: Fn\n"
    assert lint(text) == []


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        (appspec().replace("version: 0.0\n", ""), ""),
        (appspec().replace("version: 0.0", "version: 1.0"), "/version"),
        (appspec().replace("version: 0.0", "version: '1'"), "/version"),
        (appspec().replace("Type: AWS::ECS::Service", "Type: AWS::ECS::TaskSet"), "/Resources/0/TargetService/Type"),
        (appspec().replace("      Type: AWS::ECS::Service\n", ""), "/Resources/0/TargetService"),
        (appspec().replace("        TaskDefinition: <TASK_DEFINITION>\n", ""), "/Resources/0/TargetService/Properties"),
        (appspec(task='""'), "/Resources/0/TargetService/Properties/TaskDefinition"),
        (appspec(task="arn:aws:ecs:us-east-1:111122223333:service/prod/web"), "/Resources/0/TargetService/Properties/TaskDefinition"),
        (appspec(name=""), CONTAINER_NAME),
        (appspec(port=0), CONTAINER_PORT),
        (appspec(port=70000), CONTAINER_PORT),
        (appspec(port='"http"'), CONTAINER_PORT),
        (appspec(port="[80]"), CONTAINER_PORT),
        (appspec(extra="        PlatformVersion: 1.4\n"), "/Resources/0/TargetService/Properties/PlatformVersion"),
        (appspec(extra="        NetworkConfiguration: {Subnets: [subnet-1]}\n"), "/Resources/0/TargetService/Properties/NetworkConfiguration"),
        (appspec(extra="        NetworkConfiguration:\n          AwsvpcConfiguration: {Subnets: [subnet-1], SecurityGroups: [], AssignPublicIp: DISABLED}\n"), "/Resources/0/TargetService/Properties/NetworkConfiguration/AwsvpcConfiguration/SecurityGroups"),
        (appspec(extra="        CapacityProviderStrategy:\n          - Weight: 1\n"), "/Resources/0/TargetService/Properties/CapacityProviderStrategy/0"),
        (appspec(extra="        CapacityProviderStrategy:\n          - {CapacityProvider: FARGATE, Weight: 5000}\n"), "/Resources/0/TargetService/Properties/CapacityProviderStrategy/0/Weight"),
        (appspec(extra="        CapacityProviderStrategy: FARGATE\n"), "/Resources/0/TargetService/Properties/CapacityProviderStrategy"),
        (appspec(extra="Hooks: BeforeInstall\n"), "/Hooks"),
        (appspec(extra="Hooks:\n  - ApplicationStart: Fn\n"), "/Hooks/0/ApplicationStart"),
        (appspec(extra="Hooks:\n  - AfterInstall: 42\n"), "/Hooks/0/AfterInstall"),
        (appspec(extra="Hooks:\n  - Fn\n"), "/Hooks/0"),
        ("version: 0.0\nResources: []\n", "/Resources"),
        ("version: 0.0\nResources:\n  - TargetService: AWS::ECS::Service\n", "/Resources/0/TargetService"),
        ("version: 0.0\nHooks:\n  - BeforeInstall: Fn\n", ""),
    ],
)
def test_invalid_appspecs(text, pointer):
    assert lint(text, select=["ECS901"]) == [("ECS901", pointer)]


def test_load_balancer_info_parts_are_required():
    text = appspec().replace('          ContainerName: "web"\n          ContainerPort: 80\n', "          {}\n")
    assert lint(text, select=["ECS901"]) == [("ECS901", "/Resources/0/TargetService/Properties/LoadBalancerInfo")] * 2
    text = appspec().replace("        LoadBalancerInfo:\n", "        LoadBalancerInfo: none\n        Other:\n")
    assert lint(text, select=["ECS901"]) == [("ECS901", "/Resources/0/TargetService/Properties/LoadBalancerInfo")]


def test_network_settings_are_all_or_none():
    text = appspec(extra="        NetworkConfiguration:\n          AwsvpcConfiguration:\n            Subnets: [subnet-1]\n")
    [finding] = lint_text(text, "appspec.yaml", select=["ECS901"])
    assert finding.pointer == "/Resources/0/TargetService/Properties/NetworkConfiguration/AwsvpcConfiguration"
    assert "lacks `SecurityGroups`, `AssignPublicIp`" in finding.message


def test_only_one_target_service():
    text = appspec() + "  - TargetService:\n      Type: AWS::ECS::Service\n"
    assert lint(text, select=["ECS901"]) == [("ECS901", "/Resources/1/TargetService")]


def test_placeholders_are_accepted_where_ci_substitutes_values():
    text = appspec(task="${TASK_DEF_ARN}", name="<CONTAINER_NAME>", port='"${PORT}"', extra="        NetworkConfiguration:\n          AwsvpcConfiguration: {Subnets: ['{{ subnet }}'], SecurityGroups: [sg-1], AssignPublicIp: '${PUBLIC_IP}'}\n")
    assert lint(text) == []


def test_a_misspelt_hook_gets_a_suggestion():
    [finding] = lint_text(appspec(extra="Hooks:\n  - BeforeAllowTrafic: Fn\n"), "appspec.yaml", select=["ECS901"])
    assert finding.message.startswith("`BeforeAllowTrafic` is not a lifecycle event of an ECS deployment (did you mean `BeforeAllowTraffic`?);")


def test_findings_carry_line_and_column_in_yaml():
    text = appspec(port=0, extra="Hooks:\n  - Install: Fn\n")
    found = lint_text(text, "appspec.yaml", select=["ECS901"])
    assert [(f.pointer, f.region.start_line, f.region.start_column) for f in found] == [(CONTAINER_PORT, 9, 11), ("/Hooks/0/Install", 11, 5)]


def test_findings_carry_line_and_column_in_json():
    text = json.dumps({"version": 0.0, "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": "<TASK_DEFINITION>", "LoadBalancerInfo": {"ContainerName": "web", "ContainerPort": "x"}}}}]}, indent=2)
    [finding] = lint_text(text, "appspec.json", select=["ECS901"])
    assert (finding.pointer, finding.region.start_line, finding.region.start_column) == (CONTAINER_PORT, 11, 13)


# Recognition


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /srv\n", []),
        ("version: 0.0\nresources:\n  - fn:\n      type: AWS::Lambda::Function\n      properties: {name: f, alias: live, currentversion: 1, targetversion: 2}\n", []),
        ("version: 2\nservices: {}\n", None),
        ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n", None),
        ("- TargetService: x\n", None),
    ],
)
def test_recognition(text, expected):
    subjects = appspec_files(parse("appspec.yml", text.encode()))
    assert subjects == expected


def test_appspecs_of_other_platforms_are_left_alone_even_when_named():
    assert lint_text("version: 0.0\nos: linux\nfiles: []\n", "appspec.yml") == []


def test_unrecognised_files_are_skipped_when_walked_and_ecs001_when_named():
    text = "version: 1\nTargetService: {}\n"
    assert lint_text(text, "appspec.yaml", explicit=False) == []
    assert [f.rule_id for f in lint_text(text, "appspec.yaml")] == ["ECS001"]


def test_an_appspec_found_by_walking_is_linted():
    assert lint_text(appspec(port=0), "deploy/appspec.yaml", explicit=False, select=["ECS901"])[0].pointer == CONTAINER_PORT


@pytest.mark.parametrize(
    ("reference", "family"),
    [
        ("arn:aws:ecs:us-east-1:111122223333:task-definition/web:3", "web"),
        ("arn:aws-cn:ecs:cn-north-1:111122223333:task-definition/my_app-2", "my_app-2"),
        ("<TASK_DEFINITION>", None),
        ("web:3", None),
        ("arn:aws:ecs:us-east-1:111122223333:service/web", None),
        (None, None),
    ],
)
def test_family_of(reference, family):
    assert family_of(reference) == family


# ECS902: the AppSpec and its task definition in one run


def test_placeholder_matches_the_task_definition_in_the_same_directory():
    assert lint(appspec(port=8080), "svc/appspec.yaml", companions=[("svc/taskdef.json", taskdef())]) == [("ECS902", CONTAINER_PORT)]
    assert lint(appspec(port=8080), "svc/appspec.yaml", companions=[("other/taskdef.json", taskdef())]) == []


def test_arn_matches_by_family_anywhere_in_the_run():
    arn = "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:9"
    assert lint(appspec(task=arn, name="api"), "deploy/appspec.yaml", companions=[("ecs/web.json", taskdef())]) == [("ECS902", CONTAINER_NAME)]
    # Another family in the same directory is not the one deployed.
    assert lint(appspec(task=arn, name="api"), "deploy/appspec.yaml", companions=[("deploy/taskdef.json", taskdef(family="worker"))]) == []


def test_the_message_names_the_task_definition_and_its_containers_and_links_to_them():
    [finding] = lint_text(appspec(name="api"), "appspec.yaml", select=["ECS902"], companions=[("taskdef.json", taskdef(containers=(("web", (80,)), ("envoy", (9901,)))))])
    assert finding.message == "`ContainerName` 'api' is not a container in task definition 'web', which defines 'envoy', 'web'."
    assert [(r.path, r.pointer) for r in finding.related] == [("taskdef.json", "/containerDefinitions")]
    assert (finding.region.start_line, finding.region.start_column) == (8, 11)


def test_port_message_lists_the_container_ports():
    [finding] = lint_text(appspec(port=8080), "appspec.yaml", select=["ECS902"], companions=[("taskdef.json", taskdef(containers=(("web", (80, 443)),)))])
    assert finding.message == "`ContainerPort` 8080 is not a `containerPort` of container 'web' in task definition 'web' (it has 80, 443)."
    assert [(r.path, r.pointer) for r in finding.related] == [("taskdef.json", "/containerDefinitions/0/portMappings")]


def test_a_container_without_port_mappings_is_flagged():
    [finding] = lint_text(appspec(), "appspec.yaml", select=["ECS902"], companions=[("taskdef.json", taskdef(containers=(("web", ()),)))])
    assert "(it has no port mappings)" in finding.message


def test_several_candidates_flag_only_when_none_matches():
    companions = [("taskdef.json", taskdef(family="web")), ("taskdef-canary.json", taskdef(family="canary", containers=(("web", (8080,)),)))]
    assert lint(appspec(port=8080), companions=companions) == []
    assert lint(appspec(port=9090), companions=companions) == [("ECS902", CONTAINER_PORT)]


@pytest.mark.parametrize(
    "companion",
    [
        json.dumps({"family": "web", "containerDefinitions": [{"name": "web", "image": "x", "portMappings": [{"containerPortRange": "8000-8100"}]}]}),
        json.dumps({"family": "web", "containerDefinitions": [{"name": "web", "image": "x", "portMappings": [{"containerPort": "${PORT}"}]}]}),
        json.dumps({"family": "web", "containerDefinitions": [{"image": "x"}]}),
    ],
)
def test_unreadable_task_definitions_are_not_guessed_at(companion):
    assert lint(appspec(port=8080, name="web"), companions=[("taskdef.json", companion)]) == []


def test_placeholder_container_values_are_not_compared():
    assert lint(appspec(name="<CONTAINER>", port="'${PORT}'"), companions=[("taskdef.json", taskdef())]) == []


def test_alone_the_appspec_gets_no_ecs902():
    assert lint(appspec(name="api", port=1), select=["ECS902"]) == []


def test_order_of_files_does_not_matter(tmp_path, capsys):
    (tmp_path / "appspec.yaml").write_text(appspec(port=8080))
    (tmp_path / "a-taskdef.json").write_text(taskdef())
    (tmp_path / "z-taskdef.json").write_text(taskdef(family="other", containers=(("sidecar", (1,)),)))
    result = cli(capsys, "check", "--isolated", "--select", "ECS902", "--format", "json", str(tmp_path))
    report = json.loads(result.out)
    assert result.code == 1
    assert [(f["rule"], f["line"], f["column"], f["pointer"]) for f in report["findings"]] == [("ECS902", 9, 11, CONTAINER_PORT)]


def test_task_definitions_from_stdin_and_files_share_one_run(tmp_path, capsys, monkeypatch):
    import io
    import sys

    (tmp_path / "appspec.yaml").write_text(appspec(port=8080))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": io.BytesIO(taskdef().encode())})())
    result = cli(capsys, "check", "--isolated", "--select", "ECS902", "--stdin-filename", "taskdef.json", "appspec.yaml", "-")
    assert "appspec.yaml:9:11: ECS902" in result.out


# The pre-commit hook that covers task definitions, AppSpec files and lifecycle policies


@pytest.mark.parametrize(
    ("path", "matched"),
    [
        ("taskdef.json", True),
        ("deploy/prod.task-definition.json", True),
        ("appspec.yaml", True),
        ("appspec.yml", True),
        ("deploy/appspec.json", True),
        ("prod.appspec.yaml", True),
        ("appspec-customer.yaml", True),
        ("lifecycle-policy.json", True),
        ("ecr/ecr-lifecycle-policy.json", True),
        ("ecr_lifecycle.json", True),
        ("lifecyclepolicy.json", True),
        ("package.json", False),
        ("service.json", True),
        ("service-account.json", False),
        ("myappspec.yaml", False),
        ("lifecycle.json", False),
        ("appspec.txt", False),
    ],
)
def test_combined_hook_files_pattern(path, matched):
    import re

    import yaml

    from tests.helpers import REPO

    [hook] = [hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()) if hook["id"] == "ecslint-all"]
    assert bool(re.search(hook["files"], path)) is matched
    assert hook["require_serial"] is True and hook["entry"] == "ecslint check --force-exclude --skip-unrecognised"


@pytest.mark.parametrize("name", [{"Fn::Sub": "${Env}-web"}, "${var.container_name}"])
def test_container_names_from_templates_are_not_guessed_at(name):
    companion = json.dumps({"family": "web", "containerDefinitions": [{"name": name, "image": "x", "portMappings": [{"containerPort": 80}]}]})
    assert lint(appspec(name="web", port=8080), companions=[("taskdef.json", companion)]) == []


def test_a_revision_that_is_not_a_number_is_named_in_the_message():
    [finding] = lint_text(appspec(task="arn:aws:ecs:us-east-1:123456789012:task-definition/api:latest"), "appspec.yaml", select=["ECS901"])
    assert finding.message.startswith("`TaskDefinition` ends in revision `latest`, which is not a number;")


def test_ecs902_findings_carry_line_and_column_in_json():
    text = json.dumps({"version": 0.0, "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1", "LoadBalancerInfo": {"ContainerName": "web", "ContainerPort": 8443}}}}]}, indent=2)
    [finding] = lint_text(text, "appspec.json", select=["ECS902"], companions=[("ecs/web.json", taskdef())])
    assert (finding.pointer, finding.region.start_line, finding.region.start_column) == (CONTAINER_PORT, 11, 13)
    [related] = finding.related
    assert (related.path, related.pointer, related.region.start_line) == ("ecs/web.json", "/containerDefinitions/0/portMappings", 8)
