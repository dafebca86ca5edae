"""Edge cases for the role-wiring rules: ECS101, ECS102, ECS110, ECS112."""

from __future__ import annotations

import json

import pytest

from tests.helpers import container, findings, lint_text, pointers, task

ECR_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0"
AWSLOGS = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}




# ECS101 missing-execution-role


@pytest.mark.parametrize(
    ("fields", "pointer", "quoted"),
    [
        ({"secrets": [{"name": "A", "valueFrom": "/a"}]}, "/containerDefinitions/0/secrets", "you must also specify a value for 'executionRoleArn'"),
        ({"repositoryCredentials": {"credentialsParameter": "arn:aws:secretsmanager:us-east-1:123456789012:secret:r"}}, "/containerDefinitions/0/repositoryCredentials", "Private repository authentication"),
        ({"environmentFiles": [{"type": "s3", "value": "arn:aws:s3:::bucket/web.env"}]}, "/containerDefinitions/0/environmentFiles", "S3"),
        ({"logConfiguration": {"logDriver": "splunk", "secretOptions": [{"name": "splunk-token", "valueFrom": "/t"}]}}, "/containerDefinitions/0/logConfiguration/secretOptions", "secretOptions"),
        (
            {"firelensConfiguration": {"type": "fluentbit", "options": {"config-file-type": "s3", "config-file-value": "arn:aws:s3:::b/x.conf"}}},
            "/containerDefinitions/0/firelensConfiguration/options/config-file-type",
            "FireLens",
        ),
    ],
)
def test_execution_role_needed_on_every_launch_type(fields, pointer, quoted):
    # No requiresCompatibilities: an EC2 task definition, where these still need the role.
    found = findings(task([container(**fields)]), "ECS101")
    assert [f.pointer for f in found] == [pointer]
    assert found[0].message.startswith("Container 'web': ")
    assert "`executionRoleArn` is not set" in found[0].message
    assert quoted in found[0].message


@pytest.mark.parametrize("compatibilities", [None, ["EC2"]])
def test_ecr_and_awslogs_alone_are_fine_on_ec2(compatibilities):
    fields = {"requiresCompatibilities": compatibilities} if compatibilities else {}
    assert findings(task([container(image=ECR_IMAGE, logConfiguration=AWSLOGS)], **fields), "ECS101") == []


def test_fargate_messages_quote_the_registration_errors():
    found = findings(task([container(image=ECR_IMAGE, logConfiguration=AWSLOGS)], requiresCompatibilities=["FARGATE"]), "ECS101")
    messages = {f.pointer: f.message for f in found}
    assert "Fargate requires task definition to have execution role ARN to support ECR images." in messages["/containerDefinitions/0/image"]
    assert "Fargate requires task definition to have execution role ARN to support log driver awslogs." in messages["/containerDefinitions/0/logConfiguration/logDriver"]


@pytest.mark.parametrize(("launch_type", "named"), [("EXTERNAL", "external (ECS Anywhere) instances"), ("MANAGED_INSTANCES", "ECS Managed Instances")])
def test_external_and_managed_instances_need_the_role_for_ecr_and_awslogs(launch_type, named):
    found = findings(task([container(image=ECR_IMAGE, logConfiguration=AWSLOGS)], requiresCompatibilities=[launch_type]), "ECS101")
    assert sorted(f.pointer for f in found) == ["/containerDefinitions/0/image", "/containerDefinitions/0/logConfiguration/logDriver"]
    assert all(named in f.message and "Fargate requires" not in f.message for f in found)


def test_ec2_plus_fargate_compatibility_counts_as_fargate():
    text = task([container(image=ECR_IMAGE)], requiresCompatibilities=["EC2", "FARGATE"])
    assert pointers(text, "ECS101") == ["/containerDefinitions/0/image"]


@pytest.mark.parametrize(
    ("image", "flagged"),
    [
        ("public.ecr.aws/nginx/nginx:1.27", False),
        ("nginx:1.27", False),
        ("registry.example.com/ecr/web:1", False),
        ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web:1", True),
        ("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/web:1", True),
        ("123456789012.dkr-ecr.us-east-1.on.aws/web:1", True),
        ("${AWS_ACCOUNT_ID}.dkr.ecr.${AWS_REGION}.amazonaws.com/web:1", True),
    ],
)
def test_private_ecr_image_detection(image, flagged):
    text = task([container(image=image)], requiresCompatibilities=["FARGATE"])
    assert pointers(text, "ECS101") == (["/containerDefinitions/0/image"] if flagged else [])


def test_blank_execution_role_is_missing_but_a_cloudformation_function_is_not():
    secrets = [container(secrets=[{"name": "A", "valueFrom": "/a"}])]
    assert pointers(task(secrets, executionRoleArn=""), "ECS101") == ["/containerDefinitions/0/secrets"]
    assert pointers(task(secrets, executionRoleArn=None), "ECS101") == ["/containerDefinitions/0/secrets"]
    assert findings(task(secrets, executionRoleArn={"Fn::GetAtt": ["Role", "Arn"]}), "ECS101") == []


def test_bare_container_list_is_silent_about_roles():
    text = json.dumps([container(image=ECR_IMAGE, secrets=[{"name": "A", "valueFrom": "/a"}], logConfiguration=AWSLOGS)])
    for rule in ("ECS101", "ECS102", "ECS110", "ECS112"):
        assert findings(text, rule) == []


def test_describe_shape_points_inside_task_definition():
    inner = json.loads(task([container(secrets=[{"name": "A", "valueFrom": "/a"}])]))
    assert pointers(json.dumps({"taskDefinition": inner}), "ECS101") == ["/taskDefinition/containerDefinitions/0/secrets"]


def test_empty_lists_and_wrong_types_do_not_count_or_crash():
    odd = [
        container(secrets=[], environmentFiles=[], repositoryCredentials={}),
        container(name="b", secrets="nope", logConfiguration=["awslogs"], firelensConfiguration="s3", image=42),
        "not a container",
    ]
    assert findings(task(odd, requiresCompatibilities=["FARGATE"]), "ECS101") == []
    assert findings(json.dumps({"family": "x", "containerDefinitions": {"web": {}}, "executionRoleArn": 7, "taskRoleArn": ["a"]}), "ECS101") == []
    for rule in ("ECS102", "ECS110", "ECS112"):
        assert findings(json.dumps({"family": "x", "containerDefinitions": {"web": {}}, "executionRoleArn": 7, "taskRoleArn": ["a"], "volumes": "v"}), rule) == []


# ECS102 same-execution-and-task-role


@pytest.mark.parametrize(
    ("execution", "task_role", "same"),
    [
        ("arn:aws:iam::123456789012:role/app", "arn:aws:iam::123456789012:role/app", True),
        ("arn:aws:iam::123456789012:role/app", "app", True),
        ("arn:aws:iam::123456789012:role/App", "arn:aws:iam::123456789012:role/path/app", True),  # IAM names ignore case
        ("arn:aws:iam::XXXXXXXXXXXX:role/app", "arn:aws:iam::XXXXXXXXXXXX:role/app", True),
        ("arn:aws:iam::111111111111:role/app", "arn:aws:iam::222222222222:role/app", False),
        ("arn:aws:iam::123456789012:role/app-execution", "arn:aws:iam::123456789012:role/app-task", False),
        ("{{execution-role-arn}}", "{{task-role-arn}}", False),
        ("arn:aws:iam::1:role/${Role}", "arn:aws:iam::1:role/${Role}", True),
        ("arn:aws:iam::1:role/${ExecRole}", "arn:aws:iam::1:role/${TaskRole}", False),
    ],
)
def test_same_role(execution, task_role, same):
    text = task(executionRoleArn=execution, taskRoleArn=task_role)
    assert pointers(text, "ECS102") == (["/taskRoleArn"] if same else [])


def test_same_role_needs_both_roles():
    assert findings(task(executionRoleArn="arn:aws:iam::123456789012:role/app"), "ECS102") == []
    assert findings(task(executionRoleArn="arn:aws:iam::123456789012:role/app", taskRoleArn=""), "ECS102") == []


# ECS110 invalid-role-arn


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "arn:aws:iam::123456789012:role/service-role/team/ecsTaskExecutionRole",
        "arn:aws-us-gov:iam::123456789012:role/exec",
        "arn:aws-iso-f:iam::123456789012:role/exec",
        "arn:aws-eusc:iam::123456789012:role/exec",
        "arn:aws:iam::XXXXXXXXXXXX:role/exec",
        "arn:aws:iam::xxxxxxxxxx:role/exec",
        "arn:aws:iam::YOUR_ACCOUNT_ID:role/exec",
        "arn:aws:iam::aws-account-id:role/exec",
        "arn:aws:iam::${AWS::AccountId}:role/exec",
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Name}",
        "arn:aws:iam::{{ must_env `AWS_ACCOUNT_ID` }}:role/exec",
        "arn:aws:iam::#{AccountId}:role/exec",
        "arn:aws:iam::$ACCOUNT_ID:role/exec",
        "<executionRoleArn>",
        "{{ecsTaskExecutionRoleArn}}",
        "${execution_role_arn}",
        "",
    ],
)
def test_valid_or_templated_execution_role(value):
    assert findings(task(executionRoleArn=value), "ECS110") == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("ecsTaskExecutionRole", "not a full IAM role ARN"),
        ("arn:aws:iam::12345678901:role/exec", "`12345678901` is not 12 digits"),
        ("arn:aws:iam::1234-5678-9012:role/exec", "not 12 digits"),
        ("arn:aws:sts::123456789012:assumed-role/exec/session", "service `sts`"),
        ("arn:aws:iam::123456789012:user/deploy", "IAM `user`"),
        ("arn:aws:iam:us-east-1:123456789012:role/exec", "no region"),
        ("arn:amazon:iam::123456789012:role/exec", "not an AWS partition"),
        ("arn:aws:iam::123456789012:role/exec role", "not a valid role name"),
        ("arn:aws:iam::123456789012:role/", "not a valid role name"),
        ("arn:aws:iam::123456789012", "not an ARN"),
    ],
)
def test_invalid_execution_role(value, reason):
    found = findings(task(executionRoleArn=value), "ECS110")
    assert [f.pointer for f in found] == ["/executionRoleArn"]
    assert reason in found[0].message


def test_task_role_may_be_a_name_but_not_any_text():
    assert findings(task(taskRoleArn="web-task"), "ECS110") == []
    found = findings(task(taskRoleArn="web task role"), "ECS110")
    assert [f.pointer for f in found] == ["/taskRoleArn"]
    assert "neither an IAM role ARN nor a valid role name" in found[0].message


def test_partitions_must_match_only_when_both_are_concrete():
    mismatch = task(executionRoleArn="arn:aws:iam::123456789012:role/e", taskRoleArn="arn:aws-us-gov:iam::123456789012:role/t")
    found = findings(mismatch, "ECS110")
    assert [f.pointer for f in found] == ["/taskRoleArn"]
    assert "`aws-us-gov`" in found[0].message and "`aws`" in found[0].message
    assert findings(task(executionRoleArn="arn:${AWS::Partition}:iam::1:role/e", taskRoleArn="arn:aws-cn:iam::123456789012:role/t"), "ECS110") == []
    assert findings(task(executionRoleArn="arn:aws-cn:iam::123456789012:role/e", taskRoleArn="t"), "ECS110") == []


def test_invalid_role_arn_in_describe_shape():
    inner = json.loads(task(executionRoleArn="exec"))
    assert pointers(json.dumps({"taskDefinition": inner}), "ECS110") == ["/taskDefinition/executionRoleArn"]


# ECS112 missing-task-role


def test_each_task_role_feature_is_named():
    volumes = [
        {"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "transitEncryption": "ENABLED", "authorizationConfig": {"iam": "ENABLED"}}},
        {"name": "plain", "efsVolumeConfiguration": {"fileSystemId": "fs-2", "authorizationConfig": {"iam": "DISABLED"}}},
        "not a volume",
    ]
    containers = [
        container(name="agent", image="public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest"),
        container(name="xray", image="amazon/aws-xray-daemon"),
        container(name="app", logConfiguration={"logDriver": "awsfirelens", "options": {"Name": "CloudWatch_Logs"}}),
        container(name="dd", logConfiguration={"logDriver": "awsfirelens", "options": {"Name": "datadog"}}),
        container(name="fluentd", logConfiguration={"logDriver": "fluentd", "options": {"Name": "s3"}}),
    ]
    found = findings(task(containers, volumes=volumes), "ECS112")
    assert sorted(f.pointer for f in found) == [
        "/containerDefinitions/0/image",
        "/containerDefinitions/1/image",
        "/containerDefinitions/2/logConfiguration/options/Name",
        "/volumes/0/efsVolumeConfiguration/authorizationConfig/iam",
    ]
    messages = " ".join(f.message for f in found)
    assert "a CloudWatch agent" in messages and "an X-Ray daemon" in messages and "`CloudWatch_Logs`" in messages and "Volume 'data'" in messages


@pytest.mark.parametrize("role", ["arn:aws:iam::123456789012:role/web-task", "web-task", "{{task-role-arn}}"])
def test_any_task_role_satisfies_missing_task_role(role):
    assert findings(task([container(image="amazon/aws-xray-daemon")], taskRoleArn=role), "ECS112") == []


def test_blank_task_role_is_missing():
    assert pointers(task([container(image="amazon/aws-xray-daemon")], taskRoleArn=""), "ECS112") == ["/containerDefinitions/0/image"]
