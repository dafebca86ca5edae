"""Machine-readable report with a stable, documented schema (see README, "JSON output")."""

from __future__ import annotations

from ecslint import __version__
from ecslint.report.formatters.common import FormatContext, json_pieces, level_counts

SCHEMA_VERSION = 1


def finding_to_dict(finding) -> dict:
    # A live task definition has a logical location only: no line or column to give.
    region = None if finding.logical_location else finding.region
    return {
        "path": finding.path,
        "line": region and region.start_line,
        "column": region and region.start_column,
        "endLine": region and region.end_line,
        "endColumn": region and region.end_column,
        "rule": finding.rule_id,
        "name": finding.rule_name,
        "level": finding.level,
        "message": finding.message,
        "pointer": finding.pointer,
        "logicalLocation": finding.logical_location,
        "related": [
            {"path": r.path, "line": r.region.start_line, "column": r.region.start_column, "pointer": r.pointer, "message": r.message}
            for r in finding.related
        ],
    }


def format_json(report, rules, context: FormatContext) -> str:
    return "".join(json_report_pieces(report, rules, context))


def json_report_pieces(report, rules, context: FormatContext):
    """The JSON report in pieces, its findings a thousand at a time, so a large run's report is never held whole."""
    counts = level_counts(report.findings)
    document = {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "ecslint", "version": __version__},
        "summary": {
            "files": report.files_checked,
            "taskDefinitions": report.task_definitions,
            "findings": len(report.findings),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "notes": counts["note"],
            "suppressed": report.suppressed,
        },
        "findings": [],
        "inputErrors": [{"path": error.display_path, "message": error.message} for error in report.input_errors],
        "baseline": {"hidden": report.baseline_hidden, "stale": report.baseline_stale},
        "unresolvedRoles": sorted(report.unresolved_roles),
    }
    return json_pieces(document, "findings", map(finding_to_dict, report.findings))
