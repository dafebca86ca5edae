"""Terraform task sets, gateway connectors, and the network and volume rules on run-task input."""

from __future__ import annotations

import json
import textwrap

from tests.helpers import lint_text

TASK = {
    "family": "web",
    "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"],
    "cpu": "256",
    "memory": "512",
    "volumes": [{"name": "data", "configuredAtLaunch": True}],
    "containerDefinitions": [{"name": "web", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": True, "portMappings": [{"containerPort": 80, "name": "http"}]}],
}

TASK_SET = textwrap.dedent(
    """\
    resource "aws_ecs_task_definition" "web" {
      family                   = "web"
      network_mode             = "awsvpc"
      requires_compatibilities = ["FARGATE"]
      cpu                      = 256
      memory                   = 512
      container_definitions    = jsonencode([{ name = "web", image = "public.ecr.aws/nginx/nginx:1.27", essential = true, portMappings = [{ containerPort = 80 }] }])
    }

    resource "aws_ecs_task_set" "green" {
      service          = aws_ecs_service.web.id
      cluster          = aws_ecs_cluster.main.id
      task_definition  = aws_ecs_task_definition.web.arn
      external_id      = "green"
      launch_type      = "FARGATE"
      platform_version = "1.3.0"
      force_delete     = true

      network_configuration {
        subnets          = ["subnet-0a1b2c3d"]
        assign_public_ip = true
      }

      load_balancer {
        target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/0123456789abcdef"
        container_name   = "web"
        container_port   = 8080
      }

      scale {
        unit  = "PERCENT"
        value = 50
      }
    }
    """
)


def test_terraform_task_set_is_read_like_a_cloudformation_one():
    findings = lint_text(TASK_SET, "main.tf", select=["ECS002", "ECS310", "ECS311", "ECS312", "ECS415", "ECS910", "ECS914"])
    assert sorted((f.rule_id, f.pointer, f.message) for f in findings) == [
        (
            "ECS311",
            "/resource/aws_ecs_task_set/green/network_configuration/0/assign_public_ip",
            "Task set 'aws_ecs_task_set.green' gives every task a public IP address (`assignPublicIp: ENABLED`), reachable from the internet "
            "wherever its security groups allow (Security Hub ECS.2); run tasks in private subnets behind a load balancer or NAT gateway.",
        ),
        (
            "ECS312",
            "/resource/aws_ecs_task_set/green/load_balancer/0/container_port",
            "Load balancer #1 of Task set 'aws_ecs_task_set.green' targets port 8080 of container 'web', which maps only 80; "
            'ECS rejects it: "The container web did not have a container port 8080 defined."',
        ),
        (
            "ECS415",
            "/resource/aws_ecs_task_set/green/platform_version",
            "Task set 'aws_ecs_task_set.green' pins Fargate platform version 1.3.0, older than 1.4.0; use `LATEST` to get security fixes and current features.",
        ),
    ]


def test_terraform_task_set_fields_map_to_create_task_set():
    from ecslint.terraform.service import TASK_SET_ATTRIBUTES, map_service

    values = {"service": "web", "force_delete": True, "load_balancer": [{"load_balancer_name": "classic", "container_name": "web", "container_port": 80}], "scale": [{"unit": "PERCENT", "value": 100}]}
    mapped = map_service(values, "/resource/aws_ecs_task_set/x", TASK_SET_ATTRIBUTES)
    assert mapped.data == {"service": "web", "loadBalancers": [{"loadBalancerName": "classic", "containerName": "web", "containerPort": 80}], "scale": {"unit": "PERCENT", "value": 100}}
    assert mapped.source_pointer("/scale/value") == "/resource/aws_ecs_task_set/x/scale/0/value"


def _service(**fields) -> str:
    return json.dumps({"serviceName": "web", "taskDefinition": "web", "desiredCount": 2, "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}, **fields})


def test_gateway_connectors_at_most_one_and_only_for_awsvpc():
    companions = [("taskdef.json", json.dumps(TASK))]
    findings = lint_text(_service(gatewayConnectors=[{"portName": "http"}, {"portName": "http"}]), "service.json", select=["ECS313"], companions=companions)
    assert [(f.pointer, f.message) for f in findings] == [("/gatewayConnectors/1", "Service 'web' lists 2 gateway connectors; a service can have at most one.")]
    bridge = dict(TASK, networkMode="bridge")
    findings = lint_text(_service(gatewayConnectors=[{"portName": "http"}]), "service.json", select=["ECS313"], companions=[("taskdef.json", json.dumps(bridge))])
    assert [(f.pointer, f.message, [(r.path, r.pointer) for r in f.related]) for f in findings] == [
        (
            "/gatewayConnectors",
            "Service 'web' has a gateway connector, but task definition 'web' uses `bridge` network mode; a gateway routes only to `awsvpc` tasks through a named port.",
            [("taskdef.json", "/networkMode")],
        )
    ]


def test_gateway_connector_keeps_the_grace_period_in_use():
    companions = [("taskdef.json", json.dumps(TASK))]
    assert [f.pointer for f in lint_text(_service(healthCheckGracePeriodSeconds=60), "service.json", select=["ECS913"], companions=companions)] == ["/healthCheckGracePeriodSeconds"]
    assert lint_text(_service(healthCheckGracePeriodSeconds=60, gatewayConnectors=[{"portName": "http"}]), "service.json", select=["ECS913"], companions=companions) == []


def test_run_task_input_gets_the_network_and_volume_rules_of_its_task_definition():
    run_task = {
        "cluster": "batch",
        "taskDefinition": "web",
        "count": 1,
        "launchType": "FARGATE",
        "volumeConfigurations": [{"name": "scratch", "managedEBSVolume": {"sizeInGiB": 20, "roleArn": "arn:aws:iam::123456789012:role/ecsInfrastructureRole"}}],
    }
    findings = lint_text(json.dumps(run_task), "run-task.json", select=["ECS310", "ECS416"], companions=[("taskdef.json", json.dumps(TASK))])
    assert [(f.rule_id, f.pointer, f.level, f.message) for f in findings if f.path == "run-task.json"] == [
        (
            "ECS310",
            "",
            "error",
            "This run-task input runs an `awsvpc` task definition but gives no `networkConfiguration.awsvpcConfiguration.subnets`; "
            "ECS rejects it: \"Network Configuration must be provided when networkMode 'awsvpc' is specified.\"",
        ),
        ("ECS416", "", "warning", "This run-task input gives no `volumeConfigurations` entry for the task definition's volume 'data', which is `configuredAtLaunch`."),
        ("ECS416", "/volumeConfigurations/0/name", "error", "Volume configuration 'scratch' matches no volume of the task definition with `configuredAtLaunch: true`."),
    ]


def test_terraform_circuit_breaker_from_a_dynamic_block_is_not_judged():
    module = textwrap.dedent(
        """\
        resource "aws_ecs_service" "this" {
          name            = "web"
          task_definition = "web:3"
          desired_count   = 2
          dynamic "deployment_circuit_breaker" {
            for_each = var.deployment_circuit_breaker != null ? [var.deployment_circuit_breaker] : []
            content {
              enable   = deployment_circuit_breaker.value.enable
              rollback = deployment_circuit_breaker.value.rollback
            }
          }
          dynamic "deployment_configuration" {
            for_each = var.deployment_configuration != null ? [var.deployment_configuration] : []
            content {
              strategy = deployment_configuration.value.strategy
            }
          }
        }
        """
    )
    assert lint_text(module, "main.tf", select=["ECS910"]) == []
    # Without the dynamic blocks, the service has no circuit breaker.
    plain = module.split("  dynamic")[0] + "}\n"
    assert [f.pointer for f in lint_text(plain, "main.tf", select=["ECS910"])] == ["/resource/aws_ecs_service/this"]
