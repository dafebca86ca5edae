"""Edge cases for image references (ECS601-ECS603) and logging and health (ECS701-ECS703)."""

from __future__ import annotations

import json

import pytest

from ecslint.subjects.image_reference import parse_image
from tests.helpers import lint_text

RULES = ["ECS601", "ECS602", "ECS603", "ECS701", "ECS702", "ECS703"]
ROLE = "arn:aws:iam::210987654321:role/web-execution"


def task(containers=None, **fields) -> str:
    document = {"family": "web", **fields, "containerDefinitions": containers if containers is not None else [container()]}
    return json.dumps(document)


def container(**fields) -> dict:
    return {"name": "web", "image": "nginx:1.27", "memory": 256, **fields}


def awslogs(**options) -> dict:
    return {"logDriver": "awslogs", "options": options}


def findings(text: str, rule: str):
    return lint_text(text, select=[rule])


def pointers(text: str, rule: str) -> list[str]:
    return sorted(f.pointer for f in findings(text, rule))


# Image reference parsing


@pytest.mark.parametrize(
    ("image", "registry", "repository", "tag", "digest"),
    [
        ("nginx", None, "nginx", None, None),
        ("nginx:1.27", None, "nginx", "1.27", None),
        ("library/nginx:latest", None, "library/nginx", "latest", None),
        ("localhost:5000/app", "localhost:5000", "app", None, None),
        ("registry.example.com:5000/team/app:2.0", "registry.example.com:5000", "team/app", "2.0", None),
        ("ghcr.io/org/app@sha256:abc", "ghcr.io", "org/app", None, "sha256:abc"),
        ("app:1.0@sha256:abc", None, "app", "1.0", "sha256:abc"),
        ("repo:${TAG:-latest}", None, "repo", "${TAG:-latest}", None),
        ("${REGISTRY}/app:1.0", "${REGISTRY}", "app", "1.0", None),
        ("<account>.dkr.ecr.<region>.amazonaws.com/app:latest", "<account>.dkr.ecr.<region>.amazonaws.com", "app", "latest", None),
        ("org/app:{{ env `TAG` `latest` }}", None, "org/app", "{{ env `TAG` `latest` }}", None),
    ],
)
def test_parse_image(image, registry, repository, tag, digest):
    parsed = parse_image(image)
    assert (parsed.registry, parsed.repository, parsed.tag, parsed.digest) == (registry, repository, tag, digest)


def test_parse_image_docker_hub_and_blank_values():
    assert parse_image("nginx").registry_host == "docker.io" and parse_image("nginx").is_docker_hub
    assert not parse_image("public.ecr.aws/nginx/nginx:1").is_docker_hub
    assert parse_image("public.ecr.aws/nginx/nginx:1").is_ecr_public
    assert parse_image("") is None and parse_image("  ") is None and parse_image(5) is None and parse_image(None) is None


@pytest.mark.parametrize(
    ("image", "account", "region", "fips", "china"),
    [
        ("210987654321.dkr.ecr.eu-west-1.amazonaws.com/app:1", "210987654321", "eu-west-1", False, False),
        ("210987654321.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app:1", "210987654321", "us-gov-west-1", True, False),
        ("210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1", "210987654321", "cn-north-1", False, True),
        ("210987654321.dkr-ecr.us-west-2.on.aws/app:1", "210987654321", "us-west-2", False, False),
    ],
)
def test_parse_ecr_registry(image, account, region, fips, china):
    ecr = parse_image(image).ecr
    assert (ecr.account, ecr.region, ecr.fips, ecr.china) == (account, region, fips, china)


@pytest.mark.parametrize(
    "image",
    ["public.ecr.aws/app/app:1", "21098765432.dkr.ecr.us-east-1.amazonaws.com/app", "210987654321.dkr.ecr.us-east-1.amazonaws.com.evil.io/app", "nginx:1"],
)
def test_not_a_private_ecr_registry(image):
    assert parse_image(image).ecr is None


# ECS601 mutable-image-tag and ECS602 image-not-pinned


@pytest.mark.parametrize(
    "image",
    ["nginx", "nginx:latest", "localhost:5000/app", "ghcr.io/org/app:latest", "${REPOSITORY}:latest", "<account>.dkr.ecr.<region>.amazonaws.com/app:latest"],
)
def test_mutable_tags(image):
    found = findings(task([container(image=image)]), "ECS601")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/image"]
    assert f"`{image}`" in found[0].message
    # ECS601's warning already asks for a pin: no ECS602 note beside it.
    assert pointers(task([container(image=image)]), "ECS602") == []


@pytest.mark.parametrize(
    "image",
    [
        "repo:${TAG}",
        "repo:${TAG:-latest}",
        "repo:{{ .Tag }}",
        "org/app:{{ env `TAG` `latest` }}",
        "repo:<TAG>",
        "repo:#{Octopus.Release.Number}",
        "repo:$IMAGE_TAG",
        "${IMAGE}",
        "{{ image }}",
        "<IMAGE1_NAME>",
        "$APP_IMAGE",
        "210987654321.dkr.ecr.us-east-1.amazonaws.com/app${SUFFIX}",
        "",
    ],
)
def test_templated_tags_are_neither_mutable_nor_unpinned(image):
    text = task([container(image=image)])
    assert pointers(text, "ECS601") == []
    assert pointers(text, "ECS602") == []


@pytest.mark.parametrize("image", ["nginx:latest@sha256:" + "a" * 64, "nginx@sha256:" + "b" * 64, "repo@${DIGEST}"])
def test_digest_pins_even_latest(image):
    text = task([container(image=image)])
    assert pointers(text, "ECS601") == []
    assert pointers(text, "ECS602") == []


@pytest.mark.parametrize("image", ["nginx:1.27", "nginx:stable", "nginx:Latest", "app:init-latest"])
def test_version_tags_are_only_unpinned(image):
    text = task([container(image=image)])
    assert pointers(text, "ECS601") == []
    found = findings(text, "ECS602")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/image"] and found[0].level == "note"


def test_image_rules_on_bare_list_describe_shape_and_wrong_types():
    assert pointers(json.dumps([container(image="nginx")]), "ECS601") == ["/0/image"]
    describe = json.dumps({"taskDefinition": {"family": "x", "containerDefinitions": [container(image="nginx")]}})
    assert pointers(describe, "ECS601") == ["/taskDefinition/containerDefinitions/0/image"]
    for rule in ("ECS601", "ECS602", "ECS603"):
        assert pointers(task([container(image=5), container(name="b", image=None), {"name": "c"}]), rule) == []


# ECS603 ecr-region-mismatch


def logs(region: str) -> dict:
    return awslogs(**{"awslogs-group": "/ecs/web", "awslogs-region": region, "awslogs-stream-prefix": "web"})


def ecr(account: str, region: str, repository: str = "web") -> str:
    return f"{account}.dkr.ecr.{region}.amazonaws.com/{repository}:1.0"


def test_other_account_and_region_in_one_finding():
    text = task([container(image=ecr("345678901234", "eu-west-1"), logConfiguration=logs("us-east-1"))], executionRoleArn=ROLE)
    found = findings(text, "ECS603")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/image"]
    assert "account 345678901234" in found[0].message and "210987654321" in found[0].message
    assert "region eu-west-1" in found[0].message and "us-east-1 (from `awslogs-region`)" in found[0].message
    assert found[0].level == "note"


def test_same_account_and_region_pass():
    text = task([container(image=ecr("210987654321", "us-east-1"), logConfiguration=logs("us-east-1"))], executionRoleArn=ROLE)
    assert pointers(text, "ECS603") == []


def test_only_the_known_side_is_compared():
    # No roles: only the region; no awslogs region: only the account.
    assert pointers(task([container(image=ecr("345678901234", "us-east-1"), logConfiguration=logs("us-east-1"))]), "ECS603") == []
    found = findings(task([container(image=ecr("345678901234", "us-east-1"))], taskRoleArn=ROLE), "ECS603")
    assert len(found) == 1
    assert "account 345678901234" in found[0].message and "while the task runs in" not in found[0].message


@pytest.mark.parametrize(
    "fields",
    [
        {"executionRoleArn": "arn:aws:iam::${AWS::AccountId}:role/x"},
        {"executionRoleArn": "arn:aws:iam::123456789012:role/x"},
        {"executionRoleArn": "arn:aws:iam::YOUR_ACCOUNT_ID:role/x"},
        {"executionRoleArn": "ecsTaskExecutionRole"},
        {"executionRoleArn": 5},
    ],
)
def test_placeholder_and_example_accounts_are_not_compared(fields):
    assert pointers(task([container(image=ecr("345678901234", "us-east-1"))], **fields), "ECS603") == []


@pytest.mark.parametrize(
    "image",
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1", "${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/web:1", "345678901234.dkr.ecr.${REGION}.amazonaws.com/web:1"],
)
def test_placeholder_images_are_not_compared(image):
    text = task([container(image=image, logConfiguration=logs("us-east-1"))], executionRoleArn=ROLE)
    assert pointers(text, "ECS603") == []


def test_disagreeing_awslogs_regions_leave_the_region_unknown():
    containers = [
        container(image=ecr("210987654321", "eu-west-1"), logConfiguration=logs("us-east-1")),
        container(name="b", image="nginx:1", logConfiguration=logs("us-west-2")),
    ]
    assert pointers(task(containers, executionRoleArn=ROLE), "ECS603") == []


def test_aws_published_sidecars_skip_the_account_but_not_the_region():
    fluent_bit = "906394416424.dkr.ecr.us-east-1.amazonaws.com/aws-for-fluent-bit:2.32.0"
    envoy_opt_in_region = "919366029133.dkr.ecr.af-south-1.amazonaws.com/aws-appmesh-envoy:v1.27.0.0-prod"
    text = task([container(image=fluent_bit, logConfiguration=logs("us-east-1")), container(name="envoy", image=envoy_opt_in_region)], executionRoleArn=ROLE)
    found = findings(text, "ECS603")
    assert [f.pointer for f in found] == ["/containerDefinitions/1/image"]
    assert "account" not in found[0].message.split("while")[0]
    text = task([container(image=fluent_bit, logConfiguration=logs("eu-west-1"))], executionRoleArn=ROLE)
    assert pointers(text, "ECS603") == ["/containerDefinitions/0/image"]


def test_describe_shape_uses_the_task_definition_arn():
    document = {
        "taskDefinition": {
            "taskDefinitionArn": "arn:aws:ecs:eu-central-1:210987654321:task-definition/web:3",
            "family": "web",
            "containerDefinitions": [container(image=ecr("210987654321", "eu-west-1"), logConfiguration=logs("us-east-1"))],
        }
    }
    found = findings(json.dumps(document), "ECS603")
    assert [f.pointer for f in found] == ["/taskDefinition/containerDefinitions/0/image"]
    assert "eu-central-1 (from `taskDefinitionArn`)" in found[0].message


def test_bare_container_list_has_no_task_to_compare_with():
    assert pointers(json.dumps([container(image=ecr("345678901234", "eu-west-1"), logConfiguration=logs("us-east-1"))]), "ECS603") == []


# ECS701 missing-log-configuration


def test_missing_log_configuration_forms():
    containers = [
        container(),
        container(name="b", logConfiguration=None),
        container(name="c", logConfiguration={"options": {}}),
        container(name="d", logConfiguration={"logDriver": ""}),
        container(name="e", logConfiguration={"logDriver": "awsfirelens"}),
        container(name="f", essential=False),
    ]
    found = findings(task(containers), "ECS701")
    assert [f.pointer for f in found] == [
        "/containerDefinitions/0/logConfiguration",
        "/containerDefinitions/1/logConfiguration",
        "/containerDefinitions/2/logConfiguration/logDriver",
        "/containerDefinitions/3/logConfiguration/logDriver",
        "/containerDefinitions/5/logConfiguration",
    ]
    assert "ECS.9" in found[0].message


def test_log_configuration_of_wrong_type_is_left_to_ecs002():
    assert pointers(task([container(logConfiguration=["awslogs"])]), "ECS701") == []


# ECS702 missing-health-check


def test_health_check_only_for_essential_containers():
    containers = [container(), container(name="b", essential=False), container(name="c", healthCheck={"command": ["CMD", "true"]}), container(name="d", essential=True, healthCheck=None)]
    found = findings(task(containers), "ECS702")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/healthCheck", "/containerDefinitions/3/healthCheck"]
    assert found[0].level == "note"


# ECS703 awslogs-incomplete


FARGATE = {"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "executionRoleArn": ROLE}


def test_fargate_needs_group_region_and_prefix():
    found = findings(task([container(logConfiguration=awslogs())], **FARGATE), "ECS703")
    base = "/containerDefinitions/0/logConfiguration/options/"
    assert [f.pointer for f in found] == [base + "awslogs-group", base + "awslogs-region", base + "awslogs-stream-prefix"]
    assert all(f.level == "error" for f in found)
    assert "required on Fargate" in found[2].message and "rejects the task definition" in found[2].message
    assert "fails to start" in found[0].message and "fails to start" in found[1].message


def test_options_missing_entirely():
    found = findings(task([container(logConfiguration={"logDriver": "awslogs"})], **FARGATE), "ECS703")
    assert len(found) == 3


@pytest.mark.parametrize("fields", [{}, {"requiresCompatibilities": ["EC2"]}, {"requiresCompatibilities": ["EXTERNAL"]}])
def test_ec2_needs_only_the_group(fields):
    text = task([container(logConfiguration=awslogs(**{"awslogs-region": "eu-west-1"})), container(name="b", logConfiguration=awslogs(**{"awslogs-group": "/ecs/b"}))], **fields)
    assert pointers(text, "ECS703") == ["/containerDefinitions/0/logConfiguration/options/awslogs-group"]


def test_empty_values_are_missing_and_placeholders_are_set():
    options = {"awslogs-group": " ", "awslogs-region": "${AWS_REGION}", "awslogs-stream-prefix": "{{ .Service }}"}
    found = findings(task([container(logConfiguration=awslogs(**options))], **FARGATE), "ECS703")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/logConfiguration/options/awslogs-group"]


def test_other_drivers_and_wrong_types_are_ignored():
    containers = [
        container(logConfiguration={"logDriver": "awsfirelens"}),
        container(name="b", logConfiguration={"logDriver": "awslogs", "options": ["awslogs-group"]}),
        container(name="c", logConfiguration="awslogs"),
    ]
    assert pointers(task(containers, **FARGATE), "ECS703") == []


def test_bare_container_list_cannot_know_fargate():
    text = json.dumps([container(logConfiguration=awslogs(**{"awslogs-group": "/ecs/web"}))])
    assert pointers(text, "ECS703") == []


@pytest.mark.parametrize(
    "document",
    [
        {"family": "x", "containerDefinitions": [None, 3, "web"]},
        {"family": "x", "requiresCompatibilities": "FARGATE", "taskDefinitionArn": 5, "executionRoleArn": ["x"], "containerDefinitions": [{"name": "a", "image": ["x"], "logConfiguration": {"logDriver": 5, "options": None}, "healthCheck": "x"}]},
    ],
)
def test_malformed_input_never_crashes(document):
    lint_text(json.dumps(document), select=RULES)


# ECS703: option names and values the awslogs driver accepts


def _awslogs_messages(**options) -> list[tuple[str, str]]:
    options = {"awslogs-group": "/ecs/web", **options}
    text = task([container(logConfiguration={"logDriver": "awslogs", "options": options})])
    return [(f.pointer.rsplit("/", 1)[-1], f.message) for f in findings(text, "ECS703")]


def test_unknown_awslogs_option():
    assert _awslogs_messages(**{"awslogs-bogus": "1"}) == [("awslogs-bogus", "Container 'web': `awslogs-bogus` is not an option of the `awslogs` log driver, which refuses to start the container with it.")]


@pytest.mark.parametrize("name", ["awslogs-endpoint", "awslogs-create-stream", "awslogs-format", "tag", "awslogs-datetime-timezone", "${EXTRA_OPTION}"])
def test_known_awslogs_options(name):
    value = "true" if name == "awslogs-create-stream" else "x"
    assert _awslogs_messages(**{name: value}) == []


def test_awslogs_values():
    assert _awslogs_messages(mode="async") == [("mode", "Container 'web': log `mode` must be `blocking` or `non-blocking`, not `async`.")]
    assert _awslogs_messages(**{"awslogs-create-group": "yes"}) == [("awslogs-create-group", "Container 'web': `awslogs-create-group` must be `\"true\"` or `\"false\"`, not `yes`.")]
    assert _awslogs_messages(**{"awslogs-create-group": "True", "awslogs-max-buffered-events": "${N}"}) == []
    assert _awslogs_messages(**{"awslogs-force-flush-interval-seconds": "0"})[0][0] == "awslogs-force-flush-interval-seconds"


def test_max_buffer_size_needs_non_blocking_mode():
    assert _awslogs_messages(mode="blocking", **{"max-buffer-size": "4m"}) == [("max-buffer-size", "Container 'web': `max-buffer-size` works only with `mode: non-blocking`, and this container sets `mode: blocking`.")]
    # ECS's default mode is non-blocking since 2025-06-25.
    assert _awslogs_messages(**{"max-buffer-size": "4m"}) == []


def test_datetime_format_and_multiline_pattern_together():
    found = _awslogs_messages(**{"awslogs-datetime-format": "%Y", "awslogs-multiline-pattern": "^x"})
    assert found == [("awslogs-multiline-pattern", "Container 'web': `awslogs-datetime-format` and `awslogs-multiline-pattern` cannot be set together; keep one.")]
