"""Hostile input: devices, FIFOs, links, deep or huge values, broken endpoints. Each case once crashed, hung or misled."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import threading
from pathlib import Path

import pytest

from tests.helpers import cli, container, lint_text, run_process, task

ROLE = "arn:aws:iam::123456789012:role/app"
# A Fargate task in bridge mode: one ECS301 error the other files' findings are recognised by.
BAD = task(requiresCompatibilities=["FARGATE"], networkMode="bridge", cpu="256", memory="512")


def _write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


# Writing reports -----------------------------------------------------------------------------------


def test_output_to_a_fifo_is_written_through_and_the_fifo_stays(tmp_path, capsys):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = cli(capsys, "check", "--isolated", "--format", "json", "--output", str(fifo), str(_write(tmp_path / "t.json", BAD)))
    reader.join(10)
    assert result.code == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(received[0])["summary"]["errors"] == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_output_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path, capsys):
    target = _write(tmp_path / "real.sarif", "old")
    link = tmp_path / "link.sarif"
    link.symlink_to(target.name)
    cli(capsys, "check", "--isolated", "--format", "sarif", "--output", str(link), str(_write(tmp_path / "t.json", BAD)))
    assert link.is_symlink()
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_a_read_only_report_file_is_refused_not_replaced(tmp_path, capsys):
    locked = _write(tmp_path / "report.txt", "keep me")
    locked.chmod(0o444)
    result = cli(capsys, "check", "--isolated", "--output", str(locked), str(_write(tmp_path / "t.json", BAD)))
    assert result.code == 2
    assert result.err == f"ecslint: error: cannot write {locked}: Permission denied (the file is read-only)\n"
    assert locked.read_text() == "keep me"


@pytest.mark.parametrize("option", ["--output", "--write-baseline", "--report"])
def test_new_files_get_the_umask_mode_and_existing_files_keep_theirs(tmp_path, capsys, option):
    source = str(_write(tmp_path / "t.json", BAD))
    fresh, kept = tmp_path / "fresh.out", _write(tmp_path / "kept.out", "")
    kept.chmod(0o640)
    previous = os.umask(0o022)
    try:
        for path in (fresh, kept):
            value = f"json:{path}" if option == "--report" else str(path)
            cli(capsys, "check", "--isolated", option, value, source)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_output_dash_is_stdout(tmp_path, capsys):
    result = cli(capsys, "check", "--isolated", "--format", "json", "--output", "-", str(_write(tmp_path / "t.json", BAD)))
    assert json.loads(result.out)["summary"]["errors"] == 1
    assert not (Path.cwd() / "-").exists()


def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path, capsys, monkeypatch):
    from ecslint.report import output

    def stopped(*_args):
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("SIGTERM did not stop the run")

    monkeypatch.setattr(output.os, "replace", stopped)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        result = cli(capsys, "check", "--isolated", "--output", str(tmp_path / "report.txt"), str(_write(tmp_path / "t.json", BAD)))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert result.code == 128 + signal.SIGTERM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.json"]


def test_ctrl_c_exits_130(capsys, monkeypatch):
    import ecslint.check_command

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(ecslint.check_command, "run_check", interrupted)
    result = cli(capsys, "check", ".")
    assert (result.code, result.err) == (130, "\necslint: aborted\n")


# Reading inputs ------------------------------------------------------------------------------------


def test_devices_and_fifos_named_are_refused_in_one_line_and_the_rest_is_linted(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    good = _write(tmp_path / "t.json", BAD)
    result = run_process("check", "--isolated", "/dev/zero", str(fifo), str(good), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        "ecslint: error: /dev/zero: is not a regular file (a device, FIFO or socket); name a file",
        "ecslint: error: pipe.json: is not a regular file (a device, FIFO or socket); name a file",
    ]
    assert b"t.json:1:" in result.stdout


def test_walked_links_to_devices_and_fifos_are_skipped(tmp_path, capsys):
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.json")
    _write(tmp_path / "t.json", BAD)
    result = cli(capsys, "check", "--isolated", "-v", str(tmp_path))
    assert result.code == 1
    assert "ecslint: skipped " in result.err and "zero.json: is not a regular file (a device, FIFO or socket)" in result.err
    assert "pipe.json: is not a regular file" in result.err


def test_endless_stdin_is_read_only_up_to_the_limit():
    with open("/dev/zero", "rb") as endless:
        import subprocess
        import sys

        result = subprocess.run([sys.executable, "-m", "ecslint", "check", "--isolated", "-"], stdin=endless, capture_output=True, timeout=120)
    assert result.returncode == 1
    assert result.stdout.startswith(b"<stdin>:1:1: ECS001 [error] File is too large to lint (over the limit of 32 MiB).")


@pytest.mark.parametrize("option", ["--baseline", "--iam"])
def test_side_files_that_are_devices_are_refused(tmp_path, capsys, option):
    result = cli(capsys, "check", "--isolated", option, "/dev/zero", str(_write(tmp_path / "t.json", BAD)))
    assert result.code == 2
    assert "/dev/zero: " in result.err and "is not a regular file (a device, FIFO or socket)" in result.err
    assert len(result.err.splitlines()) == 1


def test_iam_files_may_be_larger_than_task_definitions(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("ecslint.documents.parse.MAX_DOCUMENT_BYTES", 100)
    monkeypatch.setattr("ecslint.documents.files.MAX_DOCUMENT_BYTES", 100)
    iam = _write(tmp_path / "iam.json", json.dumps({"RoleDetailList": [], "Policies": [], "padding": "x" * 500}))
    result = cli(capsys, "check", "--isolated", "--iam", str(iam), str(_write(tmp_path / "t.json", "{}")))
    assert "--iam" not in result.err and "too large" not in result.err


def test_a_broken_link_is_reported_under_its_own_name(tmp_path):
    (tmp_path / "taskdef.json").symlink_to("gone-target.json")
    result = run_process("check", "--isolated", "taskdef.json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode() == "ecslint: error: taskdef.json: is a broken symbolic link (its target does not exist)\n"


def test_a_file_symlink_loop_is_an_input_error(tmp_path, capsys):
    (tmp_path / "a.json").symlink_to("b.json")
    (tmp_path / "b.json").symlink_to("a.json")
    good = _write(tmp_path / "t.json", BAD)
    result = cli(capsys, "check", "--isolated", str(tmp_path / "a.json"), str(good))
    assert result.code == 2
    assert "a.json: too many levels of symbolic links" in result.err
    assert "t.json:1:" in result.out


def test_an_unreadable_folder_is_an_input_error_while_walking(tmp_path, capsys, monkeypatch):
    (tmp_path / "locked").mkdir()
    _write(tmp_path / "locked" / "t.json", BAD)
    _write(tmp_path / "t.json", BAD)
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = cli(capsys, "check", "--isolated", str(tmp_path))
    assert result.code == 2
    assert "locked: permission denied; the folder's files were not linted" in result.err
    assert "t.json:1:" in result.out


def test_a_named_file_in_a_folder_that_cannot_be_searched_is_an_input_error(tmp_path, capsys, monkeypatch):
    hidden = tmp_path / "closed" / "t.json"
    good = _write(tmp_path / "t.json", BAD)
    real_stat = os.stat

    def guarded_stat(path, *args, **kwargs):
        if "closed" in str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", guarded_stat)
    result = cli(capsys, "check", "--isolated", str(hidden), str(good))
    assert result.code == 2
    assert result.err.strip().endswith("closed/t.json: permission denied")
    assert "t.json:1:" in result.out


def test_the_position_index_does_not_grow_per_character_of_a_string():
    import tracemalloc

    from ecslint.documents.jsontext import JsonLocator

    text = json.dumps({"family": "x" * 2_000_000, "containerDefinitions": []})
    tracemalloc.start()
    try:
        locator = JsonLocator(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert locator.spans["/family"][2:] == (11, 2_000_013)
    assert peak < 20_000_000  # the old string pattern kept ~115 bytes per character: 230 MB here


# One bad input costs its own findings ----------------------------------------------------------------

SELF_REFERENCE = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref Role
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !GetAtt Role.Arn
      ContainerDefinitions:
        - {Name: a, Image: nginx:1, Memory: 64}
"""
SELECT_INFINITY = """\
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Select [.inf, [a]]
      ContainerDefinitions:
        - {Name: a, Image: nginx:1, Memory: 64}
"""
BINARY_VALUE = """\
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !!binary aGVsbG8=
      ContainerDefinitions:
        - {Name: a, Image: nginx:1, Memory: 64}
"""
ATTRIBUTE_AND_BLOCK = """\
resource "aws_ecs_task_definition" "t" {
  family = "x"
  volume = "a"
  volume {
    name = "v"
  }
  container_definitions = jsonencode([{ name = "a", image = "nginx:1", memory = 64 }])
}
"""
HUGE_INTEGER = 'resource "aws_ecs_task_definition" "t" {\n  family = "x"\n  cpu = ' + "9" * 4400 + '\n  container_definitions = jsonencode([{ name = "a", image = "nginx:1", memory = 64 }])\n}\n'
NESTED = "[" * 700 + '"x"' + "]" * 700
DEEP_PLAN = json.dumps(
    {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [{"address": "aws_ecs_task_definition.t", "type": "aws_ecs_task_definition", "name": "t", "values": {"family": "x", "container_definitions": '[{"name":"a","image":"nginx:1","memory":64,"environment":' + NESTED + "}]"}}]}},
    }
)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("self-reference.yaml", SELF_REFERENCE),
        ("select-infinity.yaml", SELECT_INFINITY),
        ("binary.yaml", BINARY_VALUE),
        ("attribute-and-block.tf", ATTRIBUTE_AND_BLOCK),
        ("huge-integer.tf", HUGE_INTEGER),
        ("plan.json", DEEP_PLAN),
        ("cpu.json", task(cpu="9" * 309, memory="512", requiresCompatibilities=["FARGATE"], networkMode="awsvpc")),
        ("memory.json", task(cpu="256", memory="9" * 400 + " GB", requiresCompatibilities=["FARGATE"], networkMode="awsvpc")),
    ],
)
def test_a_hostile_file_never_costs_the_other_files_findings(tmp_path, capsys, name, text):
    hostile = _write(tmp_path / name, text)
    good = _write(tmp_path / "t.json", BAD)
    result = cli(capsys, "check", "--isolated", "--format", "json", str(hostile), str(good))
    assert "internal error" not in result.err
    report = json.loads(result.out)
    assert any(f["path"].endswith("t.json") and f["rule"] == "ECS301" for f in report["findings"])
    assert all(e["message"] == "nested too deeply to lint (no findings for this file)" for e in report["inputErrors"])


def test_a_self_reference_resolves_to_unknown_not_a_crash():
    found = lint_text(SELF_REFERENCE, "template.yaml")
    assert {f.rule_id for f in found} >= {"ECS701"}


def test_a_long_depends_on_chain_is_checked_without_recursion():
    containers = [container(name=f"c{i}", dependsOn=[{"containerName": f"c{i + 1}", "condition": "START"}]) for i in range(990)]
    containers.append(container(name="c990", dependsOn=[{"containerName": "c0", "condition": "START"}]))
    found = lint_text(task(containers), select=["ECS405"])
    assert [(f.pointer, f.message[:40]) for f in found] == [("/containerDefinitions/990/dependsOn/0/containerName", "Container 'c990': `dependsOn[0]` closes ")]


def test_a_3000_character_action_pattern_is_no_internal_error():
    iam = {
        "RoleDetailList": [
            {
                "RoleName": "app",
                "Arn": ROLE,
                "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
                "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["iam:" + "a*" * 1500, "s3:" + "*a" * 12 + "b"], "Resource": "*"}]}}],
                "AttachedManagedPolicies": [],
            }
        ],
        "Policies": [],
    }
    found = lint_text(task(taskRoleArn=ROLE, executionRoleArn=ROLE), iam=json.dumps(iam))
    assert "ECS102" in {f.rule_id for f in found}


def test_policy_version_list_of_null(tmp_path, capsys):
    iam = _write(tmp_path / "iam.json", json.dumps({"RoleDetailList": [], "Policies": [{"PolicyName": "p", "Arn": "arn:aws:iam::123456789012:policy/p", "PolicyVersionList": [None]}]}))
    result = cli(capsys, "check", "--isolated", "--iam", str(iam), str(_write(tmp_path / "t.json", BAD)))
    assert result.code == 1 and "internal error" not in result.err


@pytest.mark.parametrize("setting", ['fail-on = 1979-05-27', "exclude = [1979-05-27]", "[per-file-ignores]\n\"a\" = [07:32:00]"])
def test_toml_dates_in_the_config_are_values_not_crashes(tmp_path, capsys, setting):
    config = _write(tmp_path / ".ecslint.toml", setting + "\n")
    result = cli(capsys, "check", "--config", str(config), str(_write(tmp_path / "t.json", BAD)))
    assert "internal error" not in result.err
    assert result.code in (1, 2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"version": 1, "findings": [{"path": "\xe9"}]}', "is not UTF-8 text (byte 39)"),
        (b"[" * 100_000 + b"]" * 100_000, "is nested too deeply to be an ecslint baseline"),
        *[
            (json.dumps({"version": 1, "findings": [{"path": "t.json", "rule": "ECS301", "pointer": "/networkMode", "count": count}]}).encode(), "`count` must be a whole number of at least 1")
            for count in (-5, 0, 1.9, "2", True)
        ],
    ],
)
def test_unusable_baselines_are_refused_in_one_line(tmp_path, capsys, content, message):
    baseline = _write(tmp_path / "baseline.json", content)
    result = cli(capsys, "check", "--isolated", "--baseline", str(baseline), str(_write(tmp_path / "t.json", BAD)))
    assert result.code == 2
    assert result.err.startswith(f"ecslint: error: baseline {baseline} ") and message in result.err
    assert len(result.err.splitlines()) == 1


# Encodings and stray text ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])
def test_utf16_and_utf32_files_are_told_to_save_as_utf8(encoding):
    found = lint_text(BAD.encode(encoding))
    width = "UTF-32" if "32" in encoding else "UTF-16"
    assert [(f.rule_id, f.message) for f in found] == [("ECS001", f"File is {width} text; save it as UTF-8, the encoding ecslint reads.")]


def test_a_shell_prompt_before_the_json_is_named():
    found = lint_text("$ aws ecs describe-task-definition --task-definition web\n" + BAD)
    assert [f.message for f in found] == ["Invalid JSON: text before the JSON document (a shell prompt or command?); the file must start with `{` or `[` (line 1, column 1)."]


def test_text_after_the_json_is_named():
    found = lint_text(BAD + "\n{}\n")
    assert [(f.region.start_line, f.message) for f in found] == [(2, "Invalid JSON: more text after the JSON document ends (a second document, or output pasted after it); a file holds one JSON document (line 2, column 1).")]


# --aws against endpoints that fail ------------------------------------------------------------------


@pytest.fixture
def broken_endpoint(monkeypatch, request):
    """AWS_ENDPOINT_URL at a local socket on 127.0.0.1 that misbehaves as the test's parameter says."""
    import ecslint.aws.task_definitions as live

    monkeypatch.setattr(live, "CONNECT_TIMEOUT_SECONDS", 1)
    monkeypatch.setattr(live, "READ_TIMEOUT_SECONDS", 1)
    monkeypatch.setattr(live, "MAX_ATTEMPTS", 1)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    behaviour = request.param
    held: list = []
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            if behaviour == "html":
                connection.recv(65536)
                body = b"<html>Sign in to the network</html>"
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            held.append(connection)  # "silent": accepted, never answered

    if behaviour == "refused":
        listener.close()
    else:
        listener.listen(16)
        threading.Thread(target=serve, daemon=True).start()
    for name, value in {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    yield behaviour
    stop.set()
    listener.close()
    for connection in held:
        connection.close()


@pytest.mark.parametrize(
    ("broken_endpoint", "says"),
    [("silent", "no answer from ECS in us-east-1 within 1 s to connect or 1 s to reply; check the network"), ("refused", "could not connect to ECS in us-east-1; check the network"), ("html", "ECS in us-east-1 sent a reply that is not from AWS")],
    indirect=["broken_endpoint"],
)
def test_an_endpoint_that_fails_is_one_line_and_the_files_are_still_linted(tmp_path, capsys, broken_endpoint, says):
    result = cli(capsys, "check", "--isolated", "--aws", "web", "--aws", "api", str(_write(tmp_path / "t.json", BAD)))
    assert result.code == 2
    errors = [line for line in result.err.splitlines() if line.startswith("ecslint: error:")]
    assert len(errors) == 1 and errors[0].startswith(f"ecslint: error: --aws web: {says}")
    assert "internal error" not in result.err
    assert "t.json:1:" in result.out and "ECS301" in result.out
