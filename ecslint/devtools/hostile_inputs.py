"""Generated hostile inputs (hypothesis strategies) for every kind of document ecslint reads.

Shared by the property tests, which run a few examples per kind, and `python -m
ecslint.devtools.benchmark --fuzz N`, which runs N per kind. Needs hypothesis (a dev dependency).
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

# Values that have broken parsers and checks: huge and odd numbers, control characters, escapes,
# placeholders, wildcards, and text shaped like secrets.
AWKWARD_TEXT = st.sampled_from(
    [
        "", " ", "\t", "\x1b[31m", "\x00", "\x07", "\r", "\u2028", "é", "💥", "9" * 309, "1e400", "-0", ".inf", "0x10", "${", "${a}", "${AWS::Region}",
        "{{resolve:ssm:x}}", "<%", "%{", "((", "a[", "*", "?", "a*b*c*d*e*f*g*h*i*j", "s3:*", "arn:aws:iam::123456789012:role/app", "AKIAIOSFODNN7EXAMPLE",
        "AKIAZ7Q2V4X6Y8A0B1C3", "postgres://user:pw@db/x", "-----BEGIN PRIVATE KEY-----", "::", "a" * 3000, "awsvpc", "FARGATE", "bridge", "host", "0",
    ]
)
TEXT = st.one_of(AWKWARD_TEXT, st.text(max_size=40))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=False, allow_infinity=False), TEXT)


def json_values(keys) -> st.SearchStrategy:
    """Nested JSON values whose object keys come from `keys` (the names a front end looks for) or anywhere."""
    key = st.one_of(keys, TEXT)
    return st.recursive(SCALAR, lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(key, children, max_size=5)), max_leaves=25)


TASK_KEYS = st.sampled_from(
    [
        "family", "containerDefinitions", "name", "image", "cpu", "memory", "memoryReservation", "networkMode", "requiresCompatibilities", "portMappings",
        "containerPort", "hostPort", "containerPortRange", "protocol", "environment", "value", "secrets", "valueFrom", "dependsOn", "containerName",
        "condition", "essential", "logConfiguration", "logDriver", "options", "executionRoleArn", "taskRoleArn", "user", "healthCheck", "command",
        "linuxParameters", "volumes", "mountPoints", "runtimePlatform", "operatingSystemFamily", "taskDefinition", "tags", "key",
    ]
)
CLOUDFORMATION_KEYS = st.sampled_from(
    ["Resources", "Type", "Properties", "Parameters", "Default", "Conditions", "Mappings", "Ref", "Fn::Sub", "Fn::GetAtt", "Fn::If", "Fn::Join", "Fn::Select", "Fn::FindInMap", "Fn::Split", "ContainerDefinitions", "Image", "Name", "TaskRoleArn", "RoleName", "Policies", "PolicyDocument", "Statement", "Action", "Resource", "Effect"]
)
IAM_KEYS = st.sampled_from(
    ["RoleDetailList", "Policies", "RoleName", "Arn", "AssumeRolePolicyDocument", "RolePolicyList", "PolicyName", "PolicyDocument", "AttachedManagedPolicies", "PolicyArn", "PolicyVersionList", "Document", "IsDefaultVersion", "VersionId", "DefaultVersionId", "Statement", "Effect", "Action", "NotAction", "Resource", "Condition", "Principal"]
)
LIFECYCLE_KEYS = st.sampled_from(["rules", "rulePriority", "selection", "tagStatus", "tagPrefixList", "tagPatternList", "countType", "countNumber", "countUnit", "action", "type", "description"])
APPSPEC_KEYS = st.sampled_from(["version", "Resources", "TargetService", "Type", "Properties", "TaskDefinition", "LoadBalancerInfo", "ContainerName", "ContainerPort", "Hooks", "PlatformVersion"])
SERVICE_KEYS = st.sampled_from(["serviceName", "cluster", "taskDefinition", "launchType", "desiredCount", "networkConfiguration", "awsvpcConfiguration", "subnets", "assignPublicIp", "loadBalancers", "services", "deploymentConfiguration", "capacityProviderStrategy"])


@st.composite
def task_definitions(draw) -> dict:
    container = draw(st.dictionaries(TASK_KEYS, json_values(TASK_KEYS), max_size=8))
    container.setdefault("name", draw(TEXT))
    container.setdefault("image", draw(TEXT))
    task = draw(st.dictionaries(TASK_KEYS, json_values(TASK_KEYS), max_size=6))
    task["containerDefinitions"] = draw(st.lists(st.just(container) | json_values(TASK_KEYS), min_size=1, max_size=3))
    return task


@st.composite
def cloudformation_templates(draw) -> dict:
    properties = draw(st.dictionaries(CLOUDFORMATION_KEYS, json_values(CLOUDFORMATION_KEYS), max_size=5))
    properties["ContainerDefinitions"] = draw(st.lists(json_values(CLOUDFORMATION_KEYS), max_size=2))
    resources = {"Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": properties}}
    resources.update(draw(st.dictionaries(st.sampled_from(["Role", "Task", "Other"]), json_values(CLOUDFORMATION_KEYS), max_size=2)))
    template = {"Resources": resources}
    template.update(draw(st.dictionaries(st.sampled_from(["Parameters", "Conditions", "Mappings"]), json_values(CLOUDFORMATION_KEYS), max_size=2)))
    return template


HCL_VALUE = st.one_of(
    st.sampled_from(['"x"', "1", "true", "null", "[]", "{}", "var.x", "local.y", '"${var.x}"', "9" * 5000, '"\\u0000"', 'file("c.json")', 'templatefile("c.json.tpl", {})']),
    TEXT.map(json.dumps),
)


@st.composite
def terraform_files(draw) -> str:
    attributes = draw(st.lists(st.tuples(st.sampled_from(["family", "cpu", "memory", "network_mode", "volume", "tags", "container_definitions", "task_role_arn"]), HCL_VALUE), max_size=6))
    blocks = draw(st.lists(st.sampled_from(["volume", "tags", "family", "runtime_platform"]), max_size=3))
    containers = draw(json_values(TASK_KEYS))
    body = "".join(f"  {name} = {value}\n" for name, value in attributes)
    body += "".join(f"  {name} {{\n    name = \"v\"\n  }}\n" for name in blocks)
    body += f"  container_definitions = jsonencode({json.dumps([containers])})\n"
    return f'resource "aws_ecs_task_definition" "t" {{\n{body}}}\n'


@st.composite
def iam_exports(draw) -> dict:
    statement = draw(st.dictionaries(IAM_KEYS, json_values(IAM_KEYS), max_size=5))
    role = {"RoleName": draw(TEXT), "Arn": "arn:aws:iam::123456789012:role/app", "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [statement]}}]}
    role.update(draw(st.dictionaries(IAM_KEYS, json_values(IAM_KEYS), max_size=3)))
    return {"RoleDetailList": [role], "Policies": draw(st.lists(json_values(IAM_KEYS), max_size=2))}


def lifecycle_policies() -> st.SearchStrategy:
    return st.fixed_dictionaries({"rules": st.lists(st.dictionaries(LIFECYCLE_KEYS, json_values(LIFECYCLE_KEYS), max_size=5), max_size=3)})


def appspec_files() -> st.SearchStrategy:
    target = st.fixed_dictionaries({"TargetService": st.dictionaries(APPSPEC_KEYS, json_values(APPSPEC_KEYS), max_size=4)})
    return st.fixed_dictionaries({"version": SCALAR, "Resources": st.lists(target, max_size=2)})


def service_definitions() -> st.SearchStrategy:
    return st.dictionaries(SERVICE_KEYS, json_values(SERVICE_KEYS), min_size=1, max_size=6).map(lambda service: {**service, "serviceName": service.get("serviceName", "web"), "taskDefinition": service.get("taskDefinition", "web:1")})


TOML_VALUE = st.sampled_from(['"x"', "1", "1979-05-27", "07:32:00", "1979-05-27T07:32:00Z", "[]", '["ECS3"]', "[1979-05-27]", "{}", "true", "inf", '"' + "*a" * 40 + '"'])


@st.composite
def config_files(draw) -> str:
    keys = draw(st.lists(st.sampled_from(["select", "ignore", "extend-select", "fail-on", "format", "exclude", "extend-exclude", "output-format", "baseline", "iam", "respect-gitignore"]), unique=True, max_size=5))
    lines = [f"{key} = {draw(TOML_VALUE)}" for key in keys]
    if draw(st.booleans()):
        lines.append(f"[per-file-ignores]\n{json.dumps(draw(TEXT))} = {draw(TOML_VALUE)}")
    if draw(st.booleans()):
        lines.append(f"[levels]\n{draw(st.sampled_from(['ECS301', 'ECS9', 'x']))} = {draw(TOML_VALUE)}")
    return "\n".join(lines) + "\n"


def baselines() -> st.SearchStrategy:
    entry = st.dictionaries(st.sampled_from(["path", "rule", "pointer", "count"]), SCALAR, max_size=4)
    return st.fixed_dictionaries({"version": st.sampled_from([1, 1, 2, "1", None]), "tool": st.just("ecslint"), "findings": st.lists(entry, max_size=4)})


def mutated_bytes(document: bytes) -> st.SearchStrategy:
    """Truncations, byte flips and insertions of a valid document."""
    position = st.integers(min_value=0, max_value=len(document))
    truncated = position.map(lambda end: document[:end])
    flipped = st.tuples(position, st.integers(0, 255)).map(lambda change: document[: change[0]] + bytes([change[1]]) + document[change[0] + 1 :])
    inserted = st.tuples(position, st.binary(max_size=8)).map(lambda change: document[: change[0]] + change[1] + document[change[0] :])
    return st.one_of(truncated, flipped, inserted)


# Kind -> (file name, strategy of file contents as bytes): what the property tests and the fuzz run lint.
def kinds() -> dict[str, tuple[str, st.SearchStrategy]]:
    as_json = lambda strategy: strategy.map(lambda value: json.dumps(value).encode())  # noqa: E731
    import yaml

    as_yaml = lambda strategy: strategy.map(lambda value: yaml.safe_dump(value, allow_unicode=True).encode())  # noqa: E731
    sample = json.dumps({"family": "web", "networkMode": "bridge", "containerDefinitions": [{"name": "web", "image": "nginx:1", "memory": 64, "portMappings": [{"containerPort": 80, "hostPort": 80}]}]}).encode()
    return {
        "task definition": ("task-definition.json", as_json(task_definitions())),
        "mutated bytes": ("task-definition.json", mutated_bytes(sample)),
        "CloudFormation (JSON)": ("template.json", as_json(cloudformation_templates())),
        "CloudFormation (YAML)": ("template.yaml", as_yaml(cloudformation_templates())),
        "Terraform": ("main.tf", terraform_files().map(str.encode)),
        "lifecycle policy": ("lifecycle-policy.json", as_json(lifecycle_policies())),
        "AppSpec": ("appspec.yaml", as_yaml(appspec_files())),
        "service definition": ("service.json", as_json(service_definitions())),
    }
