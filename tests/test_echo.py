"""What output may show of hostile input: no secret in full, no raw control character, no lone surrogate, in any format."""

from __future__ import annotations

import json
import os

import pytest

from tests.helpers import cli, container, lint_text, task

FORMATS = ("text", "json", "sarif", "github")
# Assembled so that this file holds no complete key.
KEY_ID = "AKIA" + "Q7ZC4RT2MN5WBX9P"
SECRET_KEY = "h3Kd9Lx2Qp7Wz" + "/Rt5Vy8Nb1Mc4Gf6Jk0Ps" + "+Ue2Xa"
CONTROL = "\x1b]0;owned\x07\x1b[2K\r\n::error file=x.json,line=1::fake finding\n"
RAW = ("\x1b", "\x07", "\r", "\ud800")


def _outputs(capsys, path, *extra):
    for output_format in FORMATS:
        result = cli(capsys, "check", "--isolated", "--format", output_format, *extra, str(path))
        yield output_format, result


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# A lone surrogate -----------------------------------------------------------------------------------


def test_a_lone_surrogate_in_a_container_name_is_escaped_in_every_format(capsys, tmp_path):
    # JSON may spell a lone surrogate as an escape; Python decodes it to an unencodable character.
    text = json.dumps({"family": "web", "containerDefinitions": [container(name="x", user="root")]}).replace('"name": "x"', '"name": "web\\ud800"')
    path = _write(tmp_path, "task-definition.json", text)
    for output_format, result in _outputs(capsys, path):
        assert result.code == 1, (output_format, result.err)
        assert "\ud800" not in result.out and "web\\ud800" in result.out.replace("\\\\", "\\")
        result.out.encode("utf-8")


def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(capsys, tmp_path):
    folder = tmp_path / "deploy"
    folder.mkdir()
    raw_name = os.fsencode(folder) + b"/task-\xff.json"
    with open(raw_name, "wb") as handle:
        handle.write(task([container(user="root")]).encode())
    for output_format, result in _outputs(capsys, folder):
        assert result.code == 1, (output_format, result.err)
        result.out.encode("utf-8")
        assert "ECS502" in result.out


# Control characters -------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["container name", "environment name", "label key", "image"])
def test_control_characters_never_reach_the_output_raw(capsys, tmp_path, where):
    fields = {
        "container name": {"name": "web" + CONTROL, "user": "root"},
        "environment name": {"environment": [{"name": "A" + CONTROL, "value": "1"}, {"name": "A" + CONTROL, "value": "2"}]},
        "label key": {"dockerLabels": {"k" + CONTROL: KEY_ID}},
        "image": {"image": "nginx" + CONTROL},
    }[where]
    path = _write(tmp_path, "task-definition.json", task([container(**fields)]))
    for output_format, result in _outputs(capsys, path):
        assert result.out.strip(), output_format
        assert not any(character in result.out + result.err for character in RAW), (output_format, result.out)
        if output_format == "github":
            assert all(line.startswith(("::error file=", "::warning file=", "::notice file=")) for line in result.out.splitlines())
        if output_format == "text":
            *findings, summary = result.out.splitlines()
            assert all(line.startswith(str(path)) or line.startswith(os.path.relpath(path)) for line in findings) and summary.startswith("Found")


def test_control_characters_in_a_file_name_reach_neither_stdout_nor_stderr(capsys, tmp_path):
    folder = tmp_path / "deploy"
    folder.mkdir()
    (folder / ("task\x1b[2J\n::warning::x.json")).write_text(task([container(user="root")]), encoding="utf-8")
    # A committed dangling symlink is an input error on stderr.
    (folder / ("gone\n::error::injected.json")).symlink_to(folder / "nowhere.json")
    for output_format, result in _outputs(capsys, folder, "-v"):
        assert "\x1b" not in result.out + result.err, output_format
        assert all(line.startswith("ecslint: ") for line in result.err.splitlines())
        if output_format == "github":
            assert all(line.startswith(("::error file=", "::warning file=", "::notice file=")) for line in result.out.splitlines())
        else:
            assert "\n::" not in result.out


# Secret-shaped values outside secret fields (ECS001, ECS002, ECS110, ECS402, names) ------------------


def _messages(text: str, filename: str = "task-definition.json") -> str:
    return "\n".join(finding.message for finding in lint_text(text, filename))


def test_hcl_parse_errors_do_not_quote_a_single_quoted_password():
    password = "Hunter2-" + "V3ryS3cret!"
    text = f'resource "aws_ecs_task_definition" "x" {{\n  family = "x"\n  password = \'{password}\'\n}}\n'
    [finding] = lint_text(text, "main.tf")
    assert finding.rule_id == "ECS001" and password not in finding.message and password[:6] not in finding.message
    assert "unexpected text starting with `'`" in finding.message


@pytest.mark.parametrize(
    "fields",
    [
        {"networkMode": KEY_ID},  # ECS002 enum
        {"cpu": ["x", KEY_ID]},  # ECS002 type (an array is shown by type)
        {KEY_ID: "1"},  # ECS002 unknown key
        {"taskRoleArn": f"arn:aws:iam::123456789012:user/{KEY_ID}"},  # ECS110
        {"executionRoleArn": KEY_ID},  # ECS110, a bare name
    ],
)
def test_secret_shaped_values_in_task_fields_are_masked(fields):
    messages = _messages(task([container()], **fields))
    assert KEY_ID[4:] not in messages and messages


@pytest.mark.parametrize(
    "fields",
    [
        {"name": KEY_ID, "user": "root"},  # container names in every message
        {"essential": KEY_ID},  # ECS002 type: a string where a boolean goes
        {"linuxParameters": {"capabilities": {"add": [KEY_ID]}}},  # ECS402
        {"logConfiguration": {"logDriver": SECRET_KEY}},  # ECS402 and ECS002
        {"image": f"nginx:{SECRET_KEY}"},  # ECS602
    ],
)
def test_secret_shaped_values_in_container_fields_are_masked(fields):
    messages = _messages(task([container(**fields)], requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512"))
    assert messages
    assert KEY_ID[4:] not in messages and SECRET_KEY[4:] not in messages
