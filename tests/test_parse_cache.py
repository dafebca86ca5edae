"""Parsed Terraform kept between runs: trees read back exactly as parsed, the same report whether the cache is cold,
warm, damaged or off, and nothing written where it must not be."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from lark import Token, Tree

from ecslint import cache
from ecslint.terraform import hcl, module_reach, tree_cache
from ecslint.terraform.blocks import mentioned_names, split_blocks
from tests.helpers import CORPUS, cli, needs_shared
from tests.test_terraform_reach import FOLDER, _write

FIXTURES = Path(__file__).parent / "fixtures"


def _same(left, right) -> bool:
    """Trees equal in rule names, token types and texts, and every position the evaluator reads."""
    if isinstance(left, Token):
        fields = ("type", "start_pos", "line", "column", "end_line", "end_column", "end_pos")
        return isinstance(right, Token) and str(left) == str(right) and all(getattr(left, name) == getattr(right, name) for name in fields)
    if not isinstance(right, Tree) or left.data != right.data or len(left.children) != len(right.children):
        return False
    fields = ("empty", "line", "column", "end_line", "end_column", "start_pos", "end_pos")
    if any(getattr(left.meta, name, None) != getattr(right.meta, name, None) for name in fields):
        return False
    return all(_same(a, b) for a, b in zip(left.children, right.children))


def _texts() -> list[str]:
    paths = sorted(FIXTURES.rglob("*.tf")) + (sorted(CORPUS.glob("*.tf")) if CORPUS.is_dir() else [])
    return [path.read_text(encoding="utf-8") for path in paths]


def test_a_tree_reads_back_exactly_as_parsed():
    texts = _texts()
    assert len(texts) >= 10
    for text in texts:
        try:
            tree = hcl._parsed_tree(text)
        except hcl.HclError:
            continue
        assert _same(tree, tree_cache.decode(tree_cache.encode(tree)))


def test_the_comparison_sees_a_moved_token():
    tree = hcl._parsed_tree('resource "aws_iam_role" "a" {\n  name = "x"\n}\n')
    copy = tree_cache.decode(tree_cache.encode(tree))
    token = next(node for node in copy.iter_subtrees() for node in node.children if isinstance(node, Token) and str(node) == "name")
    token.column += 1
    assert not _same(tree, copy)


def _entries(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file() and path.name != cache._SWEPT)


def _reports(capsys, *arguments: str) -> list[str]:
    return [cli(capsys, "check", "--isolated", "--exit-zero", "--format", output, *arguments).out for output in ("json", "text", "sarif")]


def test_cold_warm_and_no_cache_runs_give_the_same_bytes(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ECSLINT_CACHE_DIR", str(tmp_path / "cache"))
    _write(tmp_path / "module", FOLDER)
    (tmp_path / "module" / "broken.tf").write_text('resource "aws_ecs_task_definition" "x" {\n  family = = "y"\n}\n')
    paths = [str(tmp_path / "module"), str(tmp_path / "module" / "main.tf")]
    off = [_reports(capsys, "--no-cache", path) for path in paths]
    assert not (tmp_path / "cache").exists()  # --no-cache writes nothing at all
    module_reach._INDEXES.clear()  # an index of the same files lives on in this process: no parse to keep
    cold = [_reports(capsys, path) for path in paths]
    written = _entries(tmp_path / "cache")
    assert written
    module_reach._INDEXES.clear()
    warm = [_reports(capsys, path) for path in paths]
    assert off == cold == warm
    assert _entries(tmp_path / "cache") == written
    # The file that does not parse keeps its error, line and column.
    assert "broken.tf:2:12: ECS001 [error] Invalid HCL: unexpected `=` (line 2, column 12)." in warm[0][1]


def test_a_warm_run_parses_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ECSLINT_CACHE_DIR", str(tmp_path / "cache"))
    _write(tmp_path / "module", FOLDER)
    first = _reports(capsys, str(tmp_path / "module"))
    module_reach._INDEXES.clear()

    def refuse(text):
        raise AssertionError("parsed although the cache holds the tree")

    monkeypatch.setattr(hcl, "_parsed_tree", refuse)
    monkeypatch.setattr(module_reach, "split_blocks", refuse)
    assert _reports(capsys, str(tmp_path / "module")) == first


def test_a_damaged_entry_is_parsed_again_and_replaced(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ECSLINT_CACHE_DIR", str(tmp_path / "cache"))
    _write(tmp_path / "module", FOLDER)
    first = _reports(capsys, str(tmp_path / "module"))
    entries = _entries(tmp_path / "cache")
    for number, entry in enumerate(entries):
        entry.write_bytes([b"", b"\x00garbage", b"\xe9" * 40][number % 3])
    module_reach._INDEXES.clear()
    assert _reports(capsys, str(tmp_path / "module")) == first
    assert all(entry.stat().st_size > 40 for entry in entries)


def test_an_unusable_cache_folder_changes_nothing(tmp_path, capsys, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("ECSLINT_CACHE_DIR", str(blocked / "cache"))
    _write(tmp_path / "module", FOLDER)
    result = cli(capsys, "check", "--isolated", "--exit-zero", "--format", "json", str(tmp_path / "module"))
    assert result.code == 0 and result.err == ""
    monkeypatch.setenv("ECSLINT_NO_CACHE", "1")
    assert cli(capsys, "check", "--isolated", "--exit-zero", "--format", "json", str(tmp_path / "module")).out == result.out


def test_a_folder_of_another_user_is_not_read(tmp_path, monkeypatch):
    if not hasattr(os, "getuid"):
        pytest.skip("no user ids on this platform")
    monkeypatch.setenv("ECSLINT_CACHE_DIR", str(tmp_path / "cache"))
    store = cache.Store("test")
    cache.use(True)
    store.put("ab" * 32, b"entry")
    assert store.get("ab" * 32) == b"entry"
    monkeypatch.setattr(os, "getuid", lambda: os.stat(tmp_path).st_uid + 1)
    cache.use(True)
    assert store.get("ab" * 32) is None
    cache.use(True)


def test_entries_not_read_for_a_month_are_swept(tmp_path, monkeypatch):
    monkeypatch.setenv("ECSLINT_CACHE_DIR", str(tmp_path / "cache"))
    cache.use(True)
    store = cache.Store("sweep")
    store.put("aa" * 32, b"old")
    store.put("bb" * 32, b"recent")
    folder = tmp_path / "cache" / store.namespace
    month_ago = time.time() - cache.KEEP_FOR - cache.DAY
    os.utime(folder / "aa" / ("aa" * 32), (month_ago, month_ago))
    os.utime(folder / cache._SWEPT, (month_ago, month_ago))  # the last sweep is old
    cache.use(True)
    assert store.get("bb" * 32) == b"recent"
    assert not (folder / "aa" / ("aa" * 32)).exists()


def test_the_cache_key_tells_texts_apart():
    assert cache.key("ab", "c") != cache.key("a", "bc")
    assert cache.key("x") == cache.key("x")


def test_a_scan_read_back_is_the_scan(tmp_path, monkeypatch):
    monkeypatch.setenv("ECSLINT_CACHE_DIR", str(tmp_path / "cache"))
    cache.use(True)
    for text in _texts():
        fresh = split_blocks(text)
        assert module_reach._scanned(text) == module_reach._scanned(text)
        blocks, mentions = module_reach._scanned(text)
        assert blocks == fresh
        if fresh is not None:
            assert mentions == [frozenset(mentioned_names(text[block.start : block.end])) for block in fresh]


@needs_shared
def test_the_corpus_reads_the_same_from_a_warm_cache(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ECSLINT_CACHE_DIR", str(tmp_path / "cache"))
    terraform = [str(path) for path in sorted(CORPUS.glob("*.tf"))]
    off = cli(capsys, "check", "--isolated", "--exit-zero", "--format", "json", "--no-cache", *terraform).out
    cli(capsys, "check", "--isolated", "--exit-zero", "--format", "json", *terraform)
    module_reach._INDEXES.clear()
    assert cli(capsys, "check", "--isolated", "--exit-zero", "--format", "json", *terraform).out == off


def test_escapes_resolve_as_python_hcl2_resolves_them():
    import random

    from hcl2.utils import process_escape_sequences

    alphabet = '\\nrtuU"0123456789abcdefABCDEFxé\n'
    generator = random.Random(7)
    texts = ["\\u0041", "\\U0001F600", "\\uD800", "\\U00110000", "\\", "a\\", "\\\\n", "\\u12", "\\q\\n"]
    texts += ["".join(generator.choice(alphabet) for _ in range(generator.randint(0, 14))) for _ in range(20000)]
    assert [hcl._unescape(text) for text in texts] == [process_escape_sequences(text) for text in texts]


def test_a_warm_run_loads_neither_python_hcl2_nor_its_grammar(tmp_path):
    import subprocess
    import sys

    _write(tmp_path / "module", FOLDER)
    program = (
        "import sys\nfrom ecslint.cli import main\ntry:\n    main(['check', '--isolated', '--exit-zero', sys.argv[1]])\n"
        "except SystemExit:\n    pass\nprint(sorted(name for name in ('hcl2', 'hcl2.parser') if name in sys.modules))\n"
    )
    environment = dict(os.environ, ECSLINT_CACHE_DIR=str(tmp_path / "cache"))
    runs = [subprocess.run([sys.executable, "-c", program, str(tmp_path / "module")], capture_output=True, text=True, env=environment, check=True) for _ in range(2)]
    assert runs[0].stdout.splitlines()[-1] == "['hcl2', 'hcl2.parser']"
    assert runs[1].stdout.splitlines()[-1] == "[]"
    assert runs[0].stdout.splitlines()[:-1] == runs[1].stdout.splitlines()[:-1]
