"""CloudFormation templates (and `cdk synth` output): task definitions found, mapped, resolved, linted and located."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from ecslint.cloudformation.template import cloudformation_task_definitions
from ecslint.cloudformation.intrinsics import NO_VALUE, Template, Unresolved
from ecslint.cloudformation.properties import _CFN_NAMES, cfn_name, resolve_schema
from ecslint.documents.parse import Unparsable
from ecslint.subjects.task_definition import TaskDefinition
from ecslint.front_ends import parse, recognise
from ecslint.iam.task_roles import roles_of
from tests.helpers import CORPUS, cli, lint_text, needs_shared

FIXTURES = Path(__file__).parent / "fixtures" / "cloudformation"


def yaml(text: str) -> str:
    return textwrap.dedent(text).lstrip()


def subjects(text: str, filename: str = "template.yaml"):
    document = parse(filename, text.encode())
    assert not isinstance(document, Unparsable), document
    return cloudformation_task_definitions(document)


def findings(text: str, rules: list[str], filename: str = "template.yaml"):
    return lint_text(text, filename=filename, select=rules)


def template(properties: str, extra: str = "") -> str:
    """A template with one task definition `TaskDef`, whose Properties are given as YAML (indented 6 spaces)."""
    body = textwrap.indent(textwrap.dedent(properties).strip(), " " * 6)
    return yaml(extra) + "Resources:\n  TaskDef:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n" + body + "\n"


# ---------------------------------------------------------------------------------------------
# Recognising templates


def test_every_task_definition_in_a_template_is_a_subject():
    text = yaml("""
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Web:
            Type: AWS::ECS::TaskDefinition
            Properties:
              ContainerDefinitions: [{Name: web, Image: "nginx:1.27"}]
          Bucket:
            Type: AWS::S3::Bucket
          Worker:
            Type: AWS::ECS::TaskDefinition
            Properties:
              ContainerDefinitions: [{Name: worker, Image: "busybox:1.36"}]
    """)
    found = subjects(text)
    assert [subject.logical_id for subject in found] == ["Web", "Worker"]
    assert [subject.containers[0].name for subject in found] == ["web", "worker"]


def test_a_template_without_task_definitions_has_nothing_to_lint():
    text = yaml("""
        Resources:
          Bucket: {Type: AWS::S3::Bucket}
    """)
    assert subjects(text) == []
    assert findings(text, ["ECS0"]) == []


@pytest.mark.parametrize(
    "text",
    [
        "Resources:\n  Thing:\n    Properties: {}\n",  # a resource without a Type
        "Resources: []\n",
        "version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n",  # an AppSpec, not a template
        "apiVersion: v1\nkind: ConfigMap\n",
    ],
)
def test_documents_that_are_not_templates_are_not_recognised(text):
    document = parse("other.yaml", text.encode())
    assert cloudformation_task_definitions(document) is None


def test_language_extension_loops_do_not_hide_a_template():
    text = yaml("""
        Transform: AWS::LanguageExtensions
        Resources:
          Fn::ForEach::Topics:
            - Name
            - [a, b]
            - Topic${Name}: {Type: AWS::SNS::Topic}
          TaskDef:
            Type: AWS::ECS::TaskDefinition
            Properties:
              ContainerDefinitions: [{Name: web, Image: nginx}]
    """)
    assert [subject.logical_id for subject in subjects(text)] == ["TaskDef"]


def test_properties_chosen_by_a_condition():
    text = yaml("""
        Parameters:
          Env: {Type: String, Default: prod}
        Conditions:
          IsProd: !Equals [!Ref Env, prod]
        Resources:
          TaskDef:
            Type: AWS::ECS::TaskDefinition
            Properties: !If
              - IsProd
              - ContainerDefinitions: [{Name: web, Image: nginx, Memory: 256}]
                Tags: [{Key: team, Value: web}]
              - ContainerDefinitions: []
    """)
    [subject] = subjects(text)
    assert subject.containers[0].name == "web"
    assert subject.tags == [(0, {"key": "team", "value": "web"})]
    assert subject.source_pointer("/tags/0/key") == "/Resources/TaskDef/Properties/Fn::If/1/Tags/0/Key"
    assert findings(text, ["ECS002"]) == []


def test_a_named_yaml_file_that_is_no_template_is_ecs001():
    found = findings("Resources:\n  Thing:\n    Properties: {}\n", ["ECS001"], "stack.yaml")
    assert [f.rule_id for f in found] == ["ECS001"]


def test_walking_lints_templates_and_skips_other_yaml(tmp_path, capsys, monkeypatch):
    (tmp_path / "service.yaml").write_text(template("ContainerDefinitions: [{Name: web, Image: nginx, Essential: false}]"))
    (tmp_path / "k8s.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    # Mentions the type, so it is parsed, but it is no template: skipped quietly when walking.
    (tmp_path / "notes.yml").write_text("text: we deploy an AWS::ECS::TaskDefinition with CloudFormation\n")
    (tmp_path / "cdk.out").mkdir()
    (tmp_path / "cdk.out" / "Stack.template.json").write_text((FIXTURES / "cdk-fargate.template.json").read_text())
    monkeypatch.chdir(tmp_path)
    result = cli(capsys, "check", "--isolated", "--select", "ECS601,ECS702", "--format", "json", ".")
    report = json.loads(result.out)
    assert result.err == ""
    assert report["summary"]["files"] == 2
    assert report["summary"]["taskDefinitions"] == 2
    assert sorted({finding["path"] for finding in report["findings"]}) == ["cdk.out/Stack.template.json", "service.yaml"]


# ---------------------------------------------------------------------------------------------
# Property names: PascalCase in the template, camelCase for the rules, and back


def test_properties_become_the_api_fields():
    text = template("""
        Family: web
        Cpu: 256
        Memory: "512"
        NetworkMode: awsvpc
        RequiresCompatibilities: [FARGATE]
        RuntimePlatform: {OperatingSystemFamily: LINUX, CpuArchitecture: ARM64}
        EphemeralStorage: {SizeInGiB: 21}
        ProxyConfiguration:
          Type: APPMESH
          ContainerName: envoy
          ProxyConfigurationProperties:
            - {Name: IgnoredUID, Value: "1337"}
        Volumes:
          - Name: data
            EFSVolumeConfiguration:
              FilesystemId: fs-12345678
              TransitEncryption: ENABLED
              AuthorizationConfig: {IAM: ENABLED, AccessPointId: fsap-1}
          - Name: share
            FSxWindowsFileServerVolumeConfiguration:
              FileSystemId: fs-0123
              RootDirectory: share
              AuthorizationConfig: {CredentialsParameter: arn:aws:ssm:eu-west-1:123456789012:parameter/fsx, Domain: corp}
        ContainerDefinitions:
          - Name: web
            Image: nginx:1.27
            Essential: "true"
            Memory: "256"
            DockerLabels: {com.example.Team: web}
            PortMappings:
              - {ContainerPort: "80", HostPort: 80, Protocol: tcp}
            LogConfiguration:
              LogDriver: awslogs
              Options: {awslogs-group: /ecs/web, awslogs-region: eu-west-1}
            LinuxParameters: {Capabilities: {Drop: [ALL]}, InitProcessEnabled: true}
            DependsOn: [{ContainerName: envoy, Condition: HEALTHY}]
        Tags:
          - {Key: team, Value: 7}
    """)
    [subject] = subjects(text)
    assert subject.data == {
        "family": "web",
        "cpu": "256",
        "memory": "512",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"},
        "ephemeralStorage": {"sizeInGiB": 21},
        "proxyConfiguration": {"type": "APPMESH", "containerName": "envoy", "properties": [{"name": "IgnoredUID", "value": "1337"}]},
        "volumes": [
            {"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-12345678", "transitEncryption": "ENABLED", "authorizationConfig": {"iam": "ENABLED", "accessPointId": "fsap-1"}}},
            {
                "name": "share",
                "fsxWindowsFileServerVolumeConfiguration": {
                    "fileSystemId": "fs-0123",
                    "rootDirectory": "share",
                    "authorizationConfig": {"credentialsParameter": "arn:aws:ssm:eu-west-1:123456789012:parameter/fsx", "domain": "corp"},
                },
            },
        ],
        "containerDefinitions": [
            {
                "name": "web",
                "image": "nginx:1.27",
                "essential": True,
                "memory": 256,
                "dockerLabels": {"com.example.Team": "web"},
                "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
                "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "eu-west-1"}},
                "linuxParameters": {"capabilities": {"drop": ["ALL"]}, "initProcessEnabled": True},
                "dependsOn": [{"containerName": "envoy", "condition": "HEALTHY"}],
            }
        ],
    }
    # Tags live beside the task definition, as describe-task-definition returns them.
    assert subject.tags == [(0, {"key": "team", "value": "7"})]
    assert findings(text, ["ECS002"]) == []


@pytest.mark.parametrize(
    ("api", "template_pointer"),
    [
        ("/taskDefinition/containerDefinitions/0/portMappings/0/hostPort", "/Resources/TaskDef/Properties/ContainerDefinitions/0/PortMappings/0/HostPort"),
        ("/taskDefinition/volumes/0/efsVolumeConfiguration/fileSystemId", "/Resources/TaskDef/Properties/Volumes/0/EFSVolumeConfiguration/FilesystemId"),
        ("/taskDefinition/volumes/0/efsVolumeConfiguration/authorizationConfig/iam", "/Resources/TaskDef/Properties/Volumes/0/EFSVolumeConfiguration/AuthorizationConfig/IAM"),
        ("/taskDefinition/containerDefinitions/0/logConfiguration/options/awslogs-group", "/Resources/TaskDef/Properties/ContainerDefinitions/0/LogConfiguration/Options/awslogs-group"),
        # Fields the template does not write: the nearest written parent, then CloudFormation's names.
        ("/taskDefinition/containerDefinitions/0/healthCheck/command", "/Resources/TaskDef/Properties/ContainerDefinitions/0/HealthCheck/Command"),
        ("/taskDefinition/proxyConfiguration/properties/0/name", "/Resources/TaskDef/Properties/ProxyConfiguration/ProxyConfigurationProperties/0/Name"),
        ("/tags/0/key", "/Resources/TaskDef/Properties/Tags/0/Key"),
        ("/taskDefinition", "/Resources/TaskDef/Properties"),
        # Already a template pointer (duplicate keys are found in the template itself).
        ("/Resources/TaskDef/Properties/Family", "/Resources/TaskDef/Properties/Family"),
    ],
)
def test_api_pointers_map_back_to_the_template(api, template_pointer):
    text = template("""
        Volumes:
          - Name: data
            EFSVolumeConfiguration: {FilesystemId: fs-1, AuthorizationConfig: {IAM: ENABLED}}
        ContainerDefinitions:
          - Name: web
            Image: nginx
            PortMappings: [{ContainerPort: 80, HostPort: 8080}]
            LogConfiguration: {LogDriver: awslogs, Options: {awslogs-group: g}}
        Tags: [{Key: a, Value: b}]
    """)
    [subject] = subjects(text)
    assert subject.source_pointer(api) == template_pointer


def test_findings_point_at_the_templates_own_lines():
    text = template("""
        ContainerDefinitions:
          - Name: web
            Image: nginx:1.27
            Memory: 256
            PortMappings:
              - ContainerPort: 80
                HostPort: 8080
    """)
    [finding] = findings(text, ["ECS304"])
    assert finding.pointer == "/Resources/TaskDef/Properties/ContainerDefinitions/0/PortMappings/0/HostPort"
    assert finding.region.start_line == 11
    assert finding.message.startswith("Container 'web': ")


def test_a_finding_on_an_absent_field_points_at_its_container():
    text = template("ContainerDefinitions:\n  - Name: web\n    Image: nginx:1.27\n")
    [finding] = findings(text, ["ECS701"])
    assert finding.pointer == "/Resources/TaskDef/Properties/ContainerDefinitions/0/LogConfiguration"
    assert finding.region.start_line == 6  # the container's first line


def test_schema_violations_in_a_template():
    text = template("""
        NetworkMode: awsvpcx
        ContainerDefinitions:
          - Name: web
            Image: nginx:1.27
            Essentail: true
            Privileged: "maybe"
            PortMappings: [{ContainerPort: 80, Protocol: http}]
    """)
    found = {f.pointer: f.message for f in findings(text, ["ECS002"])}
    base = "/Resources/TaskDef/Properties"
    assert set(found) == {f"{base}/NetworkMode", f"{base}/ContainerDefinitions/0/Essentail", f"{base}/ContainerDefinitions/0/Privileged", f"{base}/ContainerDefinitions/0/PortMappings/0/Protocol"}
    assert found[f"{base}/ContainerDefinitions/0/Essentail"] == "Container 'web': 'Essentail' is not a field of the ECS API as of botocore 1.44.8 (2026-11); did you mean 'Essential'."
    assert found[f"{base}/ContainerDefinitions/0/PortMappings/0/Protocol"] == "Container 'web': 'PortMappings[0].Protocol' must be one of 'tcp', 'udp', got \"http\"."
    assert found[f"{base}/NetworkMode"] == "'NetworkMode' must be one of 'bridge', 'host', 'awsvpc', 'none', got \"awsvpcx\"."


def test_cloudformation_conversions_raise_no_schema_errors():
    # CloudFormation turns `Cpu: 256` into "256", `Memory: "512"` into 512 and `Essential: "true"` into true.
    text = template("""
        Cpu: 256
        Memory: 1024.0
        ContainerDefinitions:
          - {Name: web, Image: nginx, Cpu: "128", Memory: "512", Essential: "True", StopTimeout: "30", PortMappings: [{ContainerPort: "80"}]}
    """)
    assert findings(text, ["ECS002"]) == []
    [subject] = subjects(text)
    assert (subject.data["cpu"], subject.data["memory"]) == ("256", "1024.0")
    assert subject.containers[0].data["memory"] == 512 and subject.containers[0].data["essential"] is True


def test_family_is_optional_in_a_template():
    # CloudFormation generates the family when the template does not name one.
    assert findings(template("ContainerDefinitions: [{Name: web, Image: nginx}]"), ["ECS002"]) == []


def test_duplicate_keys_inside_the_task_definition_are_reported_once():
    text = template("""
        ContainerDefinitions:
          - Name: web
            Image: nginx
            Name: app
    """) + "  Other:\n    Type: AWS::S3::Bucket\n    Type: AWS::S3::Bucket\n"
    found = findings(text, ["ECS002"])
    assert [f.pointer for f in found] == ["/Resources/TaskDef/Properties/ContainerDefinitions/0/Name"]
    assert found[0].region.start_line == 6  # the first of the two keys


def test_json_templates_work_like_yaml_ones():
    text = json.dumps({"Resources": {"TaskDef": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [{"Name": "web", "Image": "nginx", "Memory": 256, "PortMappings": [{"ContainerPort": 80, "HostPort": 8080}]}]}}}}, indent=1)
    [finding] = findings(text, ["ECS304"], "template.json")
    assert finding.pointer == "/Resources/TaskDef/Properties/ContainerDefinitions/0/PortMappings/0/HostPort"


def test_every_cloudformation_property_has_an_api_field():
    """The renaming table against CloudFormation's own resource schema (cfn-lint's us-east-1 copy), when cfn-lint is importable."""
    cfnlint = pytest.importorskip("cfnlint")
    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    # Which schema file us-east-1 uses: a JSON index in newer cfn-lint releases, a Python module in older ones.
    index = schemas / "providers" / "us-east-1.json"
    if index.is_file():
        types = json.loads(index.read_text(encoding="utf-8"))
    else:
        try:
            from cfnlint.data.schemas.providers.us_east_1 import types
        except ImportError:
            pytest.skip("this cfn-lint keeps its schemas elsewhere")
    schema_file = schemas / "resources" / f"{types.get('AWS::ECS::TaskDefinition')}.json"
    if not schema_file.is_file():
        pytest.skip("cfn-lint ships no AWS::ECS::TaskDefinition schema here")
    cfn = json.loads(schema_file.read_text(encoding="utf-8"))
    # CloudFormation definition -> the API definition it corresponds to, where the names differ.
    api_definition = {
        "AuthorizationConfig": "EFSAuthorizationConfig",
        "FSxAuthorizationConfig": "FSxWindowsFileServerAuthorizationConfig",
        "HostVolumeProperties": "HostVolumeProperties",
        "RestartPolicy": "ContainerRestartPolicy",
        "ContainerDependency": "ContainerDependency",
    }
    from ecslint.checks.schema_validator import task_definition_schema

    api = task_definition_schema()["definitions"]
    unmapped = []
    for name, definition in [("RegisterTaskDefinitionRequest", cfn), *cfn["definitions"].items()]:
        target = api.get(api_definition.get(name, name))
        if target is None or "properties" not in definition:
            continue
        fields = {cfn_name(api_definition.get(name, name), field): field for field in target.get("properties", {})}
        unmapped += [f"{name}.{key}" for key in definition["properties"] if key not in fields]
    # TaskDefinitionArn is read-only in CloudFormation (a return value, never written). SharingStrategy
    # (GPU sharing, in cfn-lint 1.58's schema) is newer than the botocore model schemas/ was generated from.
    assert "RegisterTaskDefinitionRequest.TaskDefinitionArn" in unmapped
    assert set(unmapped) <= {"RegisterTaskDefinitionRequest.TaskDefinitionArn", "ResourceRequirement.SharingStrategy"}
    assert all(resolve_schema({"$ref": f"#/definitions/{definition}"})[0] for definition, _ in _CFN_NAMES)


# ---------------------------------------------------------------------------------------------
# Intrinsic functions


TEMPLATE = {
    "Parameters": {
        "Env": {"Type": "String", "Default": "prod"},
        "Port": {"Type": "Number", "Default": 8080},
        "Image": {"Type": "String"},
        "Subnets": {"Type": "CommaDelimitedList", "Default": "a, b,c"},
        "Ami": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/aws/service/ami"},
        "Flag": {"Type": "String", "Default": "true"},
    },
    "Mappings": {"Sizes": {"prod": {"Cpu": "1024", "Same": "x"}, "dev": {"Cpu": "256", "Same": "x"}}},
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "HasImage": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Image"}, ""]}]},
        "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "HasImage"}]},
        "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "HasImage"}]},
        "Loop": {"Condition": "Loop"},
    },
    "Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
        "Named": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": {"Fn::Sub": "${Env}-task"}, "Path": "/app/"}},
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/ecs/web"}},
    },
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ({"Ref": "Env"}, "prod"),
        ({"Ref": "Port"}, "8080"),  # CloudFormation passes every parameter as text
        ({"Ref": "Image"}, "${Image}"),
        ({"Ref": "Subnets"}, ["a", "b", "c"]),
        ({"Ref": "Ami"}, "${Ami}"),  # the default names an SSM parameter, not the value
        ({"Ref": "AWS::Region"}, "${AWS.Region}"),
        ({"Ref": "AWS::URLSuffix"}, "amazonaws.com"),
        ({"Ref": "Logs"}, "/ecs/web"),
        ({"Ref": "Role"}, "${Role}"),
        ({"Ref": "Named"}, "prod-task"),
        ({"Fn::GetAtt": ["Role", "Arn"]}, "arn:${AWS.Partition}:iam::${AWS.AccountId}:role/${Role}"),
        ({"Fn::GetAtt": "Named.Arn"}, "arn:${AWS.Partition}:iam::${AWS.AccountId}:role/app/prod-task"),
        ({"Fn::GetAtt": ["Logs", "Arn"]}, "${Logs.Arn}"),
        ({"Fn::Sub": "${Env}-${AWS::Region}-${!Literal}"}, "prod-${AWS.Region}-${Literal}"),
        ({"Fn::Sub": ["${A}/${Role.Arn}", {"A": {"Ref": "Env"}}]}, "prod/arn:${AWS.Partition}:iam::${AWS.AccountId}:role/${Role}"),
        ({"Fn::Join": ["-", ["a", {"Ref": "Env"}, 3]]}, "a-prod-3"),
        ({"Fn::Join": [",", {"Ref": "Subnets"}]}, "a,b,c"),
        ({"Fn::Select": [1, {"Ref": "Subnets"}]}, "b"),
        ({"Fn::Select": ["0", {"Fn::Split": ["/", "x/y"]}]}, "x"),
        ({"Fn::Select": [0, {"Fn::GetAZs": ""}]}, "${Fn.Select}"),
        ({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Cpu"]}, "1024"),
        ({"Fn::FindInMap": ["Sizes", {"Ref": "AWS::Region"}, "Same"]}, "x"),  # every candidate agrees
        ({"Fn::FindInMap": ["Sizes", {"Ref": "Image"}, "Cpu"]}, "${Fn.FindInMap.Sizes.Image.Cpu}"),
        ({"Fn::FindInMap": ["Sizes", "test", "Cpu", {"DefaultValue": "512"}]}, "512"),
        ({"Fn::If": ["IsProd", "big", "small"]}, "big"),  # decided by the parameter's default
        ({"Fn::If": ["HasImage", "same", "same"]}, "same"),  # undecided, but both branches agree
        ({"Fn::If": ["HasImage", "a", "b"]}, "${Fn.If.HasImage.a|b}"),
        ({"Fn::If": ["Either", "a", "b"]}, "a"),  # True decides an Or
        ({"Fn::If": ["Both", "a", "b"]}, "${Fn.If.Both.a|b}"),
        ({"Fn::If": ["Loop", "a", "b"]}, "${Fn.If.Loop.a|b}"),
        ({"Fn::ImportValue": {"Fn::Sub": "${Env}-vpc"}}, "${ImportValue.prod-vpc}"),
        ({"Fn::Base64": "hi"}, "aGk="),
        ({"Fn::Length": {"Ref": "Subnets"}}, 3),
        ({"Fn::ToJsonString": {"a": {"Ref": "Env"}}}, '{"a":"prod"}'),
        ({"Fn::Cidr": ["10.0.0.0/16", 2, 8]}, "${Fn.Cidr}"),
        ({"Ref": "Nowhere"}, "${Nowhere}"),
        ({"Fn::Join": "not a list"}, "${Fn.Join}"),
    ],
)
def test_intrinsic_functions(expression, expected):
    value = Template(TEMPLATE).resolve(expression)
    assert value == expected
    assert isinstance(value, Unresolved) == (isinstance(expected, str) and "${" in expected and expected != "${Literal}")


def test_no_value_removes_keys_and_list_items():
    value = Template(TEMPLATE).resolve({"a": {"Ref": "AWS::NoValue"}, "b": [1, {"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, 2]}, 3]})
    assert value == {"b": [1, 3]}
    assert Template(TEMPLATE).resolve({"Ref": "AWS::NoValue"}) is NO_VALUE


def test_nesting_beyond_reason_is_unresolved_not_a_crash():
    deep = "x"
    for _ in range(5000):
        deep = {"Fn::Join": ["", [deep]]}
    assert isinstance(Template({}).resolve(deep), Unresolved)


def test_a_decided_if_keeps_pointers_into_its_branch():
    text = template(
        """
        ContainerDefinitions:
          - Name: web
            Image: nginx:1.27
            Memory: 256
            PortMappings: !If
              - IsProd
              - - ContainerPort: 80
                  HostPort: 8080
              - !Ref AWS::NoValue
        """,
        "Parameters:\n  Env: {Type: String, Default: prod}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n",
    )
    [finding] = findings(text, ["ECS304"])
    assert finding.pointer == "/Resources/TaskDef/Properties/ContainerDefinitions/0/PortMappings/Fn::If/1/0/HostPort"
    assert finding.region.start_line == 16


# ---------------------------------------------------------------------------------------------
# Unknown values: never judged


UNKNOWN = template(
    """
    Cpu: !Ref Size
    Memory: !Ref Size
    NetworkMode: !Ref Mode
    RequiresCompatibilities: [!Ref LaunchType]
    ExecutionRoleArn: !ImportValue shared-execution-role
    TaskRoleArn: !Ref ExistingRole
    Volumes:
      - Name: data
        EFSVolumeConfiguration: {FilesystemId: !Ref Fs, TransitEncryption: !Ref Mode}
    ContainerDefinitions:
      - Name: !Ref AppName
        Image: !Ref Image
        Memory: !Ref Size
        Privileged: !Ref Flag
        Essential: !Ref Flag
        PortMappings:
          - {ContainerPort: !Ref Port, HostPort: !Ref Port, Protocol: !Ref Mode}
        Secrets:
          - {Name: DB_PASSWORD, ValueFrom: !ImportValue db-secret}
        LogConfiguration:
          LogDriver: !Ref Mode
          Options: {awslogs-group: !Ref Group, awslogs-region: !Ref AWS::Region}
        HealthCheck: !Ref AWS::NoValue
        Ulimits: [{Name: !Ref Mode, SoftLimit: !Ref Port, HardLimit: !Ref Port}]
    """,
    "Parameters:\n" + "".join(f"  {name}: {{Type: String}}\n" for name in ("Size", "Mode", "LaunchType", "ExistingRole", "Fs", "AppName", "Image", "Flag", "Port", "Group")),
)


def test_unknown_values_raise_no_schema_or_role_findings():
    assert findings(UNKNOWN, ["ECS002", "ECS101", "ECS110", "ECS204", "ECS601", "ECS703"]) == []


def test_the_subject_knows_which_values_are_unresolved():
    [subject] = subjects(UNKNOWN)
    assert subject.data["networkMode"] == "${Mode}"
    for pointer in (
        "/taskDefinition/cpu",
        "/taskDefinition/networkMode",
        "/taskDefinition/requiresCompatibilities/0",
        "/taskDefinition/volumes/0/efsVolumeConfiguration/transitEncryption",
        "/taskDefinition/containerDefinitions/0/privileged",
        "/taskDefinition/containerDefinitions/0/portMappings/0/hostPort",
        "/taskDefinition/containerDefinitions/0/logConfiguration/logDriver",
    ):
        assert subject.is_unresolved(pointer), pointer
    # Free text is judged where it is partly known (`${Image}:latest`); so are fields that are known.
    for pointer in ("/taskDefinition/containerDefinitions/0/image", "/taskDefinition/executionRoleArn", "/taskDefinition/containerDefinitions/0/readonlyRootFilesystem"):
        assert not subject.is_unresolved(pointer), pointer


def test_rules_never_judge_an_unknown_value():
    text = template(
        """
        Cpu: !Ref Size
        Memory: "512"
        NetworkMode: !Ref Mode
        RequiresCompatibilities: [FARGATE]
        ExecutionRoleArn: !ImportValue execution-role
        ContainerDefinitions:
          - Name: web
            Image: nginx:1.27
            Privileged: !Ref Flag
            ReadonlyRootFilesystem: !Ref Flag
            LogConfiguration: {LogDriver: !Ref Mode}
        """,
        "Parameters:\n  Size: {Type: String}\n  Mode: {Type: String}\n  Flag: {Type: String}\n",
    )
    assert findings(text, ["ECS301", "ECS401", "ECS402", "ECS503"]) == []


# ---------------------------------------------------------------------------------------------
# Roles and the IAM context the template defines

ROLES = """
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub ${Env}-web
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: data
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: dynamodb:GetItem, Resource: !GetAtt Table.Arn}
  Table:
    Type: AWS::DynamoDB::Table
  TaskPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref TaskRole]
      PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
  ExecutionRolePolicy:
    Type: AWS::IAM::RolePolicy
    Properties:
      PolicyName: secrets
      RoleName: !Ref ExecutionRole
      PolicyDocument: {Statement: [{Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: !Ref Secret}]}
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [prod-web]
      PolicyDocument: {Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: "*"}]}
"""


def roles_template(execution: str, task_role: str) -> str:
    text = template(
        f"""
        RequiresCompatibilities: [FARGATE]
        NetworkMode: awsvpc
        Cpu: 256
        Memory: 512
        ExecutionRoleArn: {execution}
        TaskRoleArn: {task_role}
        ContainerDefinitions:
          - Name: web
            Image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.0
            LogConfiguration:
              LogDriver: awslogs
              Options: {{awslogs-group: /ecs/web, awslogs-region: eu-west-1, awslogs-stream-prefix: web}}
        """,
        "Parameters:\n  Env: {Type: String, Default: prod}\n",
    )
    return text + ROLES


@pytest.mark.parametrize(
    ("execution", "task_role"),
    [
        ("!GetAtt ExecutionRole.Arn", "!GetAtt TaskRole.Arn"),
        ("!Ref ExecutionRole", "!Ref TaskRole"),
        ("!Sub arn:aws:iam::${AWS::AccountId}:role/${ExecutionRole}", "!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${TaskRole}"),
        ("!Sub ${ExecutionRole.Arn}", "arn:aws:iam::123456789012:role/prod-web"),
    ],
)
def test_role_references_resolve_to_the_templates_roles(execution, task_role):
    [subject] = subjects(roles_template(execution, task_role))
    roles = roles_of(subject)
    assert (roles.execution.name, roles.task.name) == ("ExecutionRole", "prod-web")
    assert [policy.name for policy in roles.task.permissions.policies] == ["data", "extra", "Shared"]
    assert [policy.name for policy in roles.execution.permissions.policies] == ["AmazonECSTaskExecutionRolePolicy", "secrets"]
    assert roles.execution.complete and roles.task.complete
    assert roles.execution.trust.statements[0].principal == {"Service": "ecs-tasks.amazonaws.com"}
    # Present, with a known role: neither missing nor an invalid ARN.
    assert findings(roles_template(execution, task_role), ["ECS101", "ECS110", "ECS102"]) == []


def test_the_p_rules_judge_the_templates_roles():
    text = roles_template("!GetAtt ExecutionRole.Arn", "!GetAtt TaskRole.Arn").replace("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly")
    found = findings(text, ["ECS105", "ECS107"])
    # The execution role can pull but not write the awslogs stream; the task role allows all of S3.
    assert sorted(f.rule_id for f in found) == ["ECS105", "ECS107"]
    assert "'logs:CreateLogStream'" in next(f for f in found if f.rule_id == "ECS105").message
    task_role = next(f for f in found if f.rule_id == "ECS107")
    assert task_role.pointer == "/Resources/TaskDef/Properties/TaskRoleArn"
    assert "Task role 'prod-web' allows every `s3` action" in task_role.message
    statement_line = next(number for number, line in enumerate(text.splitlines(), 1) if 'Action: "s3:*"' in line)
    assert [(r.pointer, r.region.start_line) for r in task_role.related][:1] == [("/Resources/TaskPolicy/Properties/PolicyDocument/Statement/0", statement_line)]


def test_roles_with_policies_from_elsewhere_are_incomplete():
    text = roles_template("!GetAtt ExecutionRole.Arn", "!GetAtt TaskRole.Arn").replace(
        "- !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", "- !ImportValue shared-policy-arn"
    )
    [subject] = subjects(text)
    execution = roles_of(subject).execution
    assert not execution.complete
    # ECS105 needs everything the role allows: it stays silent rather than guess.
    assert findings(text, ["ECS105"]) == []


def test_without_roles_in_the_template_there_is_no_iam_context():
    [subject] = subjects(template("ExecutionRoleArn: arn:aws:iam::123456789012:role/x\nContainerDefinitions: [{Name: web, Image: nginx}]"))
    assert subject.iam is None


def test_the_same_role_twice_is_ecs102():
    [finding] = findings(roles_template("!GetAtt TaskRole.Arn", "!GetAtt TaskRole.Arn"), ["ECS102"])
    assert finding.pointer == "/Resources/TaskDef/Properties/TaskRoleArn"


def test_two_conditional_roles_on_one_condition_are_not_the_same_role():
    extra = "Parameters:\n  Create: {Type: String}\n  Existing: {Type: String}\nConditions:\n  CreateRoles: !Equals [!Ref Create, 'True']\n"
    text = template(
        """
        ExecutionRoleArn: !If [CreateRoles, !GetAtt A.Arn, !Ref Existing]
        TaskRoleArn: !If [CreateRoles, !GetAtt B.Arn, !Ref Existing]
        ContainerDefinitions: [{Name: web, Image: nginx}]
        """,
        extra,
    )
    assert findings(text, ["ECS102"]) == []


# ---------------------------------------------------------------------------------------------
# Suppression


@pytest.mark.parametrize("ignore", ["[ECS304, ecs7]", '"ECS304 ECS7"', '"ECS304,ECS7"'])
def test_metadata_ignore_suppresses_rules_for_that_resource(ignore):
    text = template("ContainerDefinitions: [{Name: web, Image: nginx, Memory: 256, PortMappings: [{ContainerPort: 80, HostPort: 8080}]}]")
    text = text.replace("    Type: AWS::ECS::TaskDefinition\n", f"    Type: AWS::ECS::TaskDefinition\n    Metadata:\n      ecslint:\n        ignore: {ignore}\n")
    assert {f.rule_id for f in findings(text, ["ECS304", "ECS701", "ECS702", "ECS503"])} == {"ECS503"}


def test_the_ignore_tag_works_in_templates_too():
    text = template("ContainerDefinitions: [{Name: web, Image: nginx, Memory: 256}]\nTags: [{Key: 'ecslint:ignore', Value: ECS701}]")
    assert {f.rule_id for f in findings(text, ["ECS701", "ECS702"])} == {"ECS702"}


# ---------------------------------------------------------------------------------------------
# CDK output


def test_cdk_synth_output():
    text = (FIXTURES / "cdk-fargate.template.json").read_text()
    [subject] = subjects(text, "AppStack.template.json")
    assert subject.containers[0].data["image"].startswith("${AWS.AccountId}.dkr.ecr.${AWS.Region}.amazonaws.com/cdk-hnb659fds-container-assets-")
    roles = roles_of(subject)
    assert roles.execution.name == "ServiceTaskDefExecutionRole919F7BE3"
    assert [policy.name for policy in roles.task.permissions.policies] == ["ServiceTaskDefTaskRoleDefaultPolicyA38C7F9B"]
    found = lint_text(text, filename="AppStack.template.json")
    assert sorted(f.rule_id for f in found) == ["ECS109", "ECS109", "ECS602", "ECS702"]


# ---------------------------------------------------------------------------------------------
# The corpus: real templates from public repositories

# Task definitions per CloudFormation file of the corpus, counted by reading each file (its
# `Type: AWS::ECS::TaskDefinition` resources); None for the two files that are not valid YAML.
CORPUS_TASK_DEFINITIONS = {
    "aws__aws-app-mesh-examples__walkthroughs__howto-ecs-basics__deploy__3-routing.yaml": 3,
    "aws__aws-app-mesh-examples__walkthroughs__howto-alb__app.yaml": 3,
    "aws__aws-app-mesh-examples__blogs__ecs-cross-account__account_frontend__app_and_frontend.yml": 2,
    "aws__aws-app-mesh-examples__walkthroughs__howto-http2__app.yaml": 4,
    "aws__aws-app-mesh-examples__walkthroughs__howto-metrics-extension-ecs__deploy__djapp-v3.yaml": 6,
    "aws__aws-app-mesh-examples__blogs__ecs-service-connectivity__yelb__deployments__platformdeployment__AWS__ECS__yelb-cloudformation-ECS-AppMesh-deployment.yaml": 3,
    "aws__aws-app-mesh-examples__examples__apps__colorapp__ecs__ecs-colorapp.yaml": 2,
    "aws__aws-app-mesh-examples__walkthroughs__howto-ipv6__cloud__ecs-service.yaml": 7,
    "aws__aws-app-mesh-examples__blogs__ecs-ec2-crossvpc-with-tls__appmesh-nodejs.yml": 1,
    "aws-samples__amazon-cloudwatch-container-insights__ecs-task-definition-templates__deployment-mode__daemon-service__cwagent-ecs-instance-metric__cloudformation-quickstart__cwagent-ecs-instance-metric-cfn.json": 1,
    "aws-samples__amazon-cloudwatch-container-insights__ecs-task-definition-templates__deployment-mode__replica-service__cwagent-prometheus__cloudformation-quickstart__cwagent-ecs-prometheus-metric-for-awsvpc.yaml": 1,
    "aws-samples__amazon-cloudwatch-container-insights__ecs-task-definition-templates__deployment-mode__replica-service__cwagent-prometheus__cloudformation-quickstart__cwagent-ecs-prometheus-metric-for-bridge-host.yaml": 1,
    "aws-samples__amazon-cloudwatch-container-insights__ecs-task-definition-templates__deployment-mode__replica-service__cwagent-prometheus__sample_traffic__redis__redis-traffic-sample.yaml": 1,
    "aws-observability__aws-otel-collector__deployment-template__ecs__aws-otel-container-insights-prometheus-ec2-deployment-cfn.yaml": 1,
    "aws-observability__aws-otel-collector__deployment-template__ecs__aws-otel-ec2-instance-metrics-daemon-deployment-cfn.yaml": 1,
    "aws-observability__aws-otel-collector__deployment-template__ecs__aws-otel-ec2-sidecar-deployment-cfn.yaml": 1,
    "aws-observability__aws-otel-collector__deployment-template__ecs__aws-otel-fargate-sidecar-deployment-cfn.yaml": 1,
    "aws-cloudformation__aws-cloudformation-templates__ECS__FargateLaunchType__services__public-service.yaml": 1,
    "aws-cloudformation__aws-cloudformation-templates__ECS__FargateLaunchType__services__public-service.json": 1,
    "aws-cloudformation__aws-cloudformation-templates__ECS__FargateLaunchType__services__private-subnet-private-service.yaml": 1,
    "aws-cloudformation__aws-cloudformation-templates__ECS__EC2LaunchType__services__public-service.yaml": 1,
    "aws-cloudformation__aws-cloudformation-templates__ECS__ECS_Schedule_Example.yaml": 1,
    "aws-cloudformation__aws-cloudformation-templates__ECS__ECS_Schedule_Example.json": 1,
    "aws-samples__ecs-refarch-cloudformation__services__product-service__service.yaml": 1,
    "aws-samples__ecs-refarch-cloudformation__services__website-service__service.yaml": 1,
    "awslabs__ecs-refarch-continuous-deployment__templates__service.yaml": 1,
    "aws-samples__ecs-blue-green-deployment__templates__service.yaml": 1,
    "nathanpeck__aws-cloudformation-fargate__service-stacks__public-subnet-public-loadbalancer.yml": 1,
    "nathanpeck__aws-cloudformation-fargate__service-stacks__private-subnet-private-loadbalancer.yml": 1,
    "nathanpeck__ecs-cloudformation__service__service-ec2-public-lb.yml": 1,
    "nathanpeck__ecs-cloudformation__service__service-fargate-private-subnet-private-discovery.yml": 1,
    "aws-samples__amazon-ecs-java-microservices__3_ECS_Java_Spring_PetClinic_CICD__infra-automation__petclinic-service.yaml": 1,
    "aws__copilot-cli__internal__pkg__deploy__cloudformation__stack__testdata__workloads__job-test.stack.yml": 1,
    "aws__copilot-cli__internal__pkg__deploy__cloudformation__stack__testdata__workloads__worker-test.stack.yml": 1,
    "aws__copilot-cli__internal__pkg__deploy__cloudformation__stack__testdata__workloads__windows-svc-test.stack.yml": 1,
    "aws__copilot-cli__internal__pkg__deploy__cloudformation__stack__testdata__workloads__svc-test.stack.yml": 1,
    "aws__copilot-cli__internal__pkg__deploy__cloudformation__stack__testdata__workloads__backend__simple-template.yml": 1,
    "aws__copilot-cli__internal__pkg__aws__cloudformation__testdata__parse__lb-web-svc.yaml": 1,
    "aws__copilot-cli__internal__pkg__template__templates__task__cf.yml": None,  # a Go template, not YAML
    "HeyMrQuaidoo__apideployment__cloudformation__ecs.yml": 1,
    "RuanRDM__devops-aws-cloudformation-deploy-cicd-microservices__cloudformation__iac-microservices.yml": 1,
    "awsstack__ecs-microservice-arch__cloudformation__ecs.yml": 1,
    "clphan__efsecsfargate__cloudformation__ecs.yml": None,  # broken YAML as committed
    "clphan__efsecsfargate__cloudformation__demo.yml": 1,
    "itsadeadh2__itsanapi__cloudformation__ecs.yml": 1,
    "tnhtnh__container-pipeline-sydney-summit-2025__cloudformation__ecs.yml": 1,
    "uu64__ecs-bg-deployment-example__cloudformation__ecs.yml": 1,
    "jost-kuenzel__logging-php-docker-cloudwatch__cloudformation__fargate.yml": 1,
    "mzkmnk__rust-api-aws-guide-v1__cloudformation__ecs.yml": 1,
    "Sanjeev-kumar001__ECS-CloudFormation__ecs.yaml": 1,
    "aws-samples__aws-elasticache-retail-dashboard__ecs.yaml": 2,
    "binarycat0__aws-cloudformation-dremio-demo__ecs.yaml": 2,
    "Chethi007__kafka-infra__kafka-connect__service.yaml": 1,
    "Chethi007__kafka-infra__prometheus__service.json": 1,
    "Eelviny__architecting-on-aws-demos__ecs.yaml": 1,
    "busarm__busarm-aws-cf__ecs-service.yaml": 1,
    "busarm__busarm-aws-cf__ecs-service-php.yaml": 1,
    "Nithin1716079__Ecsfargate-serverless-wordpress__ecs.yaml": 1,
    "alteriglu__vaadin-aws-deploy-templates__aws.vpc.ecs__ecs.yaml": 1,
    "Abhaypetkar__ECS__cloudformation.yml": 1,
    "busarm__busarm-aws-cf__ecs-service-logzio.yaml": 1,
    "Chethi007__kafka-infra__kafka__service.yaml": 1,
}


def _corpus_cloudformation_files() -> list[str]:
    rows = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [row.split("\t")[0] for row in rows if row.split("\t")[4] == "cloudformation"]


@needs_shared
def test_corpus_task_definitions_are_found_in_every_template():
    assert sorted(_corpus_cloudformation_files()) == sorted(CORPUS_TASK_DEFINITIONS)
    found = {}
    for name in CORPUS_TASK_DEFINITIONS:
        document = parse(name, (CORPUS / name).read_bytes())
        found[name] = None if isinstance(document, Unparsable) else len([subject for subject in recognise(document) if isinstance(subject, TaskDefinition)])
    assert found == CORPUS_TASK_DEFINITIONS


@needs_shared
def test_corpus_templates_lint_without_internal_errors():
    from ecslint.config import Config
    from ecslint.engine import Options, run
    from ecslint.rulebook import all_rules
    from ecslint.documents.files import Source

    sources = [Source(name, (CORPUS / name).read_bytes(), True, None) for name in CORPUS_TASK_DEFINITIONS]
    report = run(sources, Options(frozenset(all_rules()), Config(root=Path(__file__).parents[1])))
    assert report.internal_errors == []
    assert report.task_definitions == sum(count or 0 for count in CORPUS_TASK_DEFINITIONS.values())
    # Values only deployment decides raise no schema errors: those left are real ones (protocol `http`, and
    # one template writing the API's camelCase names, which CloudFormation rejects as unsupported properties).
    redis = "aws-samples__amazon-cloudwatch-container-insights__ecs-task-definition-templates__deployment-mode__replica-service__cwagent-prometheus__sample_traffic__redis__redis-traffic-sample.yaml"
    containers = "/Resources/ECSRedisTaskDefinition/Properties/ContainerDefinitions"
    camel_case = [f"{containers}/{index}/{key}" for index in (0, 1) for key in ("portMappings", "dockerLabels", "LogConfiguration/logDriver", "LogConfiguration/options")]
    assert sorted((f.path, f.pointer) for f in report.findings if f.rule_id == "ECS002") == sorted(
        [("aws__aws-app-mesh-examples__blogs__ecs-ec2-crossvpc-with-tls__appmesh-nodejs.yml", "/Resources/NodejsTaskDefinition/Properties/ContainerDefinitions/0/PortMappings/0/Protocol")]
        + [(redis, pointer) for pointer in camel_case + ["/Resources/ECSRedisTaskDefinition/Properties/requiresCompatibilities"]]
    )


def test_api_spellings_are_rejected_with_the_cloudformation_name():
    text = template("""
        family: web
        ContainerDefinitions:
          - name: web
            Image: nginx:1.27
            privileged: true
        Volumes:
          - Name: data
            EFSVolumeConfiguration: {fileSystemId: fs-12345678}
    """)
    base = "/Resources/TaskDef/Properties"
    found = sorted((f.pointer, f.message) for f in findings(text, ["ECS002", "ECS501"]))
    assert found == [
        (f"{base}/ContainerDefinitions/0/name", "Container #1: 'name' is the ECS API's spelling, which CloudFormation rejects; write 'Name'."),
        (f"{base}/ContainerDefinitions/0/privileged", "Container #1: 'privileged' is the ECS API's spelling, which CloudFormation rejects; write 'Privileged'."),
        (f"{base}/Volumes/0/EFSVolumeConfiguration/fileSystemId", "'Volumes[0].EFSVolumeConfiguration.fileSystemId' is the ECS API's spelling, which CloudFormation rejects; write 'FilesystemId'."),
        (f"{base}/family", "'family' is the ECS API's spelling, which CloudFormation rejects; write 'Family'."),
    ]


BOUNDARY_TEMPLATE = """
Parameters:
  Boundary:
    Type: String
    Default: {default}
Conditions:
  HasBoundary: !Not [!Equals [!Ref Boundary, '']]
Resources:
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{{Effect: Allow, Principal: {{Service: ecs-tasks.amazonaws.com}}, Action: sts:AssumeRole}}]
      PermissionsBoundary: !If [HasBoundary, !Ref Boundary, !Ref 'AWS::NoValue']
      Policies:
        - PolicyName: admin
          PolicyDocument:
            Statement: [{{Effect: Allow, Action: 'iam:*', Resource: '*'}}]
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !GetAtt TaskRole.Arn
      ContainerDefinitions: [{{Name: app, Image: 'nginx:1.25', Essential: true}}]
"""


@pytest.mark.parametrize(("default", "boundary_unknown"), [("''", False), ("arn:aws:iam::123456789012:policy/team", True)])
def test_a_no_value_permissions_boundary_means_not_set(default, boundary_unknown):
    text = BOUNDARY_TEMPLATE.format(default=default)
    (task,) = subjects(text)
    role = roles_of(task).task
    # A boundary only takes away: the role stays complete whether or not the parameter sets one.
    assert role.complete and role.permissions.boundary_unknown is boundary_unknown
    (finding,) = findings(text, ["ECS107"])
    assert ("may allow" in finding.message) is boundary_unknown


def test_a_task_definition_without_containers_is_rejected():
    text = template("Cpu: 256")
    [finding] = findings(text, ["ECS002"])
    assert (finding.pointer, finding.message) == ("/Resources/TaskDef/Properties/ContainerDefinitions", "'ContainerDefinitions' is required: ECS rejects a task definition without containers.")


def test_conditions_that_remove_every_container_leave_an_empty_list():
    text = template("""
        ContainerDefinitions:
          - !If [Never, {Name: web, Image: nginx}, !Ref AWS::NoValue]
    """, extra="Conditions:\n  Never: !Equals [a, b]\n")
    [finding] = findings(text, ["ECS002"])
    assert (finding.pointer, finding.message) == ("/Resources/TaskDef/Properties/ContainerDefinitions", "'ContainerDefinitions' is empty: ECS rejects a task definition without containers (\"Container list cannot be empty\").")


def test_messages_name_fields_as_the_template_does():
    text = template("""
        RequiresCompatibilities: [FARGATE]
        Cpu: 256
        Memory: 512
        ContainerDefinitions:
          - Name: web
            Image: nginx:1.27
        Volumes:
          - Name: data
            EFSVolumeConfiguration: {FilesystemId: fs-12345678}
    """)
    found = {f.rule_id: f.message for f in findings(text, ["ECS301", "ECS503", "ECS506"])}
    assert found["ECS301"] == "Fargate tasks must use `NetworkMode: awsvpc`, but `NetworkMode` is not set (it then defaults to `bridge`)."
    assert found["ECS503"].startswith("Container 'web': `ReadonlyRootFilesystem` is not set")
    assert found["ECS506"] == "Volume 'data': EFS `TransitEncryption` is not set (it defaults to `DISABLED`), so file data crosses the network unencrypted; set `TransitEncryption: ENABLED`."


def test_the_summary_names_a_conditional_role_field_by_its_property(tmp_path, capsys):
    text = template(
        """
        ExecutionRoleArn: !If [CreateRoles, !GetAtt ExecRole.Arn, !If [DefaultRole, !Sub "arn:aws:iam::${AWS::AccountId}:role/x", !Ref RoleArn]]
        TaskRoleArn: !If [CreateRoles, !GetAtt ExecRole.Arn, !Ref RoleArn]
        ContainerDefinitions:
          - Name: app
            Image: nginx:1.25
            Memory: 128
        """,
        "Parameters:\n  RoleArn:\n    Type: String\n    Default: Default\n  Create:\n    Type: String\n    Default: 'no'\n"
        "Conditions:\n  DefaultRole: !Equals [!Ref RoleArn, Default]\n  CreateRoles: !Equals [!Ref Create, 'yes']\n",
    ) + "  ExecRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n"
    (tmp_path / "template.yaml").write_text(text)
    result = cli(capsys, "check", "--isolated", "--select", "ECS103", "--format", "json", str(tmp_path / "template.yaml"))
    # The task role is the parameter at its default, a role name to give with --iam.
    assert json.loads(result.out)["unresolvedRoles"] == ["${TaskDef ExecutionRoleArn}", "Default"]
