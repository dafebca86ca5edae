"""Report formatters: pure functions from a finished report to the text a user or tool reads."""

from __future__ import annotations

from typing import NamedTuple

from pathlib import Path

FORMATS = ("text", "json", "sarif", "github")


class FormatContext(NamedTuple):
    color: bool = False
    # SARIF URIs are relative to the repository root; display paths are relative to cwd.
    cwd: Path = Path(".")
    repository_root: Path = Path(".")
    category: str | None = None


def render(name: str, report, rules: dict, context: FormatContext) -> str:
    if name == "text":
        from ecslint.report.formatters.text import format_text as formatter
    elif name == "json":
        from ecslint.report.formatters.json_report import format_json as formatter
    elif name == "sarif":
        from ecslint.report.formatters.sarif import format_sarif as formatter
    elif name == "github":
        from ecslint.report.formatters.github import format_github as formatter
    else:
        raise ValueError(f"unknown format {name!r}")
    return formatter(report, rules, context)


def plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def level_counts(findings) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "note": 0}
    for finding in findings:
        counts[finding.level] += 1
    return counts
