"""IAM policy documents parsed into statements that know where they were written, for messages and related locations.

Grammar: "IAM JSON policy element reference" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html),
verified 2026-11-30. `Statement` is one object or a list; `Action`/`NotAction`, `Resource`/`NotResource`
and `Principal` values are a string or a list of strings; `Effect` is exactly `Allow` or `Deny`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecslint.documents import pointer as jp
from ecslint.iam.patterns import Arn, Match, action_matches, resource_matches
from ecslint.subjects.quoting import quote_text


@dataclass(frozen=True)
class Location:
    """A place in an `--iam` file: a parsed document (with positions) and a JSON pointer into it."""

    document: object
    pointer: str


def _strings(value) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


@dataclass(frozen=True)
class Statement:
    """One statement of a policy. Exactly one of actions/not_actions is set for a usable statement."""

    number: int  # 1-based position in the policy, as people count
    sid: str | None
    effect: str
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    principal: object = None
    not_principal: object = None
    condition: dict | None = None
    location: Location | None = field(default=None, compare=False)

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def conditional(self) -> bool:
        return bool(self.condition)

    @property
    def label(self) -> str:
        return f"statement {self.number}" + (f" '{quote_text(self.sid)}'" if self.sid else "")

    @property
    def action_patterns(self) -> tuple[str, ...]:
        return self.actions or self.not_actions or ()

    def matches_action(self, action: str) -> bool:
        if self.actions is not None:
            return any(action_matches(pattern, action) for pattern in self.actions)
        if self.not_actions is not None:
            return not any(action_matches(pattern, action) for pattern in self.not_actions)
        return False

    def matches_resource(self, resource: Arn) -> Match:
        if self.resources is not None:
            return max((resource_matches(pattern, resource) for pattern in self.resources), default=Match.NO)
        if self.not_resources is not None:
            excluded = max((resource_matches(pattern, resource) for pattern in self.not_resources), default=Match.NO)
            return {Match.YES: Match.NO, Match.MAYBE: Match.MAYBE, Match.NO: Match.YES}[excluded]
        return Match.NO

    @property
    def on_every_resource(self) -> bool:
        """`Resource: "*"` (or a NotResource, which leaves nearly everything in)."""
        return (self.resources is not None and "*" in self.resources) or self.not_resources is not None


@dataclass(frozen=True)
class Policy:
    """A named policy document: inline, customer managed, or AWS managed (from the input or the offline data)."""

    name: str
    kind: str  # "inline" | "managed" | "aws-managed"
    statements: tuple[Statement, ...]
    location: Location
    arn: str | None = None
    # Set for AWS managed policies taken from ecslint's offline data: which version it is.
    offline_version: str | None = None

    @property
    def label(self) -> str:
        if self.kind == "aws-managed":
            return f"AWS managed policy '{quote_text(self.name)}'"
        if self.kind == "trust":
            return "the trust policy"
        return f"policy '{quote_text(self.name)}'"

    def where(self, statement: Statement) -> str:
        """`policy 'app', statement 2 'Sid'`: how messages name a statement."""
        return f"{self.label}, {statement.label}"


def parse_statements(data: dict, location: Location, locate_statements: bool) -> tuple[Statement, ...]:
    """Statements of a policy document; those the grammar does not allow are skipped (IAM would reject them)."""
    raw = data.get("Statement")
    entries = [(None, raw)] if isinstance(raw, dict) else list(enumerate(raw)) if isinstance(raw, list) else []
    statements = []
    for number, (index, entry) in enumerate(entries, start=1):
        if not isinstance(entry, dict) or entry.get("Effect") not in ("Allow", "Deny"):
            continue
        if locate_statements:
            pointer = jp.join(location.pointer, "Statement") if index is None else jp.join(location.pointer, "Statement", index)
        else:
            pointer = location.pointer
        condition = entry.get("Condition")
        sid = entry.get("Sid")
        statements.append(
            Statement(
                number=number,
                sid=sid if isinstance(sid, str) and sid else None,
                effect=entry["Effect"],
                actions=_strings(entry.get("Action")),
                not_actions=_strings(entry.get("NotAction")) if "Action" not in entry else None,
                resources=_strings(entry.get("Resource")),
                not_resources=_strings(entry.get("NotResource")) if "Resource" not in entry else None,
                principal=entry.get("Principal"),
                not_principal=entry.get("NotPrincipal"),
                condition=condition if isinstance(condition, dict) and condition else None,
                location=Location(location.document, pointer),
            )
        )
    return tuple(statements)


def parse_policy(name: str, kind: str, data: dict, location: Location, *, locate_statements: bool = True, arn: str | None = None, offline_version: str | None = None) -> Policy:
    return Policy(name, kind, parse_statements(data, location, locate_statements), location, arn, offline_version)
