"""Large runs in worker processes report exactly what a run in one process reports, second pass included."""

from __future__ import annotations

import json
import pickle
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
def test_workers_report_in_report_order_when_the_walk_goes_another_way(tmp_path, capsys, monkeypatch):
    from ecslint.report.formatters import text

    project = tmp_path / "project"
    project.mkdir()
    _folder(project)
    # The walk reads a folder's files before its subfolders: a/ comes last from the walk, first in the report.
    (project / "a").mkdir()
    for name in ("x", "y"):
        task = {"family": name, "containerDefinitions": [{"name": name, "image": "busybox", "memory": 64}]}
        (project / "a" / f"{name}.task-definition.json").write_text(json.dumps(task, indent=2))
    written = tmp_path / "report.txt"
    runs = [("text",), ("text", "--statistics"), ("text", "--quiet"), ("json", "--report", f"text:{written}")]
    serial = [(_output(capsys, project, *run), written.read_bytes() if "--report" in run else None) for run in runs]
    first = serial[0][0][0].splitlines()[0]
    assert first.startswith(f"{project}/a/x.task-definition.json:"), first
    used = _in_workers(monkeypatch)
    rendered_here = []
    original = text.finding_lines
    monkeypatch.setattr(text, "finding_lines", lambda finding, *rest: rendered_here.append(finding.rule_id) or original(finding, *rest))
    for run, expected in zip(runs, serial):
        rendered_here.clear()
        assert (_output(capsys, project, *run), written.read_bytes() if "--report" in run else None) == expected, run
        if run == ("text",):
            # The workers wrote the lines of what they found; this process those of the second pass (the AppSpec's).
            lines = expected[0][0].count("\n") - 1
            assert 0 < len(rendered_here) < lines and set(rendered_here) <= {"ECS902", "ECS601"}, rendered_here
    assert used == [True] * len(runs)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_results_are_taken_while_the_walk_goes_on(tmp_path, monkeypatch):
    import time

    monkeypatch.setattr(workers, "_CHUNK", 3)
    flag, results, taken = tmp_path / "done", [], []

    def walk():
        yield from range(3)  # one chunk
        deadline = time.monotonic() + 20
        while not flag.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(2)  # its result travels back (the result thread has the interpreter to itself meanwhile)
        yield from range(3, 7)
        taken.append(len(results))

    for chunk, result in workers.map_chunks(walk(), _touch_and_sum, flag):
        results.append((chunk, result))
    assert results == [([0, 1, 2], 3), ([3, 4, 5], 12), ([6], 6)]
    # The first chunk's result was taken before the walk ended.
    assert taken == [1]


def _touch_and_sum(chunk):
    workers.shared().touch()
    return sum(chunk)


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
    from ecslint.report.findings import Located, Region, RelatedLocation, SharedValues, packed

    related = (RelatedLocation("p.json", "/Statement/0", Region(2, 3, 4, 5), "The statement"),)
    first_chunk = [
        Located("a.json", "ECS502", "user", "note", "".join(["Container ", "'app'"]), "/c/0", Region(1, 2, 3, 4)),
        Located("a.json", "ECS103", "role", "error", "Too broad.", "/taskRoleArn", Region(9, 1, 9, 20), related, "arn:x", "/stable", ("m.tf", "/r")),
    ]
    second_chunk = [Located("b.json", "ECS502", "user", "note", "".join(["Container ", "'app'"]), "".join(["/c", "/0"]), Region(1, 2, 3, 4))]
    shared = SharedValues()
    # Sent as a worker sends them: pickled columns.
    first, second = (shared.unpacked(pickle.loads(pickle.dumps(packed(chunk)))) for chunk in (first_chunk, second_chunk))
    assert first == first_chunk and second == second_chunk
    assert all(type(finding) is Located and type(finding.region) is Region for finding in first + second)
    assert type(first[1].related[0]) is RelatedLocation and first[1].read_from == ("m.tf", "/r")
    assert first[0].message is second[0].message and first[0].pointer is second[0].pointer and first[0].region is second[0].region
    assert shared.unpacked(packed([])) == []


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


def test_lines_rendered_in_workers_are_used_only_for_the_context_they_were_rendered_in():
    from ecslint.engine import Report
    from ecslint.report.findings import Located, Region
    from ecslint.report.formatters.common import FormatContext
    from ecslint.report.formatters.text import ConciseLine, finding_lines, format_text

    finding = Located("a.json", "ECS502", "user", "note", "Container 'app' runs as root. Set `user`.", "/c/0", Region(3, 5, 3, 9))
    plain, coloured = FormatContext(), FormatContext(color=True)
    for context in (plain, coloured):
        assert ConciseLine(context)(finding) == finding_lines(finding, context, {})[0]
    assert not ConciseLine.wanted(FormatContext(detail="full")) and not ConciseLine.wanted(FormatContext(statistics=True))
    report = Report([finding], files_checked=1)
    report.prerendered = {finding: "as the worker wrote it"}
    report.prerendered_by = ConciseLine(plain)
    assert format_text(report, {}, plain).splitlines()[0] == "as the worker wrote it"
    assert format_text(report, {}, coloured).splitlines()[0] == finding_lines(finding, coloured, {})[0]
    # A finding the run changed after the workers (a shared role's related places added) is rendered again.
    report.findings = [finding._replace(message="Container 'app' runs as root. Changed.")]
    assert format_text(report, {}, plain).splitlines()[0] == finding_lines(report.findings[0], plain, {})[0]
