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


def _report(capsys, folder) -> dict:
    with pytest.raises(SystemExit):
        main(["check", "--isolated", "--format", "json", str(folder)])
    return json.loads(capsys.readouterr().out)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_workers_report_what_one_process_reports(tmp_path, capsys, monkeypatch):
    folder = _folder(tmp_path)
    serial = _report(capsys, folder)
    monkeypatch.setattr(workers, "MIN_FILES", 3)
    monkeypatch.setattr(workers, "_CHUNK", 4)
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    used = []
    original = workers.map_chunks
    monkeypatch.setattr(workers, "map_chunks", lambda *arguments: used.append(True) or original(*arguments))
    parallel = _report(capsys, folder)
    assert used == [True]
    assert parallel == serial
    rules = {finding["rule"] for finding in serial["findings"]}
    # The AppSpec is paired with web-3 in the second pass; the broken file is an ECS001.
    assert {"ECS001", "ECS902", "ECS601"} <= rules
    assert serial["summary"]["files"] == 14


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
