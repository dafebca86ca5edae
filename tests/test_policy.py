"""`ecslint policy`: every derivation of the execution role, each output format, --diff, --task-role, and the round trip through `check --iam`."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from dataclasses import replace

import pytest

from ecslint.documents.parse import Unparsable, parse as parse_json
from ecslint.front_ends import parse, recognise
from ecslint.iam import execution_role_rules, trust_rules
from ecslint.iam.context import context_from_documents
from ecslint.iam.least_privilege import camel, plan_execution_role
from ecslint.iam.offline_validation import problems
from ecslint.iam.role_formats import render
from ecslint.iam.task_role_skeleton import plan_task_role
from ecslint.subjects.task_definition import TaskDefinition
from tests.helpers import CORPUS, REPO, cli, container, task

ACCOUNT = "210987654321"
EXEC_ARN = f"arn:aws:iam::{ACCOUNT}:role/orders-exec"
HOST = f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com"


def subjects(text: str, filename: str = "task-definition.json") -> list[TaskDefinition]:
    document = parse(filename, text.encode())
    assert not isinstance(document, Unparsable), document
    return [subject for subject in recognise(document) or [] if isinstance(subject, TaskDefinition)]


def plan_of(text: str, filename: str = "task-definition.json"):
    return plan_execution_role(subjects(text, filename)[0])


def statements(text: str) -> dict[str, dict]:
    return {statement["Sid"]: statement for statement in plan_of(text).policy_document()["Statement"]}


def fargate(*containers, **fields) -> str:
    return task(list(containers), requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512", executionRoleArn=EXEC_ARN, **fields)


def awslogs(group="/ecs/orders", **options) -> dict:
    return {"logDriver": "awslogs", "options": {"awslogs-group": group, "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "web", **options}}


# -- ECR -----------------------------------------------------------------------------------------


def test_private_image_needs_the_token_on_star_and_the_pulls_on_its_repository():
    found = statements(fargate(container(image=f"{HOST}/orders:1.4.2")))
    assert found["GetEcrAuthorizationToken"] == {"Sid": "GetEcrAuthorizationToken", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
    assert found["PullImagesFromOrdersRepository"] == {
        "Sid": "PullImagesFromOrdersRepository",
        "Effect": "Allow",
        "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        "Resource": f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/orders",
    }
    assert "Condition" not in found["GetEcrAuthorizationToken"]


@pytest.mark.parametrize(
    "image, resource",
    [
        (f"{HOST}/team/orders/api@sha256:{'a' * 64}", f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/team/orders/api"),
        (f"{ACCOUNT}.dkr.ecr-fips.us-gov-west-1.amazonaws.com/orders:1", f"arn:aws-us-gov:ecr:us-gov-west-1:{ACCOUNT}:repository/orders"),
        (f"{ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn/orders:1", f"arn:aws-cn:ecr:cn-north-1:{ACCOUNT}:repository/orders"),
        (f"{ACCOUNT}.dkr-ecr.eu-west-1.on.aws/orders:1", f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/orders"),
        (f"{HOST}/orders:${{TAG}}", f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/orders"),
    ],
    ids=["nested-digest", "fips-govcloud", "china", "dual-stack", "templated-tag"],
)
def test_repository_arn_from_the_image(image, resource):
    pulls = [s for s in plan_of(task([container(image=image)], requiresCompatibilities=["FARGATE"])).statements if s.kind == "image"]
    assert [s.resources for s in pulls] == [(resource,)]


def test_china_role_arn_gives_the_partition_of_everything():
    text = task([container(image="nginx:1", logConfiguration=awslogs(**{"awslogs-region": "cn-north-1"}))], requiresCompatibilities=["FARGATE"], executionRoleArn=f"arn:aws-cn:iam::{ACCOUNT}:role/x")
    assert statements(text)["WriteLogsToEcsOrders"]["Resource"] == f"arn:aws-cn:logs:cn-north-1:{ACCOUNT}:log-group:/ecs/orders:*"


def test_public_images_need_nothing():
    plan = plan_of(fargate(container(image="public.ecr.aws/nginx/nginx:1"), container(name="b", image="nginx:1")))
    assert plan.statements == []
    assert plan.notes[0].startswith("This task definition needs no execution role")


def test_two_containers_of_one_repository_share_one_statement():
    plan = plan_of(fargate(container(image=f"{HOST}/orders:1"), container(name="worker", image=f"{HOST}/orders:2")))
    pulls = [s for s in plan.statements if s.kind == "image"]
    assert len(pulls) == 1 and pulls[0].subjects == ("Container 'web'", "Container 'worker'")


def test_pull_through_cache_prefix_adds_import_and_create_with_a_note():
    plan = plan_of(fargate(container(image=f"{HOST}/docker-hub/library/nginx:1.27")))
    cache = [s for s in plan.statements if s.kind == "pull-through-cache"]
    assert [(s.sid, s.actions, s.resources) for s in cache] == [
        ("CacheUpstreamImagesInDockerHubLibraryNginx", ("ecr:BatchImportUpstreamImage", "ecr:CreateRepository"), (f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/docker-hub/library/nginx",))
    ]
    assert any("`docker-hub/` is a usual pull through cache prefix" in note for note in plan.notes)
    assert not [s for s in plan_of(fargate(container(image=f"{HOST}/orders/nginx:1"))).statements if s.kind == "pull-through-cache"]


def test_deploy_time_image_is_a_note_never_a_wildcard():
    plan = plan_of(fargate(container(image="${IMAGE}")))
    assert plan.statements == []
    assert any("takes its `image` at deploy time (`${IMAGE}`)" in note for note in plan.notes)


# -- logs ----------------------------------------------------------------------------------------


def test_awslogs_group_with_and_without_create_group():
    found = statements(fargate(container(logConfiguration=awslogs())))
    assert found["WriteLogsToEcsOrders"]["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert found["WriteLogsToEcsOrders"]["Resource"] == f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/ecs/orders:*"
    created = statements(fargate(container(logConfiguration=awslogs(**{"awslogs-create-group": "true"}))))
    assert created["WriteLogsToEcsOrders"]["Action"] == ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]


def test_one_statement_per_log_group():
    found = statements(fargate(container(logConfiguration=awslogs("/ecs/a")), container(name="b", logConfiguration=awslogs("/ecs/b"))))
    assert [sid for sid in found if sid.startswith("WriteLogs")] == ["WriteLogsToEcsA", "WriteLogsToEcsB"]


def test_unknown_region_and_account_are_visible_placeholders():
    text = task([container(logConfiguration={"logDriver": "awslogs", "options": {"awslogs-group": "app"}})], requiresCompatibilities=["FARGATE"])
    plan = plan_of(text)
    assert plan.statements[0].resources == ("arn:<PARTITION>:logs:<REGION>:<ACCOUNT_ID>:log-group:app:*",)
    assert plan.trust_condition() == {"StringEquals": {"aws:SourceAccount": "<ACCOUNT_ID>"}}
    assert plan.all_notes[-1] == "Replace `<PARTITION>`, `<REGION>`, `<ACCOUNT_ID>`: the task definition does not say the partition, the Region or the account."


def test_ec2_launch_type_gets_the_same_policy_and_a_note():
    plan = plan_of(task([container(image=f"{HOST}/orders:1", logConfiguration=awslogs())], requiresCompatibilities=["EC2"], executionRoleArn=EXEC_ARN))
    assert {s.kind for s in plan.statements} == {"ecr-auth", "image", "logs"}
    assert any(note.startswith("On the EC2 launch type the container instance role may already pull") for note in plan.notes)


# -- secrets and parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, sid, action, resources",
    [
        (f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:orders/db-AbCdEf", "ReadSecretOrdersDb", "secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:orders/db-AbCdEf"),
        (f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:orders/db", "ReadSecretOrdersDb", "secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:orders/db-??????"),
        (f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:orders/db-AbCdEf:password:AWSCURRENT:", "ReadSecretOrdersDb", "secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:orders/db-AbCdEf"),
        ("/orders/db_password", "ReadParameterOrdersDbPassword", "ssm:GetParameters", f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/orders/db_password"),
        ("DB_PASSWORD", "ReadParameterDbPassword", "ssm:GetParameters", f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/DB_PASSWORD"),
        (f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/orders/db", "ReadParameterOrdersDb", "ssm:GetParameters", f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/orders/db"),
    ],
    ids=["full-arn", "partial-arn", "json-key-suffix", "parameter-path", "parameter-name", "parameter-arn"],
)
def test_secret_resources(value, sid, action, resources):
    found = statements(fargate(container(logConfiguration=awslogs(), secrets=[{"name": "DB_PASSWORD", "valueFrom": value}])))
    assert found[sid]["Action"] == action
    assert found[sid]["Resource"] == resources


def test_parameter_store_reference_to_secrets_manager_needs_both_reads():
    found = statements(fargate(container(logConfiguration=awslogs(), secrets=[{"name": "DB", "valueFrom": "/aws/reference/secretsmanager/orders/db"}])))
    assert found["ReadParameterAwsReferenceSecretsmanagerOrdersDb"]["Resource"] == f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/aws/reference/secretsmanager/orders/db"
    assert found["ReadSecretOrdersDb"] == {
        "Sid": "ReadSecretOrdersDb",
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:orders/db-??????",
    }


def test_log_secret_options_and_registry_credentials():
    log = awslogs()
    log["secretOptions"] = [{"name": "apikey", "valueFrom": "/logs/api-key"}]
    text = fargate(container(image="ghcr.io/acme/app:1", logConfiguration=log, repositoryCredentials={"credentialsParameter": "ghcr-credentials"}))
    found = statements(text)
    assert found["ReadParameterLogsApiKey"]["Resource"] == f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/logs/api-key"
    assert found["ReadRegistryCredentialsGhcrCredentials"]["Resource"] == f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:ghcr-credentials-??????"


def test_kms_is_a_note_never_a_statement():
    plan = plan_of(fargate(container(logConfiguration=awslogs(), secrets=[{"name": "A", "valueFrom": "/a"}])))
    assert not any("kms:" in action for s in plan.statements for action in s.actions)
    assert any(f"`kms:Decrypt` on that key only (`arn:aws:kms:eu-west-1:{ACCOUNT}:key/<KMS_KEY_ID>`), never on `*`" in note for note in plan.notes)


# -- S3 ------------------------------------------------------------------------------------------


def test_environment_files_and_firelens_config_read_the_object_and_locate_the_bucket():
    router = container(name="router", image="amazon/aws-for-fluent-bit:2", firelensConfiguration={"type": "fluentbit", "options": {"config-file-type": "s3", "config-file-value": "arn:aws:s3:::conf/fluent.conf"}})
    app = container(logConfiguration=awslogs(), environmentFiles=[{"value": "arn:aws:s3:::envs/orders/prod.env", "type": "s3"}, {"value": "arn:aws:s3:::envs/orders/common.env", "type": "s3"}])
    found = statements(fargate(app, router))
    assert found["ReadEnvironmentFileOrdersProdEnv"]["Resource"] == "arn:aws:s3:::envs/orders/prod.env"
    assert found["ReadEnvironmentFileOrdersCommonEnv"]["Action"] == "s3:GetObject"
    assert found["ReadFireLensConfigFluentConf"]["Resource"] == "arn:aws:s3:::conf/fluent.conf"
    assert found["LocateBucketEnvs"] == {"Sid": "LocateBucketEnvs", "Effect": "Allow", "Action": "s3:GetBucketLocation", "Resource": "arn:aws:s3:::envs"}
    assert found["LocateBucketConf"]["Resource"] == "arn:aws:s3:::conf"


# -- trust, names, statement order ---------------------------------------------------------------


def test_trust_policy_has_source_account_and_source_arn_when_known():
    plan = plan_of(fargate(container(logConfiguration=awslogs())))
    assert plan.trust_document() == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowEcsTasksToAssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:eu-west-1:{ACCOUNT}:*"}},
            }
        ],
    }
    assert plan.role_name == "orders-exec" and plan.role_arn == EXEC_ARN


def test_role_name_without_executionRoleArn():
    plan = plan_of(task([container(image=f"{HOST}/orders:1")], family="orders", requiresCompatibilities=["FARGATE"]))
    assert (plan.role_name, plan.role_arn) == ("orders-execution", None)


def test_sids_are_letters_and_digits_and_unique():
    assert camel("/ecs/orders-api") == "EcsOrdersApi" and camel("DB_PASSWORD") == "DbPassword" and camel("///") == "Resource"
    text = fargate(container(logConfiguration=awslogs("/ecs/a-b")), container(name="b", logConfiguration=awslogs("/ecs/a_b")))
    assert [s.sid for s in plan_of(text).statements if s.kind == "logs"] == ["WriteLogsToEcsAB", "WriteLogsToEcsAB2"]


# -- formats -------------------------------------------------------------------------------------

ORDERS = fargate(
    container(image=f"{HOST}/orders:1", logConfiguration=awslogs(), secrets=[{"name": "DB_PASSWORD", "valueFrom": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:orders/db"}]),
    family="orders",
)


def test_json_format_is_keyed_by_family(tmp_path, capsys):
    path = tmp_path / "orders.json"
    path.write_text(ORDERS)
    result = cli(capsys, "policy", str(path))
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert list(data) == ["orders"]
    role = data["orders"]["executionRole"]
    assert role["roleName"] == "orders-exec"
    assert [s["Sid"] for s in role["policy"]["Statement"]] == ["GetEcrAuthorizationToken", "PullImagesFromOrdersRepository", "WriteLogsToEcsOrders", "ReadSecretOrdersDb"]
    assert role["trustPolicy"]["Statement"][0]["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}


def test_iam_format_is_the_one_role_shape_and_feeds_check(tmp_path, capsys):
    path = tmp_path / "orders.json"
    path.write_text(ORDERS)
    result = cli(capsys, "policy", str(path), "--format", "iam")
    assert result.code == 0
    data = json.loads(result.out)
    assert sorted(data) == ["AttachedPolicies", "Role", "RolePolicies"]
    assert data["Role"]["Arn"] == EXEC_ARN and data["RolePolicies"][0]["PolicyName"] == "orders-exec"
    assert "ecslint: note: orders: Secrets and parameters encrypted with the AWS managed key" in result.err
    role = tmp_path / "role.json"
    role.write_text(result.out)
    checked = cli(capsys, "check", "--isolated", "--select", "ECS103,ECS105,ECS109,ECS113", str(path), "--iam", str(role))
    assert checked.code == 0, checked.out
    assert checked.out.startswith("No problems found")


def test_iam_format_with_several_roles_is_a_role_detail_list(tmp_path, capsys):
    path = tmp_path / "orders.json"
    path.write_text(ORDERS)
    data = json.loads(cli(capsys, "policy", str(path), "--format", "iam", "--task-role").out)
    assert [role["RoleName"] for role in data["RoleDetailList"]] == ["orders-exec", "orders-task"]
    assert context_from_documents([parse_json("roles.json", json.dumps(data).encode())]).role(EXEC_ARN) is not None


def _yaml(text: str):
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: {suffix: loader.construct_scalar(node)})
    return yaml.load(text, Loader=Loader)


CLOUDFORMATION = """
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: orders
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "256"
      Memory: "512"
      ExecutionRoleArn: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/orders-exec"
      ContainerDefinitions:
        - Name: web
          Image: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/orders/web:1"
          Secrets:
            - Name: DB
              ValueFrom: !Sub "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:orders/db"
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: /ecs/orders
              awslogs-region: !Ref AWS::Region
              awslogs-stream-prefix: web
"""


def test_cloudformation_pseudo_parameters_stay_pseudo_parameters(tmp_path, capsys):
    path = tmp_path / "template.yaml"
    path.write_text(CLOUDFORMATION)
    result = cli(capsys, "policy", str(path), "--format", "cloudformation")
    assert result.code == 0, result.err
    role = _yaml(result.out)["Resources"]["OrdersExecutionRole"]
    assert role["Type"] == "AWS::IAM::Role"
    properties = role["Properties"]
    assert properties["RoleName"] == "orders-exec"
    trust = properties["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
    assert trust == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}, "ArnLike": {"aws:SourceArn": {"Sub": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*"}}}
    found = {s["Sid"]: s for s in properties["Policies"][0]["PolicyDocument"]["Statement"]}
    assert found["PullImagesFromOrdersWebRepository"]["Resource"] == {"Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/orders/web"}
    assert found["ReadSecretOrdersDb"]["Resource"] == {"Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:orders/db-??????"}
    assert found["GetEcrAuthorizationToken"]["Resource"] == "*"
    assert "#   Action: kms:Decrypt" in result.out and "<ACCOUNT_ID>" not in result.out
    # In JSON the same template shows the tokens.
    as_json = json.loads(cli(capsys, "policy", str(path)).out)["orders"]["executionRole"]
    assert "arn:<PARTITION>:ecr:<REGION>:<ACCOUNT_ID>:repository/orders/web" in json.dumps(as_json["policy"])
    assert as_json["notes"][-1] == (
        "Replace `<PARTITION>`, `<REGION>`, `<ACCOUNT_ID>`: the template leaves the partition, the Region and the account to deployment "
        "(`--format cloudformation` and `--format terraform` write them as pseudo parameters and data sources)."
    )


TERRAFORM = """
data "aws_caller_identity" "this" {}
data "aws_region" "this" {}
resource "aws_ecs_task_definition" "orders" {
  family                   = "orders"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name  = "web"
    image = "${data.aws_caller_identity.this.account_id}.dkr.ecr.${data.aws_region.this.name}.amazonaws.com/orders:1"
    secrets = [{ name = "DB", valueFrom = "/orders/db" }]
    logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = "/ecs/orders", "awslogs-region" = data.aws_region.this.name, "awslogs-stream-prefix" = "web" } }
  }])
}
"""


def test_terraform_keeps_the_modules_data_sources(tmp_path, capsys):
    import hcl2

    path = tmp_path / "main.tf"
    path.write_text(TERRAFORM)
    result = cli(capsys, "policy", str(path), "--format", "terraform")
    assert result.code == 0, result.err
    parsed = hcl2.loads(result.out)
    assert {next(iter(block)).strip("\"") for block in parsed["resource"]} == {"aws_iam_role", "aws_iam_role_policy"}
    assert 'resources = ["arn:${data.aws_partition.current.partition}:ecr:${data.aws_region.this.name}:${data.aws_caller_identity.this.account_id}:repository/orders"]' in result.out
    assert "values   = [data.aws_caller_identity.this.account_id]" in result.out
    # Only the data source the module lacks is declared.
    assert result.out.rstrip().endswith('data "aws_partition" "current" {}')
    assert 'data "aws_caller_identity"' not in result.out
    assert 'name               = "orders-execution"' in result.out


def test_terraform_escapes_template_sequences():
    from ecslint.iam.role_formats.terraform_role import _Writer

    assert _Writer().string("a${b}%{c}<ACCOUNT_ID>", {}) == '"a$${b}%%{c}${data.aws_caller_identity.current.account_id}"'


# -- --diff --------------------------------------------------------------------------------------


def _iam_file(tmp_path, statements_, trust_condition=True) -> str:
    trust = {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
    if trust_condition:
        trust["Condition"] = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    role = {"RoleName": "orders-exec", "Arn": EXEC_ARN, "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [trust]}}
    data = {"Role": role, "RolePolicies": [{"PolicyName": "app", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements_}}], "AttachedPolicies": []}
    path = tmp_path / "iam.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_diff_reports_lacks_and_beyond_statement_by_statement(tmp_path, capsys):
    path = tmp_path / "orders.json"
    path.write_text(ORDERS)
    current = [
        {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], "Resource": "*"},
        {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/ecs/orders:*"},
        {"Sid": "Bucket", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    ]
    result = cli(capsys, "policy", str(path), "--diff", "--iam", _iam_file(tmp_path, current, trust_condition=False))
    assert result.code == 1
    assert result.out.splitlines() == [
        "orders: execution role 'orders-exec' differs from what the task definition needs",
        f"  lacks   ReadSecretOrdersDb: 'secretsmanager:GetSecretValue' on `arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:orders/db-??????`",
        "  beyond  policy 'app', statement 1: 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer' and 'ecr:BatchCheckLayerAvailability' on `*`",
        "  beyond  policy 'app', statement 3 'Bucket': 's3:*' on `*`",
        "  trust   Execution role 'orders-exec' trusts `ecs-tasks.amazonaws.com` without an `aws:SourceAccount` or `aws:SourceArn` condition (statement 1 of its trust policy); add `\"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": \"210987654321\"}}` so that only tasks in your account can assume it.",
    ]


def test_diff_against_the_generated_role_is_clean(tmp_path, capsys):
    path = tmp_path / "orders.json"
    path.write_text(ORDERS)
    role = tmp_path / "role.json"
    role.write_text(cli(capsys, "policy", str(path), "--format", "iam").out)
    result = cli(capsys, "policy", str(path), "--diff", "--iam", str(role))
    assert (result.code, result.out) == (0, "orders: execution role 'orders-exec' allows what the task definition needs, and no more\n")


def test_diff_without_the_current_role_exits_2(tmp_path, capsys):
    path = tmp_path / "orders.json"
    path.write_text(ORDERS)
    result = cli(capsys, "policy", str(path), "--diff")
    assert result.code == 2
    assert result.out == f"orders: the current execution role is `{EXEC_ARN}` and not in the IAM input; give it with --iam or --aws-iam\n"


def test_diff_reads_the_role_the_template_defines(tmp_path, capsys):
    template = CLOUDFORMATION.replace('ExecutionRoleArn: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/orders-exec"', "ExecutionRoleArn: !GetAtt Exec.Arn") + """
  Exec:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
            Condition: {StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy]
"""
    path = tmp_path / "template.yaml"
    path.write_text(template)
    result = cli(capsys, "policy", str(path), "--diff")
    assert result.code == 1, result.err
    lines = result.out.splitlines()
    assert lines[0] == "orders: execution role 'Exec' differs from what the task definition needs"
    assert "  lacks   ReadSecretOrdersDb: 'secretsmanager:GetSecretValue' on `arn:<PARTITION>:secretsmanager:<REGION>:<ACCOUNT_ID>:secret:orders/db-??????`" in lines
    assert any(line.startswith("  beyond  AWS managed policy 'AmazonECSTaskExecutionRolePolicy', statement 1:") for line in lines)


# -- --task-role ---------------------------------------------------------------------------------


def test_task_role_skeleton_for_sidecars_and_features():
    router = container(name="log_router", image="amazon/aws-for-fluent-bit:2", firelensConfiguration={"type": "fluentbit"})
    app = container(
        logConfiguration={"logDriver": "awsfirelens", "options": {"Name": "cloudwatch_logs", "region": "eu-west-1", "log_group_name": "/app/orders", "auto_create_group": "true"}},
        mountPoints=[{"sourceVolume": "data", "containerPath": "/data", "readOnly": True}],
    )
    xray = container(name="xray", image="public.ecr.aws/xray/aws-xray-daemon:3")
    agent = container(name="cwagent", image="public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest")
    volumes = [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-12345678", "authorizationConfig": {"iam": "ENABLED"}}}]
    text = fargate(app, router, xray, agent, volumes=volumes, taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/orders-task")
    plan = plan_task_role(subjects(text)[0], "orders")
    found = {s.sid: s for s in plan.statements}
    assert found["FireLensWriteLogsToAppOrders"].resources == (f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/app/orders:*",)
    assert found["FireLensWriteLogsToAppOrders"].actions == ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
    assert found["MountEfsVolumeData"].actions == ("elasticfilesystem:ClientMount",)
    assert found["MountEfsVolumeData"].resources == (f"arn:aws:elasticfilesystem:<REGION>:{ACCOUNT}:file-system/fs-12345678",)
    assert found["XRayDaemonSendTraces"].resources == ("*",)
    assert found["CloudWatchAgentPutMetrics"].condition == {"StringEquals": {"cloudwatch:namespace": "CWAgent"}}
    assert plan.role_name == "orders-task"
    assert plan.notes[0].startswith("A skeleton: it covers the sidecars and features this task definition shows, nothing of what the application code calls")
    assert any(note.startswith("ECS Exec is turned on for a service") for note in plan.notes)
    assert problems(plan) == []


# -- offline validation, errors, start-up ---------------------------------------------------------


def test_offline_validation_flags_unknown_actions_and_stars():
    plan = plan_of(ORDERS)
    from ecslint.iam.least_privilege import PolicyStatement

    plan.statements.append(PolicyStatement("Bad", ("logs:PutLogEventz",), ("*",), "logs"))
    assert problems(plan) == ["statement `Bad`: `logs:PutLogEventz` is not an action the catalogue knows", "statement `Bad`: `logs:PutLogEventz` on `*`"]


def test_unusable_input_exits_2_with_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"family": ')
    result = cli(capsys, "policy", str(bad))
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(f"ecslint: error: {bad}:1:") and result.err.count("\n") == 1
    other = tmp_path / "other.json"
    other.write_text('{"rules": 1}')
    assert cli(capsys, "policy", str(other)).code == 2


def test_check_never_imports_the_policy_code():
    script = (
        "import sys\nfrom ecslint.cli import main\n"
        f"try:\n    main(['check', '--isolated', {str(REPO / 'examples')!r}])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ecslint.policy_command', 'ecslint.iam.least_privilege', 'ecslint.iam.role_formats', 'ecslint.iam.role_diff', 'ecslint.iam.task_role_skeleton'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    assert result.stdout.strip().splitlines()[-1] == "[]"


# -- the round trip: policy --format iam, then check --iam ----------------------------------------

ROUND_TRIP_RULES = (
    execution_role_rules.app_permissions_on_execution_role,
    execution_role_rules.execution_role_cannot_bootstrap,
    execution_role_rules.unscoped_secret_access,
    trust_rules.trust_policy_without_source_condition,
)


def round_trip(subject: TaskDefinition) -> list[str] | None:
    """ECS103/105/113/109 findings on the generated role (None when the task needs no execution role).

    Only the generated role is in the IAM context, as `check TD --iam role.json` sees it when the
    document defines no role of its own; a task definition without a literal role ARN names the role."""
    plan = plan_execution_role(subject)
    if not plan.needed:
        return None
    context = context_from_documents([parse_json("role.json", render("iam", [(plan, None)]).encode())])
    data = dict(subject.data)
    if plan.role_arn is None:
        data["executionRoleArn"] = plan.role_name
    checked = replace(subject, data=data, iam=context)
    found = [f"{f.rule_id}: {f.message}" for rule in ROUND_TRIP_RULES for f in rule(checked) if checked.keeps(f)]
    # A log group or repository named at deploy time is left to a note ("add a statement for that log group"),
    # and ECS105 reports the role for it until then: expected, as long as the note is there.
    left_to_notes = [text for text in found if text.startswith("ECS105: ") and "set at deploy time" in text]
    assert not left_to_notes or any("at deploy time" in note for note in plan.notes), left_to_notes
    found = [text for text in found if text not in left_to_notes]
    return found + [f"validation: {problem}" for problem in problems(plan)]


def _rule_example_subjects():
    for path in sorted((REPO / "rules").glob("*.toml")):
        for number, example in enumerate(tomllib.loads(path.read_text()).get("examples", [])):
            for subject in subjects(example["document"], example.get("filename", "task-definition.json")) if _parses(example["document"], example.get("filename", "task-definition.json")) else []:
                yield f"{path.stem}-{number}", subject


def _parses(text: str, filename: str) -> bool:
    return not isinstance(parse(filename, text.encode()), Unparsable)


def test_round_trip_on_every_rule_example():
    tested = 0
    for label, subject in _rule_example_subjects():
        found = round_trip(subject)
        if found is None:
            continue
        tested += 1
        assert found == [], label
    assert tested >= 30


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/real is not beside this checkout")
def test_round_trip_on_the_real_corpus():
    tested = 0
    for path in sorted(CORPUS.iterdir()):
        if path.name == "MANIFEST.tsv":
            continue
        document = parse(path.name, path.read_bytes())
        if isinstance(document, Unparsable):
            continue
        for subject in [s for s in recognise(document) or [] if isinstance(s, TaskDefinition)]:
            found = round_trip(subject)
            if found is not None:
                tested += 1
                assert found == [], path.name
    assert tested >= 80


# -- what ECS105 reads from the same derivation -------------------------------------------------------


def _ecs105(text: str, statements_: list) -> list[str]:
    from tests.helpers import lint_text

    trust = {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}
    iam = {"Role": {"RoleName": "orders-exec", "Arn": EXEC_ARN, "AssumeRolePolicyDocument": {"Statement": [trust]}}, "RolePolicies": [{"PolicyName": "p", "PolicyDocument": {"Statement": statements_}}]}
    return [f.message for f in lint_text(text, select=["ECS105"], iam=json.dumps(iam))]


def test_ecs105_requires_the_pull_when_only_the_tag_is_templated():
    messages = _ecs105(fargate(container(image=f"{HOST}/orders:${{TAG}}")), [{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}])
    assert len(messages) == 1 and f"'ecr:BatchGetImage' and 'ecr:GetDownloadUrlForLayer' on `arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/orders`" in messages[0]


def test_ecs105_requires_the_secret_behind_a_parameter_store_reference():
    text = fargate(container(secrets=[{"name": "DB", "valueFrom": "/aws/reference/secretsmanager/orders/db"}]))
    parameter = {"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/aws/reference/secretsmanager/orders/db"}
    messages = _ecs105(text, [parameter])
    assert len(messages) == 1 and "does not allow 'secretsmanager:GetSecretValue' on `arn:aws:secretsmanager:*:210987654321:secret:orders/db`" in messages[0]
    secret = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:orders/db-??????"}
    assert _ecs105(text, [parameter, secret]) == []


def test_cloudformation_secret_defined_in_the_template_with_its_customer_managed_key(tmp_path, capsys):
    template = CLOUDFORMATION.replace(
        "          LogConfiguration:",
        "            - Name: KEYED\n              ValueFrom: !Ref KeyedSecret\n            - Name: PLAIN\n              ValueFrom: !Ref PlainSecret\n          LogConfiguration:",
    ) + """
  Key:
    Type: AWS::KMS::Key
    Properties: {KeyPolicy: {}}
  KeyedSecret:
    Type: AWS::SecretsManager::Secret
    Properties: {KmsKeyId: !GetAtt Key.Arn}
  OtherKeyedSecret:
    Type: AWS::SecretsManager::Secret
    Properties: {KmsKeyId: !Ref Key}
  PlainSecret:
    Type: AWS::SecretsManager::Secret
    Properties: {}
"""
    path = tmp_path / "template.yaml"
    path.write_text(template)
    result = cli(capsys, "policy", str(path), "--format", "cloudformation")
    assert result.code == 0, result.err
    found = {s["Sid"]: s for s in _yaml(result.out)["Resources"]["OrdersExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]}
    assert found["ReadSecretKeyedSecret"]["Resource"] == {"Ref": "KeyedSecret"}
    assert found["ReadSecretPlainSecret"]["Resource"] == {"Ref": "PlainSecret"}
    assert found["DecryptSecretKeyedSecret"] == {"Sid": "DecryptSecretKeyedSecret", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": {"Sub": "${Key.Arn}"}}
    assert "DecryptSecretPlainSecret" not in found
    assert not any(s["Resource"] == "*" for sid, s in found.items() if sid != "GetEcrAuthorizationToken")
    # The unknown keys (PlainSecret, orders/db) stay a commented-out statement.
    assert "# - Sid: DecryptSecretsWithCustomerManagedKey" in result.out
    task_definition = subjects(template, "template.yaml")[0]
    assert task_definition.defined_secret("${OtherKeyedSecret}") == ("${OtherKeyedSecret}", "arn:<PARTITION>:kms:<REGION>:<ACCOUNT_ID>:key/${Key}")
    assert task_definition.defined_secret("${Key}") is None
    assert problems(plan_execution_role(task_definition)) == []


def test_terraform_secret_defined_in_the_module_with_its_customer_managed_key(tmp_path, capsys):
    import hcl2

    path = tmp_path / "main.tf"
    path.write_text(
        """
resource "aws_kms_key" "db" {}
resource "aws_secretsmanager_secret" "db" {
  name       = "orders/db"
  kms_key_id = aws_kms_key.db.key_id
}
resource "aws_secretsmanager_secret" "api" {
  name       = "orders/api"
  kms_key_id = aws_kms_key.db.arn
}
resource "aws_ecs_task_definition" "orders" {
  family = "orders"
  container_definitions = jsonencode([{
    name    = "web"
    image   = "nginx:1"
    secrets = [{ name = "DB", valueFrom = aws_secretsmanager_secret.db.arn }, { name = "API", valueFrom = aws_secretsmanager_secret.api.arn }]
  }])
}
"""
    )
    result = cli(capsys, "policy", str(path), "--format", "terraform")
    assert result.code == 0, result.err
    hcl2.loads(result.out)
    assert 'sid       = "ReadSecretDb"' in result.out and "resources = [aws_secretsmanager_secret.db.arn]" in result.out
    assert "resources = [aws_kms_key.db.arn]" in result.out
    assert 'resources = ["arn:${data.aws_partition.current.partition}:kms:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:key/${aws_kms_key.db.key_id}"]' in result.out
    # Every key is known: no commented-out kms:Decrypt placeholder.
    assert "DecryptSecretsWithCustomerManagedKey" not in result.out
    # Another syntax shows the module's references as placeholders.
    cloudformation = cli(capsys, "policy", str(path), "--format", "cloudformation").out
    assert 'Resource: "<aws_secretsmanager_secret.db.arn>"' in cloudformation and "$${" not in cloudformation


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/real is not beside this checkout")
def test_round_trip_through_the_command_line_on_the_corpus_json(tmp_path, capsys):
    """`ecslint policy TD --format iam > role.json; ecslint check TD --iam role.json`, literally, where the role resolves by its ARN."""
    tested = 0
    for path in sorted(CORPUS.glob("*.json")):
        found = subjects(path.read_text(encoding="utf-8", errors="replace"), path.name) if _parses(path.read_text(encoding="utf-8", errors="replace"), path.name) else []
        if len(found) != 1 or found[0].iam is not None:
            continue
        plan = plan_execution_role(found[0])
        if not plan.needed or plan.role_arn is None:
            continue
        result = cli(capsys, "policy", str(path), "--format", "iam")
        assert result.code == 0, (path.name, result.err)
        role = tmp_path / "role.json"
        role.write_text(result.out)
        checked = cli(capsys, "check", "--isolated", "--format", "json", "--select", "ECS103,ECS105,ECS109,ECS113", str(path), "--iam", str(role))
        assert json.loads(checked.out)["findings"] == [], path.name
        tested += 1
    assert tested >= 20
