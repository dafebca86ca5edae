"""Fast start: linting files never imports boto3, botocore or jsonschema (pre-commit starts a process per run)."""

from __future__ import annotations

import functools
import json
import subprocess
import sys

from tests.helpers import REPO

HEAVY = ("boto3", "botocore", "jsonschema", "yaml")

# What a run over task-definition JSON files never needs: the other front ends, other kinds of subject
# and their checks, and the IAM package (its rules read roles only when an `--iam` file or a front end
# supplies them). The Terraform front end's recogniser module is the one exception: it only looks at
# the document's syntax.
NOT_FOR_TASK_DEFINITIONS = (
    "ecslint.aws",
    "ecslint.cloudformation",
    "ecslint.iam",
    "ecslint.checks.appspec",
    "ecslint.checks.ecr",
    "ecslint.checks.lifecycle_policies",
    "ecslint.checks.services",
    "ecslint.subjects.appspec",
    "ecslint.subjects.ecr",
    "ecslint.subjects.lifecycle_policy",
    "ecslint.subjects.service",
    "ecslint.report.formatters.sarif",
    "ecslint.report.baseline",
)
ALLOWED_TERRAFORM = ("ecslint.terraform", "ecslint.terraform.front_end")


@functools.cache
def _modules_after_linting_examples() -> list[str]:
    script = (
        "import json, sys\n"
        "from ecslint.cli import main\n"
        "try:\n"
        f"    main(['check', '--isolated', {str(REPO / 'examples')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_check_does_not_import_heavy_modules():
    assert [name for name in _modules_after_linting_examples() if name in HEAVY] == []


def test_task_definition_run_imports_no_other_subject_front_end_or_iam_code():
    modules = _modules_after_linting_examples()
    assert "ecslint.checks.hardening" in modules  # the probe really ran the checks
    unwanted = [name for name in modules if any(_within(name, package) for package in NOT_FOR_TASK_DEFINITIONS)]
    unwanted += [name for name in modules if _within(name, "ecslint.terraform") and name not in ALLOWED_TERRAFORM]
    assert unwanted == []
