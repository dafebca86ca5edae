"""Human-readable report: `path:line:col: ID [level] message`, then one summary line."""

from __future__ import annotations

from ecslint.report.formatters.common import FormatContext, level_counts, plural, printable

_COLORS = {"error": "31", "warning": "33", "note": "36"}


def _paint(text: str, code: str, enabled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if enabled else text


def summary_line(report) -> str:
    files = plural(report.files_checked, "file")
    if not report.findings:
        line = f"No problems found in {files}."
    else:
        counts = level_counts(report.findings)
        parts = ", ".join(plural(counts[level], level) for level in ("error", "warning", "note") if counts[level])
        line = f"Found {plural(len(report.findings), 'problem')} ({parts}) in {files}."
    if report.suppressed:
        line += f" {report.suppressed} suppressed."
    if report.baseline_hidden:
        line += f" {report.baseline_hidden} hidden by the baseline."
    if report.baseline_stale:
        stale = sum(entry["count"] for entry in report.baseline_stale)
        line += f" {plural(stale, 'baseline entry')} no longer match; rewrite the baseline with --write-baseline to drop them."
    return line


def format_text(report, rules, context: FormatContext) -> str:
    color = context.color
    lines = []
    for finding in report.findings:
        if finding.logical_location:
            # A live task definition has no file: name it by ARN and the field's pointer.
            where = _paint(printable(f"{finding.logical_location} {finding.pointer or '/'}:"), "1", color)
        else:
            where = _paint(f"{printable(finding.path)}:{finding.region.start_line}:{finding.region.start_column}:", "1", color)
        rule = _paint(finding.rule_id, _COLORS[finding.level], color)
        lines.append(f"{where} {rule} [{finding.level}] {printable(finding.message)}")
    lines.append(summary_line(report))
    if report.unresolved_roles:
        roles = printable(", ".join(sorted(report.unresolved_roles)))
        lines.append(f"IAM rules skipped for roles whose policies were not supplied: {roles}. Add them with --iam FILE (aws iam get-account-authorization-details output) or resolve them live with --aws-iam.")
    return "\n".join(lines) + "\n"
