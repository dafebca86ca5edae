"""Target groups, listeners and listener rules declared beside a service: what ECS312 and ECS911 read from them."""

from __future__ import annotations

import json
import textwrap

from tests.helpers import cli, lint_text

CFN = textwrap.dedent(
    """
    Parameters:
      ImportedGroup:
        Type: String
    Resources:
      TaskDef:
        Type: AWS::ECS::TaskDefinition
        Properties:
          Family: web
          NetworkMode: awsvpc
          ContainerDefinitions:
            - Name: web
              Image: public.ecr.aws/nginx/nginx:1.27
              PortMappings:
                - ContainerPort: 80
      Blue:
        Type: AWS::ElasticLoadBalancingV2::TargetGroup
        Properties:
          TargetType: ip
      Green:
        Type: AWS::ElasticLoadBalancingV2::TargetGroup
        Properties:
          Port: 80
      Legacy:
        Type: AWS::ElasticLoadBalancingV2::TargetGroup
        Properties:
          TargetType: ip
      ProductionRule:
        Type: AWS::ElasticLoadBalancingV2::ListenerRule
        Properties:
          Actions:
            - Type: forward
              TargetGroupArn: !Ref Legacy
      Service:
        Type: AWS::ECS::Service
        Properties:
          TaskDefinition: !Ref TaskDef
          LaunchType: FARGATE
          NetworkConfiguration:
            AwsvpcConfiguration:
              Subnets: [subnet-0a1b2c3d]
          DeploymentConfiguration:
            Strategy: BLUE_GREEN
            BakeTimeInMinutes: 10
          LoadBalancers:
            - TargetGroupArn: !Ref Blue
              ContainerName: web
              ContainerPort: 80
              AdvancedConfiguration:
                AlternateTargetGroupArn: !GetAtt Green.TargetGroupArn
                ProductionListenerRule: !GetAtt ProductionRule.RuleArn
                TestListenerRule: !Ref Blue
                RoleArn: arn:aws:iam::123456789012:role/ecs-elb
    """
)
ADVANCED = "/Resources/Service/Properties/LoadBalancers/0/AdvancedConfiguration"


def _by_pointer(findings):
    return {(f.rule_id, f.pointer): f for f in findings}


def test_cloudformation_alternate_target_group_and_listener_rules_are_read_from_the_template():
    found = _by_pointer(lint_text(CFN, "stack.yaml", select=["ECS312", "ECS911"]))
    assert sorted(found) == [
        ("ECS312", f"{ADVANCED}/AlternateTargetGroupArn"),
        ("ECS911", f"{ADVANCED}/ProductionListenerRule"),
        ("ECS911", f"{ADVANCED}/TestListenerRule"),
    ]
    assert found["ECS312", f"{ADVANCED}/AlternateTargetGroupArn"].message == (
        "Load balancer #1 of Service 'Service' uses target group 'Green' of target type `instance`, "
        "but `awsvpc` tasks register by IP address; set the target group's target type to `ip`."
    )
    production = found["ECS911", f"{ADVANCED}/ProductionListenerRule"]
    assert production.level == "warning"
    assert production.message == (
        "Listener rule 'ProductionRule' (`ProductionListenerRule` of load balancer #1) forwards to 'Legacy', not to target group 'Blue' or 'Green'; "
        "ECS shifts traffic by changing the weights of the service's two target groups in that rule."
    )
    test = found["ECS911", f"{ADVANCED}/TestListenerRule"]
    assert test.level == "error"
    # Field names as the template writes them.
    assert test.message == "`TestListenerRule` of load balancer #1 names target group 'Blue', not a listener rule or listener."


def test_cloudformation_alternate_target_group_that_is_the_primary_one():
    text = CFN.replace("AlternateTargetGroupArn: !GetAtt Green.TargetGroupArn", "AlternateTargetGroupArn: !Ref Blue").replace("TestListenerRule: !Ref Blue", "TestListenerRule: !Ref ProductionRule")
    # Once the two target groups are one, whether the listener rules forward to them is not judged.
    [finding] = lint_text(text, "stack.yaml", select=["ECS911"])
    assert (finding.pointer, finding.level) == (f"{ADVANCED}/AlternateTargetGroupArn", "error")
    assert finding.message == (
        "`AlternateTargetGroupArn` of load balancer #1 names target group 'Blue', the same as `TargetGroupArn`; "
        "ECS needs a second target group to start the new revision in."
    )


def test_rule_forwarding_to_both_target_groups_and_values_from_outside_are_not_flagged():
    both = CFN.replace("          TargetGroupArn: !Ref Legacy", "          ForwardConfig:\n            TargetGroups:\n              - TargetGroupArn: !Ref Blue\n              - TargetGroupArn: !Ref Green")
    assert lint_text(both.replace("TestListenerRule: !Ref Blue", "TestListenerRule: !Ref ProductionRule"), "stack.yaml", select=["ECS911"]) == []
    # A rule that also forwards to a target group from a parameter could be forwarding to the service's.
    outside = CFN.replace("          TargetGroupArn: !Ref Legacy", "          ForwardConfig:\n            TargetGroups:\n              - TargetGroupArn: !Ref Legacy\n              - TargetGroupArn: !Ref ImportedGroup")
    assert [f.pointer for f in lint_text(outside, "stack.yaml", select=["ECS911"])] == [f"{ADVANCED}/TestListenerRule"]


def test_advanced_configuration_members_that_are_missing():
    service = {
        "serviceName": "web",
        "taskDefinition": "web",
        "desiredCount": 2,
        "deploymentConfiguration": {"strategy": "CANARY", "canaryConfiguration": {"canaryPercent": 10}},
        "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1", "containerName": "web", "containerPort": 80, "advancedConfiguration": {}}],
    }
    findings = lint_text(json.dumps(service), "service.json", select=["ECS911"])
    assert [(f.pointer, f.level, f.message) for f in findings] == [
        ("/loadBalancers/0/advancedConfiguration", "error", "Load balancer #1 of Service 'web' has `advancedConfiguration` without `alternateTargetGroupArn`; a CANARY deployment starts the new revision in that second target group."),
        ("/loadBalancers/0/advancedConfiguration", "warning", "Load balancer #1 of Service 'web' has `advancedConfiguration` without `productionListenerRule`, the listener rule (ALB) or listener (NLB) whose traffic ECS shifts."),
        ("/loadBalancers/0/advancedConfiguration", "warning", "Load balancer #1 of Service 'web' has `advancedConfiguration` without `roleArn`, the role ECS uses to call Elastic Load Balancing."),
    ]


TF_SERVICE = textwrap.dedent(
    """
    resource "aws_ecs_task_definition" "web" {
      family       = "web"
      network_mode = "awsvpc"
      container_definitions = jsonencode([{ name = "web", image = "public.ecr.aws/nginx/nginx:1.27", portMappings = [{ containerPort = 80 }] }])
    }

    resource "aws_ecs_service" "web" {
      name            = "web"
      task_definition = aws_ecs_task_definition.web.arn
      desired_count   = 2
      network_configuration {
        subnets = ["subnet-0a1b2c3d"]
      }
      deployment_configuration {
        strategy             = "BLUE_GREEN"
        bake_time_in_minutes = 10
      }
      load_balancer {
        target_group_arn = aws_lb_target_group.blue.arn
        container_name   = "web"
        container_port   = 80
        advanced_configuration {
          alternate_target_group_arn = aws_alb_target_group.green.arn
          production_listener_rule   = aws_lb_listener.front.arn
          role_arn                   = "arn:aws:iam::123456789012:role/ecs-elb"
        }
      }
    }
    """
)
TF_BALANCING = textwrap.dedent(
    """
    resource "aws_lb_target_group" "blue" {
      name = "web-blue"
    }

    resource "aws_alb_target_group" "green" {
      name        = "web-green"
      target_type = "ip"
    }

    resource "aws_lb_target_group" "legacy" {
      name        = "web-legacy"
      target_type = "ip"
    }

    resource "aws_lb_listener" "front" {
      load_balancer_arn = aws_lb.web.arn
      default_action {
        type = "forward"
        forward {
          target_group {
            arn = aws_lb_target_group.legacy.arn
          }
        }
      }
    }
    """
)


def test_terraform_target_groups_and_listener_in_another_file_of_the_module(tmp_path, capsys):
    (tmp_path / "service.tf").write_text(TF_SERVICE)
    (tmp_path / "alb.tf").write_text(TF_BALANCING)
    result = cli(capsys, "check", "--isolated", "--format", "json", "--select", "ECS312,ECS911", str(tmp_path))
    findings = [(f["rule"], f["level"], f["pointer"], f["line"], f["message"]) for f in json.loads(result.out)["findings"]]
    lines = TF_SERVICE.splitlines()
    assert findings == [
        (
            "ECS312", "error", "/resource/aws_ecs_service/web/load_balancer/0/target_group_arn", lines.index("    target_group_arn = aws_lb_target_group.blue.arn") + 1,
            "Load balancer #1 of Service 'web' uses target group 'aws_lb_target_group.blue' of target type `instance`, but `awsvpc` tasks register by IP address; set the target group's target type to `ip`.",
        ),
        (
            "ECS911", "warning", "/resource/aws_ecs_service/web/load_balancer/0/advanced_configuration/0/production_listener_rule", lines.index("      production_listener_rule   = aws_lb_listener.front.arn") + 1,
            "Listener 'aws_lb_listener.front' (`productionListenerRule` of load balancer #1) forwards to 'aws_lb_target_group.legacy', not to target group 'aws_alb_target_group.green' or 'aws_lb_target_group.blue'; "
            "ECS shifts traffic by changing the weights of the service's two target groups in that rule.",
        ),
    ]
    assert result.code == 1


def test_terraform_references_to_other_modules_stay_unknown(tmp_path, capsys):
    (tmp_path / "service.tf").write_text(TF_SERVICE.replace("aws_lb_target_group.blue.arn", "module.alb.blue_arn").replace("aws_lb_listener.front.arn", "module.alb.listener_arn"))
    (tmp_path / "alb.tf").write_text(TF_BALANCING)
    result = cli(capsys, "check", "--isolated", "--format", "json", "--select", "ECS312,ECS911", str(tmp_path))
    assert json.loads(result.out)["findings"] == [] and result.code == 0


def test_terraform_plan_names_existing_target_groups_by_their_arn():
    arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web-blue/0123456789abcdef"
    containers = json.dumps([{"name": "web", "image": "nginx:1.27", "portMappings": [{"containerPort": 80}]}])
    resources = [
        {"address": "aws_lb_target_group.blue", "mode": "managed", "type": "aws_lb_target_group", "name": "blue", "values": {"arn": arn, "id": arn, "name": "web-blue", "target_type": "instance"}},
        {"address": "aws_ecs_task_definition.web", "mode": "managed", "type": "aws_ecs_task_definition", "name": "web", "values": {"family": "web", "network_mode": "awsvpc", "container_definitions": containers}},
        {
            "address": "aws_ecs_service.web",
            "mode": "managed",
            "type": "aws_ecs_service",
            "name": "web",
            "values": {"name": "web", "task_definition": "web", "network_configuration": [{"subnets": ["subnet-0a1b2c3d"]}], "load_balancer": [{"target_group_arn": arn, "container_name": "web", "container_port": 80}]},
        },
    ]
    plan = json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}}})
    [finding] = lint_text(plan, "plan.json", select=["ECS312"])
    assert finding.pointer == "/planned_values/root_module/resources/2/values/load_balancer/0/target_group_arn"
    assert finding.message.startswith("Load balancer #1 of Service 'web' uses target group 'aws_lb_target_group.blue' of target type `instance`")


def test_a_listener_of_an_application_load_balancer_where_a_rule_belongs():
    listener = textwrap.dedent(
        """\
          Balancer:
            Type: AWS::ElasticLoadBalancingV2::LoadBalancer
            Properties:
              Type: {kind}
          Front:
            Type: AWS::ElasticLoadBalancingV2::Listener
            Properties:
              LoadBalancerArn: !Ref Balancer
              DefaultActions:
                - Type: forward
                  ForwardConfig:
                    TargetGroups:
                      - TargetGroupArn: !Ref Blue
                      - TargetGroupArn: !Ref Green
        """
    )
    base = CFN.replace("TestListenerRule: !Ref Blue", "TestListenerRule: !Ref Front").replace("  Service:\n", textwrap.indent(listener, "  ") + "  Service:\n")
    found = {f.pointer: f for f in lint_text(base.format(kind="application"), "stack.yaml", select=["ECS911"])}
    test = found[f"{ADVANCED}/TestListenerRule"]
    assert (test.level, test.message) == (
        "warning",
        "`TestListenerRule` of load balancer #1 names listener 'Front' of an Application Load Balancer; "
        "with an ALB, ECS shifts traffic through a listener rule (a listener is what a Network Load Balancer takes).",
    )
    assert f"{ADVANCED}/TestListenerRule" not in {f.pointer for f in lint_text(base.format(kind="network"), "stack.yaml", select=["ECS911"])}


def test_terraform_listener_of_a_load_balancer_of_the_default_type(tmp_path, capsys):
    (tmp_path / "service.tf").write_text(TF_SERVICE)
    (tmp_path / "alb.tf").write_text(TF_BALANCING + '\nresource "aws_lb" "web" {\n  name = "web"\n}\n')
    result = cli(capsys, "check", "--isolated", "--format", "json", "--select", "ECS911", str(tmp_path))
    messages = sorted((f["level"], f["message"].split(";")[0]) for f in json.loads(result.out)["findings"])
    assert messages == [
        ("warning", "Listener 'aws_lb_listener.front' (`productionListenerRule` of load balancer #1) forwards to 'aws_lb_target_group.legacy', not to target group 'aws_alb_target_group.green' or 'aws_lb_target_group.blue'"),
        ("warning", "`productionListenerRule` of load balancer #1 names listener 'aws_lb_listener.front' of an Application Load Balancer"),
    ]
