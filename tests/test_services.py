"""Services as subjects: every input kind, every way a service finds its task definition, and what that changes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from ecslint.devtools.generate_schema import generate_service, render
from tests.helpers import REPO, cli, lint_text

TASK = {
    "family": "web",
    "networkMode": "awsvpc",
    "containerDefinitions": [{"name": "web", "image": "public.ecr.aws/nginx/nginx:1.27", "portMappings": [{"containerPort": 80}]}],
}
BRIDGE_TASK = dict(TASK, networkMode="bridge", cpu="256", memory="512")
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}


def _service(**fields) -> str:
    return json.dumps({"serviceName": "web", "taskDefinition": "web", "desiredCount": 2, **fields})


def _found(findings, rule=None):
    return sorted((f.path, f.rule_id, f.pointer) for f in findings if rule is None or f.rule_id == rule)


# -- JSON shapes ------------------------------------------------------------------------------------


def test_create_service_input_is_checked_at_its_own_keys():
    text = _service(launchType="FARGATE", networkConfiguration=NETWORK, placementStrategy=[{"type": "binpack", "field": "cpu"}])
    [finding] = lint_text(text, "service.json", select=["ECS410"])
    assert finding.pointer == "/placementStrategy" and finding.region.start_line == 1
    assert finding.message.startswith("Service 'web' runs on Fargate, which places tasks itself: \"Placement strategies are not supported with FARGATE launch type.\"")


def test_describe_services_output_is_one_subject_per_service():
    text = json.dumps({"services": [{"serviceName": "a", "serviceArn": "arn:aws:ecs:eu-west-1:1:service/c/a", "launchType": "EC2", "platformVersion": "1.4.0", "deployments": []},
                                    {"serviceName": "b", "serviceArn": "arn:aws:ecs:eu-west-1:1:service/c/b", "launchType": "FARGATE", "platformVersion": "1.4.0"}], "failures": []})
    assert _found(lint_text(text, "services.json", select=["ECS415", "ECS002"])) == [("services.json", "ECS415", "/services/0/platformVersion")]


def test_update_service_input_is_not_judged_for_what_it_leaves_out():
    text = json.dumps({"cluster": "prod", "service": "web", "taskDefinition": "web:4"})
    assert lint_text(text, "update-service.json", select=["ECS310", "ECS910", "ECS002"], companions=[("taskdef.json", json.dumps(TASK))]) == []
    both = json.dumps({"service": "web", "launchType": "EC2", "capacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}]})
    # update-service has no launchType field: the schema says so, and ECS413 judges the pair.
    assert _found(lint_text(both, "update-service.json", select=["ECS413", "ECS002"])) == [("update-service.json", "ECS002", "/launchType"), ("update-service.json", "ECS413", "/launchType")]


def test_run_task_input_gets_the_placement_rules():
    text = json.dumps({"taskDefinition": "batch", "count": 2, "launchType": "FARGATE", "placementStrategy": [{"type": "random"}], "networkConfiguration": NETWORK})
    assert _found(lint_text(text, "run-task.json", select=["ECS410", "ECS910", "ECS914"])) == [("run-task.json", "ECS410", "/placementStrategy")]


def test_ecspresso_yaml_service_definition_without_a_name():
    text = "launchType: FARGATE\ndesiredCount: 2\nnetworkConfiguration:\n  awsvpcConfiguration:\n    subnets: [subnet-1]\n    assignPublicIp: ENABLED\n"
    [finding] = lint_text(text, "ecs-service-def.yaml", select=["ECS311"])
    assert (finding.pointer, finding.region.start_line) == ("/networkConfiguration/awsvpcConfiguration/assignPublicIp", 6)
    assert finding.message.startswith("This service gives every task a public IP address")


def test_schema_violations_of_a_service_name_the_service():
    text = _service(networkConfiguration={"awsvpcConfiguration": {"subnets": ["s"], "assignPublicIp": "YES"}}, bogus=1)
    found = lint_text(text, "service.json", select=["ECS002"])
    assert sorted((f.pointer, f.message) for f in found) == [
        ("/bogus", "Service 'web': 'bogus' is not a field the ECS API accepts."),
        ("/networkConfiguration/awsvpcConfiguration/assignPublicIp", "Service 'web': 'networkConfiguration.awsvpcConfiguration.assignPublicIp' must be one of 'ENABLED', 'DISABLED', got \"YES\"."),
    ]


def test_committed_service_schema_matches_installed_botocore():
    schema, version = generate_service()
    assert (REPO / "schemas" / "service.schema.json").read_text(encoding="utf-8") == render(schema), f"regenerate with `python -m ecslint.devtools.generate_schema` (botocore {version})"


# -- pairing --------------------------------------------------------------------------------------


def test_family_match_across_folders():
    service = _service(taskDefinition="arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7")
    findings = lint_text(service, "deploy/service.json", select=["ECS310"], companions=[("ecs/web.json", json.dumps(TASK)), ("ecs/other.json", json.dumps(dict(TASK, family="other")))])
    assert _found(findings) == [("deploy/service.json", "ECS310", "")]


def test_folder_match_when_the_service_names_no_family():
    service = json.dumps({"desiredCount": 2, "launchType": "EC2"})  # ecspresso: the task definition is its own file beside it
    assert _found(lint_text(service, "app/ecs-service-def.json", select=["ECS310"], companions=[("app/ecs-task-def.json", json.dumps(TASK))])) == [("app/ecs-service-def.json", "ECS310", "")]
    # In another folder, nothing is paired and the rule stays silent.
    assert lint_text(service, "app/ecs-service-def.json", select=["ECS310"], companions=[("other/ecs-task-def.json", json.dumps(TASK))]) == []


def test_no_match_keeps_the_rules_that_need_the_pair_silent():
    service = _service(taskDefinition="api:3")
    assert lint_text(service, "service.json", select=["ECS310", "ECS312", "ECS313", "ECS314", "ECS120", "ECS913"], companions=[("taskdef.json", json.dumps(TASK))]) == []
    # Two candidates in the folder: no guess.
    unnamed = json.dumps({"desiredCount": 2, "launchType": "EC2"})
    two = [("a.json", json.dumps(TASK)), ("b.json", json.dumps(dict(TASK, family="other")))]
    assert lint_text(unnamed, "service.json", select=["ECS310"], companions=two) == []


def test_a_fargate_service_makes_the_fargate_rules_judge_its_task_definition():
    service = _service(launchType="FARGATE", networkConfiguration=NETWORK)
    findings = lint_text(service, "service.json", select=["ECS301", "ECS401", "ECS402"], companions=[("taskdef.json", json.dumps(dict(BRIDGE_TASK, cpu="300")))])
    assert _found(findings) == [("taskdef.json", "ECS301", "/networkMode"), ("taskdef.json", "ECS401", "/cpu")]
    assert all(f.message.endswith(" Service 'web' runs this task definition on Fargate.") for f in findings)
    # Without the service, the task definition (no requiresCompatibilities) is not a Fargate one.
    assert lint_text(json.dumps(dict(BRIDGE_TASK, cpu="300")), "taskdef.json", select=["ECS301", "ECS401"]) == []


CFN = textwrap.dedent(
    """
    Parameters:
      LaunchType: {Type: String, Default: FARGATE}
    Conditions:
      OnEc2: !Equals [!Ref LaunchType, EC2]
    Resources:
      TaskDef:
        Type: AWS::ECS::TaskDefinition
        Properties:
          Family: web
          NetworkMode: awsvpc
          RequiresCompatibilities: [FARGATE]
          Cpu: "256"
          Memory: "512"
          ContainerDefinitions:
            - Name: web
              Image: public.ecr.aws/nginx/nginx:1.27
              PortMappings: [{ContainerPort: 80}]
      TargetGroup:
        Type: AWS::ElasticLoadBalancingV2::TargetGroup
        Properties: {Port: 80, Protocol: HTTP}
      Service:
        Type: AWS::ECS::Service
        Properties:
          TaskDefinition: !Ref TaskDef
          LaunchType: FARGATE
          NetworkConfiguration:
            AwsVpcConfiguration:
              Subnets: [subnet-1]
          LoadBalancers:
            - TargetGroupArn: !Ref TargetGroup
              ContainerName: web
              ContainerPort: 8080
      Ec2Service:
        Type: AWS::ECS::Service
        Condition: OnEc2
        Properties:
          TaskDefinition: !Ref TaskDef
          LaunchType: EC2
    """
)


def test_cloudformation_service_paired_by_resource_in_the_same_template():
    findings = lint_text(CFN, "stack.yaml", select=["ECS312", "ECS310", "ECS002"])
    # Port 8080 is not mapped, and the target group's default target type is `instance`; the service
    # whose condition is false with the defaults is not linted; `AwsVpcConfiguration` is accepted.
    assert _found(findings) == [
        ("stack.yaml", "ECS312", "/Resources/Service/Properties/LoadBalancers/0/ContainerPort"),
        ("stack.yaml", "ECS312", "/Resources/Service/Properties/LoadBalancers/0/TargetGroupArn"),
    ]
    by_pointer = {f.pointer.rsplit("/", 1)[-1]: f for f in findings}
    assert by_pointer["ContainerPort"].region.start_line == CFN.splitlines().index("          ContainerPort: 8080") + 1
    assert "'TargetGroup' of target type `instance`" in by_pointer["TargetGroupArn"].message


def test_cloudformation_suppression_on_the_service_resource():
    text = CFN.replace("      TaskDefinition: !Ref TaskDef\n      LaunchType: FARGATE", "      TaskDefinition: !Ref TaskDef\n      LaunchType: FARGATE", 1)
    text = text.replace("  Service:\n    Type: AWS::ECS::Service\n", "  Service:\n    Type: AWS::ECS::Service\n    Metadata: {ecslint: {ignore: [ECS312]}}\n")
    assert lint_text(text, "stack.yaml", select=["ECS312"]) == []


TF = textwrap.dedent(
    """
    resource "aws_ecs_task_definition" "app" {
      family                = "app"
      network_mode          = "bridge"
      container_definitions = jsonencode([{ name = "web", image = "nginx:1.27", memory = 256, portMappings = [{ containerPort = 80 }] }])
    }

    resource "aws_ecs_service" "app" {
      name                               = "app"
      task_definition                    = aws_ecs_task_definition.app.arn
      launch_type                        = "FARGATE"
      desired_count                      = 1
      deployment_minimum_healthy_percent = 0
      health_check_grace_period_seconds  = "60"
      network_configuration {
        subnets          = ["subnet-1"]
        assign_public_ip = true
      }
      deployment_circuit_breaker {
        enable   = true
        rollback = true
      }
    }
    """
)


def test_terraform_service_paired_by_reference_in_the_same_module(tmp_path):
    pytest.importorskip("hcl2")
    findings = lint_text(TF, str(tmp_path / "main.tf"), select=["ECS301", "ECS310", "ECS311", "ECS914", "ECS910", "ECS002"])
    assert [(f.rule_id, f.pointer) for f in sorted(findings, key=lambda f: f.rule_id)] == [
        ("ECS301", "/resource/aws_ecs_task_definition/app/network_mode"),
        ("ECS310", "/resource/aws_ecs_service/app/network_configuration/0"),
        ("ECS311", "/resource/aws_ecs_service/app/network_configuration/0/assign_public_ip"),
        ("ECS914", "/resource/aws_ecs_service/app/deployment_minimum_healthy_percent"),
    ]


def test_terraform_service_in_another_file_of_the_module(tmp_path):
    pytest.importorskip("hcl2")
    task, service = TF.split('resource "aws_ecs_service"')
    (tmp_path / "task.tf").write_text(task)
    (tmp_path / "service.tf").write_text('resource "aws_ecs_service"' + service)
    findings = lint_text(service.join(['resource "aws_ecs_service"', ""]), str(tmp_path / "service.tf"), select=["ECS310"], companions=[(str(tmp_path / "task.tf"), task)])
    assert _found(findings) == [(str(tmp_path / "service.tf"), "ECS310", "/resource/aws_ecs_service/app/network_configuration/0")]


def test_terraform_unknown_values_are_not_judged(tmp_path):
    pytest.importorskip("hcl2")
    text = TF.replace('desired_count                      = 1', "desired_count = var.count").replace("assign_public_ip = true", "assign_public_ip = var.public")
    assert lint_text(text, str(tmp_path / "main.tf"), select=["ECS311", "ECS914"]) == []


# -- start-up ---------------------------------------------------------------------------------------


def test_a_task_definition_run_imports_no_service_code():
    script = (
        "import sys\n"
        "from ecslint.cli import main\n"
        "try:\n"
        f"    main(['check', '--isolated', {str(REPO / 'examples')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ecslint.subjects.service', 'ecslint.checks.services', 'ecslint.cloudformation.service', 'ecslint.terraform.service'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_cli_exit_code_and_text_for_a_service_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "service.json").write_text(_service(launchType="FARGATE", networkConfiguration=NETWORK, schedulingStrategy="DAEMON"))
    result = cli(capsys, "check", "--isolated", "--select", "ECS414", "service.json")
    assert result.code == 1
    assert result.out.splitlines()[0].startswith("service.json:1:") and "ECS414 [error] Service 'web' uses `schedulingStrategy: DAEMON` on Fargate" in result.out


@pytest.mark.parametrize(
    ("path", "matched"),
    [
        ("service.json", True),
        ("deploy/web-service.json", True),
        ("ecs-service-def.json", True),
        ("ecs/service.prod.json", True),
        ("services.json", True),
        ("ecs-service-def.yaml", True),
        ("run-task.json", True),
        ("service-account.json", False),
        ("k8s/service.yaml", False),
        ("package.json", False),
    ],
)
def test_the_combined_hook_takes_service_files(path, matched):
    import re

    import yaml

    [hook] = [hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()) if hook["id"] == "ecslint-all"]
    assert bool(re.search(hook["files"], path)) is matched


def test_exec_command_with_a_task_role_whose_policies_lack_ssmmessages():
    iam = json.dumps({"RoleDetailList": [
        {"RoleName": "web-task", "Arn": "arn:aws:iam::111122223333:role/web-task", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
         "RolePolicyList": [{"PolicyName": "exec", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ssmmessages:CreateControlChannel", "ssmmessages:OpenControlChannel"], "Resource": "*"}]}}], "AttachedManagedPolicies": []}]})
    service = _service(launchType="FARGATE", networkConfiguration=NETWORK, enableExecuteCommand=True)
    task = json.dumps(dict(TASK, taskRoleArn="arn:aws:iam::111122223333:role/web-task"))
    [finding] = lint_text(service, "service.json", select=["ECS120"], iam=iam, companions=[("taskdef.json", task)])
    assert finding.pointer == "/enableExecuteCommand"
    assert "does not allow `ssmmessages:CreateDataChannel`, `ssmmessages:OpenDataChannel`;" in finding.message
    full = iam.replace('"ssmmessages:OpenControlChannel"]', '"ssmmessages:OpenControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenDataChannel"]')
    assert lint_text(service, "service.json", select=["ECS120"], iam=full, companions=[("taskdef.json", task)]) == []
    # Without the role's policies nothing is said about them.
    assert lint_text(service, "service.json", select=["ECS120"], companions=[("taskdef.json", task)]) == []


def test_terraform_plan_service_paired_through_the_configuration_references():
    path = REPO / "tests" / "fixtures" / "terraform" / "plan" / "service-plan.json"
    findings = lint_text(path.read_text(), "plan.json", select=["ECS310", "ECS312"])
    assert _found(findings) == [
        ("plan.json", "ECS310", "/planned_values/root_module/resources/1/values"),
        ("plan.json", "ECS312", "/planned_values/root_module/resources/1/values/load_balancer/0/container_port"),
    ]
    assert all(f.related and f.related[-1].message == "Resource `aws_ecs_service.app`" for f in findings)


def test_an_infrastructure_role_that_does_not_trust_ecs():
    def role(name, service):
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
        return {"RoleName": name, "Arn": f"arn:aws:iam::111122223333:role/{name}", "AssumeRolePolicyDocument": trust, "RolePolicyList": [], "AttachedManagedPolicies": []}

    iam = json.dumps({"RoleDetailList": [role("ebs", "ecs-tasks.amazonaws.com"), role("infra", "ecs.amazonaws.com")]})
    def service(role_name):
        volume = {"roleArn": f"arn:aws:iam::111122223333:role/{role_name}", "sizeInGiB": 20, "encrypted": True}
        return _service(launchType="FARGATE", networkConfiguration=NETWORK, volumeConfigurations=[{"name": "data", "managedEBSVolume": volume}])

    [finding] = lint_text(service("ebs"), "service.json", select=["ECS121"], iam=iam, companions=[("taskdef.json", json.dumps(TASK))])
    assert finding.pointer == "/volumeConfigurations/0/managedEBSVolume/roleArn"
    assert finding.message.startswith("Service 'web' gives the managed EBS volume the role 'ebs', whose trust policy does not let `ecs.amazonaws.com` assume it;")
    assert lint_text(service("infra"), "service.json", select=["ECS121"], iam=iam, companions=[("taskdef.json", json.dumps(TASK))]) == []


def test_cloudformation_service_messages_spell_fields_as_the_template_does():
    template = textwrap.dedent(
        """\
        Resources:
          Service:
            Type: AWS::ECS::Service
            Properties:
              TaskDefinition: web:3
              DesiredCount: 2
              NetworkConfiguration:
                AwsvpcConfiguration:
                  Subnets: [subnet-0a1b2c3d]
                  AssignPublicIp: ENABLED
        """
    )
    messages = {f.rule_id: f.message for f in lint_text(template, "stack.yaml", select=["ECS311", "ECS910"])}
    assert messages["ECS311"].startswith("Service 'Service' gives every task a public IP address (`AssignPublicIp: ENABLED`)")
    assert messages["ECS910"].startswith("Service 'Service' rolls out without the deployment circuit breaker (`DeploymentConfiguration.DeploymentCircuitBreaker` with")
    # JSON input keeps the API's names.
    [finding] = lint_text(_service(), "service.json", select=["ECS910"])
    assert "(`deploymentConfiguration.deploymentCircuitBreaker` with `enable` and `rollback` true)" in finding.message
