"""What every formatter shares: the context of a run's output, counts and plurals."""

from __future__ import annotations

from typing import NamedTuple

from pathlib import Path

from ecslint.lazy_regex import LazyPattern
from ecslint.subjects.quoting import escape

# What JSON leaves raw with ensure_ascii=False but a terminal or log viewer may act on: DEL, C1 controls,
# invisible reordering characters; and lone surrogates, which cannot be written as UTF-8 at all.
_UNSAFE_IN_JSON = LazyPattern("[\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_SURROGATE = LazyPattern("[\ud800-\udfff]")


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


def printable(text: str) -> str:
    """Text from the input (paths, pointers, names) as one safe line: control characters and surrogates escaped."""
    return escape(text)


def safe_json(text: str) -> str:
    """JSON text that is safe to print and to encode: controls as `\\u` escapes, lone surrogates as visible text."""
    text = _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return _SURROGATE.sub(lambda match: f"\\\\u{ord(match.group()):04x}", text)


def plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def level_counts(findings) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "note": 0}
    for finding in findings:
        counts[finding.level] += 1
    return counts
