"""ECS411 reads `memberOf` expressions as cluster query language: what reads well, what does not, and how fast."""

from __future__ import annotations

import json
import textwrap
import time

import pytest

from ecslint.checks.services.cluster_query import Problem, problems
from tests.helpers import lint_text

VALID = [
    "attribute:ecs.instance-type == t2.small",
    "attribute:ecs.instance-type equals t2.small",
    "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
    "attribute:ecs.availability-zone not_in [us-east-1a]",
    "ec2InstanceId !in [i-0123456789abcdef0, i-0123456789abcdef1]",
    "attribute:ecs.instance-type =~ g2.*",
    "attribute:ecs.instance-type !~ (t2|t3).*",
    "task:group == service:production",
    "(attribute:ecs.instance-type == t2.small or attribute:ecs.instance-type == t2.medium) and attribute:ecs.availability-zone != us-east-1d",
    "attribute:ecs.ami-id exists",
    "attribute:stack !exists",
    "not(task:group == database)",
    "!(attribute:ecs.instance-type =~ (t2|t3).*)",
    "agentVersion >= 1.2.3 && runningTasksCount < 5 || agentConnected == false",
    "registeredAt < 2018-01-01T00:00:00Z",
    "attribute:ecs.os-type==linux",
]


@pytest.mark.parametrize("expression", VALID)
def test_expressions_of_the_developer_guide_read_well(expression):
    assert problems(expression) == []


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("attribute:ecs.instance-type = t2.small", Problem("needs an operator (`==`, `!=`, `in`, `=~`, `exists`, ...) after `attribute:ecs.instance-type`, not `=`", 28)),
        ("attribute:ecs.instance-type ==", Problem("needs an argument after `==`", 30)),
        ("attribute:ecs.instance-type in t2.small", Problem("needs a list such as `[t3.small, t3.medium]` after `in`", 31)),
        ("attribute:ecs.instance-type in [t2.small, t2.medium", Problem("opens a list after `in` and never closes it with `]`", 31)),
        ("attribute:ecs.instance-type in [t2.small,,t2.medium]", Problem("has an empty item in the list after `in`", 31)),
        ("(attribute:ecs.instance-type == t2.small", Problem("leaves 1 `(` unclosed", 40)),
        ("attribute:ecs.instance-type == t2.small)", Problem("has a `)` that closes no `(`", 39)),
        ("attribute:ecs.instance-type == t2.small and", Problem("ends where a comparison should follow", 43)),
        ("attribute:ecs.instance-type == t2.small t2.medium", Problem("needs `and`, `or` or the end where it has `t2.medium`", 40)),
        ("or attribute:ecs.ami-id exists", Problem("needs a subject before `or`", 0)),
        ("[a] == b", Problem("needs a subject such as `attribute:ecs.instance-type` where it has `[`", 0)),
    ],
)
def test_syntax_errors_say_what_is_needed_and_where(expression, expected):
    assert problems(expression) == [expected]


def test_unknown_subjects_are_doubtful_and_reading_goes_on():
    assert problems("ecs.instance-type == t2.small or instanceType in [t3.small") == [
        Problem("uses `ecs.instance-type`, which is not a subject of cluster query language (`attribute:<name>`, `task:group`, `agentVersion`, ...)", 0, doubtful=True),
        Problem("uses `instanceType`, which is not a subject of cluster query language (`attribute:<name>`, `task:group`, `agentVersion`, ...)", 33, doubtful=True),
        Problem("opens a list after `in` and never closes it with `]`", 49),
    ]


@pytest.mark.parametrize(
    "hostile",
    ["(" * 1999, "attribute:x =~ " + "(" * 1985, "attribute:x in [" + "a," * 990, "!" * 2000, "attribute:x == y and " * 95, "attribute:" + "x" * 1990 + " ==", '"' * 2000],
)
def test_reading_is_linear(hostile):
    started = time.process_time()
    for _ in range(20):
        problems(hostile)
    # 20 readings of 2000 characters: milliseconds when linear, far more if a step backtracked.
    assert time.process_time() - started < 1.0


def _service(*expressions: str) -> str:
    constraints = [{"type": "memberOf", "expression": expression} for expression in expressions]
    return json.dumps({"serviceName": "web", "taskDefinition": "web", "launchType": "EC2", "desiredCount": 2, "placementConstraints": constraints})


def test_ecs411_messages_and_levels():
    findings = lint_text(_service("attribute:ecs.instance-type = t3.small", "ecs.instance-type == t3.small", "attribute:x == y " * 130, "attribute:ecs.instance-type == ${INSTANCE_TYPE}"), "service.json", select=["ECS411"])
    assert [(f.pointer, f.level, f.message) for f in findings] == [
        (
            "/placementConstraints/0/expression",
            "error",
            "The `expression` of placement constraint #1 is not cluster query language: it needs an operator (`==`, `!=`, `in`, `=~`, `exists`, ...) "
            "after `attribute:ecs.instance-type`, not `=` (character 29, near `attribute:ecs.instance-type = t3.small`).",
        ),
        (
            "/placementConstraints/1/expression",
            "warning",
            "The `expression` of placement constraint #2 uses `ecs.instance-type`, which is not a subject of cluster query language "
            "(`attribute:<name>`, `task:group`, `agentVersion`, ...); write an instance attribute as `attribute:<name>`.",
        ),
        ("/placementConstraints/2/expression", "error", "The `expression` of placement constraint #3 is 2210 characters long; ECS accepts at most 2000."),
    ]


def test_expressions_in_cloudformation_and_terraform_point_at_their_own_keys():
    template = textwrap.dedent(
        """\
        Resources:
          Service:
            Type: AWS::ECS::Service
            Properties:
              TaskDefinition: web:3
              LaunchType: EC2
              PlacementConstraints:
                - Type: memberOf
                  Expression: attribute:ecs.instance-type in t3.small
        """
    )
    assert [f.pointer for f in lint_text(template, "stack.yaml", select=["ECS411"])] == ["/Resources/Service/Properties/PlacementConstraints/0/Expression"]
    module = textwrap.dedent(
        """\
        resource "aws_ecs_service" "web" {
          name            = "web"
          task_definition = "web:3"
          launch_type     = "EC2"
          placement_constraints {
            type       = "memberOf"
            expression = "attribute:ecs.instance-type == t3.small and"
          }
          placement_constraints {
            type       = "memberOf"
            expression = "attribute:ecs.instance-type == ${var.instance_type}"
          }
        }
        """
    )
    assert [f.pointer for f in lint_text(module, "main.tf", select=["ECS411"])] == ["/resource/aws_ecs_service/web/placement_constraints/0/expression"]
