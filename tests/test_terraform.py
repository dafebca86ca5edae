"""Terraform front end: `.tf` modules, `terraform show -json` plans and state, `.json.tpl` templates, and unknowns."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

import ecslint.engine
from ecslint.checks import load_all
from ecslint.documents.parse import Document, Unparsable
from ecslint.front_ends import parse, recognise
from ecslint.report.findings import Finding
from ecslint.terraform.service import TerraformService
from ecslint.terraform.subjects import TerraformTaskDefinition
from ecslint.terraform.template import Unknown, parse_template_json
from tests.helpers import CORPUS, REPO, lint_text, needs_shared, run_process

FIXTURES = REPO / "tests" / "fixtures" / "terraform"
MODULE = FIXTURES / "module"
PLAN = FIXTURES / "plan" / "plan.json"
STATE = FIXTURES / "plan" / "state.json"

# Whether the engine asks subjects which findings to keep (`subject.keeps(finding)`); until it does, the
# end-to-end tests of unknown values are skipped and `_lint` below plays the engine's part.
ENGINE_ASKS_KEEPS = ".keeps(" in inspect.getsource(ecslint.engine)
needs_engine_keeps = pytest.mark.skipif(not ENGINE_ASKS_KEEPS, reason="ecslint.engine does not call subject.keeps(finding) yet")


def _document(path: Path) -> Document:
    document = parse(str(path), path.read_bytes())
    assert isinstance(document, Document), getattr(document, "finding", None)
    return document


def _subjects(path: Path) -> list[TerraformTaskDefinition]:
    subjects = recognise(_document(path))
    assert subjects is not None
    return subjects


def _lint(path: Path, select: tuple[str, ...] = (), address: str | None = None) -> list[tuple[Finding, object]]:
    """(finding with the source pointer, region) for each finding the engine would keep, in-process."""
    found = []
    for subject in _subjects(path):
        if address is not None and subject.address != address:
            continue
        for rule_id, registered in load_all().items():
            if (select and rule_id not in select) or not isinstance(subject, registered.subject):
                continue
            for finding in registered.function(subject):
                if subject.keeps(finding) and not any(rule_id.startswith(s) for s in subject.ignore_selectors()):
                    finding = finding._replace(pointer=subject.source_pointer(finding.pointer))
                    found.append((finding, subject.document.region(finding.pointer)))
    return found


def _rules(found) -> list[str]:
    return sorted({finding.rule_id for finding, _ in found})


# .tf files ---------------------------------------------------------------------------------------------


def test_tf_resources_map_to_the_api_shape():
    web = next(s for s in _subjects(MODULE / "main.tf") if s.address == "aws_ecs_task_definition.web")
    assert web.data["networkMode"] == "awsvpc" and web.data["requiresCompatibilities"] == ["FARGATE"]
    assert web.data["memory"] == "1024"  # numbers become the strings the API takes
    assert isinstance(web.data["cpu"], Unknown) and web.data["cpu"] == "${var.cpu}"
    assert web.data["volumes"] == [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-12345678", "transitEncryption": "DISABLED"}}]
    assert web.data["containerDefinitions"][0]["image"] == "${var.repository}:latest"  # known text around a placeholder stays
    assert web.unknown == ("/cpu", "/containerDefinitions/0/portMappings/0/containerPort")
    assert web.source_pointer("/volumes/0/efsVolumeConfiguration/transitEncryption") == "/resource/aws_ecs_task_definition/web/volume/0/efs_volume_configuration/0/transit_encryption"
    assert web.source_pointer("/containerDefinitions/0/image") == "/resource/aws_ecs_task_definition/web/container_definitions/0/image"
    assert web.ignore_selectors() == ["ECS503"]


def test_tf_positions_inside_jsonencode_and_heredocs():
    found = _lint(MODULE / "main.tf", ("ECS601", "ECS501", "ECS506"))
    located = {(finding.rule_id, finding.pointer): (region.start_line, region.start_column) for finding, region in found}
    assert located[("ECS601", "/resource/aws_ecs_task_definition/web/container_definitions/0/image")] == (15, 7)
    assert located[("ECS506", "/resource/aws_ecs_task_definition/web/volume/0/efs_volume_configuration/0/transit_encryption")] == (37, 7)
    # `<<-EOF` heredoc (indentation trimmed) and `<<EOF` heredoc: the JSON key itself.
    assert located[("ECS501", "/resource/aws_ecs_task_definition/worker/container_definitions/0/privileged")] == (56, 9)
    assert located[("ECS601", "/resource/aws_ecs_task_definition/heredoc/container_definitions/0/image")] == (87, 5)


def test_file_and_templatefile_read_the_json_beside_the_tf_file():
    subjects = {s.address: s for s in _subjects(MODULE / "main.tf")}
    proxy = subjects["aws_ecs_task_definition.from_file"].data["containerDefinitions"][0]
    assert proxy["name"] == "proxy" and proxy["portMappings"] == [{"containerPort": 8080, "hostPort": 80}]
    api = subjects["aws_ecs_task_definition.from_template"]
    container = api.data["containerDefinitions"][0]
    assert container["image"] == "public.ecr.aws/nginx/nginx:1.27"  # a known templatefile() variable is filled in
    assert isinstance(container["portMappings"][0]["containerPort"], Unknown)  # var.port is not
    assert isinstance(container["environment"][0]["value"], Unknown)  # nor a variable the call does not pass
    found = _lint(MODULE / "main.tf", ("ECS303", "ECS002"), address="aws_ecs_task_definition.from_file")
    assert [(f.rule_id, f.pointer) for f, _ in found] == [("ECS303", "/resource/aws_ecs_task_definition/from_file/container_definitions/0/portMappings/0/hostPort")]
    # file(): the containers live in another file; the engine reports them there, at their own lines.
    document = subjects["aws_ecs_task_definition.from_file"].document
    assert found[0][1].start_line == 65  # the attribute, in the .tf file itself
    taken_in_at, included = document.part_at(found[0][0].pointer)
    assert taken_in_at == "/resource/aws_ecs_task_definition/from_file/container_definitions"
    assert included.document.path == (MODULE / "containers.json").as_posix()
    assert included.document.region("/0/portMappings/0/hostPort") == (6, 46, 6, 60)


def test_unknown_values_are_never_findings():
    found = _lint(MODULE / "main.tf", address="aws_ecs_task_definition.web")
    rules = _rules(found)
    # cpu = var.cpu on Fargate: no "missing cpu" or "not a CPU value"; containerPort = var.port: no schema error.
    assert "ECS401" not in rules and "ECS002" not in rules
    # ... while what is known is still judged.
    assert {"ECS105", "ECS107", "ECS108", "ECS506", "ECS601"} <= set(rules)
    assert "ECS503" not in rules  # suppressed by the resource's `ecslint:ignore` tag


def test_keeps_drops_findings_resting_on_unknown_fields():
    task = next(s for s in _subjects(MODULE / "main.tf") if s.address == "aws_ecs_task_definition.web")
    assert not task.keeps(Finding("ECS401", "/cpu", "Task `cpu` is not a CPU value ECS understands."))
    assert not task.keeps(Finding("ECS002", "/containerDefinitions/0/portMappings/0/containerPort", "must be an integer"))
    assert not task.keeps(Finding("ECS403", "/containerDefinitions/0", "Container 'web': sets no `memory`."))  # cpu is unknown: ECS403 needs it
    assert task.keeps(Finding("ECS601", "/containerDefinitions/0/image", "image uses latest"))
    # On the object holding an unknown field, a finding is dropped only when it names that field.
    assert not task.keeps(Finding("ECS302", "/containerDefinitions/0/portMappings/0", "`containerPort` clashes"))
    assert task.keeps(Finding("ECS302", "/containerDefinitions/0/portMappings/0", "`hostPort` clashes"))


def test_role_references_resolve_to_roles_in_the_same_folder():
    web = next(s for s in _subjects(MODULE / "main.tf") if s.address == "aws_ecs_task_definition.web")
    assert web.data["executionRoleArn"] == "${aws_iam_role.execution.arn}"
    execution = web.iam.role(web.data["executionRoleArn"])
    assert execution.name == "web-execution" and execution.complete
    assert [attachment.arn for attachment in execution.attachments] == ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
    app = web.iam.role(web.data["taskRoleArn"])
    assert app.name == "web-app" and [policy.name for policy in app.permissions.policies] == ["app"]
    found = {f.rule_id: (f, region) for f, region in _lint(MODULE / "main.tf", ("ECS108",), address="aws_ecs_task_definition.web")}
    related = found["ECS108"][0].related[0]
    assert related.document.path.endswith("iam.tf") and related.document.region(related.pointer).start_line == 21


def test_policy_document_data_sources_are_rendered():
    task = next(s for s in _subjects(MODULE / "main.tf") if s.address == "aws_ecs_task_definition.from_template")
    worker = task.iam.role(task.data["taskRoleArn"])
    (statement,) = worker.trust.statements
    assert statement.principal == {"Service": "ecs-tasks.amazonaws.com"}
    assert statement.condition == {"StringEquals": {"aws:SourceAccount": ["123456789012"]}}
    assert statement.location.document.region(statement.location.pointer).start_line == 45  # the `statement` block
    # Trusted by ECS tasks, with a source condition: neither ECS108 nor ECS109.
    assert _lint(MODULE / "main.tf", ("ECS108", "ECS109"), address="aws_ecs_task_definition.from_template") == []


def test_same_role_reference_in_both_fields_is_one_role():
    found = _lint(MODULE / "main.tf", ("ECS102",))
    assert [(f.pointer, region.start_line) for f, region in found] == [("/resource/aws_ecs_task_definition/worker/task_role_arn", 49)]


def test_tf_files_without_ecs_content_are_not_even_parsed(tmp_path):
    path = tmp_path / "variables.tf"
    path.write_text('variable "x" {\n  default = [\n')  # invalid HCL, but nothing ecslint reads
    document = parse(str(path), path.read_bytes())
    assert isinstance(document, Document) and recognise(document) == []


def test_invalid_hcl_is_ecs001_with_a_position():
    findings = lint_text('resource "aws_ecs_task_definition" "x" {\n  family = \n}\n', filename="bad.tf")
    assert [(f.rule_id, f.region.start_line) for f in findings] == [("ECS001", 2)]
    assert findings[0].message.startswith("Invalid HCL")


def test_a_tf_file_without_task_definitions_has_no_findings():
    assert lint_text((MODULE / "iam.tf").read_text(), filename="iam.tf") == []


def test_dynamic_blocks_and_unknown_container_lists(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_ecs_task_definition" "x" {\n'
        '  family = "x"\n'
        '  requires_compatibilities = ["FARGATE"]\n'
        '  network_mode = "awsvpc"\n'
        '  cpu = 256\n'
        '  memory = 512\n'
        "  container_definitions = var.containers\n"
        '  dynamic "volume" {\n'
        "    for_each = var.volumes\n"
        "    content { name = volume.value }\n"
        "  }\n"
        "}\n"
    )
    (task,) = _subjects(tmp_path / "main.tf")
    assert not task.containers_complete and task.containers == []
    assert set(task.unknown) == {"/containerDefinitions", "/volumes/0"}
    assert _lint(tmp_path / "main.tf") == []


# Plans and state ----------------------------------------------------------------------------------------


def test_plan_task_definitions_and_their_addresses():
    subjects = _subjects(PLAN)
    assert [s.address for s in subjects] == ["aws_ecs_task_definition.web", "module.iam.aws_ecs_task_definition.worker[0]"]
    web, worker = subjects
    assert web.data["volumes"] == [{"name": "data", "configuredAtLaunch": False, "host": {"sourcePath": "/var/data"}}]
    assert isinstance(web.data["executionRoleArn"], Unknown)  # a module output known after apply
    assert worker.data["executionRoleArn"] == "${module.iam.aws_iam_role.execution.arn}"  # from the configuration's references
    assert isinstance(worker.data["containerDefinitions"], Unknown) and not worker.containers_complete
    assert web.declaration.pointer == "/planned_values/root_module/resources/0/address"
    assert web.declaration.message == "Resource `aws_ecs_task_definition.web`"


def test_plan_findings_point_into_the_container_definitions_string():
    found = {(f.rule_id, f.pointer): region for f, region in _lint(PLAN, ("ECS601", "ECS402", "ECS301"))}
    pointer = "/planned_values/root_module/resources/0/values/container_definitions/0/image"
    region = found[("ECS601", pointer)]
    line = PLAN.read_text().splitlines()[region.start_line - 1]
    assert line[region.start_column - 1 : region.end_column - 1] == '\\"image\\":\\"nginx:latest\\"'
    assert ("ECS402", "/planned_values/root_module/resources/0/values/volume/0/host_path") in found
    assert ("ECS301", "/planned_values/root_module/resources/0/values/network_mode") in found


def test_plan_roles_come_from_every_module_with_their_policies():
    found = _lint(PLAN, ("ECS103", "ECS108", "ECS401", "ECS101"))
    # worker: cpu and containers known after apply, so no ECS401; web: its execution role is a module output.
    assert [f.rule_id for f, _ in found] == ["ECS103", "ECS103", "ECS108"]
    lines = PLAN.read_text().splitlines()
    for finding, _ in found[:2]:
        (related,) = finding.related
        region = related.document.region(related.pointer)
        assert lines[region.start_line - 1][region.start_column - 1 :].startswith("{\\\"")  # the statement, inside the policy string
    pointers = sorted(finding.related[0].pointer for finding, _ in found[:2])
    assert pointers == [
        "/planned_values/root_module/child_modules/0/resources/0/values/inline_policy/0/policy/Statement/0",
        "/planned_values/root_module/child_modules/0/resources/1/values/policy/Statement/0",
    ]


def test_state_output_on_one_line():
    (web,) = _subjects(STATE)
    role = web.iam.role(web.data["executionRoleArn"])
    assert role is not None and role.arn == "arn:aws:iam::123456789012:role/web-execution"
    found = {(f.rule_id, f.pointer): region for f, region in _lint(STATE, ("ECS201",))}
    region = found[("ECS201", "/values/root_module/resources/0/values/container_definitions/0/environment/0/value")]
    text = STATE.read_text()
    assert text.splitlines()[0][region.start_column - 1 : region.end_column - 1] == '\\"value\\":\\"AKIAIOSFODNN7EXAMPLE\\"'


def test_a_plan_without_task_definitions_is_not_an_error():
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": []}}}
    assert lint_text(json.dumps(plan), filename="plan.json") == []


# Templates ----------------------------------------------------------------------------------------------


def test_template_placeholders_outside_and_inside_strings():
    parsed = parse_template_json('[{"name": "a", "cpu": ${cpu}, "image": "${repo}:1.0", "user": "${user}", "x": "$${literal}"}]')
    (container,) = parsed.data
    assert isinstance(container["cpu"], Unknown) and container["cpu"] == "${cpu}"
    assert container["image"] == "${repo}:1.0" and not isinstance(container["image"], Unknown)
    assert isinstance(container["user"], Unknown)
    assert container["x"] == "$${literal}"
    assert parse_template_json("[%{ for c in cs }${c},%{ endfor }]") is None


def test_json_tpl_files_named_explicitly_are_container_lists():
    (task,) = _subjects(MODULE / "api.json.tpl")
    assert task.shape == "containers" and "/0/image" in task.unknown
    assert _rules(_lint(MODULE / "api.json.tpl")) == ["ECS111", "ECS701", "ECS702"]


# The corpus ---------------------------------------------------------------------------------------------

# Task definitions per file, counted by reading each file (`resource "aws_ecs_task_definition"` blocks;
# one container list or task definition per template; the Jinja template is not a Terraform one).
CORPUS_TASK_DEFINITIONS = {
    "1998ne__simpletimeservice-devops__ecs.tf": 1,
    "40aujohnwilliams__ecs-demo-with-fargate-and-secrets-manager__env_var_svc.tf": 1,
    "708u__laravel-tweet-ddd-infrastructure__ecs.tf": 2,
    "87fred__aws-ecs-zabbix-orchestration__ecs.tf": 2,
    "AkingbadeOmosebi__rds-ecs-wordpress-terraform__Infrastructure_Terraform___ecs.tf": 1,
    "AlexandreZelante__terraform-ecs__main.tf": 1,
    "Andras1000__django-aws-infra__ecs.tf": 2,
    "AnselmeG300__deploy-semaphore-ecs__ecs.tf": 2,
    "Avb2__crud_microservice__ecs.tf": 1,
    "CodeFleck__sensorvision__terraform__main.tf": 1,
    "Park-Seaweed__codestates-final-project__terraform__backend__ecs.tf": 1,
    "cloudposse__terraform-aws-ecs-alb-service-task__main.tf": 1,
    "davidalonsobadia__aws_ecs_ec2_rds_s3_dynamodb__task_definition.tf": 1,
    "feifanzhou__docker-compose-demo__infrastructure.tf": 1,
    "hashicorp__terraform-aws-consul-ecs__examples__terminating-gateway__external-server-app.tf": 1,
    "hashicorp__terraform-aws-consul-ecs__modules__dev-server__main.tf": 1,
    "nationalarchives__tdr-prototype-terraform__modules__api__ecs.tf": 1,
    "pagopa__b2b-portals__apps__infrastructure__src__ecs.tf": 2,
    "skoleapp__skole-infra__terraform__ecs.tf": 2,
    "telia-oss__terraform-aws-ecs-fargate__main.tf": 1,
    "terraform-aws-modules__terraform-aws-ecs__modules__service__main.tf": 1,
    "tmknom__terraform-aws-ecs-fargate__main.tf": 1,
    "trussworks__terraform-aws-ecs-service__main.tf": 1,
    "turnerlabs__terraform-ecs-fargate__env__dev__ecs.tf": 1,
    "umotif-public__terraform-aws-ecs-fargate__main.tf": 1,
    "ANKIT952142__AWS-ECS-Cluster-By-Terraform__task_definition.json.tpl": 1,
    "Andras1000__django-aws-infra__templates__backend_container.json.tpl": 1,
    "Avb2__crud_microservice__templates__ecs__event_service.json.tpl": 1,
    "KevinDeNotariis__fargate-api-sample__scripts__templates__taskdef.json.tpl": 0,
    "Park-Seaweed__codestates-final-project__terraform__backend__demo-td-revision6.json.tpl": 1,
    "aiyubalikhan92__demo-docker-ecs-nginx-jenkinsfile__ci__ecs-task.json.tpl": 1,
    "davidalonsobadia__aws_ecs_ec2_rds_s3_dynamodb__task_definition.json.tpl": 1,
    "nationalarchives__tdr-prototype-terraform__modules__api__templates__graphql.json.tpl": 1,
    "nationalarchives__tdr-prototype-terraform__modules__backend_checks__templates__backendCheck.json.tpl": 1,
    "pagopa__b2b-portals__apps__infrastructure__src__task-definitions__cms_app.json.tpl": 1,
    "sebastiandusza__demo-docker-ecs-nginx-jenkinsfile__ci__ecs-task.json.tpl": 1,
}


@needs_shared
def test_corpus_terraform_files_are_all_listed():
    manifest = [line.split("\t") for line in (CORPUS / "MANIFEST.tsv").read_text().splitlines()[1:]]
    terraform = {row[0] for row in manifest if len(row) > 4 and row[4] == "terraform"}
    templates = {path.name for path in CORPUS.glob("*.json.tpl")}
    assert terraform | templates == set(CORPUS_TASK_DEFINITIONS)


@needs_shared
@pytest.mark.parametrize("name", sorted(CORPUS_TASK_DEFINITIONS))
def test_corpus_task_definitions_per_file(name):
    document = parse(name, (CORPUS / name).read_bytes())
    if isinstance(document, Unparsable):
        assert CORPUS_TASK_DEFINITIONS[name] == 0, document.finding.message
        return
    # Services and ECR repositories beside the task definitions are subjects too; only task definitions are counted here.
    subjects = [subject for subject in recognise(document) or [] if getattr(subject, "kind", None) == "task-definition"]
    assert len(subjects) == CORPUS_TASK_DEFINITIONS[name]
    assert all(isinstance(subject, TerraformTaskDefinition) for subject in subjects)


@needs_shared
def test_corpus_terraform_files_lint_without_a_traceback():
    result = run_process("check", "--isolated", "--format", "json", *(str(CORPUS / name) for name in sorted(CORPUS_TASK_DEFINITIONS)))
    assert result.returncode == 1, result.stderr.decode()
    assert result.stderr == b"", result.stderr.decode()[:2000]
    report = json.loads(result.stdout)
    assert report["summary"]["taskDefinitions"] == sum(CORPUS_TASK_DEFINITIONS.values())


# Through the engine -------------------------------------------------------------------------------------


@needs_engine_keeps
def test_engine_drops_findings_on_unknown_values():
    text = 'resource "aws_ecs_task_definition" "x" {\n  family = "x"\n  requires_compatibilities = ["FARGATE"]\n  network_mode = "awsvpc"\n  cpu = var.cpu\n  memory = 512\n  container_definitions = jsonencode([{ name = "a", image = var.image, memory = var.memory }])\n}\n'
    rules = {f.rule_id for f in lint_text(text, filename="x.tf")}
    assert not rules & {"ECS002", "ECS401", "ECS601", "ECS403"}


def test_walking_a_module_reads_tf_files(tmp_path):
    (tmp_path / "main.tf").write_text((MODULE / "main.tf").read_text())
    (tmp_path / "other.tf").write_text('variable "x" {}\n')
    result = run_process("check", "--isolated", "--format", "json", "--select", "ECS501", str(tmp_path))
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == 1  # other.tf names no ECS resource: skipped when walking
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("ECS501", 56)]


def _messages(tmp_path, text: str, select: tuple[str, ...]) -> list[tuple[str, str, str]]:
    (tmp_path / "main.tf").write_text(text)
    return sorted((finding.rule_id, finding.pointer, finding.message) for finding, _ in _lint(tmp_path / "main.tf", select))


def test_requires_compatibilities_as_a_string_is_rejected_as_terraform_does(tmp_path):
    text = 'resource "aws_ecs_task_definition" "app" {\n  family = "app"\n  requires_compatibilities = "FARGATE"\n  network_mode = "vpc"\n  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27" }])\n}\n'
    base = "/resource/aws_ecs_task_definition/app"
    assert _messages(tmp_path, text, ("ECS002",)) == [
        ("ECS002", f"{base}/network_mode", "'network_mode' must be one of 'bridge', 'host', 'awsvpc', 'none', got \"vpc\"."),
        ("ECS002", f"{base}/requires_compatibilities", "'requires_compatibilities' must be a list, got \"FARGATE\"."),
    ]


def test_an_empty_efs_block_is_still_a_volume(tmp_path):
    text = 'resource "aws_ecs_task_definition" "app" {\n  family = "app"\n  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27" }])\n  volume {\n    name = "data"\n    efs_volume_configuration {}\n  }\n}\n'
    found = _messages(tmp_path, text, ("ECS002", "ECS506"))
    block = "/resource/aws_ecs_task_definition/app/volume/0/efs_volume_configuration/0"
    assert [(rule, pointer) for rule, pointer, _ in found] == [("ECS002", f"{block}/file_system_id"), ("ECS506", f"{block}/transit_encryption")]
    assert found[0][2] == "'volume[0].efs_volume_configuration.file_system_id' is required."


def test_an_empty_container_list_is_rejected(tmp_path):
    text = 'resource "aws_ecs_task_definition" "app" {\n  family = "app"\n  container_definitions = jsonencode([])\n}\n'
    assert _messages(tmp_path, text, ("ECS002",)) == [
        ("ECS002", "/resource/aws_ecs_task_definition/app/container_definitions", "'container_definitions' is empty: ECS rejects a task definition without containers (\"Container list cannot be empty\").")
    ]


def test_container_fields_keep_their_camel_case_in_terraform(tmp_path):
    text = 'resource "aws_ecs_task_definition" "app" {\n  family = "app"\n  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27", portMapping = [] }])\n}\n'
    [(_, _, message)] = _messages(tmp_path, text, ("ECS002",))
    assert message == "Container 'app': 'portMapping' is not a field of the ECS API as of botocore 1.44.8 (2026-11); did you mean 'portMappings'."


def test_messages_name_terraform_arguments_in_snake_case_and_container_fields_as_written(tmp_path):
    text = (
        'resource "aws_ecs_task_definition" "app" {\n  family = "app"\n  requires_compatibilities = ["FARGATE"]\n  cpu = 256\n  memory = 512\n'
        '  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27", readonlyRootFilesystem = false }])\n'
        '  volume {\n    name = "data"\n    efs_volume_configuration {\n      file_system_id = "fs-1"\n    }\n  }\n}\n'
    )
    (tmp_path / "main.tf").write_text(text)
    found = {f.rule_id: f.message for f in lint_text(text, str(tmp_path / "main.tf"), select=["ECS301", "ECS503", "ECS506"])}
    assert found["ECS301"] == "Fargate tasks must use `network_mode: awsvpc`, but `network_mode` is not set (it then defaults to `bridge`)."
    assert found["ECS503"].startswith("Container 'app': `readonlyRootFilesystem` is false")
    assert found["ECS506"].endswith("set `transit_encryption: ENABLED`.")
