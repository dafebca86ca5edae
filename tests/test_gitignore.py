"""`.gitignore` globs read as git reads them (expectations taken from `git check-ignore`), matched without backtracking."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecslint.documents.gitignore import GitIgnore

# (pattern, path, ignored): each path is a file whose folders are walked first, as `git check-ignore` sees it.
CASES = [
    ("*.json", "a.json", True),
    ("*.json", "d/a.json", True),
    ("*.json", "a.jsonx", False),
    ("/build", "build", True),
    ("/build", "d/build", False),
    ("build/", "build", False),
    ("build/", "build/a.json", True),
    ("build/", "d/build/a.json", True),
    ("doc/*.txt", "doc/a.txt", True),
    ("doc/*.txt", "doc/d/a.txt", False),
    ("doc/*.txt", "x/doc/a.txt", False),
    ("**/logs", "logs", True),
    ("**/logs", "a/logs", True),
    ("**/logs", "a/b/logs", True),
    ("logs/**", "logs/a", True),
    ("logs/**", "logs/a/b", True),
    ("logs/**", "logs", False),
    ("a/**/b", "a/b", True),
    ("a/**/b", "a/x/b", True),
    ("a/**/b", "a/x/y/b", True),
    ("a/**/b", "ab", False),
    ("foo**", "foo", True),
    ("foo**", "foobar", True),
    ("foo**", "foo/bar", True),
    ("[ab].json", "a.json", True),
    ("[ab].json", "c.json", False),
    ("[!ab].json", "a.json", False),
    ("[!ab].json", "c.json", True),
    ("[a-c]x", "bx", True),
    ("[a-c]x", "dx", False),
    ("fi?e", "file", True),
    ("fi?e", "fie", False),
    ("fi?e", "fi/e", False),
    ("\\#x", "#x", True),
    ("*a*a*b", "aab", True),
    ("*a*a*b", "aaab", True),
    ("*a*a*b", "ab", False),
    ("*a*a*b", "xaxab", True),
    ("**", "a", True),
    ("**", "a/b", True),
]


def _ignored(repository: Path, relative: str) -> bool:
    ignore = GitIgnore(repository)
    parts = relative.split("/")
    folders = [repository.joinpath(*parts[:depth]) for depth in range(1, len(parts))]
    return any(ignore.ignores(folder, True) for folder in folders) or ignore.ignores(repository / relative, False)


@pytest.mark.parametrize(("pattern", "path", "ignored"), CASES)
def test_globs_match_as_git_matches_them(tmp_path, pattern, path, ignored):
    (tmp_path / ".gitignore").write_text(pattern + "\n")
    assert _ignored(tmp_path, path) is ignored


def test_negation_and_deeper_files_override(tmp_path):
    (tmp_path / ".gitignore").write_text("*.json\n!keep.json\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".gitignore").write_text("keep.json\n")
    assert _ignored(tmp_path, "a.json") and not _ignored(tmp_path, "keep.json")
    assert _ignored(tmp_path, "sub/keep.json")


def test_a_pattern_longer_than_any_path_matches_nothing(tmp_path):
    (tmp_path / ".gitignore").write_text("*" * 5000 + "\n")
    assert not _ignored(tmp_path, "a.json")
