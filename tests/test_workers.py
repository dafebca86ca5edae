"""Large runs in worker processes report exactly what a run in one process reports, second pass included."""

from __future__ import annotations

import json
import sys

import pytest

from ecslint import workers
from ecslint.cli import main

APPSPEC = """version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: arn:aws:ecs:us-east-1:123456789012:task-definition/web-3:1
        LoadBalancerInfo:
          ContainerName: "web"
          ContainerPort: 8080
"""


def _folder(tmp_path):
    for number in range(12):
        task = {
            "family": f"web-{number}",
            "networkMode": "bridge",
            "containerDefinitions": [{"name": "web", "image": "nginx:latest", "memory": 256, "portMappings": [{"containerPort": 80, "hostPort": 80}]}],
        }
        (tmp_path / f"web-{number}.task-definition.json").write_text(json.dumps(task, indent=2))
    (tmp_path / "broken.task-definition.json").write_text('{"family": "x", "containerDefinitions": [')
    (tmp_path / "appspec.yaml").write_text(APPSPEC)
    return tmp_path


def _output(capsys, folder, output_format: str = "json", *options: str) -> tuple[str, str]:
    with pytest.raises(SystemExit):
        main(["check", "--isolated", "--format", output_format, *options, str(folder)])
    captured = capsys.readouterr()
    return captured.out, captured.err


def _in_workers(monkeypatch) -> list:
    monkeypatch.setattr(workers, "MIN_FILES", 3)
    monkeypatch.setattr(workers, "_CHUNK", 4)
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    used = []
    original = workers.map_chunks
    monkeypatch.setattr(workers, "map_chunks", lambda *arguments: used.append(True) or original(*arguments))
    return used


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_workers_report_what_one_process_reports(tmp_path, capsys, monkeypatch):
    folder = _folder(tmp_path)
    (folder / "unreadable.task-definition.json").symlink_to(folder / "missing.json")
    formats = ("text", "json", "sarif", "github")
    serial = {name: _output(capsys, folder, name) for name in formats}
    full = _output(capsys, folder, "text", "--output-format", "full", "--verbose")
    used = _in_workers(monkeypatch)
    for name in formats:
        # Byte for byte, stderr (the unreadable file) included.
        assert _output(capsys, folder, name) == serial[name], name
    assert _output(capsys, folder, "text", "--output-format", "full", "--verbose") == full
    assert used == [True] * 5
    # On one core a large run goes chunk by chunk in this process, keeping findings rather than documents.
    monkeypatch.setattr(workers, "usable_cores", lambda: 1)
    for name in formats:
        assert _output(capsys, folder, name) == serial[name], name
    report = json.loads(serial["json"][0])
    rules = {finding["rule"] for finding in report["findings"]}
    # The AppSpec is paired with web-3 in the second pass; the broken file is an ECS001.
    assert {"ECS001", "ECS902", "ECS601"} <= rules
    assert report["summary"]["files"] == 14
    assert "unreadable.task-definition.json: is a broken symbolic link" in serial["json"][1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_workers_start_before_the_walk_and_leave_stopping_to_the_parent():
    import multiprocessing
    import signal

    def walk():
        # The workers exist before the first path is produced: they forked from a parent without the walk's lists.
        assert len(multiprocessing.active_children()) == 2
        yield from range(7)

    results = list(workers.map_chunks(walk(), _signals_and_length, None))
    assert [chunk for chunk, _ in results] == [list(range(7))]
    (_, (sigint, sigterm, length)), = results
    assert (sigint, sigterm, length) == (signal.SIG_IGN, signal.SIG_DFL, 7)
    assert multiprocessing.active_children() == []


def _signals_and_length(chunk):
    import signal

    return signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM), len(chunk)


def test_chunks_keep_order_and_size():
    assert list(workers.chunks(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(workers.chunks([], 3)) == []


def test_findings_from_many_chunks_share_equal_values():
    from ecslint.report.findings import Located, Region, SharedValues

    shared = SharedValues()
    first = shared.located(Located("a.json", "ECS502", "user", "note", "".join(["Container ", "'app'"]), "/c/0", Region(1, 2, 3, 4)))
    second = shared.located(Located("b.json", "ECS502", "user", "note", "".join(["Container ", "'app'"]), "".join(["/c", "/0"]), Region(1, 2, 3, 4)))
    assert first.message is second.message and first.pointer is second.pointer and first.region is second.region
    assert second == Located("b.json", "ECS502", "user", "note", "Container 'app'", "/c/0", Region(1, 2, 3, 4))


def test_few_files_stay_in_one_process(monkeypatch):
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    assert not workers.worth_it(workers.MIN_FILES - 1, live_session=False)
    assert workers.worth_it(workers.MIN_FILES, live_session=False) == sys.platform.startswith("linux")
    assert not workers.worth_it(10 * workers.MIN_FILES, live_session=True)
    monkeypatch.setattr(workers, "usable_cores", lambda: 1)
    assert not workers.worth_it(10 * workers.MIN_FILES, live_session=False)


def test_reports_merge_lists_counts_sets_and_maps():
    from ecslint.engine import Report

    run, part = Report(), Report()
    run.skipped, run.files_checked, run.unresolved_roles = ["a"], 2, {"r1"}
    part.skipped, part.files_checked, part.unresolved_roles, part.sources = ["b"], 3, {"r2"}, {"p": b"x"}
    workers.merge_into(run, part)
    assert (run.skipped, run.files_checked, run.unresolved_roles, run.sources) == (["a", "b"], 5, {"r1", "r2"}, {"p": b"x"})
