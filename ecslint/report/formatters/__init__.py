"""Report formatters: pure functions from a finished report to the text a user or tool reads."""

from __future__ import annotations

from ecslint.report.formatters.common import FormatContext

FORMATS = ("text", "json", "sarif", "github")


def render(name: str, report, rules: dict, context: FormatContext) -> str:
    return "".join(render_pieces(name, report, rules, context))


def render_pieces(name: str, report, rules: dict, context: FormatContext):
    """The report as consecutive pieces of text, to be written as they come: a large run's report is never held whole."""
    if name == "text":
        from ecslint.report.formatters.text import text_pieces as formatter
    elif name == "json":
        from ecslint.report.formatters.json_report import json_report_pieces as formatter
    elif name == "sarif":
        from ecslint.report.formatters.sarif import sarif_pieces as formatter
    elif name == "github":
        from ecslint.report.formatters.github import github_pieces as formatter
    else:
        raise ValueError(f"unknown format {name!r}")
    return formatter(report, rules, context)
