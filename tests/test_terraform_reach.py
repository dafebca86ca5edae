"""A `.tf` file's siblings read only as far as its evaluation reaches: the same findings as reading the whole folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecslint.terraform import hcl, module_reach
from ecslint.terraform.blocks import mentioned_names, split_blocks
from ecslint.terraform.hcl import Encoded, HclError, parse_hcl, parse_hcl_blocks
from tests.helpers import CORPUS, REPO, cli

FIXTURES = sorted((REPO / "tests" / "fixtures" / "terraform").rglob("*.tf"))

TRICKY = '''# a comment with { and "
locals {
  a = "}" # }
  b = "${jsonencode({ x = "}" })}-%{ if true }{%{ endif }"
  c = <<-EOT
    } resource "fake" "block" {
    EOT
  d = [for k, v in { x = "]" } : v]
}
/* resource "x" "y" { */
resource "aws_iam_role" "r" { name = "r" }
variable "v" {
  default = { nested = { deeper = "}}}" } }
}
data "aws_iam_policy_document" "p" {
  statement {
    actions = ["s3:GetObject"] // {
  }
}
'''


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Encoded):
        return ("encoded", _plain(value.value))
    if isinstance(value, str):
        return (type(value).__name__, str(value))
    return value


def _texts():
    found = [("tricky.tf", TRICKY)] + [(path.name, path.read_text(encoding="utf-8-sig")) for path in FIXTURES]
    if CORPUS.is_dir():
        found += [(path.name, path.read_text(encoding="utf-8-sig")) for path in sorted(CORPUS.glob("*.tf"))]
    return found


@pytest.mark.parametrize("name,text", _texts(), ids=lambda value: value if isinstance(value, str) and len(value) < 80 else "")
def test_blocks_are_where_the_parser_finds_them_and_parse_alone_as_in_the_file(name, text):
    from hcl2.parser import parser
    from lark import Tree

    blocks = split_blocks(text)
    assert blocks is not None
    tree = parser().parse(text + "\n")
    body = [child for child in tree.children if isinstance(child, Tree)][0]
    expected = [(node.meta.line, node.meta.column, node.meta.end_pos) for node in body.children if isinstance(node, Tree) and node.data == "block"]
    assert [(block.line, block.column, block.end) for block in blocks] == expected
    whole = parse_hcl(text, name)
    every = parse_hcl_blocks(text, name, blocks, {block.start for block in blocks})
    assert _plain(every.data) == _plain(whole.data)
    assert every.spans == whole.spans
    # Sections and types in the order the whole file gives them, whichever blocks are parsed.
    some = parse_hcl_blocks(text, name, blocks, {block.start for block in blocks[1::2]})
    def layout(data):
        return [(section, list(named) if section in ("resource", "data") else None) for section, named in data.items()]

    assert layout(some.data) == layout(whole.data)
    assert all(whole.spans[pointer] == span for pointer, span in some.spans.items())


def test_the_scanner_gives_up_where_it_is_not_sure():
    assert split_blocks('x = 1\nresource "a" "b" {}\n') is None  # a top-level attribute
    assert split_blocks('resource "a" "b" {\n  x = [1, 2\n}\n') is None  # unbalanced
    assert split_blocks('resource "a\\u0062" "b" {}\n') is None  # an escape in a label
    assert split_blocks('resource "a" "b" {\n  x = <<EOT\n  no end\n}\n') is None
    assert [block.labels for block in split_blocks(TRICKY)] == [(), ("aws_iam_role", "r"), ("v",), ("aws_iam_policy_document", "p")]
    assert split_blocks(TRICKY)[0].attribute_names == ["a", "b", "c", "d"]


def test_mentioned_names_keep_every_reading_of_a_dash():
    names = mentioned_names('x = var.n-1 + local.a\ny = "${data.aws_iam_policy_document.p.json}" z = aws_iam_role.r[0].arn module.m.out')
    assert {"var.n-1", "var.n", "local.a", "data.aws_iam_policy_document.p", "aws_iam_role.r", "module.m"} <= names


def test_a_block_that_does_not_parse_raises_as_the_file_would():
    text = 'resource "aws_iam_role" "ok" { name = "a" }\nresource "aws_iam_role" "bad" {\n  name = = "b"\n}\n'
    blocks = split_blocks(text)
    with pytest.raises(HclError):
        parse_hcl(text, "x.tf")
    assert list(parse_hcl_blocks(text, "x.tf", blocks, {blocks[0].start}).data["resource"]["aws_iam_role"]) == ["ok"]
    with pytest.raises(HclError):
        parse_hcl_blocks(text, "x.tf", blocks, {blocks[1].start})


# A folder where what one file needs is spread over others, with every way an unreached block could matter.
FOLDER = {
    "main.tf": '''
locals { prefix = "app" }
resource "aws_ecs_task_definition" "app" {
  family             = "app"
  cpu                = 256
  memory             = 512
  execution_role_arn = "arn:aws:iam::123456789012:role/shared-exec"
  task_role_arn      = aws_iam_role.app.arn
  container_definitions = jsonencode([{ name = "app", image = "nginx:latest", essential = true,
    secrets = [{ name = "DB", valueFrom = aws_secretsmanager_secret.db.arn }] }])
}
''',
    "roles.tf": '''
resource "aws_iam_role" "app" {
  name               = "${local.prefix}-task"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
resource "aws_iam_role" "exec" {
  name               = "shared-exec"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
resource "aws_iam_role" "unrelated" {
  name               = "unrelated"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
resource "aws_iam_role" "computed" {
  name               = var.computed_name
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
resource "aws_iam_role" "none" {
  count = 0
  name  = "none"
}
''',
    "trust.tf": '''
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}
''',
    "attachments.tf": '''
resource "aws_iam_role_policy_attachment" "by_name" {
  role       = "shared-exec"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_role_policy_attachment" "plain" {
  role       = aws_iam_role.unrelated.name
  policy_arn = aws_iam_policy.wide.arn
}
resource "aws_iam_role_policy" "unknown" {
  role   = var.role_name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
resource "aws_iam_policy_attachment" "many" {
  name       = "many"
  roles      = [aws_iam_role.app.name, aws_iam_role.unrelated.name]
  policy_arn = aws_iam_policy.wide.arn
}
resource "aws_iam_policy" "wide" {
  name   = "wide"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
''',
    "modules.tf": '''
module "labels" {
  source = "cloudposse/label/null"
}
locals { label = module.labels.id }
resource "aws_iam_role" "labelled" {
  name               = local.label
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
''',
    "secrets.tf": '''
resource "aws_secretsmanager_secret" "db" {
  kms_key_id = aws_kms_key.db.arn
}
resource "aws_secretsmanager_secret" "other" {}
''',
    "variables.tf": '''
variable "computed_name" {}
variable "role_name" {}
variable "unused" { default = "x" }
''',
    "other_task.tf": '''
resource "aws_ecs_task_definition" "other" {
  family             = "other"
  execution_role_arn = aws_iam_role.exec.arn
  task_role_arn      = aws_iam_role.computed.arn
  container_definitions = jsonencode([{ name = "o", image = "busybox", essential = true, privileged = true }])
}
''',
}


def _write(folder: Path, files: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def _outputs(capsys, paths: list[Path]) -> list[str]:
    return [cli(capsys, "check", "--isolated", "--exit-zero", "--format", output, str(path)).out for output in ("json", "text") for path in paths]


def _reading_everything(monkeypatch) -> None:
    """The folder read as before: every sibling whole (every block), nothing reused between files."""
    monkeypatch.setattr(module_reach.FolderIndex, "reach", lambda self, own, names=frozenset(): {id(unit) for entry in self.files for unit in entry.units})
    monkeypatch.setattr(module_reach.FolderIndex, "evaluation_key", lambda self, body, own: None)


def test_reading_only_what_is_reached_gives_the_findings_of_reading_everything(tmp_path, capsys, monkeypatch):
    _write(tmp_path / "module", FOLDER)
    paths = [tmp_path / "module" / "main.tf", tmp_path / "module" / "other_task.tf", tmp_path / "module"]
    reached = _outputs(capsys, paths)
    module_reach._INDEXES.clear()
    _reading_everything(monkeypatch)
    assert _outputs(capsys, paths) == reached
    report = json.loads(reached[0])
    # The execution role found by its name in roles.tf, with the attachment in attachments.tf naming it by name.
    wide = [finding for finding in report["findings"] if finding["rule"] == "ECS103"]
    assert [(Path(related["path"]).name, related["pointer"]) for finding in wide for related in finding["related"]] == [("attachments.tf", "/resource/aws_iam_role_policy_attachment/by_name/policy_arn")]
    # A module call only an IAM block of another file leads to is still named in the summary.
    assert "module.labels (`cloudposse/label/null`)" in reached[3]


def _copies(count: int) -> dict:
    files = {}
    for number in range(count):
        files[f"task{number:03d}.tf"] = FOLDER["main.tf"].replace("aws_iam_role.app", f"aws_iam_role.app{number}").replace(
            '"app"', f'"app{number}"').replace("aws_secretsmanager_secret.db", f"aws_secretsmanager_secret.db{number}").replace("locals { prefix", f"locals {{ prefix{number}")
        files[f"roles{number:03d}.tf"] = f'''
resource "aws_iam_role" "app{number}" {{
  name               = "app{number}-task"
  assume_role_policy = data.aws_iam_policy_document.trust{number}.json
}}
resource "aws_iam_role_policy_attachment" "app{number}" {{
  role       = aws_iam_role.app{number}.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}}
data "aws_iam_policy_document" "trust{number}" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }}
  }}
}}
resource "aws_secretsmanager_secret" "db{number}" {{}}
'''
    return files


def test_one_file_parses_the_same_blocks_however_large_its_folder(tmp_path, capsys, monkeypatch):
    parsed = []
    real = hcl.parse_hcl_blocks
    def recording(text, path, blocks, chosen, spans=None):
        parsed.extend((Path(path).name, block.labels) for block in blocks if block.start in chosen)
        return real(text, path, blocks, chosen, spans)

    monkeypatch.setattr(hcl, "parse_hcl_blocks", recording)
    counts = []
    for count in (3, 12):
        _write(tmp_path / f"folder{count}", _copies(count))
        parsed.clear()
        result = cli(capsys, "check", "--isolated", "--exit-zero", "--format", "json", str(tmp_path / f"folder{count}" / "task000.tf"))
        assert result.code == 0 and json.loads(result.out)["summary"]["taskDefinitions"] == 1
        counts.append(sorted(parsed))
    own = [("roles000.tf", ("aws_iam_policy_document", "trust0")), ("roles000.tf", ("aws_iam_role", "app0")), ("roles000.tf", ("aws_iam_role_policy_attachment", "app0")), ("roles000.tf", ("aws_secretsmanager_secret", "db0"))]
    # Of the other copies only their secrets are read (a `valueFrom` may name any, through a file): one small block each.
    assert counts == [sorted(own + [(f"roles{number:03d}.tf", ("aws_secretsmanager_secret", f"db{number}")) for number in range(1, count)]) for count in (3, 12)]


def test_a_folder_run_gives_the_findings_of_reading_everything(tmp_path, capsys, monkeypatch):
    _write(tmp_path / "many", _copies(6))
    reached = _outputs(capsys, [tmp_path / "many", tmp_path / "many" / "task003.tf"])
    module_reach._INDEXES.clear()
    _reading_everything(monkeypatch)
    assert _outputs(capsys, [tmp_path / "many", tmp_path / "many" / "task003.tf"]) == reached


def test_a_sibling_that_does_not_parse_where_the_file_reaches_is_left_out(tmp_path, capsys):
    files = dict(FOLDER)
    files["roles.tf"] = files["roles.tf"].replace('name               = "shared-exec"', 'name = = "shared-exec"')
    _write(tmp_path / "broken", files)
    report = json.loads(cli(capsys, "check", "--isolated", "--exit-zero", "--format", "json", str(tmp_path / "broken" / "main.tf")).out)
    # Without roles.tf neither role is in sight: both fields are reported unresolved, and no role policy is judged.
    assert report["unresolvedRoles"] == ["${aws_ecs_task_definition.app task_role_arn}", "arn:aws:iam::123456789012:role/shared-exec"]
    assert not [finding for finding in report["findings"] if finding["rule"].startswith("ECS1")]


def _conditional_folder(broad_either_way: bool) -> dict:
    """Two task definitions sharing a task role whose policy, in a third file, depends on a variable nobody sets."""
    narrow = '["*"]' if broad_either_way else '"s3:GetObject"'
    task = '''
resource "aws_ecs_task_definition" "NAME" {
  family             = "NAME"
  execution_role_arn = "arn:aws:iam::123456789012:role/exec"
  task_role_arn      = aws_iam_role.app.arn
  container_definitions = jsonencode([{ name = "NAME", image = "nginx:1.27", essential = true }])
}
'''
    return {
        "a.tf": task.replace("NAME", "first"),
        "b.tf": task.replace("NAME", "second"),
        "roles.tf": '''
variable "admin" {}
resource "aws_iam_role" "app" {
  name               = "app-task"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }] })
}
resource "aws_iam_role_policy" "app" {
  role   = aws_iam_role.app.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = var.admin ? "*" : NARROW, Resource = "*" }] })
}
'''.replace("NARROW", narrow),
    }


@pytest.mark.parametrize("broad_either_way", [False, True])
def test_a_sibling_evaluated_for_one_file_is_reused_only_where_its_conditions_go_the_same_way(tmp_path, capsys, monkeypatch, broad_either_way):
    _write(tmp_path / "module", _conditional_folder(broad_either_way))
    paths = [tmp_path / "module", tmp_path / "module" / "b.tf"]
    reused = _outputs(capsys, paths)
    module_reach._INDEXES.clear()
    _reading_everything(monkeypatch)
    assert _outputs(capsys, paths) == reused
    broad = [(Path(finding["path"]).name, finding["message"].split(" That includes")[0]) for finding in json.loads(reused[0])["findings"] if finding["rule"] == "ECS107"]
    if broad_either_way:
        # Both ways allow everything: one finding for the shared role (b.tf's task definition a related location).
        assert broad == [("a.tf", "Task role 'app-task' allows every action on every resource (policy 'app', statement 1).")]
    else:
        # `var.admin` may be false, where the role allows one action: no finding for either task definition, which a
        # policy evaluated for `var.admin = true` and reused for the other way would give.
        assert broad == []
