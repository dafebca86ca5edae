"""Human-readable report: `path:line:col: ID [level] first sentence`, then one summary line."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from ecslint.report.formatters.common import FormatContext, level_counts, lines_in_pieces, plural, printable
from ecslint.report.formatters.sentences import split_first_sentence
from ecslint.subjects.quoting import quote, quote_text

_COLORS = {"error": "31", "warning": "33", "note": "36"}
INDENT = "    "


def _paint(text: str, code: str, enabled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if enabled else text


def _checked(report) -> str:
    """What the run read: files, and task definitions fetched from AWS."""
    parts = []
    if report.files_checked or not getattr(report, "live_checked", 0):
        parts.append(plural(report.files_checked, "file"))
    if getattr(report, "live_checked", 0):
        parts.append(plural(report.live_checked, "task definition"))
    return " and ".join(parts)


def _incomplete(report) -> str:
    """Why a run exits 2 although it printed findings: inputs it could not read, checks that failed."""
    parts = []
    if report.input_errors:
        parts.append(f"{plural(len(report.input_errors), 'input')} could not be read")
    if report.internal_errors:
        parts.append(f"{plural(len(report.internal_errors), 'internal error')} stopped some checks")
    return " and ".join(parts)


def summary_line(report) -> str:
    incomplete = _incomplete(report)
    if not report.findings and incomplete:
        line = f"Checked {_checked(report)}, but {incomplete} (listed on stderr): the run is incomplete."
    elif not report.findings and not report.files_checked and not getattr(report, "live_checked", 0):
        line = "No ECS document found under the paths given: nothing was checked."
    elif not report.findings:
        line = f"No problems found in {_checked(report)}."
    else:
        counts = level_counts(report.findings)
        parts = ", ".join(plural(counts[level], level) for level in ("error", "warning", "note") if counts[level])
        line = f"Found {plural(len(report.findings), 'problem')} ({parts}) in {_checked(report)}."
        if incomplete:
            line += f" The run is incomplete: {incomplete}."
    if report.suppressed:
        line += f" {report.suppressed} suppressed."
    if report.baseline_hidden:
        line += f" {report.baseline_hidden} hidden by the baseline."
    if report.baseline_stale:
        stale = sum(entry["count"] for entry in report.baseline_stale)
        line += f" {plural(stale, 'baseline entry')} no longer match; rewrite the baseline with --write-baseline to drop them."
    return line


def _where(finding) -> str:
    if finding.logical_location:
        # A live task definition has no file: name it by ARN and the field's pointer.
        return f"{finding.logical_location} {finding.pointer or '/'}:"
    return f"{finding.path}:{finding.region.start_line}:{finding.region.start_column}:"


def _head(finding, context: FormatContext) -> tuple[str, str]:
    """The finding's first line, and the rest of its message."""
    first, rest = split_first_sentence(printable(finding.message))
    rule = _paint(finding.rule_id, _COLORS[finding.level], context.color)
    return f"{_paint(printable(_where(finding)), '1', context.color)} {rule} [{finding.level}] {first}", rest


def finding_lines(finding, context: FormatContext, sources: dict) -> list[str]:
    head, rest = _head(finding, context)
    if context.detail != "full":
        return [head]
    lines = [head]
    if rest:
        lines.append(INDENT + rest)
    for related in finding.related:
        lines.append(printable(f"{INDENT}related: {related.path}:{related.region.start_line}:{related.region.start_column}: {related.message}"))
    raw = sources.get(finding.path)
    if raw is not None and not finding.logical_location:
        # Source lines are input: secrets the excerpt's redaction lets through are masked, controls escaped.
        from ecslint.report.formatters.excerpt import excerpt  # the full format only

        lines += [INDENT + quote_text(line, limit=None) for line in excerpt(raw, finding.region)]
    return lines


def statistics_lines(findings) -> list[str]:
    """Findings per rule, most frequent first (ties by rule ID), as `ruff --statistics` prints them."""
    counts = Counter((f.rule_id, f.rule_name) for f in findings)
    levels = {f.rule_id: f.level for f in findings}
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    width = max((len(str(count)) for count in counts.values()), default=1)
    return [f"{count:>{width}}  {rule_id}  {'[' + levels[rule_id] + ']':<9}  {name}" for (rule_id, name), count in ordered]


class ConciseLine(NamedTuple):
    """The line a concise text report in `context` shows for a finding. A large run's workers write it for the
    findings they send back (report.prerendered), so the report's lines are rendered on every core, while the
    workers run, rather than by one process once they are done."""

    context: FormatContext

    def __call__(self, finding) -> str:
        return _head(finding, self.context)[0]

    @staticmethod
    def wanted(context: FormatContext) -> bool:
        # Full reports have more lines per finding, and excerpts of the source: only the parent writes those.
        return context.detail != "full" and not context.statistics


def format_text(report, rules, context: FormatContext) -> str:
    return "".join(text_pieces(report, rules, context))


def text_pieces(report, rules, context: FormatContext):
    """The text report in pieces of whole lines, so a large run's report is written without being held whole."""
    sources = getattr(report, "sources", {})
    if context.statistics:
        yield from lines_in_pieces(statistics_lines(report.findings))
    else:
        yield from lines_in_pieces(_lines(report, context, sources))
    if not context.quiet:
        yield from lines_in_pieces([summary_line(report), *iam_summary_lines(report)])


def _lines(report, context: FormatContext, sources: dict):
    # Lines rendered where the finding was found, for this context; a finding the run changed since (a role
    # several task definitions share, a baseline's filter) is no longer equal to one rendered and is rendered here.
    prerendered = report.prerendered if getattr(report, "prerendered_by", None) == ConciseLine(context) else {}
    for finding in report.findings:
        line = prerendered.get(finding)
        if line is None:
            yield from finding_lines(finding, context, sources)
        else:
            yield line


def iam_summary_lines(report) -> list[str]:
    """What the IAM rules could not see: roles not supplied, role fields known only at deploy time, modules not followed."""
    lines = []
    concrete = sorted(role for role in report.unresolved_roles if "${" not in role)
    deploy_time = sorted({_expression(role) for role in report.unresolved_roles if "${" in role})
    if concrete:
        roles = printable(", ".join(concrete))
        lines.append(f"IAM rules skipped for roles whose policies were not supplied: {roles}. Add them with --iam FILE (aws iam get-account-authorization-details output) or resolve them live with --aws-iam.")
    if deploy_time:
        shown = ", ".join(quote(role) for role in deploy_time[:5]) + (f" and {len(deploy_time) - 5} more" if len(deploy_time) > 5 else "")
        lines.append(f"IAM rules skipped for role fields known only at deploy time ({shown}): lint a Terraform plan (`terraform show -json`) or give the roles with --iam.")
    unfollowed = getattr(report, "unfollowed_modules", {})
    if unfollowed:
        shown = ", ".join(f"{printable(address)} ({quote(source)})" for address, source in sorted(unfollowed.items()))
        lines.append(f"Terraform modules not followed (only local `./` sources are read), so roles from them are unknown: {shown}.")
    return lines


def _expression(value: str) -> str:
    """`${aws_ecs_task_definition.app task_role_arn}` -> the resource and field it names."""
    return value[2:-1] if value.startswith("${") and value.endswith("}") and value.count("${") == 1 else value
