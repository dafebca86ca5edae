"""Bad input gets a clear answer and the documented exit code, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import cli, lint_text, run_process

GOOD = json.dumps({"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 256}]})
BAD = json.dumps({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "bridge", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]})


def _messages(findings):
    return [(f.rule_id, f.region.start_line, f.region.start_column, f.message) for f in findings]


def test_malformed_json_is_ecs001_with_line_and_column():
    findings = lint_text('{\n  "family": "web"\n  "containerDefinitions": []\n}')
    assert _messages(findings) == [("ECS001", 3, 3, "Invalid JSON: Expecting ',' delimiter (line 3, column 3).")]


def test_binary_file():
    assert _messages(lint_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00")) == [("ECS001", 1, 1, "File is binary, not JSON text.")]


def test_empty_file():
    assert _messages(lint_text(b"  \n")) == [("ECS001", 1, 1, "File is empty; expected a task definition.")]


def test_not_utf8_reports_where():
    findings = lint_text(b'{\n  "family": "caf\xe9"\n}')
    assert _messages(findings) == [("ECS001", 2, 17, "File is not UTF-8 text (byte 0xe9 cannot be decoded).")]


def test_utf8_bom_is_accepted():
    assert lint_text(b"\xef\xbb\xbf" + GOOD.encode(), select=["ECS001", "ECS002"]) == []


def test_deeply_nested_json():
    findings = lint_text("[" * 10_000 + "]" * 10_000)
    assert [f.message for f in findings] == ["Invalid JSON: nested too deeply to be a task definition (line 1, column 1)."]


def test_valid_json_of_another_shape_is_ecs001_when_named():
    [finding] = lint_text('{"name": "my-package", "version": "1.0.0"}')
    assert finding.rule_id == "ECS001" and finding.message.startswith("Not a document ecslint reads")


def test_large_file_is_linted_without_trouble(tmp_path, capsys):
    big = tmp_path / "big.json"
    big.write_text(json.dumps(["x" * 1000] * 20_000))  # about 20 MB
    assert big.stat().st_size > 20_000_000
    result = cli(capsys, "check", str(big))
    assert result.code == 1
    assert "ECS001 [error] Not a document ecslint reads" in result.out


def test_file_over_the_size_limit(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("ecslint.documents.parse.MAX_DOCUMENT_BYTES", 1000)
    path = tmp_path / "taskdef.json"
    path.write_text(json.dumps({"family": "x" * 2000, "containerDefinitions": []}))
    result = cli(capsys, "check", str(path))
    assert result.code == 1
    assert "ECS001 [error] File is too large to lint" in result.out


def test_missing_path_exits_2_and_still_lints_the_others(tmp_path, capsys):
    bad = tmp_path / "taskdef.json"
    bad.write_text(BAD)
    result = cli(capsys, "check", str(bad), str(tmp_path / "missing.json"))
    assert result.code == 2
    assert "ECS301" in result.out
    assert result.err.strip().splitlines() == [f"ecslint: error: {(tmp_path / 'missing.json').as_posix()}: no such file or directory"]


def test_unreadable_file_exits_2_and_still_lints_the_others(tmp_path, capsys, monkeypatch):
    good, locked = tmp_path / "a.json", tmp_path / "b.json"
    good.write_text(BAD)
    locked.write_text(GOOD)
    from ecslint.documents import files

    real_read = files.read_regular_file

    def read_regular_file(path, limit):
        if Path(path).name == "b.json":
            raise PermissionError(13, "Permission denied")
        return real_read(path, limit)

    monkeypatch.setattr(files, "read_regular_file", read_regular_file)
    result = cli(capsys, "check", str(tmp_path))
    assert result.code == 2
    assert "a.json:1:" in result.out and "ECS301" in result.out
    assert result.err.strip().endswith("b.json: permission denied")


def test_directory_symlink_loop_terminates(tmp_path, capsys):
    (tmp_path / "ecs").mkdir()
    (tmp_path / "ecs" / "taskdef.json").write_text(BAD)
    os.symlink(tmp_path, tmp_path / "ecs" / "loop")
    result = cli(capsys, "check", str(tmp_path))
    assert result.code == 1
    assert result.out.count("ECS301") == 1


def test_walking_skips_other_json_quietly_and_verbose_lists_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("package.json").write_text('{"name": "web"}')
    Path("broken-config.json").write_text("{not json")
    Path("node_modules").mkdir()
    Path("node_modules", "taskdef.json").write_text(BAD)
    Path("taskdef.json").write_text(GOOD)
    result = cli(capsys, "check", "--isolated", "--select", "ECS0,ECS3")
    assert (result.code, result.out, result.err) == (0, "No problems found in 1 file.\n", "")
    verbose = cli(capsys, "check", "--isolated", "--select", "ECS0,ECS3", "--verbose")
    assert "ecslint: skipped package.json: not a task definition" in verbose.err
    assert "ecslint: skipped broken-config.json: Invalid JSON" in verbose.err


def test_walked_broken_task_definition_is_reported(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("taskdef.json").write_text('{"containerDefinitions": [ ${CONTAINERS} ]}')
    result = cli(capsys, "check", "--isolated", ".")
    assert result.code == 1
    assert result.out.startswith("taskdef.json:1:28: ECS001 [error] Invalid JSON: Expecting value (line 1, column 28).")


def test_stdin_with_filename():
    result = run_process("check", "-", "--stdin-filename", "deploy/web.json", "--isolated", stdin=BAD.encode())
    assert result.returncode == 1
    assert result.stdout.decode().startswith("deploy/web.json:1:")
    assert result.stderr == b""


@pytest.mark.parametrize("payload", [b"\x00\x01\x02", b"", b"{", b"[" * 100_000, b"\xff\xfe{}", GOOD.encode()[:-3]])
def test_no_traceback_as_a_process(tmp_path, payload):
    path = tmp_path / "taskdef.json"
    path.write_bytes(payload)
    result = run_process("check", "--isolated", str(path))
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr and b"ECS001" in result.stdout


def test_walk_excludes_as_path_matches_does_without_reading(tmp_path):
    from ecslint.documents.files import Unread, collect, path_matches

    for relative in ("a/keep.json", "a/skip.json", "a/generated/x.json", "b/c/deep.yaml", "vendor/v.json", "b/c/note.txt"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("{}")
    (tmp_path / "a" / "link.json").symlink_to(tmp_path / "vendor" / "v.json")
    patterns = ["skip.json", "a/generated", "b/*/deep.*", "vendor/"]
    walked = list(collect([str(tmp_path)], tmp_path, tmp_path, patterns, False, None, read_now=False))
    assert all(isinstance(entry, Unread) for entry in walked)
    # A symbolic link is judged by its target (vendor/), as path_matches judges it.
    assert [entry.display_path for entry in walked] == ["a/keep.json"]
    # The same answer, file by file, as the one matching function gives.
    candidates = [path for path in sorted(tmp_path.rglob("*")) if path.suffix in (".json", ".yaml")]
    assert [path for path in candidates if not path_matches(path, tmp_path, patterns)] == [tmp_path / "a" / "keep.json"]
    read = list(collect([str(tmp_path)], tmp_path, tmp_path, patterns, False, None))
    assert [(source.display_path, source.raw) for source in read] == [("a/keep.json", b"{}")]
