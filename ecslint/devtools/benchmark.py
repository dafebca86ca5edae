"""Whole-process timings: what a pre-commit run and a CI run of ecslint actually cost.

Run `python -m ecslint.devtools.benchmark` (from an environment where ecslint is installed).
Targets on a 2-core machine: one file under 150 ms median, 1,000 files under 2 s.
Bytecode caching is switched on for the measured processes (as after `pip install`), and
each measurement starts with one unmeasured warm-up run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TASK_DEFINITION = {
    "family": "bench",
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "512",
    "memory": "1024",
    "executionRoleArn": "arn:aws:iam::123456789012:role/bench-execution",
    "taskRoleArn": "arn:aws:iam::123456789012:role/bench-task",
    "containerDefinitions": [
        {
            "name": "app",
            "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.2.3",
            "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
            "environment": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "DB_PASSWORD", "value": "hunter2-not-real"}],
            "secrets": [{"name": "API_KEY", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-AbCdEf"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/bench", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app"}},
        },
        {"name": "proxy", "image": "envoyproxy/envoy:latest", "portMappings": [{"containerPort": 8080}], "essential": False},
    ],
}


def ecslint_command() -> list[str]:
    script = Path(sys.executable).with_name("ecslint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ecslint"]


def _environment() -> dict:
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def median_seconds(command: list[str], runs: int, cwd: Path) -> float:
    environment = _environment()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def _import_seconds(runs: int) -> float:
    probe = "import time; t = time.perf_counter(); import ecslint.cli; print(time.perf_counter() - t)"
    command = [sys.executable, "-c", probe]
    timings = [float(subprocess.run(command, capture_output=True, text=True, check=True, env=_environment()).stdout) for _ in range(runs + 1)][1:]
    return statistics.median(timings)


def measure(runs: int, files: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="ecslint-bench-"))
    try:
        single = work / "taskdef.json"
        single.write_text(json.dumps(TASK_DEFINITION, indent=2))
        folder = work / "many"
        folder.mkdir()
        for number in range(files):
            document = dict(TASK_DEFINITION, family=f"bench-{number}")
            (folder / f"service-{number:04d}.task-definition.json").write_text(json.dumps(document, indent=2))
        command = ecslint_command()
        return {
            "python_startup_s": median_seconds([sys.executable, "-c", "pass"], runs, work),
            "import_ecslint_cli_s": _import_seconds(runs),
            "one_file_s": median_seconds([*command, "check", "--isolated", str(single)], runs, work),
            f"{files}_files_s": median_seconds([*command, "check", "--isolated", str(folder)], max(3, runs // 3), work),
            "runs": runs,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fuzz(examples: int) -> int:
    """The property tests' search, longer: N generated documents per kind, each linted with every rule in-process."""
    from hypothesis import HealthCheck, given, settings

    from ecslint.config import Config
    from ecslint.devtools.hostile_inputs import kinds
    from ecslint.documents.files import Source
    from ecslint.engine import Options, run
    from ecslint.rulebook import all_rules

    enabled, config = frozenset(all_rules()), Config(root=Path.cwd())
    failures = 0
    for kind, (filename, strategy) in kinds().items():
        seen = {"inputs": 0, "internal errors": 0}

        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(strategy)
        def lint(raw: bytes) -> None:
            seen["inputs"] += 1
            report = run([Source(filename, raw, True, None)], Options(enabled, config))
            if report.internal_errors:
                seen["internal errors"] += 1
                print(f"  {kind}: {report.internal_errors[0]} on {raw[:120]!r}")

        lint()
        failures += seen["internal errors"]
        print(f"{kind:<24} {seen['inputs']:>6} inputs {seen['internal errors']:>4} internal errors")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per measurement (median reported)")
    parser.add_argument("--files", type=int, default=1000, help="task definitions in the folder case")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--fuzz", type=int, metavar="N", help="instead: lint N generated hostile documents of each kind and report internal errors")
    arguments = parser.parse_args(argv)
    if arguments.fuzz:
        return fuzz(arguments.fuzz)
    figures = measure(arguments.runs, arguments.files)
    if arguments.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, value in figures.items():
            print(f"{name:<24} {value * 1000:8.1f} ms" if name.endswith("_s") else f"{name:<24} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
