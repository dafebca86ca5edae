"""SARIF 2.1.0 for GitHub code scanning; SARIF.md lists what GitHub checks beyond the schema."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from ecslint import HOMEPAGE, RULES_DOC_URL, __version__
from ecslint.report.formatters.common import FormatContext, json_pieces
from ecslint.documents.paths import repository_relative
from ecslint.rulebook import Rule, rule_markdown

_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
_DESCRIPTION_LIMIT = 1024


def _clip(text: str, limit: int = _DESCRIPTION_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rule_help_uri(rule: Rule) -> str:
    return f"{RULES_DOC_URL}#{rule.id.lower()}-{rule.name}"


def _rule_descriptor(rule: Rule) -> dict:
    markdown = rule_markdown(rule)
    properties = {
        "tags": list(rule.tags[:10]),
        "precision": "high",
        "problem.severity": _PROBLEM_SEVERITY[rule.level],
    }
    if rule.security_severity is not None:
        properties["security-severity"] = rule.security_severity
        if "security" not in properties["tags"]:
            properties["tags"] = ["security", *properties["tags"]][:10]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _clip(rule.summary)},
        "fullDescription": {"text": _clip(rule.what)},
        "help": {"text": markdown, "markdown": markdown},
        "helpUri": rule_help_uri(rule),
        "defaultConfiguration": {"level": rule.level},
        "properties": properties,
    }


def artifact_uri(display_path: str, context: FormatContext) -> str:
    """Forward-slash, percent-encoded, relative to the repository root."""
    # A file name that is not UTF-8 arrives with surrogate escapes: percent-encode its real bytes.
    return quote(repository_relative(display_path, context.cwd, context.repository_root), safe="/", errors="surrogateescape")


def _region(region) -> dict:
    """1-based, never line 0 (GitHub rejects it), end not before start."""
    start_line, start_column = max(region.start_line, 1), max(region.start_column, 1)
    end_line, end_column = max(region.end_line, start_line), max(region.end_column, 1)
    if end_line == start_line:
        end_column = max(end_column, start_column)
    return {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column}


def fingerprint(rule_id: str, uri: str, pointer: str, occurrence: int) -> str:
    digest = hashlib.sha256(f"{rule_id}\x00{uri}\x00{pointer}\x00{occurrence}".encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:32]


def _input_error_notification(error, context: FormatContext) -> dict:
    if not error.display_path:  # not about one file (--aws without boto3, no credentials)
        return {"level": "error", "message": {"text": error.message}, "descriptor": {"id": "input-error"}}
    return {
        "level": "error",
        "message": {"text": f"{error.display_path}: {error.message}"},
        "descriptor": {"id": "input-error"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(error.display_path, context), "uriBaseId": "%SRCROOT%"}}}],
    }


def _invocation(report, context: FormatContext) -> dict:
    """A run that could not read an input or failed inside is not successful, and says why."""
    notifications = [_input_error_notification(error, context) for error in report.input_errors]
    notifications += [{"level": "error", "message": {"text": line}, "descriptor": {"id": "internal-error"}} for line in report.internal_errors]
    invocation: dict = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def format_sarif(report, rules: dict[str, Rule], context: FormatContext) -> str:
    return "".join(sarif_pieces(report, rules, context))


def _results(findings, index: dict[str, int], context: FormatContext):
    occurrences: dict[tuple, int] = {}
    for finding in findings:
        uri = finding.logical_location or artifact_uri(finding.path, context)
        key = (finding.rule_id, uri, finding.pointer)
        occurrences[key] = occurrences.get(key, 0) + 1
        if finding.logical_location:
            # Live task definitions have no file: a logical location names them by ARN.
            location = {"logicalLocations": [{"fullyQualifiedName": f"{finding.logical_location}#{finding.pointer}", "kind": "resource"}]}
        else:
            location = {"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}, "region": _region(finding.region)}}
        result = {
            "ruleId": finding.rule_id,
            "ruleIndex": index[finding.rule_id],
            "level": finding.level,
            "message": {"text": finding.message},
            "locations": [location],
            "partialFingerprints": {"ecslint/v1": fingerprint(finding.rule_id, uri, finding.pointer, occurrences[key])},
            "properties": {"pointer": finding.pointer},
        }
        if finding.related:
            result["relatedLocations"] = [
                {
                    "id": number,
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(related.path, context), "uriBaseId": "%SRCROOT%"},
                        "region": _region(related.region),
                    },
                    "message": {"text": related.message},
                }
                for number, related in enumerate(finding.related)
            ]
        yield result


def sarif_pieces(report, rules: dict[str, Rule], context: FormatContext):
    """The SARIF log in pieces, its results a thousand at a time, so a large run's log is never held whole."""
    enabled = sorted(rules.values(), key=lambda rule: rule.id)
    index = {rule.id: position for position, rule in enumerate(enabled)}
    run = {
        "tool": {
            "driver": {
                "name": "ecslint",
                "semanticVersion": __version__,
                "version": __version__,
                "informationUri": HOMEPAGE,
                "rules": [_rule_descriptor(rule) for rule in enabled],
            }
        },
        "invocations": [_invocation(report, context)],
        "columnKind": "unicodeCodePoints",
        "results": [],
    }
    if context.category:
        run["automationDetails"] = {"id": context.category.rstrip("/") + "/"}
    document = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json_pieces(document, "results", _results(report.findings, index, context))
