"""ECS912 with the AppSpec file that deploys a CODE_DEPLOY service: which AppSpec, and what is compared."""

from __future__ import annotations

import json
import textwrap

from tests.helpers import lint_text

TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef"


def _service(name="web", family="web", controller="CODE_DEPLOY", container="web", port=80) -> str:
    return json.dumps(
        {
            "serviceName": name,
            "taskDefinition": family,
            "desiredCount": 2,
            "deploymentController": {"type": controller},
            "loadBalancers": [{"targetGroupArn": TARGET_GROUP, "containerName": container, "containerPort": port}],
        }
    )


def _appspec(task_definition="<TASK_DEFINITION>", container="web", port=80) -> str:
    return textwrap.dedent(
        f"""\
        version: 0.0
        Resources:
          - TargetService:
              Type: AWS::ECS::Service
              Properties:
                TaskDefinition: "{task_definition}"
                LoadBalancerInfo:
                  ContainerName: {container}
                  ContainerPort: {port}
        """
    )


def _ecs912(findings):
    return [(f.path, f.pointer, f.level, f.message, [(r.path, r.pointer, r.message) for r in f.related]) for f in findings if f.rule_id == "ECS912"]


def test_appspec_beside_the_service_with_another_port():
    findings = lint_text(_service(), "deploy/service.json", select=["ECS912"], companions=[("deploy/appspec.yaml", _appspec(port=8080))])
    assert _ecs912(findings) == [
        (
            "deploy/service.json",
            "/loadBalancers/0/containerPort",
            "warning",
            "The AppSpec appspec.yaml routes traffic to port 8080 of container 'web', but load balancer #1 of Service 'web' targets port 80; "
            "CodeDeploy registers the AppSpec's port with the target groups.",
            [("deploy/appspec.yaml", "/Resources/0/TargetService/Properties/LoadBalancerInfo/ContainerPort", "The AppSpec's `ContainerPort`")],
        )
    ]


def test_appspec_elsewhere_found_by_the_family_it_deploys():
    appspec = _appspec("arn:aws:ecs:us-east-1:123456789012:task-definition/web:7", container="app")
    findings = lint_text(_service(), "services/web.json", select=["ECS912"], companions=[("codedeploy/appspec.yaml", appspec)])
    assert _ecs912(findings) == [
        (
            "services/web.json",
            "/loadBalancers/0/containerName",
            "warning",
            "The AppSpec appspec.yaml routes traffic to container 'app', but load balancer #1 of Service 'web' targets 'web'; "
            "CodeDeploy registers the AppSpec's container with the target groups.",
            [("codedeploy/appspec.yaml", "/Resources/0/TargetService/Properties/LoadBalancerInfo/ContainerName", "The AppSpec's `LoadBalancerInfo`")],
        )
    ]


def test_appspec_beside_the_service_for_another_family():
    appspec = _appspec("arn:aws:ecs:us-east-1:123456789012:task-definition/api:4")
    findings = lint_text(_service(), "service.json", select=["ECS912"], companions=[("appspec.yaml", appspec)])
    assert _ecs912(findings) == [
        (
            "service.json",
            "/taskDefinition",
            "warning",
            "Service 'web' runs task definition family 'web', but the AppSpec appspec.yaml deploys family 'api'; CodeDeploy would replace its tasks with another application's.",
            [("appspec.yaml", "/Resources/0/TargetService/Properties/TaskDefinition", "The AppSpec's `TaskDefinition`")],
        )
    ]


def test_no_single_appspec_no_comparison():
    appspec = ("appspec.yaml", _appspec(port=8080))
    # Two CODE_DEPLOY services beside one placeholder AppSpec: which one it deploys is not known.
    assert _ecs912(lint_text(_service(), "web.json", select=["ECS912"], companions=[("api.json", _service("api", "api")), appspec])) == []
    # The ECS controller does not deploy with an AppSpec.
    assert _ecs912(lint_text(_service(controller="ECS"), "service.json", select=["ECS912"], companions=[appspec])) == []
    # A matching AppSpec, and one whose port is a value CI fills in.
    assert _ecs912(lint_text(_service(), "service.json", select=["ECS912"], companions=[("appspec.yaml", _appspec())])) == []
    assert _ecs912(lint_text(_service(), "service.json", select=["ECS912"], companions=[("appspec.yaml", _appspec(port="${PORT}"))])) == []


def test_cloudformation_service_and_appspec_in_one_folder():
    template = textwrap.dedent(
        f"""\
        Resources:
          Service:
            Type: AWS::ECS::Service
            Properties:
              TaskDefinition: web:3
              DesiredCount: 2
              DeploymentController:
                Type: CODE_DEPLOY
              LoadBalancers:
                - TargetGroupArn: {TARGET_GROUP}
                  ContainerName: web
                  ContainerPort: 80
        """
    )
    findings = lint_text(template, "stack.yaml", select=["ECS912"], companions=[("appspec.yaml", _appspec(container="proxy"))])
    assert [(f.path, f.pointer) for f in findings] == [("stack.yaml", "/Resources/Service/Properties/LoadBalancers/0/ContainerName")]
