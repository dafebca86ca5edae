"""`ecslint policy --aws` against moto, and `--validate` with IAM Access Analyzer stubbed (no network)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import ANY, Stubber
from moto import mock_aws

from tests.helpers import cli
from tests.test_live import REGION, aws_env, calls  # noqa: F401 (fixtures)

ACCOUNT = "123456789012"
CONTAINERS = [
    {
        "name": "web",
        "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/orders:1",
        "memory": 256,
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/orders", "awslogs-region": REGION, "awslogs-stream-prefix": "web"}},
    }
]


@mock_aws
def test_policy_for_a_registered_task_definition(aws_env, calls, capsys):  # noqa: F811
    boto3.client("ecs", region_name=REGION).register_task_definition(
        family="orders", containerDefinitions=CONTAINERS, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/orders-exec",
    )
    result = cli(capsys, "policy", "--aws", "orders")
    assert result.code == 0, result.err
    role = json.loads(result.out)["orders"]["executionRole"]
    assert [s["Sid"] for s in role["policy"]["Statement"]] == ["GetEcrAuthorizationToken", "PullImagesFromOrdersRepository", "WriteLogsToEcsOrders"]
    # The task definition ARN tells the Region and account: the trust policy names both.
    assert role["trustPolicy"]["Statement"][0]["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:*"}
    assert calls and all(call.split(":", 1)[1].startswith(("Describe", "List", "Get")) for call in calls)


@pytest.fixture
def stubbed_analyzer(monkeypatch, aws_env):  # noqa: F811
    import ecslint.aws.task_definitions as live

    analyzer = boto3.client("accessanalyzer", region_name=REGION)
    stub = Stubber(analyzer)
    monkeypatch.setattr(live, "client", lambda session, service: analyzer)
    with stub:
        yield stub
    stub.assert_no_pending_responses()


def test_validate_reports_access_analyzer_findings(tmp_path, capsys, stubbed_analyzer):
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"family": "orders", "requiresCompatibilities": ["FARGATE"], "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/orders-exec", "containerDefinitions": CONTAINERS}))
    finding = {"findingDetails": "Add a value to the empty string.", "findingType": "SUGGESTION", "issueCode": "EMPTY_OBJECT", "learnMoreLink": "https://example.com", "locations": []}
    stubbed_analyzer.add_response("validate_policy", {"findings": [finding]}, {"policyDocument": ANY, "policyType": "IDENTITY_POLICY"})
    stubbed_analyzer.add_response("validate_policy", {"findings": []}, {"policyDocument": ANY, "policyType": "RESOURCE_POLICY", "validatePolicyResourceType": "AWS::IAM::AssumeRolePolicyDocument"})
    result = cli(capsys, "policy", str(path), "--validate")
    assert result.code == 1
    assert result.err == "ecslint: suggestion: orders: execution role policy: EMPTY_OBJECT: Add a value to the empty string.\n"
    assert json.loads(result.out)["orders"]["executionRole"]["roleName"] == "orders-exec"


def test_validate_denied_is_one_line_and_exit_2(tmp_path, capsys, stubbed_analyzer):
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"family": "orders", "requiresCompatibilities": ["FARGATE"], "containerDefinitions": CONTAINERS}))
    stubbed_analyzer.add_client_error("validate_policy", "AccessDeniedException", "not allowed")
    result = cli(capsys, "policy", str(path), "--validate")
    assert result.code == 2
    assert result.err == "ecslint: error: IAM Access Analyzer ValidatePolicy failed: AccessDeniedException: not allowed\n"


@mock_aws
def test_diff_against_a_role_read_live(aws_env, calls, tmp_path, capsys):  # noqa: F811
    iam = boto3.client("iam", region_name=REGION)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]}
    iam.create_role(RoleName="orders-exec", AssumeRolePolicyDocument=json.dumps(trust))
    broad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ecr:*", "logs:*"], "Resource": "*"}]}
    iam.put_role_policy(RoleName="orders-exec", PolicyName="broad", PolicyDocument=json.dumps(broad))
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"family": "orders", "requiresCompatibilities": ["FARGATE"], "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/orders-exec", "containerDefinitions": CONTAINERS}))
    result = cli(capsys, "policy", str(path), "--diff", "--aws-iam")
    assert result.code == 1, result.err
    assert result.out.splitlines() == [
        "orders: execution role 'orders-exec' differs from what the task definition needs",
        "  beyond  policy 'broad', statement 1: 'ecr:*' and 'logs:*' on `*`",
    ]
    assert "iam:GetRole" in calls and all(call.split(":", 1)[1].startswith(("Describe", "List", "Get")) for call in calls)
