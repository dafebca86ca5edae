"""ECR repositories and registry settings: positions inside embedded policies, the pairing with task definitions
and with the rest of a Terraform module, `--aws` against moto, and a task-definition run that imports none of it."""

from __future__ import annotations

import json
import subprocess
import sys

import boto3
import pytest
from moto import mock_aws

from ecslint.config import Config
from ecslint.documents.files import Source
from ecslint.engine import Options, run
from tests.helpers import REPO, cli, lint_text

REGION = "us-east-1"
ECR_MODULES = (
    "ecslint.subjects.ecr",
    "ecslint.checks.ecr",
    "ecslint.subjects.ecr_outputs",
    "ecslint.subjects.ecr_registry",
    "ecslint.checks.ecr.scanning",
    "ecslint.checks.ecr.repositories",
    "ecslint.checks.ecr.repository_policies",
    "ecslint.checks.ecr.replication",
    "ecslint.cloudformation.ecr",
    "ecslint.terraform.ecr",
    "ecslint.aws.ecr",
)


REGISTRY_RULES = ["ECS810", "ECS811", "ECS812", "ECS813", "ECS814"]
LIFECYCLE_AND_REGISTRY = ["ECS801", "ECS802", *REGISTRY_RULES]


def found(text: str, filename: str, select, companions=()):
    return sorted((f.path, f.rule_id, f.pointer, f.level) for f in lint_text(text, filename, select=select, companions=companions))


def run_files(paths, select):
    sources = [Source(str(path), path.read_bytes(), True, path) for path in paths]
    return run(sources, Options(frozenset(select), Config(root=REPO))).findings


def test_a_task_definition_run_imports_no_ecr_code(tmp_path):
    path = tmp_path / "taskdef.json"
    path.write_text(json.dumps({"family": "web", "containerDefinitions": [{"name": "web", "image": "210987654321.dkr.ecr.eu-west-1.amazonaws.com/web:latest", "memory": 256}]}))
    script = (
        "import sys\n"
        "from ecslint.cli import main\n"
        "try:\n"
        f"    main(['check', '--isolated', {str(path)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {ECR_MODULES!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    assert "ECS601" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def _lifecycle_template() -> str:
    rule = {"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countNumber": 7}, "action": {"type": "expire"}}
    properties = {"RepositoryName": "web", "ImageTagMutability": "IMMUTABLE", "LifecyclePolicy": {"LifecyclePolicyText": json.dumps({"rules": [rule]})}}
    return json.dumps({"Resources": {"Repository": {"Type": "AWS::ECR::Repository", "Properties": properties}}}, indent=2)


def test_a_lifecycle_policy_in_a_json_template_is_located_inside_its_string():
    text = _lifecycle_template()
    [finding] = lint_text(text, "template.json", select=["ECS801", "ECS802"])
    assert (finding.rule_id, finding.pointer) == ("ECS801", "/Resources/Repository/Properties/LifecyclePolicy/LifecyclePolicyText/rules/0/selection/countType")
    line = text.splitlines()[finding.region.start_line - 1]
    assert line[finding.region.start_column - 1 :].startswith('\\"countType\\"')


TF_LIFECYCLE = """resource "aws_ecr_lifecycle_policy" "web" {
  repository = "web"
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      selection = {
        tagStatus   = "untagged"
        countType   = "sinceImagePushed"
        countNumber = 7
      }
      action = { type = "expire" }
    }]
  })
}
"""


def test_a_lifecycle_policy_in_jsonencode_is_located_at_its_key():
    [finding] = lint_text(TF_LIFECYCLE, "ecr.tf", select=LIFECYCLE_AND_REGISTRY)
    assert finding.pointer == "/resource/aws_ecr_lifecycle_policy/web/policy/rules/0/selection/countType"
    assert (finding.region.start_line, finding.region.start_column) == (8, 9)


def test_a_plan_reaches_into_the_policy_string():
    policy = json.dumps({"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countNumber": 7}, "action": {"type": "expire"}}]})
    resources = [
        {"address": "aws_ecr_repository.web", "mode": "managed", "type": "aws_ecr_repository", "name": "web", "values": {"name": "web", "image_tag_mutability": "MUTABLE", "image_scanning_configuration": [{"scan_on_push": True}]}},
        {"address": "aws_ecr_lifecycle_policy.web", "mode": "managed", "type": "aws_ecr_lifecycle_policy", "name": "web", "values": {"repository": "web", "policy": policy}},
    ]
    plan = json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}}}, indent=1)
    assert found(plan, "plan.json", LIFECYCLE_AND_REGISTRY) == [
        ("plan.json", "ECS801", "/planned_values/root_module/resources/1/values/policy/rules/0/selection/countType", "error"),
        ("plan.json", "ECS811", "/planned_values/root_module/resources/0/values/image_tag_mutability", "warning"),
    ]


def test_heredoc_policies_of_creation_templates_are_read():
    text = """resource "aws_ecr_repository_creation_template" "cache" {
  prefix               = "docker-hub"
  applied_for          = ["PULL_THROUGH_CACHE"]
  image_tag_mutability = "IMMUTABLE"
  repository_policy    = <<POLICY
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}
POLICY
}
"""
    assert found(text, "ecr.tf", LIFECYCLE_AND_REGISTRY) == [("ecr.tf", "ECS813", "/resource/aws_ecr_repository_creation_template/cache/repository_policy/Statement/0/Principal", "error")]


def test_exclusion_filters_decide_whether_a_tag_can_move():
    template = """
Resources:
  Repository:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: web
      ImageTagMutability: IMMUTABLE_WITH_EXCLUSION
      ImageTagMutabilityExclusionFilters:
        - {ImageTagMutabilityExclusionFilterType: WILDCARD, ImageTagMutabilityExclusionFilterValue: "dev-*"}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - {Name: a, Image: !Sub "${Repository.RepositoryUri}:dev-42", Memory: 256}
        - {Name: b, Image: !Sub "${Repository.RepositoryUri}:1.0.0", Memory: 256}
        - {Name: c, Image: !Sub "${Repository.RepositoryUri}:latest", Memory: 256}
"""
    containers = "/Resources/Task/Properties/ContainerDefinitions"
    assert found(template, "template.yaml", ["ECS601", "ECS602"]) == [
        ("template.yaml", "ECS601", f"{containers}/2/Image", "note"),
        ("template.yaml", "ECS602", f"{containers}/0/Image", "warning"),
    ]


def test_an_image_in_another_account_is_not_the_repository_of_the_run():
    task = json.dumps({"family": "web", "containerDefinitions": [{"name": "web", "image": "444455556666.dkr.ecr.eu-west-1.amazonaws.com/web:1.0", "memory": 256}]})
    entry = {"repositoryName": "web", "registryId": "210987654321", "repositoryArn": "arn:aws:ecr:eu-west-1:210987654321:repository/web", "imageTagMutability": "MUTABLE"}
    companions = [("repositories.json", json.dumps({"repositories": [entry]}))]
    assert found(task, "taskdef.json", ["ECS602"], companions) == [("taskdef.json", "ECS602", "/containerDefinitions/0/image", "note")]
    same = task.replace("444455556666", "210987654321")
    assert found(same, "taskdef.json", ["ECS602"], companions) == [("taskdef.json", "ECS602", "/containerDefinitions/0/image", "warning")]


def test_a_lifecycle_policy_for_an_unknown_repository_counts_for_its_module_only(tmp_path):
    (tmp_path / "ecr.tf").write_text('resource "aws_ecr_repository" "web" {\n  name = "web"\n}\n')
    (tmp_path / "lifecycle.tf").write_text('resource "aws_ecr_lifecycle_policy" "any" {\n  repository = var.repository\n  policy = "{}"\n}\n')
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "ecr.tf").write_text('resource "aws_ecr_repository" "api" {\n  name = "api"\n}\n')
    findings = run_files(sorted(tmp_path.rglob("*.tf")), {"ECS812"})
    assert [(f.path.removeprefix(str(tmp_path)), f.pointer) for f in findings] == [("/other/ecr.tf", "/resource/aws_ecr_repository/api")]


def test_a_lifecycle_policy_in_a_sibling_file_counts_when_only_the_repository_is_linted(tmp_path):
    (tmp_path / "ecr.tf").write_text('resource "aws_ecr_repository" "web" {\n  name = "web"\n}\n')
    (tmp_path / "lifecycle.tf").write_text('resource "aws_ecr_lifecycle_policy" "web" {\n  repository = aws_ecr_repository.web.name\n  policy = file("p.json")\n}\n')
    assert run_files([tmp_path / "ecr.tf"], {"ECS812"}) == []


def test_values_known_only_at_deployment_are_not_judged():
    template = """
Parameters:
  Mutability: {Type: String}
  ScanOnPush: {Type: String}
Resources:
  Repository:
    Type: AWS::ECR::Repository
    Properties:
      ImageTagMutability: !Ref Mutability
      ImageScanningConfiguration: {ScanOnPush: !Ref ScanOnPush}
      LifecyclePolicy: {LifecyclePolicyText: !Sub "{}"}
"""
    assert found(template, "template.yaml", REGISTRY_RULES) == []


def test_metadata_ignores_apply_to_repositories():
    template = """
Resources:
  Repository:
    Type: AWS::ECR::Repository
    Metadata: {ecslint: {ignore: [ECS811, ECS812]}}
    Properties:
      RepositoryName: web
      ImageScanningConfiguration: {ScanOnPush: true}
"""
    assert found(template, "template.yaml", REGISTRY_RULES) == []


# --aws against moto ----------------------------------------------------------------------------------


@pytest.fixture
def aws_env(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def calls(monkeypatch):
    """Every AWS operation the run makes (ECS, IAM and ECR), through botocore's event system."""
    import ecslint.aws.ecr as live_ecr
    import ecslint.aws.task_definitions as live

    recorded: list[str] = []
    real_client, real_ecr_client = live.client, live_ecr._client

    def record(made, service):
        made.meta.events.register("before-call.*.*", lambda model, **_: recorded.append(f"{service}:{model.name}"))
        return made

    monkeypatch.setattr(live, "client", lambda session, service: record(real_client(session, service), service))
    monkeypatch.setattr(live_ecr, "_client", lambda session, region: record(real_ecr_client(session, region), "ecr"))
    return recorded


LIFECYCLE = {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7}, "action": {"type": "expire"}}]}


def _registry() -> dict:
    ecr = boto3.client("ecr", region_name=REGION)
    made = {"web": ecr.create_repository(repositoryName="web", imageTagMutability="MUTABLE")["repository"]}
    for name in ("api", "unused"):
        made[name] = ecr.create_repository(repositoryName=name, imageTagMutability="IMMUTABLE", imageScanningConfiguration={"scanOnPush": True})["repository"]
    ecr.put_lifecycle_policy(repositoryName="api", lifecyclePolicyText=json.dumps(LIFECYCLE))
    return made


def _register(image: str) -> str:
    ecs = boto3.client("ecs", region_name=REGION)
    return ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": image, "memory": 256}])["taskDefinition"]["taskDefinitionArn"]


def _read_only(calls) -> bool:
    return bool(calls) and all(call.split(":")[1].startswith(("Describe", "Get", "List")) for call in calls)


@mock_aws
def test_aws_reads_the_repositories_the_task_definitions_pull_from(aws_env, calls, capsys):
    repositories = _registry()
    web = repositories["web"]
    task = _register(f"{web['repositoryUri']}:1.0")
    result = cli(capsys, "check", "--isolated", "--select", "ECS602,ECS81", "--format", "json", "--aws", "web")
    findings = sorted((f["path"], f["rule"], f["level"]) for f in json.loads(result.out)["findings"])
    assert findings == [
        (web["repositoryArn"], "ECS810", "warning"),
        (web["repositoryArn"], "ECS811", "warning"),
        (web["repositoryArn"], "ECS812", "warning"),
        (task, "ECS602", "warning"),
    ]
    assert _read_only(calls)
    assert {"ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:GetRegistryScanningConfiguration", "ecr:DescribeRegistry"} <= set(calls)


@mock_aws
def test_aws_all_reads_every_repository_and_its_live_lifecycle_policy(aws_env, calls, capsys):
    repositories = _registry()
    result = cli(capsys, "check", "--isolated", "--select", "ECS812", "--format", "json", "--aws-all")
    assert sorted(f["path"] for f in json.loads(result.out)["findings"]) == sorted(repositories[name]["repositoryArn"] for name in ("unused", "web"))
    assert _read_only(calls)


@mock_aws
def test_a_live_lifecycle_policy_counts_for_the_repository_in_a_template(aws_env, calls, capsys, tmp_path):
    repositories = _registry()
    _register(f"{repositories['api']['repositoryUri']}:1.0")
    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n  Api:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: api\n      ImageTagMutability: IMMUTABLE\n")
    alone = cli(capsys, "check", "--isolated", "--select", "ECS812", "--format", "json", str(template))
    assert [f["rule"] for f in json.loads(alone.out)["findings"]] == ["ECS812"]
    live = cli(capsys, "check", "--isolated", "--select", "ECS812", "--format", "json", "--aws", "web", str(template))
    assert json.loads(live.out)["findings"] == []
    assert _read_only(calls)


def test_live_pull_through_cache_rules_feed_ecs105():
    from botocore.stub import Stubber

    from ecslint.aws.ecr import _Reader

    ecr = boto3.client("ecr", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y")
    rule = {"ecrRepositoryPrefix": "docker-hub", "upstreamRegistryUrl": "registry-1.docker.io", "registryId": "210987654321"}
    with Stubber(ecr) as stub:
        stub.add_response("get_registry_scanning_configuration", {"registryId": "210987654321", "scanningConfiguration": {"scanType": "BASIC", "rules": []}})
        stub.add_response("describe_registry", {"registryId": "210987654321", "replicationConfiguration": {"rules": []}})
        stub.add_response("describe_pull_through_cache_rules", {"pullThroughCacheRules": [rule]})
        sources = list(_Reader(None, lambda session, region: ecr).registry(REGION))
    # (moto does not implement DescribePullThroughCacheRules, hence the stubbed client; the moto tests pull no `prefix/` image.)
    assert [source.display_path for source in sources] == [
        "ecr:us-east-1:210987654321:registry-scanning-configuration",
        "ecr:us-east-1:210987654321:registry",
        "ecr:us-east-1::pull-through-cache-rules",
    ]
    task = json.dumps(
        {
            "family": "web",
            "requiresCompatibilities": ["FARGATE"],
            "networkMode": "awsvpc",
            "cpu": "256",
            "memory": "512",
            "executionRoleArn": "arn:aws:iam::210987654321:role/exec",
            "containerDefinitions": [{"name": "web", "image": "210987654321.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/nginx:1.27"}],
        }
    )
    iam = json.dumps(
        {
            "RoleDetailList": [
                {
                    "RoleName": "exec",
                    "Arn": "arn:aws:iam::210987654321:role/exec",
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
                    "RolePolicyList": [],
                    "AttachedManagedPolicies": [{"PolicyName": "AmazonECSTaskExecutionRolePolicy", "PolicyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}],
                }
            ],
            "Policies": [],
        }
    )
    [finding] = lint_text(task, "taskdef.json", select=["ECS105"], iam=iam, companions=[("rules.json", sources[2].raw.decode())])
    assert "'ecr:BatchImportUpstreamImage' and 'ecr:CreateRepository' on `arn:aws:ecr:us-east-1:210987654321:repository/docker-hub/library/nginx`" in finding.message


def test_messages_spell_fields_as_the_source_does():
    terraform = 'resource "aws_ecr_repository" "web" {\n  name = "web"\n}\n'
    [finding] = lint_text(terraform, "ecr.tf", select=["ECS811"])
    assert "`image_tag_mutability` is not set" in finding.message and "imageTagMutability" not in finding.message
    template = "Resources:\n  Web:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: web\n"
    [finding] = lint_text(template, "template.yaml", select=["ECS811"])
    assert "`ImageTagMutability` is not set" in finding.message and "`latest`" in finding.message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_worker_processes_report_what_one_process_reports(tmp_path, capsys, monkeypatch):
    from ecslint import workers

    for number in range(6):
        task = {"family": f"web-{number}", "containerDefinitions": [{"name": "web", "image": f"210987654321.dkr.ecr.eu-west-1.amazonaws.com/web-{number}:1.0", "memory": 256}]}
        (tmp_path / f"web-{number}.task-definition.json").write_text(json.dumps(task))
    entries = [{"repositoryName": f"web-{number}", "registryId": "210987654321", "imageTagMutability": "MUTABLE" if number % 2 else "IMMUTABLE"} for number in range(6)]
    (tmp_path / "repositories.json").write_text(json.dumps({"repositories": entries}))
    (tmp_path / "lifecycle.json").write_text(json.dumps({"registryId": "210987654321", "repositoryName": "web-1", "lifecyclePolicyText": json.dumps(LIFECYCLE)}))

    def report():
        result = cli(capsys, "check", "--isolated", "--select", "ECS602,ECS811,ECS812", "--format", "json", str(tmp_path))
        return sorted((f["path"], f["rule"], f["pointer"], f["level"]) for f in json.loads(result.out)["findings"])

    serial = report()
    monkeypatch.setattr(workers, "MIN_FILES", 3)
    monkeypatch.setattr(workers, "_CHUNK", 2)
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    assert report() == serial
    assert [level for _, rule, _, level in serial if rule == "ECS602"] == ["warning"] * 3
    assert len([rule for _, rule, _, _ in serial if rule == "ECS812"]) == 5
