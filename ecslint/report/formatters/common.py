"""What every formatter shares: the context of a run's output, counts and plurals."""

from __future__ import annotations

from typing import NamedTuple

from pathlib import Path


class FormatContext(NamedTuple):
    color: bool = False
    # SARIF URIs are relative to the repository root; display paths are relative to cwd.
    cwd: Path = Path(".")
    repository_root: Path = Path(".")
    category: str | None = None
    # Text report: "concise" (one line per finding) or "full" (message, related locations, excerpt).
    detail: str = "concise"
    statistics: bool = False  # counts per rule instead of findings
    quiet: bool = False  # findings only, no summary


def plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def level_counts(findings) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "note": 0}
    for finding in findings:
        counts[finding.level] += 1
    return counts
