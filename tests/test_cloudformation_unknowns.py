"""CloudFormation values from other stacks (Fn::ImportValue, nested stack outputs) and SSM parameters: unknown, the role still usable."""

from __future__ import annotations

from ecslint.front_ends import parse, recognise
from tests.helpers import lint_text

HEAD = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  QueueArn:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /shop/queue-arn
  Actions:
    Type: CommaDelimitedList
Resources:
  Network:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://example.com/network.yaml
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
            Condition: {StringEquals: {"aws:SourceAccount": !Ref AWS::AccountId}}
%s
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "256"
      Memory: "512"
      TaskRoleArn: %s
      ContainerDefinitions:
        - Name: app
          Image: public.ecr.aws/nginx/nginx:1.27
          Essential: true
"""

POLICIES = """
      Policies:
        - PolicyName: app
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: !Split [",", !ImportValue shop-actions]
                Resource: "*"
              - Effect: Allow
                Action: ["sqs:SendMessage"]
                Resource: !Ref QueueArn
              - Effect: Allow
                Action: "*"
                Resource: !GetAtt Network.Outputs.BucketArn
              - Effect: Allow
                Action: ["s3:*"]
                Resource: "*"
                Condition: {StringEquals: {"aws:SourceVpc": !ImportValue shop-vpc}}
              - Effect: Allow
                Action: ["iam:PassRole"]
                Resource: "{{resolve:ssm:/shop/passed-role}}"
"""


def _task(text: str):
    (task,) = [subject for subject in recognise(parse("template.yaml", text.encode())) if hasattr(subject, "iam")]
    return task


def test_imports_ssm_parameters_and_nested_stack_outputs_keep_the_role_usable():
    text = HEAD % (POLICIES + "      ManagedPolicyArns:\n        - !ImportValue shop-shared-policy\n", "!GetAtt TaskRole.Arn")
    task = _task(text)
    role = task.iam.role(task.data["taskRoleArn"])
    # The statement with imported actions is left out, the others stay with their numbers and places.
    (policy,) = role.permissions.policies
    assert [(statement.number, statement.location.pointer.rsplit("/", 1)[-1], statement.actions, statement.resources, statement.conditional) for statement in policy.statements] == [
        (2, "1", ("sqs:SendMessage",), ("${QueueArn}",), False),
        (3, "2", ("*",), ("${Network.Outputs.BucketArn}",), False),
        (4, "3", ("s3:*",), ("*",), True),
        (5, "4", ("iam:PassRole",), ("${resolve.ssm./shop/passed-role}",), False),
    ]
    # Incomplete, for the rules that need the whole policy: a statement and a managed policy are not known.
    assert role.missing == ("1 statement of policy app (actions known at deploy time)", "${ImportValue.shop-shared-policy}")
    found = lint_text(text, filename="template.yaml", select=["ECS107"])
    assert [(f.rule_id, f.pointer, f.message.split(" (")[0]) for f in found] == [
        ("ECS107", "/Resources/Task/Properties/TaskRoleArn", "Task role 'TaskRole' allows every action on '${Network.Outputs.BucketArn}'"),
        ("ECS107", "/Resources/Task/Properties/TaskRoleArn", "Task role 'TaskRole' may allow every `s3` action on every resource"),
    ]
    assert [related.pointer for f in found for related in f.related] == [
        "/Resources/TaskRole/Properties/Policies/0/PolicyDocument/Statement/2",
        "/Resources/TaskRole/Properties/Policies/0/PolicyDocument/Statement/3",
    ]


def test_a_deny_with_actions_known_at_deploy_time_makes_the_policy_unknown():
    deny = POLICIES + "              - Effect: Deny\n                Action: !Ref Actions\n                Resource: \"*\"\n"
    text = HEAD % (deny, "!GetAtt TaskRole.Arn")
    role = _task(text).iam.role(_task(text).data["taskRoleArn"])
    assert role.permissions.policies == () and role.missing == ("inline policy app",)
    assert lint_text(text, filename="template.yaml", select=["ECS107"]) == []


def test_a_trust_policy_with_a_statement_known_at_deploy_time_is_not_judged():
    text = (HEAD % ("", "!GetAtt TaskRole.Arn")).replace("Action: sts:AssumeRole", "Action: !ImportValue shop-trust-actions")
    task = _task(text)
    assert task.iam.role(task.data["taskRoleArn"]).trust is None
    assert lint_text(text, filename="template.yaml", select=["ECS108", "ECS109"]) == []


def test_a_role_field_from_another_stack_or_parameter_stays_unresolved():
    for field in ("!ImportValue shop-task-role-arn", "!Ref QueueArn", "!GetAtt Network.Outputs.RoleArn"):
        task = _task(HEAD % (POLICIES, field))
        assert task.iam.role(task.data["taskRoleArn"]) is None
        assert lint_text(HEAD % (POLICIES, field), filename="template.yaml", select=["ECS107"]) == []


def test_messages_write_unknowns_as_the_template_does():
    from ecslint.cloudformation.messages import as_written

    assert as_written("on '${resolve.ssm./shop/queue}' and 'arn:${AWS.Partition}:s3:::${Bucket}/*'") == (
        "on '{{resolve:ssm:/shop/queue}}' and 'arn:${AWS::Partition}:s3:::${Bucket}/*'"
    )


CONDITIONAL = """
Parameters:
  Mode:
    Type: String
Conditions:
  Legacy: !Equals [!Ref Mode, legacy]
Resources:
%s
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !If [Legacy, !GetAtt Admin.Arn, !GetAtt %s.Arn]
      ContainerDefinitions: [{Name: app, Image: nginx:1.27, Memory: 256}]
"""


def _role(name: str, allows_everything: bool) -> str:
    policies = "\n      Policies: [{PolicyName: all, PolicyDocument: {Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}}]" if allows_everything else ""
    trust = "{Statement: [{Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com}, Action: sts:AssumeRole, Condition: {StringEquals: {aws:SourceAccount: '123456789012'}}}]}"
    return f"  {name}:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {trust}{policies}"


def test_a_condition_the_template_cannot_decide_is_judged_both_ways():
    both = CONDITIONAL % (_role("Admin", True) + "\n" + _role("Other", True), "Other")
    task = _task(both)
    assert [view.data["taskRoleArn"].rsplit("/", 1)[-1] for view in task.alternative_views()] == ["${Admin}", "${Other}"]
    assert task.alternative_conditions == ("Legacy",)
    found = lint_text(both, filename="template.yaml", select=["ECS107"])
    assert [(f.rule_id, f.pointer) for f in found] == [("ECS107", "/Resources/Task/Properties/TaskRoleArn")]
    assert found[0].message.startswith("Task role 'Admin' allows every action on every resource")
    assert found[0].message.endswith("The same holds whichever way `Legacy` is decided (the related locations show each case).")
    assert [related.pointer for related in found[0].related] == [
        "/Resources/Admin/Properties/Policies/0/PolicyDocument/Statement/0", "/Resources/Other/Properties/Policies/0/PolicyDocument/Statement/0",
    ]
    # One way only: no finding.
    one = CONDITIONAL % (_role("Admin", True) + "\n" + _role("Other", False), "Other")
    assert lint_text(one, filename="template.yaml", select=["ECS107"]) == []
    # Decided by a default: the finding of that way.
    decided = one.replace("    Type: String\n", "    Type: String\n    Default: legacy\n", 1)
    assert _task(decided).alternatives == ()
    assert [f.rule_id for f in lint_text(decided, filename="template.yaml", select=["ECS107"])] == ["ECS107"]
