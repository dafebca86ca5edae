"""Baselines: record today's findings so a legacy repository fails only on new problems.

Entries are keyed by file (relative to the repository root), rule and JSON pointer, never by
line, with list items named (`[name=web]`) rather than numbered, so edits elsewhere in a file,
or a new environment variable, do not bring recorded findings back.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from ecslint.report.findings import Located

FORMAT_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be used; the CLI exits 2 with this one-line message."""


Key = tuple[str, str, str]  # (repository-relative path, rule ID, pointer)


@dataclass
class Applied:
    kept: list[Located]
    hidden: int = 0
    # Recorded entries that matched nothing today: fixed problems the baseline can drop.
    stale: list[dict] = field(default_factory=list)


def render(keys: list[Key] | Counter) -> str:
    """Deterministic, sorted, one entry per line group: small diffs when the baseline shrinks."""
    counts = Counter(keys)
    entries = [{"path": path, "rule": rule, "pointer": pointer, "count": count} for (path, rule, pointer), count in sorted(counts.items())]
    return json.dumps({"version": FORMAT_VERSION, "tool": "ecslint", "findings": entries}, indent=2) + "\n"


# A baseline entry is about 150 bytes: this allows over a million recorded findings.
MAX_BASELINE_BYTES = 256 * 1024 * 1024


def parse_bytes(raw: bytes, name: str) -> Counter:
    """A baseline file's bytes (as read with a bound) -> recorded counts; BaselineError when unusable."""
    if len(raw) > MAX_BASELINE_BYTES:
        raise BaselineError(f"baseline {name} is too large (over {MAX_BASELINE_BYTES // (1024 * 1024)} MiB)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BaselineError(f"baseline {name} is not UTF-8 text (byte {error.start + 1}); write one with --write-baseline") from None
    return parse(text, name)


def parse(text: str, name: str) -> Counter:
    try:
        data = json.loads(text)
    except RecursionError:
        raise BaselineError(f"baseline {name} is nested too deeply to be an ecslint baseline") from None
    except ValueError as error:
        raise BaselineError(f"baseline {name} is not valid JSON: {error}") from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION or not isinstance(data.get("findings"), list):
        raise BaselineError(f"baseline {name} is not an ecslint baseline (version {FORMAT_VERSION}); write one with --write-baseline")
    counts: Counter = Counter()
    for number, entry in enumerate(data["findings"], 1):
        try:
            key = (entry["path"], entry["rule"], entry["pointer"])
            count = entry.get("count", 1)
        except (TypeError, KeyError, AttributeError):
            raise BaselineError(f"baseline {name} has a malformed entry (entry {number}: it needs `path`, `rule` and `pointer`)") from None
        if not all(isinstance(part, str) for part in key):
            raise BaselineError(f"baseline {name} has a malformed entry (entry {number}: `path`, `rule` and `pointer` must be strings)")
        # A count is how many findings the entry hides: a whole number of at least 1, never 1.9 or "2".
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise BaselineError(f"baseline {name} has a malformed entry (entry {number}: `count` must be a whole number of at least 1)")
        counts[key] += count
    return counts


def within(recorded: Counter, in_scope) -> Counter:
    """The entries for paths this run looked at: only they can hide findings or be stale."""
    return Counter({key: count for key, count in recorded.items() if in_scope(key[0])})


def apply(findings: list[Located], keys: list[Key], recorded: Counter, index_keys: list[Key] | None = None) -> Applied:
    """Hide findings the baseline records (as many per key as it counts).

    `keys` name list items (`[name=web]`); `index_keys`, the same findings by list index, match
    entries recorded before baselines named them."""
    remaining = Counter(recorded)
    result = Applied(kept=[])
    for number, (finding, key) in enumerate(zip(findings, keys)):
        alternative = index_keys[number] if index_keys else key
        if remaining[key] > 0:
            remaining[key] -= 1
            result.hidden += 1
        elif remaining[alternative] > 0:
            remaining[alternative] -= 1
            result.hidden += 1
        else:
            result.kept.append(finding)
    result.stale = [{"path": path, "rule": rule, "pointer": pointer, "count": count} for (path, rule, pointer), count in sorted(remaining.items()) if count > 0]
    return result
