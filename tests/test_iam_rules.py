"""Edge cases of the IAM rules (ECS103-ECS109, ECS113): what they report, what they leave alone, and where they point."""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import quote

import pytest

from ecslint.checks import load_all
from ecslint.documents.parse import parse
from ecslint.iam.context import context_from_documents
from ecslint.subjects.task_definition import task_definitions
from tests.helpers import lint_text

ACCOUNT = "111122223333"
IAM_RULES = ["ECS103", "ECS104", "ECS105", "ECS106", "ECS107", "ECS108", "ECS109", "ECS113"]
GOOD_TRUST = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]}
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:orders/db-AbCdEf"
ECR_IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/orders:1.0"
AWSLOGS = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/orders", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}


def task(containers=None, compatibilities=("FARGATE",), **fields) -> str:
    document = {
        "family": "orders",
        "requiresCompatibilities": list(compatibilities),
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/orders-exec",
        "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/orders-task",
        **fields,
        "containerDefinitions": containers or [{"name": "web", "image": "nginx:1.27"}],
    }
    return json.dumps(document)


def statement(action, resource="*", effect="Allow", **extra):
    return {"Effect": effect, "Action": action, "Resource": resource, **extra}


def role(name, *statements, attached=(), trust=GOOD_TRUST, **extra):
    return {
        "RoleName": name,
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
        "AssumeRolePolicyDocument": trust,
        "RolePolicyList": [{"PolicyName": "app", "PolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)}}] if statements else [],
        "AttachedManagedPolicies": [{"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn} for arn in attached],
        **extra,
    }


def iam(execution=None, task_role=None) -> str:
    execution = execution or role("orders-exec", attached=[EXECUTION_POLICY])
    task_role = task_role or role("orders-task")
    return json.dumps({"RoleDetailList": [execution, task_role]})


def found(rule: str, document: str, iam_text: str | None):
    return lint_text(document, select=[rule], iam=iam_text)


def messages(rule, document, iam_text):
    return [f.message for f in found(rule, document, iam_text)]


def raw_findings(rule: str, document: str, iam_text: str):
    """Findings straight from the check, with their related IAM locations."""
    context = context_from_documents([parse("iam.json", iam_text.encode())])
    definition = dataclasses.replace(task_definitions(parse("task-definition.json", document.encode()))[0], iam=context)
    return list(load_all()[rule].function(definition))


@pytest.mark.parametrize("rule", IAM_RULES)
def test_silent_without_iam_and_for_unknown_roles(rule):
    bad = iam(role("orders-exec", statement("*"), trust={"Statement": []}), role("orders-task", statement("*"), trust={"Statement": []}))
    assert found(rule, task(), None) == []
    elsewhere = task(executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/other-exec", taskRoleArn="other-task")
    assert found(rule, elsewhere, bad) == []


@pytest.mark.parametrize("rule", IAM_RULES)
def test_silent_on_a_bare_container_list(rule):
    bad = iam(role("orders-exec", statement("*"), trust={"Statement": []}), role("orders-task", statement("*"), trust={"Statement": []}))
    assert found(rule, json.dumps([{"name": "web", "image": ECR_IMAGE, "logConfiguration": AWSLOGS}]), bad) == []


# ECS103


def test_ecs103_message_names_role_policy_statement_and_task_role():
    text = iam(role("orders-exec", statement("s3:GetObject", f"arn:aws:s3:::config/*"), statement("dynamodb:PutItem", Sid="Orders"), attached=[EXECUTION_POLICY]))
    assert sorted(messages("ECS103", task(), text)) == [
        "Execution role 'orders-exec' allows 'dynamodb:PutItem' (policy 'app', statement 2 'Orders'); the ECS agent never uses it: remove it, or scope it down; move to the task role 'orders-task' only what the application calls.",
        "Execution role 'orders-exec' allows 's3:GetObject' (policy 'app', statement 1); the ECS agent never uses it (`s3:GetObject` is needed only on this task's environment files): remove it, or scope it down; move to the task role 'orders-task' only what the application calls.",
    ]


def test_ecs103_related_location_is_the_statement():
    text = iam(role("orders-exec", statement("dynamodb:PutItem")))
    (finding,) = raw_findings("ECS103", task(), text)
    (related,) = finding.related
    assert related.pointer == "/RoleDetailList/0/RolePolicyList/0/PolicyDocument/Statement/0"
    assert related.document.region(related.pointer).start_line == 1  # json.dumps writes one line
    assert related.message == "Statement 1 of policy 'app' allows 'dynamodb:PutItem'"


def test_ecs103_without_task_role_says_where_to_move():
    document = json.loads(task())
    del document["taskRoleArn"]
    (message,) = messages("ECS103", json.dumps(document), iam(role("orders-exec", statement("sqs:SendMessage"))))
    assert message.endswith("remove it, or scope it down; move to a task role (`taskRoleArn`) only what the application calls.")


def test_ecs103_never_advises_moving_whole_services_of_iam_or_ecr():
    (message,) = messages("ECS103", task(), iam(role("orders-exec", statement("iam:*"))))
    assert message.endswith("the ECS agent never uses them: remove them, or scope them down.")


def test_ecs103_condition_says_may_allow():
    (message,) = messages("ECS103", task(), iam(role("orders-exec", statement("sqs:SendMessage", Condition={"Bool": {"aws:SecureTransport": "true"}}))))
    assert message.startswith("Execution role 'orders-exec' may allow 'sqs:SendMessage' (policy 'app', statement 1, under its Condition)")


def test_ecs103_expands_wildcards_and_reports_unknown_patterns():
    (message,) = messages("ECS103", task(), iam(role("orders-exec", statement(["sqs:*", "madeup:*"]))))
    assert "allows 'sqs:*' and 'madeup:*'" in message and "which grants 'sqs:" in message
    assert "where 'madeup:*' is unknown to the action catalogue" in message


def test_ecs103_not_action_lists_what_it_grants():
    (message,) = messages("ECS103", task(), iam(role("orders-exec", {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})))
    assert "allows every action except 'iam:*'" in message and "more actions" in message


@pytest.mark.parametrize(
    "policy",
    [
        [statement("dynamodb:*"), statement("dynamodb:*", effect="Deny")],  # denied everywhere
        [statement(["ecr:Describe*", "ecr:List*", "logs:Describe*", "ssm:GetParameter", "kms:Decrypt"])],  # reads of the agent's services
        [statement("s3:GetObject", "arn:aws:s3:::config/orders.env")],  # only the task's environment file
    ],
)
def test_ecs103_leaves_agent_use_alone(policy):
    containers = [{"name": "web", "image": "nginx:1.27", "environmentFiles": [{"type": "s3", "value": "arn:aws:s3:::config/orders.env"}]}]
    assert messages("ECS103", task(containers), iam(role("orders-exec", *policy, attached=[EXECUTION_POLICY]))) == []


def test_ecs103_registry_read_only_managed_policy_is_tolerated_but_read_only_access_is_not():
    tolerated = iam(role("orders-exec", attached=[EXECUTION_POLICY, "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"]))
    assert messages("ECS103", task(), tolerated) == []
    (message,) = messages("ECS103", task(), iam(role("orders-exec", attached=["arn:aws:iam::aws:policy/ReadOnlyAccess"])))
    assert "AWS managed policy 'ReadOnlyAccess', statement 1" in message and "'dynamodb:" in message


def test_ecs103_url_encoded_policy_points_at_the_string():
    execution = role("orders-exec")
    execution["RolePolicyList"] = [{"PolicyName": "app", "PolicyDocument": quote(json.dumps({"Statement": [statement("sqs:SendMessage")]}))}]
    (finding,) = raw_findings("ECS103", task(), iam(execution))
    assert finding.related[0].pointer == "/RoleDetailList/0/RolePolicyList/0/PolicyDocument"


@pytest.mark.parametrize("rule", ["ECS103", "ECS106"])
def test_one_role_for_both_fields_is_left_to_ecs102(rule):
    document = task(taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/orders-exec")
    assert messages(rule, document, iam(role("orders-exec", statement(["sqs:SendMessage", "ssmmessages:*"])))) == []


# ECS104 and ECS105


def test_ecs105_reports_each_missing_need_with_its_resource():
    containers = [{"name": "web", "image": ECR_IMAGE, "logConfiguration": AWSLOGS, "secrets": [{"name": "DB", "valueFrom": "/orders/db"}]}]
    (message,) = messages("ECS105", task(containers), iam(role("orders-exec", attached=[EXECUTION_POLICY])))
    assert message == (
        "Execution role 'orders-exec' does not allow 'ssm:GetParameters' on `arn:aws:ssm:us-east-1:111122223333:parameter/orders/db`, "
        "which Container 'web' needs to read the secret `DB` (`valueFrom: /orders/db`); the task cannot start until the execution role allows it."
    )


def test_ecs105_ec2_tasks_pull_and_log_with_the_instance_role():
    containers = [{"name": "web", "image": ECR_IMAGE, "logConfiguration": AWSLOGS}]
    assert messages("ECS105", task(containers, compatibilities=("EC2",)), iam(role("orders-exec"))) == []
    fargate = messages("ECS105", task(containers), iam(role("orders-exec")))
    assert len(fargate) == 2 and "log group `/ecs/orders`" in fargate[1]


@pytest.mark.parametrize(
    ("value", "resource"),
    [
        ("arn:aws:secretsmanager:us-east-1:111122223333:secret:orders/db", "arn:aws:secretsmanager:us-east-1:111122223333:secret:orders/db-*"),  # partial ARN
        (SECRET + ":password::", SECRET),  # a JSON key after the ARN
        ("orders-db", "arn:aws:ssm:*:111122223333:parameter/orders-db"),  # a name, region unknown
    ],
)
def test_ecs105_secret_forms_match_scoped_policies(value, resource):
    containers = [{"name": "web", "image": "nginx:1.27", "secrets": [{"name": "DB", "valueFrom": value}]}]
    action = "ssm:GetParameters" if ":ssm:" in resource else "secretsmanager:GetSecretValue"
    assert messages("ECS105", task(containers), iam(role("orders-exec", statement(action, resource)))) == []


def test_ecs105_conditional_allow_and_incomplete_role_are_not_findings():
    containers = [{"name": "web", "image": "nginx:1.27", "secrets": [{"name": "DB", "valueFrom": SECRET}]}]
    conditional = statement("secretsmanager:GetSecretValue", Condition={"StringEquals": {"aws:ResourceTag/app": "orders"}})
    assert messages("ECS105", task(containers), iam(role("orders-exec", conditional))) == []
    unknown = role("orders-exec", attached=[f"arn:aws:iam::{ACCOUNT}:policy/not-in-input"])
    assert messages("ECS105", task(containers), iam(unknown)) == []


def test_ecs105_deny_related_location_is_the_deny():
    containers = [{"name": "web", "image": "nginx:1.27", "secrets": [{"name": "DB", "valueFrom": SECRET}]}]
    text = iam(role("orders-exec", statement("secretsmanager:*"), statement("secretsmanager:GetSecretValue", effect="Deny")))
    (finding,) = raw_findings("ECS105", task(containers), text)
    assert "denies 'secretsmanager:GetSecretValue'" in finding.message and "(policy 'app', statement 2; an explicit Deny wins over any Allow)" in finding.message
    assert finding.related[0].pointer.endswith("/Statement/1")


REPOSITORY_FORMAT = "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}"
LOG_STREAM_FORMAT = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}"
PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
WRITE_LOGS = ["logs:CreateLogStream", "logs:PutLogEvents"]


def test_ecs105_pull_allowed_only_on_s3_says_what_the_action_needs():
    containers = [{"name": "web", "image": ECR_IMAGE}]
    (finding,) = raw_findings("ECS105", task(containers), iam(role("orders-exec", statement("ecr:GetAuthorizationToken"), statement(PULL, "arn:aws:s3:::*"))))
    assert finding.message == (
        "Execution role 'orders-exec' does not allow 'ecr:BatchGetImage' and 'ecr:GetDownloadUrlForLayer' on `arn:aws:ecr:us-east-1:111122223333:repository/orders`, "
        "which Container 'web' needs to pull its image from ECR (on Fargate the execution role pulls it); the task cannot start until the execution role allows it. "
        f"'ecr:BatchGetImage' and 'ecr:GetDownloadUrlForLayer' are allowed only on `arn:aws:s3:::*` (policy 'app', statement 2), which cannot be the `repository` they need (`{REPOSITORY_FORMAT}`)."
    )
    assert [related.pointer for related in finding.related] == ["/RoleDetailList/0", "/RoleDetailList/0/RolePolicyList/0/PolicyDocument/Statement/1"]
    assert finding.related[1].message == "Statement 2 of policy 'app' allows 'ecr:BatchGetImage' and 'ecr:GetDownloadUrlForLayer' only on resources of other types"


def test_ecs105_a_deploy_time_log_group_is_some_log_group():
    options = {"awslogs-group": "${LogGroup}", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}
    containers = [{"name": "web", "image": "nginx:1.27", "logConfiguration": {"logDriver": "awslogs", "options": options}}]
    (message,) = messages("ECS105", task(containers), iam(role("orders-exec", statement(WRITE_LOGS, "arn:aws:s3:::orders-logs/*"))))
    assert message == (
        "Execution role 'orders-exec' does not allow 'logs:CreateLogStream' and 'logs:PutLogEvents' on `arn:aws:logs:us-east-1:111122223333:log-group:*`, "
        "which Container 'web' needs to send its logs to the log group `${LogGroup}` set at deploy time, with the awslogs driver (on Fargate); "
        "the task cannot start until the execution role allows it. "
        f"'logs:CreateLogStream' and 'logs:PutLogEvents' are allowed only on `arn:aws:s3:::orders-logs/*` (policy 'app', statement 1), which cannot be the `log-stream` they need (`{LOG_STREAM_FORMAT}`)."
    )
    # Another log group's type, a deploy-time ARN, or any log group by name: each may be the one chosen at deploy time.
    for resource in ("arn:aws:logs:us-east-1:111122223333:log-group:/ecs/other:*", "${LogGroup.Arn}", "arn:aws:logs:*:*:*", "arn:${AWS.Partition}:logs:${AWS.Region}:${AWS.AccountId}:log-group:${LogGroup}:*"):
        assert messages("ECS105", task(containers), iam(role("orders-exec", statement(WRITE_LOGS, resource)))) == [], resource
    # A log stream's ARN is not a destination's.
    (message,) = messages("ECS105", task(containers), iam(role("orders-exec", statement(WRITE_LOGS, "arn:aws:logs:us-east-1:111122223333:destination:*"))))
    assert "are allowed only on `arn:aws:logs:us-east-1:111122223333:destination:*` (policy 'app', statement 1), which cannot be the `log-stream` they need" in message


def test_ecs105_a_deploy_time_repository_name_in_a_known_registry():
    containers = [{"name": "web", "image": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${{Repository}}:1.0"}]
    token = statement("ecr:GetAuthorizationToken")
    (message,) = messages("ECS105", task(containers), iam(role("orders-exec", token, statement(PULL, "arn:aws:s3:::images/*"))))
    assert message.startswith(
        "Execution role 'orders-exec' does not allow 'ecr:BatchGetImage' and 'ecr:GetDownloadUrlForLayer' on `arn:aws:ecr:us-east-1:111122223333:repository/*`, "
        "which Container 'web' needs to pull its image from the ECR repository `${Repository}` set at deploy time (on Fargate the execution role pulls it);"
    )
    assert messages("ECS105", task(containers), iam(role("orders-exec", token, statement(PULL, f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/orders")))) == []


def test_ecs105_wrong_type_is_claimed_only_when_certain():
    containers = [{"name": "web", "image": ECR_IMAGE}]
    token = statement("ecr:GetAuthorizationToken")
    # A whole-ARN deploy-time value may be the repository.
    assert messages("ECS105", task(containers), iam(role("orders-exec", token, statement(PULL, "${Bucket.Arn}/*")))) == []
    # `arn:*:s3:::*` cannot match the repository, but its `*` ending a segment may reach past the colon, so the type
    # comparison claims nothing; nor for a repository of the right type that is another one.
    for resource in ("arn:*:s3:::*", f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/other"):
        (message,) = messages("ECS105", task(containers), iam(role("orders-exec", token, statement(PULL, resource))))
        assert message.endswith("the task cannot start until the execution role allows it."), resource
    # A deploy-time partition stands for one segment: an S3 ARN still.
    (message,) = messages("ECS105", task(containers), iam(role("orders-exec", token, statement(PULL, "arn:${AWS.Partition}:s3:::images/*"))))
    assert "which cannot be the `repository` they need" in message


def test_deploy_time_needs_stay_out_of_ecs103_and_written_roles():
    options = {"awslogs-group": "${LogGroup}", "awslogs-region": "us-east-1"}
    containers = [{"name": "web", "image": "nginx:1.27", "logConfiguration": {"logDriver": "awslogs", "options": options}}]
    from ecslint.iam.needs import Place, bootstrap_needs

    definition = task_definitions(parse("task-definition.json", task(containers).encode()))[0]
    place = Place("aws", "us-east-1", ACCOUNT)
    assert bootstrap_needs(definition, place) == []
    (need,) = bootstrap_needs(definition, place, deploy_time=True)
    assert [str(resource) for requirement in need.requirements for resource in requirement.resources] == ["arn:aws:logs:us-east-1:111122223333:log-group:*"] * 2


def test_ecs104_only_counts_statements_that_name_the_service():
    containers = [{"name": "web", "image": "nginx:1.27", "secrets": [{"name": "DB", "valueFrom": SECRET}]}]
    admin = role("orders-task", attached=["arn:aws:iam::aws:policy/AdministratorAccess"])
    assert messages("ECS104", task(containers), iam(task_role=admin)) == []
    (finding,) = found("ECS104", task(containers), iam(task_role=role("orders-task", statement("secretsmanager:Get*", SECRET))))
    assert finding.pointer == "/taskRoleArn" and "look swapped; move it to 'orders-exec'" in finding.message


# ECS106


def test_ecs106_names_who_uses_the_actions():
    (message,) = messages("ECS106", task(), iam(role("orders-exec", statement(["xray:PutTraceSegments", "cloudwatch:PutMetricData"]))))
    assert "which the X-Ray daemon and the CloudWatch agent call from inside the task with the task role" in message


def test_ecs106_firelens_cloudwatch_needs_logs_on_the_task_role():
    firelens = [
        {"name": "router", "image": "amazon/aws-for-fluent-bit:2.32.0", "firelensConfiguration": {"type": "fluentbit"}},
        {"name": "web", "image": "nginx:1.27", "logConfiguration": {"logDriver": "awsfirelens", "options": {"Name": "cloudwatch_logs", "region": "us-east-1"}}},
    ]
    (message,) = messages("ECS106", task(firelens), iam(role("orders-exec", attached=[EXECUTION_POLICY])))
    assert "'logs:PutLogEvents'" in message and "the FireLens `cloudwatch` output" in message
    fixed = iam(task_role=role("orders-task", statement(["logs:CreateLogStream", "logs:PutLogEvents"])))
    assert messages("ECS106", task(firelens), fixed) == []


# ECS107


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        ([statement("iam:*")], "'iam:*' on every resource"),
        ([statement("iam:Put*")], "'iam:Put*' on every resource"),
        ([statement("sts:AssumeRole")], "'sts:AssumeRole' on every resource (policy 'app', statement 1). Code in the container can escalate its privileges with it"),
        ([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}], "every action except 'iam:*' on every resource"),
        ([statement("*", "arn:aws:s3:::bucket/*")], "allows every action on 'arn:aws:s3:::bucket/*' (policy 'app', statement 1)."),
        ([statement("s3:*", Condition={"Bool": {"aws:SecureTransport": "true"}})], "may allow every `s3` action on every resource (policy 'app', statement 1, under its Condition)."),
        ([statement(["s3:*", "sqs:*"])], "allows every `s3` and `sqs` action on every resource"),
    ],
)
def test_ecs107_reports_power(statements, expected):
    (message,) = messages("ECS107", task(), iam(task_role=role("orders-task", *statements)))
    assert expected in message


@pytest.mark.parametrize(
    "statements",
    [
        [statement("s3:*", "arn:aws:s3:::orders-data/*")],
        [statement("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/worker")],
        [statement(["iam:Get*", "iam:List*"], "*")],
        [statement("dynamodb:*"), statement("dynamodb:*", effect="Deny")],
    ],
)
def test_ecs107_leaves_scoped_policies_alone(statements):
    assert messages("ECS107", task(), iam(task_role=role("orders-task", *statements))) == []


def test_ecs107_names_three_examples_then_a_count():
    (message,) = messages("ECS107", task(), iam(task_role=role("orders-task", statement("s3:*"))))
    first, *rest = message.split(". ")
    assert first == "Task role 'orders-task' allows every `s3` action on every resource (policy 'app', statement 1)"
    assert rest[0].startswith("That includes 's3:") and rest[0].count("'s3:") == 3 and "more actions" in rest[0]
    assert message.endswith("Grant only the actions and resources the application calls.")


def test_ecs107_powerful_managed_policy_is_reported_once_at_its_attachment():
    admin = role("orders-task", attached=["arn:aws:iam::aws:policy/PowerUserAccess"])
    (finding,) = raw_findings("ECS107", task(), iam(task_role=admin))
    assert "'PowerUserAccess' attached" in finding.message
    assert finding.related[0].pointer == "/RoleDetailList/1/AttachedManagedPolicies/0"


# ECS108 and ECS109


@pytest.mark.parametrize(
    ("trust", "count"),
    [
        ({"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}, 1),
        ({"Statement": [{"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]}, "Action": "sts:*"}]}, 0),
        ({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]}, 0),
        ({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}, 0),
        ({"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:TagSession"}]}, 1),
        ({"Statement": [GOOD_TRUST["Statement"][0], {"Effect": "Deny", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}, 1),
    ],
)
def test_ecs108_trust_policies(trust, count):
    assert len(messages("ECS108", task(), iam(task_role=role("orders-task", trust=trust)))) == count


def test_ecs108_same_role_for_both_fields_is_reported_once_and_missing_trust_is_silent():
    document = task(taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/orders-exec")
    bad = role("orders-exec", trust={"Statement": []})
    assert [f.pointer for f in found("ECS108", document, iam(bad))] == ["/executionRoleArn"]
    no_trust = role("orders-exec")
    del no_trust["AssumeRolePolicyDocument"]
    assert found("ECS108", document, iam(no_trust)) == []


@pytest.mark.parametrize(
    ("condition", "count"),
    [(None, 1), ({"StringEquals": {"aws:SourceAccount": ACCOUNT}}, 0), ({"ArnLike": {"AWS:SourceArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:*"}}, 0), ({"StringEquals": {"aws:PrincipalOrgID": "o-1"}}, 1)],
)
def test_ecs109_source_conditions(condition, count):
    trust_statement = {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
    if condition:
        trust_statement["Condition"] = condition
    assert len(messages("ECS109", task(), iam(task_role=role("orders-task", trust={"Statement": [trust_statement]})))) == count


# ECS113


@pytest.mark.parametrize(
    ("statements", "count"),
    [
        ([statement("ssm:Get*")], 1),
        ([statement("*")], 1),
        ([statement("kms:Decrypt", Condition={"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}})], 0),
        ([statement("secretsmanager:GetSecretValue", SECRET)], 0),
        ([statement("secretsmanager:GetSecretValue"), statement("secretsmanager:*", effect="Deny")], 0),
    ],
)
def test_ecs113_unscoped_secret_reads(statements, count):
    containers = [{"name": "web", "image": "nginx:1.27", "secrets": [{"name": "DB", "valueFrom": SECRET}]}]
    found_messages = messages("ECS113", task(containers), iam(role("orders-exec", *statements)))
    assert len(found_messages) == count
    if count:
        assert f"limit `Resource` to the secrets this task definition references (`{SECRET}`)" in found_messages[0]


def test_ecs106_says_also_grant_when_awslogs_containers_still_need_logs():
    containers = [
        {"name": "router", "image": "amazon/aws-for-fluent-bit:2.32.0", "firelensConfiguration": {"type": "fluentbit"}, "logConfiguration": AWSLOGS},
        {"name": "web", "image": "nginx:1.27", "logConfiguration": {"logDriver": "awsfirelens", "options": {"Name": "cloudwatch_logs", "region": "us-east-1"}}},
    ]
    (message,) = messages("ECS106", task(containers), iam(role("orders-exec", attached=[EXECUTION_POLICY])))
    assert message.endswith("never the execution role: also grant it to the task role 'orders-task'.")
