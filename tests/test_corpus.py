"""Real task definitions from public repositories go through ecslint without a traceback."""

from __future__ import annotations

import json

from tests.helpers import CORPUS, needs_shared, run_process


@needs_shared
def test_walking_the_corpus():
    result = run_process("check", "--isolated", "--format", "json", str(CORPUS))
    assert result.returncode == 1, result.stderr
    assert result.stderr == b""
    report = json.loads(result.stdout)
    walked = [p for p in CORPUS.iterdir() if p.suffix in (".json", ".yml", ".yaml", ".template", ".tf")]
    # Walking reads JSON, YAML and Terraform; YAML and .tf files are parsed only when they
    # mention ECS content. Nearly all corpus files are linted; only unrelated ones are skipped.
    assert 0.9 * len(walked) <= report["summary"]["files"] <= len(walked)


@needs_shared
def test_every_corpus_file_named_explicitly():
    files = sorted(str(path) for path in CORPUS.iterdir() if path.name != "MANIFEST.tsv")
    result = run_process("check", "--isolated", "--format", "json", *files)
    assert result.returncode == 1
    assert result.stderr == b"", result.stderr.decode()[:2000]
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == len(files)
    # Every file is either linted or told why not: nothing is silently dropped.
    assert report["inputErrors"] == []
