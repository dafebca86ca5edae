"""--aws against moto: task definitions fetched live, read-only, in-process and over real HTTP."""

from __future__ import annotations

import json
import os

import boto3
import pytest
from moto import mock_aws

from tests.helpers import cli, run_process

REGION = "us-east-1"
READ_ONLY_PREFIXES = ("Describe", "List", "Get")
CONTAINERS = [{"name": "web", "image": "nginx:latest", "memory": 256, "portMappings": [{"containerPort": 80, "hostPort": 8080}]}]


@pytest.fixture
def aws_env(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def calls(monkeypatch):
    """Every AWS operation ecslint calls, recorded through botocore's event system."""
    import ecslint.aws.task_definitions as live

    recorded: list[str] = []
    real_client = live.client

    def recording_client(session, service):
        made = real_client(session, service)
        made.meta.events.register("before-call.*.*", lambda model, **_: recorded.append(f"{service}:{model.name}"))
        return made

    monkeypatch.setattr(live, "client", recording_client)
    # Modules that imported `client` by name before this test keep their own reference: patch it there too.
    import ecslint.aws.services as services

    monkeypatch.setattr(services, "client", recording_client)
    return recorded


def register(family: str, tags=None, **extra):
    ecs = boto3.client("ecs", region_name=REGION)
    arguments = {"family": family, "containerDefinitions": CONTAINERS, **extra}
    if tags:
        arguments["tags"] = tags
    return ecs.register_task_definition(**arguments)["taskDefinition"]["taskDefinitionArn"]


@mock_aws
def test_fetch_by_family_revision_and_arn(aws_env, calls, capsys):
    register("web")
    arn = register("web")  # revision 2 is the latest
    result = cli(capsys, "check", "--isolated", "--select", "ECS304,ECS601", "--aws", "web", "--aws", "web:1", "--aws", arn)
    assert result.code == 1, result.err
    lines = result.out.splitlines()
    assert f"{arn} /taskDefinition/containerDefinitions/0/image: ECS601 [warning] Container 'web': image `nginx:latest`" in result.out.replace("\n", " ") or any(line.startswith(f"{arn} /taskDefinition/containerDefinitions/0/image: ECS601") for line in lines)
    assert any(line.startswith(arn.replace(":2", ":1") + " /taskDefinition/containerDefinitions/0/portMappings/0/hostPort: ECS304") for line in lines)
    assert lines[-1] == "Found 4 problems (4 warnings) in 2 task definitions."
    assert set(calls) == {"ecs:DescribeTaskDefinition"}


@mock_aws
def test_tag_suppression_works_on_live_task_definitions(aws_env, capsys):
    register("quiet", tags=[{"key": "ecslint:ignore", "value": "ECS3 ECS6"}])
    result = cli(capsys, "check", "--isolated", "--select", "ECS304,ECS601", "--aws", "quiet")
    assert (result.code, result.out) == (0, "No problems found in 1 task definition. 2 suppressed.\n")


@mock_aws
def test_aws_all_paginates_over_more_than_100_families(aws_env, calls, capsys):
    for number in range(105):
        register(f"family-{number:03d}")
    report = json.loads(cli(capsys, "check", "--isolated", "--select", "ECS304", "--format", "json", "--aws-all").out)
    assert report["summary"]["taskDefinitions"] == 105
    assert len({f["logicalLocation"] for f in report["findings"]}) == 105
    # Live findings have a logical location only: no line or column.
    assert {(f["line"], f["column"], f["endLine"], f["endColumn"]) for f in report["findings"]} == {(None, None, None, None)}
    assert all(call.split(":")[1].startswith(READ_ONLY_PREFIXES) for call in calls)


def test_family_listing_follows_next_tokens():
    # moto returns every family in one page, so the paging itself is checked against botocore's stubber.
    from botocore.stub import Stubber

    from ecslint.aws.task_definitions import active_families

    ecs = boto3.client("ecs", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y")
    with Stubber(ecs) as stub:
        stub.add_response("list_task_definition_families", {"families": [f"a{n}" for n in range(100)], "nextToken": "t1"}, {"status": "ACTIVE", "maxResults": 100})
        stub.add_response("list_task_definition_families", {"families": ["b", "a7"]}, {"status": "ACTIVE", "maxResults": 100, "nextToken": "t1"})
        families = active_families(ecs)
    assert len(families) == 101 and families[0] == "a0" and families[-1] == "b"


@mock_aws
def test_missing_task_definition_is_an_input_error_and_the_run_goes_on(aws_env, capsys):
    register("web")
    result = cli(capsys, "check", "--isolated", "--select", "ECS304", "--aws", "nope:1", "--aws", "web")
    assert result.code == 2
    assert "ECS304" in result.out
    assert result.err.startswith("ecslint: error: nope:1: ")


@mock_aws
def test_live_findings_in_sarif_use_a_logical_location(aws_env, capsys):
    arn = register("web")
    result = json.loads(cli(capsys, "check", "--isolated", "--select", "ECS304", "--format", "sarif", "--aws", "web").out)
    [finding] = result["runs"][0]["results"]
    assert finding["locations"] == [{"logicalLocations": [{"fullyQualifiedName": f"{arn}#/taskDefinition/containerDefinitions/0/portMappings/0/hostPort", "kind": "resource"}]}]


def test_no_credentials_exits_2_with_one_line(tmp_path, monkeypatch):
    env = {"AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_EC2_METADATA_DISABLED": "true", "AWS_DEFAULT_REGION": REGION}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    monkeypatch.setattr(os, "environ", {**clean, **env})
    result = run_process("check", "--aws", "web", env=env)
    assert result.returncode == 2
    assert result.stderr.decode() == "ecslint: error: no AWS credentials found for --aws (use --profile, AWS_PROFILE, or the standard environment variables)\n"


def test_against_a_real_http_endpoint(aws_env, tmp_path):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        ecs = boto3.client("ecs", region_name=REGION, endpoint_url=endpoint)
        ecs.register_task_definition(family="web", containerDefinitions=CONTAINERS)
        env = {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true"}
        result = run_process("check", "--isolated", "--select", "ECS304", "--aws", "web", env=env, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert b"task-definition/web:1 /taskDefinition/containerDefinitions/0/portMappings/0/hostPort: ECS304 [warning]" in result.stdout
    finally:
        server.stop()


def test_linting_files_does_not_import_boto3(tmp_path):
    # Also asserted in tests/test_startup.py for the whole CLI; here for the live module's boundary.
    result = run_process("check", "--isolated", str(tmp_path))
    assert result.returncode == 0 and b"boto" not in result.stderr


# --- roles resolved live (--aws-iam) ------------------------------------------------------

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}]})


def _policy(*actions: str, resource: str = "*") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}]})


def _task_file(tmp_path, execution: str, task: str = "app-task"):
    path = tmp_path / "taskdef.json"
    path.write_text(json.dumps({
        "family": "app",
        "executionRoleArn": f"arn:aws:iam::123456789012:role/{execution}",
        "taskRoleArn": f"arn:aws:iam::123456789012:role/{task}",
        "containerDefinitions": [{"name": "app", "image": "nginx:1.27", "memory": 128}],
    }))
    return path


@mock_aws
def test_role_with_many_inline_and_managed_policies(aws_env, calls, capsys, tmp_path):
    iam = boto3.client("iam")
    iam.create_role(RoleName="app-exec", AssumeRolePolicyDocument=TRUST)
    iam.create_role(RoleName="app-task", AssumeRolePolicyDocument=TRUST)
    for number in range(12):
        iam.put_role_policy(RoleName="app-exec", PolicyName=f"inline-{number:02d}", PolicyDocument=_policy("logs:CreateLogStream"))
        arn = iam.create_policy(PolicyName=f"managed-{number:02d}", PolicyDocument=_policy("ecr:GetAuthorizationToken"))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName="app-exec", PolicyArn=arn)
    iam.put_role_policy(RoleName="app-exec", PolicyName="app", PolicyDocument=_policy("dynamodb:PutItem"))
    path = _task_file(tmp_path, "app-exec")
    result = cli(capsys, "check", "--isolated", "--select", "ECS103", "--aws-iam", str(path))
    assert result.code == 1, result.err
    assert "ECS103 [error] Execution role 'app-exec' allows 'dynamodb:PutItem'" in result.out
    assert result.err == ""
    assert calls.count("iam:GetRole") == 2 and calls.count("iam:GetRolePolicy") == 13
    assert calls.count("iam:GetPolicy") == 12 and calls.count("iam:GetPolicyVersion") == 12
    assert all(call.split(":")[1].startswith(READ_ONLY_PREFIXES) for call in calls)


@mock_aws
def test_policy_version_that_is_not_the_default(aws_env, capsys, tmp_path):
    iam = boto3.client("iam")
    iam.create_role(RoleName="app-exec", AssumeRolePolicyDocument=TRUST)
    iam.create_role(RoleName="app-task", AssumeRolePolicyDocument=TRUST)
    arn = iam.create_policy(PolicyName="exec", PolicyDocument=_policy("logs:CreateLogStream"))["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=_policy("sqs:SendMessage"), SetAsDefault=True)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=_policy("dynamodb:PutItem"), SetAsDefault=False)
    iam.attach_role_policy(RoleName="app-exec", PolicyArn=arn)
    out = cli(capsys, "check", "--isolated", "--select", "ECS103", "--aws-iam", str(_task_file(tmp_path, "app-exec"))).out
    assert "'sqs:SendMessage'" in out and "dynamodb" not in out


@mock_aws
def test_missing_role_is_a_note_and_the_run_goes_on(aws_env, capsys, tmp_path):
    result = cli(capsys, "check", "--isolated", "--select", "ECS1", "--aws-iam", str(_task_file(tmp_path, "ghost", "ghost-task")))
    assert result.code in (0, 1)
    assert "ecslint: note: role ghost was not found in the account; IAM rules skipped for it\n" in result.err
    assert "IAM rules skipped for roles whose policies were not supplied: arn:aws:iam::123456789012:role/ghost" in result.out


@mock_aws
def test_access_denied_is_a_note_on_the_role(aws_env, capsys, tmp_path, monkeypatch):
    import botocore.exceptions

    import ecslint.aws.task_definitions as live

    iam = boto3.client("iam")
    iam.create_role(RoleName="app-exec", AssumeRolePolicyDocument=TRUST)
    real_client = live.client

    def denying_client(session, service):
        made = real_client(session, service)

        def deny(**_):
            raise botocore.exceptions.ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, "ListRolePolicies")

        made.meta.events.register("before-call.iam.ListRolePolicies", deny)
        return made

    monkeypatch.setattr(live, "client", denying_client)
    result = cli(capsys, "check", "--isolated", "--select", "ECS103", "--aws-iam", str(_task_file(tmp_path, "app-exec")))
    assert result.code == 0
    assert "ecslint: note: policies of role app-exec could not be read: AccessDenied on iam:ListRolePolicies; IAM rules skipped for it\n" in result.err


@mock_aws
def test_services_of_a_cluster_with_their_task_definitions(aws_env, calls, capsys):
    """--cluster with --aws-all: every service, judged with the task definition it runs; only read calls."""
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="prod")
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    awsvpc = ecs.register_task_definition(family="api", networkMode="awsvpc", containerDefinitions=[{"name": "web", "image": "nginx:1.27", "memory": 256}])["taskDefinition"]["taskDefinitionArn"]
    bridge = register("web")
    ecs.create_service(cluster="prod", serviceName="api", taskDefinition=awsvpc, desiredCount=2, launchType="EC2")
    ecs.create_service(cluster="prod", serviceName="web", taskDefinition=bridge, desiredCount=2, launchType="EC2", networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]]}})
    result = cli(capsys, "check", "--isolated", "--select", "ECS310", "--format", "json", "--cluster", "prod", "--aws-all")
    assert result.code == 1, result.err
    found = sorted((f["path"].rsplit("/", 1)[-1], f["pointer"]) for f in json.loads(result.out)["findings"])
    # moto reports an empty `networkConfiguration` for the service created without one.
    assert found == [("api", "/services/0/networkConfiguration"), ("web", "/services/0/networkConfiguration")]
    assert set(calls) == {"ecs:ListServices", "ecs:DescribeServices", "ecs:DescribeTaskDefinition"}
    assert all(call.split(":", 1)[1].startswith(READ_ONLY_PREFIXES) for call in calls)


@mock_aws
def test_one_named_service(aws_env, calls, capsys):
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="prod")
    arn = register("web")
    ecs.create_service(cluster="prod", serviceName="web", taskDefinition=arn, desiredCount=1, launchType="EC2", platformVersion="1.4.0")
    result = cli(capsys, "check", "--isolated", "--select", "ECS415", "--cluster", "prod", "--aws", "web")
    assert result.code == 1, result.err
    assert ":service/prod/web /services/0/platformVersion: ECS415 [error]" in result.out
    assert "ecs:ListServices" not in calls


def test_cluster_without_aws_is_a_usage_error(capsys):
    result = cli(capsys, "check", "--isolated", "--cluster", "prod", ".")
    assert result.code == 2 and "--cluster needs --aws SERVICE or --aws-all" in result.err


# --- errors a person understands ------------------------------------------------------------

BRIDGE_TASK = json.dumps({"family": "web", "networkMode": "bridge", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 128, "portMappings": [{"containerPort": 80, "hostPort": 8080}]}]})


def test_aws_without_boto3_is_one_line_and_the_files_are_still_linted(tmp_path, monkeypatch, capsys):
    import sys

    monkeypatch.chdir(tmp_path)
    (tmp_path / "taskdef.json").write_text(BRIDGE_TASK)
    monkeypatch.setitem(sys.modules, "boto3", None)  # what `import boto3` meets without the extra
    result = cli(capsys, "check", "--isolated", "--select", "ECS304", "--aws", "web", "taskdef.json")
    assert result.code == 2
    assert result.err == 'ecslint: error: --aws needs boto3: pip install "ecslint[aws]"\n'
    assert result.out.startswith("taskdef.json:1:") and "ECS304" in result.out and "The run is incomplete: 1 input could not be read." in result.out


def test_network_failure_is_one_line(aws_env, tmp_path, monkeypatch, capsys):
    import botocore.exceptions

    import ecslint.aws.task_definitions as live

    def unreachable(ecs, reference):
        raise botocore.exceptions.EndpointConnectionError(endpoint_url="https://ecs.eu-nowhere-1.amazonaws.com/")

    monkeypatch.setattr(live, "describe_task_definition", unreachable)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taskdef.json").write_text(BRIDGE_TASK)
    result = cli(capsys, "check", "--isolated", "--select", "ECS304", "--region", "eu-nowhere-1", "--aws", "web", "taskdef.json")
    assert result.code == 2 and "ECS304" in result.out
    assert result.err == "ecslint: error: --aws web: could not connect to ECS in eu-nowhere-1; check the network, proxy settings (HTTPS_PROXY), --region and any AWS_ENDPOINT_URL\n"


def test_malformed_region_is_one_line(aws_env, capsys):
    result = cli(capsys, "check", "--isolated", "--region", "not a region", "--aws", "web")
    assert result.code == 2
    assert result.err == "ecslint: error: 'not a region' is not an AWS Region name; check --region or AWS_REGION\n"


@pytest.mark.parametrize(
    ("error", "line"),
    [
        ("NoCredentialsError", "AWS credentials could not be loaded (Unable to locate credentials); check --profile, AWS_PROFILE or `aws configure`"),
        ("NoRegionError", "no AWS Region for --aws; use --region or AWS_REGION"),
    ],
)
def test_credential_and_region_errors_explained(error, line):
    import botocore.exceptions

    from ecslint.aws.errors import explain

    assert explain(getattr(botocore.exceptions, error)(), "eu-west-1") == line


def test_rejected_credentials_explained():
    import botocore.exceptions

    from ecslint.aws.errors import explain

    error = botocore.exceptions.ClientError({"Error": {"Code": "UnrecognizedClientException", "Message": "The security token included in the request is invalid."}}, "DescribeTaskDefinition")
    assert explain(error, "eu-west-1") == "AWS rejected the credentials (UnrecognizedClientException); check --profile or refresh them (`aws sso login`)"
