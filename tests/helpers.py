"""Shared test helpers: lint text in-process, run the real CLI, find ../shared when present."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from ecslint.cli import main
from ecslint.config import Config
from ecslint.engine import Options, run
from ecslint.rulebook import all_rules
from ecslint.documents.files import Source

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "real"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside this checkout")


def lint_text(text: str | bytes, filename: str = "task-definition.json", select: list[str] | None = None, explicit: bool = True, iam: str | None = None, companions=()):
    """Findings (Located) for one document, in-process, with the given rules enabled (and `--iam` text).

    `companions`: (filename, text) of other files linted in the same run; their findings are included."""
    enabled = frozenset(select or all_rules())
    raw = text.encode() if isinstance(text, str) else text
    context = None
    if iam is not None:
        from ecslint.documents.parse import parse
        from ecslint.iam.context import context_from_documents

        context = context_from_documents([parse("iam.json", iam.encode())])
    sources = [Source(filename, raw, explicit, None)] + [Source(name, other.encode(), explicit, None) for name, other in companions]
    report = run(sources, Options(enabled, Config(root=REPO), iam=context))
    assert not report.internal_errors, report.internal_errors
    return report.findings


@dataclass
class Result:
    code: int
    out: str
    err: str


def cli(capsys, *args: str) -> Result:
    """Run `ecslint ARGS` in-process through the real entry point."""
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def run_process(*args: str, cwd: Path | None = None, stdin: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m ecslint ARGS` as a separate process, as users and pre-commit do."""
    environment = {**os.environ, **(env or {})}
    environment.pop("ECSLINT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "ecslint", *args], cwd=cwd or REPO, input=stdin, capture_output=True, env=environment, timeout=120)


def task(containers=None, **fields) -> str:
    """A register-shaped task definition as JSON text; one plain container unless given."""
    document = {"family": "web", **fields, "containerDefinitions": containers if containers is not None else [container()]}
    return json.dumps(document)


def container(**fields) -> dict:
    return {"name": "web", "image": "nginx:1.27", "memory": 256, **fields}


def findings(text: str, rule: str):
    return lint_text(text, select=[rule])


def pointers(text: str, rule: str) -> list[str]:
    return sorted(f.pointer for f in findings(text, rule))
