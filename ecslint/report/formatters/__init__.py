"""Report formatters: pure functions from a finished report to the text a user or tool reads."""

from __future__ import annotations

from ecslint.report.formatters.common import FormatContext

FORMATS = ("text", "json", "sarif", "github")


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
