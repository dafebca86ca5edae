"""Fast start: linting files never imports boto3, botocore or jsonschema (pre-commit starts a process per run)."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import REPO

HEAVY = ("boto3", "botocore", "jsonschema", "yaml")


def test_check_does_not_import_heavy_modules():
    script = (
        "import sys\n"
        "from ecslint.cli import main\n"
        "try:\n"
        f"    main(['check', '--isolated', {str(REPO / 'examples')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    assert result.stdout.strip().splitlines()[-1] == "[]"
