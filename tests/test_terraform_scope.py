"""Terraform evaluation within a module: variable defaults, locals, functions, instances, child modules, partial policies."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecslint import per_run
from ecslint.front_ends import parse, recognise
from tests.helpers import lint_text

TRUST = '''
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["123456789012"]
    }
  }
}
'''

TASK = '''
resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = %s
  task_role_arn            = %s
  container_definitions = jsonencode([{
    name = "app", image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0", essential = true
    logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = "/app", "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "app" } }
  }])
}
'''

IAM_RULES = ["ECS102", "ECS103", "ECS104", "ECS105", "ECS106", "ECS107", "ECS113"]


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder / "main.tf"


def _findings(path: Path, rules=IAM_RULES) -> list:
    return lint_text(path.read_text(), filename=str(path), select=rules)


def _subject(path: Path):
    (subject,) = [s for s in recognise(parse(str(path), path.read_bytes())) if getattr(s, "address", "").startswith("aws_ecs_task_definition")]
    return subject


def _roles(path: Path):
    subject = _subject(path)
    return subject.iam.role(subject.data.get("executionRoleArn")), subject.iam.role(subject.data.get("taskRoleArn")), subject


def _role(name: str, extra: str = "", count: str = "") -> str:
    return f'''
resource "aws_iam_role" "{name}" {{
  {count}
  name               = "${{var.prefix}}-{name}"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  {extra}
}}
'''


VARIABLES = '''
variable "prefix" { default = "shop" }
variable "create_roles" { default = true }
variable "execution_role_arn" {
  type    = string
  default = null
}
variable "task_role_arn" {}
'''

EXECUTION_POLICY = '''
resource "aws_iam_role_policy_attachment" "execution" {
  for_each   = toset(local.execution_policies)
  role       = aws_iam_role.execution[0].name
  policy_arn = each.value
}
locals {
  execution_policies = ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
}
'''


def test_variable_defaults_locals_and_decided_conditionals_resolve_both_roles(tmp_path):
    main = _write(tmp_path, {
        "variables.tf": VARIABLES,
        "iam.tf": TRUST + _role("execution", count="count = var.create_roles ? 1 : 0") + _role("task") + EXECUTION_POLICY,
        "main.tf": TASK % ("var.execution_role_arn != null ? var.execution_role_arn : aws_iam_role.execution[0].arn", "coalesce(local.task_role, aws_iam_role.task.arn)")
        + 'locals {\n  task_role = try(aws_iam_role.execution[1].arn, null)\n}\n',
    })
    execution, task, subject = _roles(main)
    assert subject.data["executionRoleArn"] == "${aws_iam_role.execution.arn}"
    assert subject.data["taskRoleArn"] == "${aws_iam_role.task.arn}"
    # `name = "${var.prefix}-execution"`: the default fills the template.
    assert (execution.name, task.name) == ("shop-execution", "shop-task")
    assert execution.complete and [a.arn for a in execution.attachments] == ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
    assert _findings(main) == []


def test_a_variable_without_default_stays_unknown_and_silent(tmp_path):
    main = _write(tmp_path, {
        "variables.tf": VARIABLES,
        "iam.tf": TRUST + _role("task", 'inline_policy {\n name = "admin"\n policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "*", Resource = "*"}]})\n}'),
        "main.tf": TASK % ("var.task_role_arn", "var.task_role_arn == \"\" ? aws_iam_role.task.arn : var.task_role_arn"),
    })
    execution, task, subject = _roles(main)
    assert execution is None and task is None
    assert subject.data["executionRoleArn"] == "${var.task_role_arn}"
    # The task role may be `aws_iam_role.task` (which allows `*`), or not: no finding rests on one possible value.
    assert _findings(main) == []


def test_an_unknown_condition_never_gives_a_finding_for_one_branch(tmp_path):
    admin = 'inline_policy {\n name = "admin"\n policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "*", Resource = "*"}]})\n}'
    main = _write(tmp_path, {
        "variables.tf": VARIABLES + 'variable "admin" { type = bool }\n',
        "iam.tf": TRUST + _role("admin", admin) + _role("task") + _role("execution") + EXECUTION_POLICY.replace("execution[0]", "execution"),
        "main.tf": TASK % ("var.admin ? aws_iam_role.admin.arn : aws_iam_role.execution.arn", "var.admin ? aws_iam_role.admin.arn : aws_iam_role.task.arn"),
    })
    execution, task, subject = _roles(main)
    assert execution is None and task is None
    # Both ways are judged: with `var.admin` true one role serves both fields and allows everything (ECS102, ECS107, ECS113);
    # with it false the roles are fine. Neither finding holds both ways, so neither is given.
    assert [(alternative.data["executionRoleArn"], alternative.data["taskRoleArn"]) for alternative in subject.alternatives] == [
        ("${aws_iam_role.admin.arn}", "${aws_iam_role.admin.arn}"),
        ("${aws_iam_role.execution.arn}", "${aws_iam_role.task.arn}"),
    ]
    assert subject.alternative_conditions == ("var.admin",)
    assert _findings(main) == []
    # One way alone would give them: the condition decided by a default.
    main.parent.joinpath("variables.tf").write_text(VARIABLES + 'variable "admin" { default = true }\n')
    assert sorted({f.rule_id for f in _findings(main)}) == ["ECS102", "ECS107", "ECS113"]
    assert _subject(main).alternatives == ()


def test_an_unknown_condition_inside_a_policy_gives_no_finding_for_one_branch(tmp_path):
    # `Action = var.admin ? "*" : ...`: every action one way, two S3 actions the other.
    policy = 'inline_policy {\n name = "app"\n policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = var.admin ? "*" : ["s3:GetObject"], Resource = "*"}]})\n}'
    main = _write(tmp_path, {
        "variables.tf": VARIABLES + 'variable "admin" { type = bool }\n',
        "iam.tf": TRUST + _role("task", policy) + _role("execution") + EXECUTION_POLICY.replace("execution[0]", "execution"),
        "main.tf": TASK % ("aws_iam_role.execution.arn", "aws_iam_role.task.arn"),
    })
    assert len(_subject(main).alternatives) == 2
    assert _findings(main) == []


def test_a_finding_that_holds_both_ways_is_given_once_with_each_case(tmp_path):
    admin = 'inline_policy {\n name = "admin"\n policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "*", Resource = "*"}]})\n}'
    power = 'managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]'
    main = _write(tmp_path, {
        "variables.tf": VARIABLES + 'variable "legacy" { type = bool }\n',
        "iam.tf": TRUST + _role("admin", admin) + _role("power", power) + _role("execution") + EXECUTION_POLICY.replace("execution[0]", "execution"),
        "main.tf": TASK % ("aws_iam_role.execution.arn", "var.legacy ? aws_iam_role.admin.arn : aws_iam_role.power.arn"),
    })
    found = _findings(main)
    assert [(f.rule_id, f.pointer, f.region.start_line) for f in found] == [("ECS107", "/resource/aws_ecs_task_definition/app/task_role_arn", 9)]
    (finding,) = found
    assert finding.message.startswith("Task role 'shop-admin' allows every action on every resource (policy 'admin', statement 1).")
    assert finding.message.endswith("The same holds whichever way `var.legacy` is decided (the related locations show each case).")
    assert [(Path(r.path).name, r.pointer, r.message) for r in finding.related] == [
        ("iam.tf", "/resource/aws_iam_role/admin/inline_policy/0/policy/Statement/0", "Statement 1 of policy 'admin' allows every action on every resource"),
        ("iam.tf", "/resource/aws_iam_role/power/managed_policy_arns/0", "The attachment of 'AdministratorAccess'"),
    ]


def test_a_finding_every_way_agrees_on_stands_as_it_is(tmp_path):
    # The conditions choose the execution role; the task role allows everything whichever way they go.
    admin = 'inline_policy {\n name = "admin"\n policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "*", Resource = "*"}]})\n}'
    main = _write(tmp_path, {
        "variables.tf": VARIABLES + 'variable "shared" { type = bool }\nvariable "old" { type = bool }\n',
        "iam.tf": TRUST + _role("task", admin) + _role("execution") + _role("legacy") + _role("other") + EXECUTION_POLICY.replace("execution[0]", "execution"),
        "main.tf": TASK % ("var.shared ? aws_iam_role.execution.arn : (var.old ? aws_iam_role.legacy.arn : aws_iam_role.other.arn)", "aws_iam_role.task.arn"),
    })
    subject = _subject(main)
    assert [alternative.data["executionRoleArn"] for alternative in subject.alternatives] == [
        "${aws_iam_role.execution.arn}", "${aws_iam_role.execution.arn}", "${aws_iam_role.legacy.arn}", "${aws_iam_role.other.arn}",
    ]
    found = _findings(main)
    assert [(f.rule_id, f.pointer) for f in found] == [("ECS107", "/resource/aws_ecs_task_definition/app/task_role_arn")]
    assert "whichever way" not in found[0].message
    assert [r.pointer for r in found[0].related] == ["/resource/aws_iam_role/task/inline_policy/0/policy/Statement/0"]


def test_more_than_eight_ways_leave_the_conditions_unknown(tmp_path):
    admin = 'inline_policy {\n name = "admin"\n policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "*", Resource = "*"}]})\n}'
    roles = "".join(_role(name, admin) for name in ("a", "b", "c", "d", "e"))
    choice = "var.w ? aws_iam_role.a.arn : var.x ? aws_iam_role.b.arn : var.y ? aws_iam_role.c.arn : var.z ? aws_iam_role.d.arn : aws_iam_role.e.arn"
    main = _write(tmp_path, {
        "variables.tf": VARIABLES + "".join(f'variable "{name}" {{ type = bool }}\n' for name in "wxyz"),
        "iam.tf": TRUST + roles + _role("execution") + EXECUTION_POLICY.replace("execution[0]", "execution"),
        "main.tf": TASK % ("aws_iam_role.execution.arn", choice),
    })
    # Sixteen ways (four conditions): too many to judge, so the role stays unknown, as every way would allow it.
    assert _subject(main).alternatives == ()
    assert _findings(main) == []
    # Three conditions (eight ways) are judged.
    main.parent.joinpath("variables.tf").write_text(VARIABLES + "".join(f'variable "{name}" {{ type = bool }}\n' for name in "wxy") + 'variable "z" { default = true }\n')
    per_run.new_run()  # a new run reads the folder again
    assert len(_subject(main).alternatives) == 8
    assert [f.rule_id for f in _findings(main)] == ["ECS107"]


def test_the_same_unknown_expression_in_both_fields_is_one_role(tmp_path):
    main = _write(tmp_path, {"variables.tf": VARIABLES, "main.tf": TASK % ("var.task_role_arn", "var.task_role_arn")})
    found = _findings(main, ["ECS102"])
    assert [(f.rule_id, f.pointer) for f in found] == [("ECS102", "/resource/aws_ecs_task_definition/app/task_role_arn")]
    different = _write(tmp_path / "other", {"variables.tf": VARIABLES, "main.tf": TASK % ("var.task_role_arn", "var.execution_role_arn")})
    assert _findings(different, ["ECS102"]) == []


def test_partial_policy_documents_keep_statements_with_unknown_resources(tmp_path):
    policy = '''
resource "aws_iam_role_policy" "app" {
  name = "app"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["iam:PassRole"], Resource = "*" },
      { Effect = "Allow", Action = ["s3:GetObject"], Resource = ["${module.bucket.arn}/*"] },
    ]
  })
}
'''
    main = _write(tmp_path, {"variables.tf": VARIABLES, "iam.tf": TRUST + _role("task") + policy, "main.tf": TASK % ('""', "aws_iam_role.task.arn")})
    _, task, _ = _roles(main)
    assert task.complete
    (app,) = task.permissions.policies
    assert [statement.resources for statement in app.statements] == [("*",), ("${module.bucket.arn}/*",)]
    assert [f.rule_id for f in _findings(main)] == ["ECS107"]


def test_unknown_actions_drop_the_statement_and_make_the_role_incomplete(tmp_path):
    policy = '''
variable "extra_actions" { type = list(string) }
resource "aws_iam_role_policy" "execution" {
  name = "pull"
  role = aws_iam_role.execution.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = var.extra_actions, Resource = "*" },
      { Effect = "Allow", Action = ["dynamodb:*"], Resource = "*" },
    ]
  })
}
'''
    main = _write(tmp_path, {"variables.tf": VARIABLES, "iam.tf": TRUST + _role("execution") + _role("task") + policy, "main.tf": TASK % ("aws_iam_role.execution.arn", "aws_iam_role.task.arn")})
    execution, _, _ = _roles(main)
    assert not execution.complete and execution.missing == ("1 statement of inline policy 'pull' (actions known after apply)",)
    found = {f.rule_id for f in _findings(main)}
    # The known statement still counts (ECS103); nothing says the role lacks what the dropped statement may grant (ECS105).
    assert "ECS103" in found and "ECS105" not in found


def test_an_unknown_deny_makes_the_whole_document_unknown(tmp_path):
    policy = '''
variable "denied" { type = list(string) }
resource "aws_iam_role_policy" "app" {
  name = "app"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Deny", Action = var.denied, Resource = "*" },
    ]
  })
}
'''
    main = _write(tmp_path, {"variables.tf": VARIABLES, "iam.tf": TRUST + _role("task") + policy, "main.tf": TASK % ('""', "aws_iam_role.task.arn")})
    _, task, _ = _roles(main)
    assert task.permissions.policies == () and not task.complete
    assert _findings(main) == []


def test_dynamic_statements_and_for_expressions_over_known_lists(tmp_path):
    document = '''
locals {
  buckets = ["orders", "invoices"]
}
data "aws_iam_policy_document" "app" {
  dynamic "statement" {
    for_each = local.buckets
    content {
      actions   = ["s3:GetObject"]
      resources = [format("arn:aws:s3:::%s/*", statement.value)]
    }
  }
  statement {
    actions   = [for service in ["sqs", "sns"] : "${service}:*"]
    resources = ["*"]
  }
}
resource "aws_iam_role_policy" "app" {
  name   = "app"
  role   = aws_iam_role.task.name
  policy = data.aws_iam_policy_document.app.json
}
'''
    main = _write(tmp_path, {"variables.tf": VARIABLES, "iam.tf": TRUST + _role("task") + document, "main.tf": TASK % ('""', "aws_iam_role.task.arn")})
    _, task, _ = _roles(main)
    (app,) = task.permissions.policies
    assert [(s.actions, s.resources) for s in app.statements] == [
        (("s3:GetObject",), ("arn:aws:s3:::orders/*",)),
        (("s3:GetObject",), ("arn:aws:s3:::invoices/*",)),
        (("sqs:*", "sns:*"), ("*",)),
    ]
    assert task.complete


def test_a_dynamic_block_over_an_unknown_list_keeps_the_document_unknown(tmp_path):
    document = '''
variable "statements" { type = list(any) }
data "aws_iam_policy_document" "app" {
  dynamic "statement" {
    for_each = var.statements
    content {
      actions   = statement.value.actions
      resources = ["*"]
    }
  }
}
resource "aws_iam_role_policy" "app" {
  name   = "app"
  role   = aws_iam_role.task.name
  policy = data.aws_iam_policy_document.app.json
}
'''
    main = _write(tmp_path, {"variables.tf": VARIABLES, "iam.tf": TRUST + _role("task") + document, "main.tf": TASK % ('""', "aws_iam_role.task.arn")})
    _, task, _ = _roles(main)
    assert not task.complete and task.permissions.policies == ()


def test_merged_policy_documents(tmp_path):
    documents = '''
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["*"]
  }
  statement {
    sid       = "Pull"
    actions   = ["ecr:*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "narrow" {
  statement {
    sid       = "Pull"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "execution" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.narrow.json]
}
resource "aws_iam_role_policy" "execution" {
  name   = "execution"
  role   = aws_iam_role.execution.name
  policy = data.aws_iam_policy_document.execution.json
}
'''
    main = _write(tmp_path, {"variables.tf": VARIABLES, "iam.tf": TRUST + _role("execution") + documents, "main.tf": TASK % ("aws_iam_role.execution.arn", '""')})
    execution, _, _ = _roles(main)
    (policy,) = execution.permissions.policies
    assert [(s.sid, s.actions) for s in policy.statements] == [("Logs", ("logs:CreateLogStream", "logs:PutLogEvents")), ("Pull", ("ecr:GetAuthorizationToken",))]


def test_attachment_forms_and_managed_policies_by_name(tmp_path):
    iam = '''
data "aws_iam_policy" "xray" {
  name = "AWSXrayWriteOnlyAccess"
}
resource "aws_iam_role" "task" {
  name                = "task"
  assume_role_policy  = data.aws_iam_policy_document.trust.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
}
resource "aws_iam_role_policy_attachments_exclusive" "task" {
  role_name   = aws_iam_role.task.name
  policy_arns = [data.aws_iam_policy.xray.arn, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
}
'''
    main = _write(tmp_path, {"variables.tf": VARIABLES, "iam.tf": TRUST + iam, "main.tf": TASK % ('""', "aws_iam_role.task.arn")})
    _, task, _ = _roles(main)
    assert task.complete
    names = sorted(policy.name for policy in task.permissions.policies)
    assert names == ["AWSXrayWriteOnlyAccess", "AmazonS3ReadOnlyAccess", "AmazonS3ReadOnlyAccess"]
    xray = next(policy for policy in task.permissions.policies if policy.name == "AWSXrayWriteOnlyAccess")
    assert xray.kind == "aws-managed" and xray.offline_version.endswith("of the 2026-08-22 snapshot")


def test_a_managed_policy_newer_than_the_snapshot_leaves_the_role_incomplete(tmp_path):
    iam = '''
resource "aws_iam_role_policy_attachment" "task" {
  role       = aws_iam_role.task.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonECSPolicyFromTheFuture"
}
'''
    main = _write(tmp_path, {"variables.tf": VARIABLES, "iam.tf": TRUST + _role("task") + iam, "main.tf": TASK % ('""', "aws_iam_role.task.arn")})
    _, task, _ = _roles(main)
    assert task.missing == ("arn:aws:iam::aws:policy/AmazonECSPolicyFromTheFuture",)


def test_customer_policies_and_roles_looked_up_by_data_sources_stay_unknown(tmp_path):
    iam = '''
data "aws_iam_policy" "custom" {
  name = "team-boundary"
}
data "aws_iam_role" "shared" {
  name = "shared-execution"
}
resource "aws_iam_role_policy_attachment" "task" {
  role       = aws_iam_role.task.name
  policy_arn = data.aws_iam_policy.custom.arn
}
'''
    main = _write(tmp_path, {"variables.tf": VARIABLES, "iam.tf": TRUST + _role("task") + iam, "main.tf": TASK % ("data.aws_iam_role.shared.arn", "aws_iam_role.task.arn")})
    execution, task, _ = _roles(main)
    assert execution.name == "shared-execution" and not execution.complete
    assert not task.complete and task.missing == ("${data.aws_iam_policy.custom.arn}",)


def test_count_zero_resources_do_not_exist(tmp_path):
    iam = '''
resource "aws_iam_role_policy" "admin" {
  count  = var.create_roles ? 0 : 1
  name   = "admin"
  role   = aws_iam_role.task.name
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "*", Resource = "*"}]})
}
'''
    main = _write(tmp_path, {"variables.tf": VARIABLES, "iam.tf": TRUST + _role("task") + iam, "main.tf": TASK % ('""', "aws_iam_role.task.arn")})
    _, task, _ = _roles(main)
    assert task.permissions.policies == () and task.complete


def test_local_child_modules_are_followed_and_registry_modules_named(tmp_path):
    child = {
        "modules/iam/main.tf": TRUST + '''
variable "name" {}
resource "aws_iam_role" "task" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.trust.json
  inline_policy {
    name   = "passrole"
    policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "iam:PassRole", Resource = "*"}]})
  }
}
output "task_role_arn" {
  value = aws_iam_role.task.arn
}
''',
    }
    main = _write(tmp_path, {
        **child,
        "modules.tf": 'module "iam" {\n  source = "./modules/iam"\n  name = "orders-task"\n}\nmodule "execution" {\n  source = "terraform-aws-modules/iam/aws"\n}\n',
        "main.tf": TASK % ("module.execution.arn", "module.iam.task_role_arn"),
    })
    execution, task, subject = _roles(main)
    assert subject.data["taskRoleArn"] == "${module.iam.aws_iam_role.task.arn}"
    assert task.name == "orders-task" and task.complete
    assert execution is None and subject.iam.unfollowed == {"module.execution": "terraform-aws-modules/iam/aws"}
    found = _findings(main)
    assert [f.rule_id for f in found] == ["ECS107"] and found[0].path == str(main)
    assert found[0].related[0].path.endswith("modules/iam/main.tf")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('coalesce(null, "", "a")', "a"),
        ('one(["a"])', "a"),
        ('element(["a", "b"], 3)', "b"),
        ('lookup({k = "v"}, "k", "d")', "v"),
        ('lookup({k = "v"}, "x", "d")', "d"),
        ('join("", concat([], ["a"], ["b"]))', "ab"),
        ('merge({a = "1"}, {b = "2"})["b"]', "2"),
        ('join(",", flatten([["a"], ["b", ["c"]]]))', "a,b,c"),
        ('join(",", compact(["a", "", null]))', "a"),
        ('format("arn:aws:iam::%s:role/%s", "123456789012", "x")', "arn:aws:iam::123456789012:role/x"),
        ('"arn:aws:iam::${local.account}:role/x"', "arn:aws:iam::123456789012:role/x"),
        ('[for name in ["a", "b"] : upper(name) if name != "b"][0]', "A"),
        ('{for name in ["a"] : name => "${name}!"}["a"]', "a!"),
        ("try(local.list[5], \"fallback\")", "fallback"),
        ('length(local.list) > 1 && !false ? "many" : "few"', "many"),
        ("var.prefix", "shop"),
    ],
)
def test_functions_and_expressions(tmp_path, expression, expected):
    main = _write(tmp_path, {
        "variables.tf": VARIABLES + 'locals {\n  account = "123456789012"\n  list = ["x", "y"]\n}\n',
        "main.tf": TASK % (expression, '""'),
    })
    assert _subject(main).data["executionRoleArn"] == expected


@pytest.mark.parametrize("expression", ["var.task_role_arn", "try(var.task_role_arn, null)", 'var.task_role_arn == "" ? "a" : "b"', "module.missing.arn", "data.aws_caller_identity.current.arn", "local.undefined", "local.loop"])
def test_what_the_module_cannot_tell_stays_unknown(tmp_path, expression):
    main = _write(tmp_path, {"variables.tf": VARIABLES + "locals {\n  loop = local.loop\n}\n", "main.tf": TASK % (expression, '""')})
    value = _subject(main).data["executionRoleArn"]
    assert type(value).__name__ in ("Unknown", "DeferredUnknown") and value.startswith("${")


def test_plans_carry_data_sources_and_exclusive_attachments(tmp_path):
    import json

    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    document = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]})
    resources = [
        {"address": "aws_ecs_task_definition.app", "mode": "managed", "type": "aws_ecs_task_definition", "name": "app",
         "values": {"family": "app", "execution_role_arn": "arn:aws:iam::123456789012:role/shared", "task_role_arn": "arn:aws:iam::123456789012:role/app",
                    "container_definitions": json.dumps([{"name": "app", "image": "nginx:1.25", "essential": True}])}},
        {"address": "aws_iam_role.app", "mode": "managed", "type": "aws_iam_role", "name": "app",
         "values": {"name": "app", "arn": "arn:aws:iam::123456789012:role/app", "assume_role_policy": trust}},
        {"address": "aws_iam_role_policy_attachments_exclusive.app", "mode": "managed", "type": "aws_iam_role_policy_attachments_exclusive", "name": "app",
         "values": {"role_name": "app", "policy_arns": ["arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"]}},
        {"address": "aws_iam_role_policy.app", "mode": "managed", "type": "aws_iam_role_policy", "name": "app",
         "values": {"name": "app", "role": "app", "policy": document}},
        {"address": "data.aws_iam_role.shared", "mode": "data", "type": "aws_iam_role", "name": "shared",
         "values": {"name": "shared", "arn": "arn:aws:iam::123456789012:role/shared"}},
    ]
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}}}))
    (subject,) = recognise(parse(str(plan), plan.read_bytes()))
    task = subject.iam.role(subject.data["taskRoleArn"])
    assert sorted(policy.name for policy in task.permissions.policies) == ["AWSXrayWriteOnlyAccess", "app"] and task.complete
    shared = subject.iam.role(subject.data["executionRoleArn"])
    assert shared.name == "shared" and not shared.complete
    assert [f.rule_id for f in lint_text(plan.read_text(), filename=str(plan), select=IAM_RULES)] == ["ECS107"]


def test_the_summary_names_role_fields_and_modules_not_followed(tmp_path, capsys):
    from tests.helpers import cli

    main = _write(tmp_path, {
        "variables.tf": VARIABLES,
        "iam.tf": TRUST + _role("task"),
        "modules.tf": 'module "roles" {\n  source = "cloudposse/label/null"\n}\n',
        "main.tf": TASK % ("var.task_role_arn", "module.roles.arn"),
    })
    result = cli(capsys, "check", "--isolated", "--select", "ECS103", str(main))
    lines = result.out.splitlines()
    assert lines[-2] == (
        "IAM rules skipped for role fields known only at deploy time (`aws_ecs_task_definition.app execution_role_arn`, "
        "`aws_ecs_task_definition.app task_role_arn`): lint a Terraform plan (`terraform show -json`) or give the roles with --iam."
    )
    assert lines[-1] == "Terraform modules not followed (only local `./` sources are read), so roles from them are unknown: module.roles (`cloudposse/label/null`)."


def test_findings_on_a_snapshot_policy_say_the_snapshot_date(tmp_path):
    iam = 'resource "aws_iam_role_policy_attachment" "task" {\n  role       = aws_iam_role.task.name\n  policy_arn = "arn:aws:iam::aws:policy/CloudWatchFullAccess"\n}\n'
    main = _write(tmp_path, {"variables.tf": VARIABLES, "iam.tf": TRUST + _role("task") + iam, "main.tf": TASK % ('""', "aws_iam_role.task.arn")})
    (finding,) = _findings(main, ["ECS107"])
    assert "AWS managed policy 'CloudWatchFullAccess'" in finding.message
    assert "of AWS managed policy 'CloudWatchFullAccess' (ecslint's offline copy, version v4 of the 2026-08-22 snapshot) allows" in finding.related[0].message


OBJECT_VARIABLES = '''
variable "prefix" { default = "shop" }
variable "roles" {
  type = object({
    create        = optional(bool, true)
    task_role_arn = optional(string)
    execution     = optional(object({ name = optional(string, "execution") }), {})
    extra         = optional(list(object({ arn = optional(string, "arn:aws:iam::aws:policy/AdministratorAccess") })), [])
  })
  default = { extra = [{}] }
}
'''


def test_optional_object_attributes_take_their_defaults(tmp_path):
    from ecslint.terraform.scope import Scope, module_documents

    main = _write(tmp_path, {
        "variables.tf": OBJECT_VARIABLES,
        "iam.tf": TRUST + _role("task", "count = var.roles.create ? 1 : 0\n  managed_policy_arns = [for item in var.roles.extra : item.arn]") + _role("execution"),
        "main.tf": TASK % ('aws_iam_role.execution.arn', "coalesce(var.roles.task_role_arn, aws_iam_role.task[0].arn)"),
    })
    scope = Scope(module_documents(tmp_path))
    assert scope.variable("roles", "var.roles") == {
        "create": True, "task_role_arn": None, "execution": {"name": "execution"}, "extra": [{"arn": "arn:aws:iam::aws:policy/AdministratorAccess"}],
    }
    _, task, subject = _roles(main)
    assert subject.data["taskRoleArn"] == "${aws_iam_role.task.arn}" and task.complete
    assert [(f.rule_id, f.pointer) for f in _findings(main, ["ECS107"])] == [("ECS107", "/resource/aws_ecs_task_definition/app/task_role_arn")]


def test_a_caller_gets_the_optional_defaults_too_and_what_it_sets_stands(tmp_path):
    child = OBJECT_VARIABLES + TRUST + _role("task", "managed_policy_arns = [for item in var.roles.extra : item.arn]") + 'output "arn" { value = aws_iam_role.task.arn }\n'
    main = _write(tmp_path, {
        "modules/iam/main.tf": child,
        "main.tf": 'module "iam" {\n  source = "./modules/iam"\n  roles  = { extra = [{}, { arn = "arn:aws:iam::aws:policy/ReadOnlyAccess" }] }\n}\n' + TASK % ('""', "module.iam.arn"),
    })
    _, task, _ = _roles(main)
    assert [attachment.arn for attachment in task.attachments] == ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"]


def test_an_object_variable_without_default_stays_unknown(tmp_path):
    main = _write(tmp_path, {
        "variables.tf": OBJECT_VARIABLES.replace("  default = { extra = [{}] }\n", ""),
        "iam.tf": TRUST + _role("task", "managed_policy_arns = [for item in var.roles.extra : item.arn]"),
        "main.tf": TASK % ('""', "aws_iam_role.task.arn"),
    })
    _, task, _ = _roles(main)
    assert not task.complete
    assert _findings(main, ["ECS107"]) == []


def test_roles_from_iam_input_are_judged_every_way_too(tmp_path):
    import json

    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}]}
    admin = [{"PolicyName": "admin", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]
    roles = [{"RoleName": name, "Arn": f"arn:aws:iam::123456789012:role/{name}", "AssumeRolePolicyDocument": trust, "RolePolicyList": admin if name != "fine" else []} for name in ("blue", "green", "fine")]
    iam = json.dumps({"RoleDetailList": roles})
    choice = 'var.blue ? "arn:aws:iam::123456789012:role/blue" : "arn:aws:iam::123456789012:role/%s"'
    main = _write(tmp_path, {"variables.tf": 'variable "blue" { type = bool }\n', "main.tf": TASK % ('""', choice % "green")})
    found = lint_text(main.read_text(), filename=str(main), select=["ECS107"], iam=iam)
    assert [(f.rule_id, f.message.split(" (")[0], len(f.related)) for f in found] == [("ECS107", "Task role 'blue' allows every action on every resource", 2)]
    main.write_text(TASK % ('""', choice % "fine"))
    assert lint_text(main.read_text(), filename=str(main), select=["ECS107"], iam=iam) == []
