"""In-file suppressions: names accepted, and entries that name no rule or suppress nothing reported as ECS004."""

from __future__ import annotations

import json

from tests.helpers import container, lint_text, task

BRIDGE_8080 = [container(portMappings=[{"containerPort": 80, "hostPort": 8080}])]


def lint(tag_value: str, select=("ECS004", "ECS304", "ECS601"), **fields):
    text = task(BRIDGE_8080, networkMode="bridge", tags=[{"key": "ecslint:ignore", "value": tag_value}], **fields)
    return [(f.rule_id, f.pointer, f.message) for f in lint_text(text, select=list(select))]


def test_unknown_ids_are_a_note():
    assert lint("ECS304 ECS3O4") == [("ECS004", "/tags/0/value", "The `ecslint:ignore` tag names `ECS3O4`, which is no ecslint rule, so it suppresses nothing; see `ecslint rules` for the IDs.")]


def test_unused_ids_are_a_note_only_when_their_rules_ran():
    assert lint("ECS304 ECS601") == [("ECS004", "/tags/0/value", "The `ecslint:ignore` tag lists `ECS601`, but no finding of it is here to suppress; remove the entry.")]
    # ECS602 did not run (not selected): its entry is not called unused.
    assert lint("ECS304 ECS602") == []
    # A prefix is unused only when every rule it reaches ran.
    assert lint("ECS304 ECS6") == []


def test_rule_names_suppress_too():
    assert lint("static-host-port") == []
    assert sorted(rule for rule, _, _ in lint("ECS601")) == ["ECS004", "ECS304"]


def test_ecs004_itself_can_be_suppressed_and_is_off_with_no_inline_ignores():
    assert lint("ECS304 ECS3O4 ECS004") == []


def test_cloudformation_metadata_ignores():
    template = {
        "Resources": {
            "Task": {
                "Type": "AWS::ECS::TaskDefinition",
                "Metadata": {"ecslint": {"ignore": ["ECS304", "ECS-304"]}},
                "Properties": {"Family": "web", "NetworkMode": "bridge", "ContainerDefinitions": [{"Name": "web", "Image": "nginx:1.27", "Memory": 128, "PortMappings": [{"ContainerPort": 80, "HostPort": 8080}]}]},
            }
        }
    }
    findings = lint_text(json.dumps(template, indent=1), "template.json", select=["ECS004", "ECS304"])
    assert [(f.rule_id, f.pointer, f.message.split(",")[0]) for f in findings] == [("ECS004", "/Resources/Task/Metadata/ecslint/ignore", "`Metadata.ecslint.ignore` names `ECS-304`")]


def test_cloudformation_service_metadata_ignores_are_named_once_where_written():
    template = {
        "Resources": {
            "Svc": {
                "Type": "AWS::ECS::Service",
                "Metadata": {"ecslint": {"ignore": ["ECS999"]}},
                "Properties": {"Cluster": "c", "DesiredCount": 1, "TaskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1"},
            }
        }
    }
    findings = lint_text(json.dumps(template, indent=1), "template.json", select=["ECS004"])
    assert [(f.rule_id, f.pointer, f.message.split(",")[0]) for f in findings] == [("ECS004", "/Resources/Svc/Metadata/ecslint/ignore", "`Metadata.ecslint.ignore` names `ECS999`")]


def test_service_tag_ignores_point_at_the_tag():
    service = {"serviceName": "web", "cluster": "c", "taskDefinition": "web:1", "tags": [{"key": "ecslint:ignore", "value": "ECS999"}]}
    findings = lint_text(json.dumps(service, indent=1), "service.json", select=["ECS004"])
    assert [(f.rule_id, f.pointer) for f in findings] == [("ECS004", "/tags/0/value")]
