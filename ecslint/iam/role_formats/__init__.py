"""Writers for `ecslint policy`: each turns role plans into one output format, as text."""

from __future__ import annotations

import importlib

# format name -> module in this package with `render(entries) -> str`
FORMATS = {"json": "json_role", "iam": "iam_role", "cloudformation": "cloudformation_role", "terraform": "terraform_role"}


def render(name: str, entries) -> str:
    """`entries`: (execution RolePlan, task-role TaskRolePlan or None) for each task definition, in input order."""
    return importlib.import_module(f"{__name__}.{FORMATS[name]}").render(entries)
