"""GitHub Actions workflow commands, so findings show as pull-request annotations."""

from __future__ import annotations

from ecslint.report.formatters.common import FormatContext, lines_in_pieces, printable

_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    # Line breaks as the workflow-command escapes (never a real new line, so never a new command), then
    # every other control character shown as `\x1b`.
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(report, rules, context: FormatContext) -> str:
    return "".join(github_pieces(report, rules, context))


def github_pieces(report, rules, context: FormatContext):
    """The workflow commands in pieces of whole lines (see text_pieces)."""
    return lines_in_pieces(_command(finding) for finding in report.findings)


def _command(finding) -> str:
    if finding.logical_location:
        title = escape_property(f"{finding.rule_id} {finding.rule_name}")
        return f"::{_COMMANDS[finding.level]} title={title}::{escape_data(finding.logical_location + ' ' + (finding.pointer or '/') + ': ' + finding.message)}"
    region = finding.region
    properties = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in (
            ("file", finding.path),
            ("line", region.start_line),
            ("col", region.start_column),
            ("endLine", region.end_line),
            ("endColumn", region.end_column),
            ("title", f"{finding.rule_id} {finding.rule_name}"),
        )
    )
    return f"::{_COMMANDS[finding.level]} {properties}::{escape_data(finding.message)}"
