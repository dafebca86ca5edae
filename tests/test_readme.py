"""The README shows real output: every `$ ecslint ...` line of its console blocks is run and compared."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.helpers import REPO, cli

BLOCK = re.compile(r"^```console\n(.*?)^```$", re.S | re.M)


def examples() -> list[tuple[str, str]]:
    """(command, the output the README shows for it)."""
    found = []
    for block in BLOCK.findall(REPO.joinpath("README.md").read_text()):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((command, output))
    return found


def test_the_readme_has_console_examples():
    assert len(examples()) >= 3


@pytest.mark.parametrize(("command", "output"), examples(), ids=[command for command, _ in examples()])
def test_readme_example_prints_what_the_readme_shows(command, output, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("NO_COLOR", raising=False)
    words = shlex.split(command)
    assert words[0] == "ecslint"
    result = cli(capsys, *words[1:])
    assert result.code in (0, 1), result.err
    assert result.out == output
