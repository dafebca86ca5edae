"""ECR lifecycle policies (`{"rules": [...]}`, as `aws ecr put-lifecycle-policy` takes them) as subjects with pointers.

A policy is usually a file of its own; CloudFormation carries one as a string in an
`AWS::ECR::Repository`'s `LifecyclePolicy.LifecyclePolicyText`, and a front end that parses
that string hands the result to `lifecycle_policy(document, pointer, data)`. Checks build
pointers below `pointer`; the locator places a pointer that reaches into a string at the
string itself, so findings on an embedded policy land on `LifecyclePolicyText`.
"""

from __future__ import annotations

from typing import NamedTuple

import json
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from ecslint.documents import pointer as jp
from ecslint.documents.parse import Document
from ecslint.subjects.task_definition import Subject
from ecslint.subjects.quoting import quote, quote_text

# Keys only an ECR lifecycle rule carries: they tell a policy from other `{"rules": [...]}`
# files (ESLint configs hold a `rules` object, Azure storage lifecycle rules have `definition`).
_RULE_MARKERS = ("rulePriority", "selection")

# Storage class a rule selects when `selection.storageClass` is left out (ECR user guide,
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html, verified 2026-11-30).
DEFAULT_STORAGE_CLASS = "standard"


def whole_number(value) -> int | None:
    """An integer, or a float with no fraction (JSON `5.0`); None for anything else, booleans included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def shown(value) -> str:
    """A value for a message: JSON in backticks, cut short (lifecycle policies and AppSpec files hold no secrets)."""
    return quote(json.dumps(value, ensure_ascii=False), limit=40)


class LifecycleRule(NamedTuple):
    """One entry of `rules`."""

    data: dict
    pointer: str
    index: int

    def ptr(self, *tokens: str | int) -> str:
        return jp.join(self.pointer, *tokens)

    def get(self, key: str, kind: type | tuple = object):
        value = self.data.get(key)
        return value if isinstance(value, kind) and not isinstance(value, bool) else None

    @property
    def label(self) -> str:
        """How messages name the rule: by position, with its description when that is short."""
        description = self.data.get("description")
        if isinstance(description, str) and 0 < len(description) <= 60:
            return f"Rule #{self.index + 1} ('{quote_text(description)}')"
        return f"Rule #{self.index + 1}"

    @property
    def priority(self) -> int | None:
        """`rulePriority` when it is a positive whole number (anything else is ECS801's finding)."""
        number = whole_number(self.data.get("rulePriority"))
        return number if number is not None and number > 0 else None

    @property
    def selection(self) -> dict:
        selection = self.data.get("selection")
        return selection if isinstance(selection, dict) else {}

    @property
    def action(self) -> dict:
        action = self.data.get("action")
        return action if isinstance(action, dict) else {}

    @property
    def tag_status(self) -> str | None:
        status = self.selection.get("tagStatus")
        return status if isinstance(status, str) else None

    @property
    def storage_class(self) -> str | None:
        """The storage class the rule selects from (`standard` when unset); None when not text."""
        value = self.selection.get("storageClass", DEFAULT_STORAGE_CLASS)
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class LifecyclePolicy(Subject):
    """One ECR lifecycle policy, standalone or found inside another document."""

    document: Document
    data: dict
    # Where the policy object sits in `document`: "" for a policy file.
    pointer: str = ""
    kind: ClassVar[str] = "lifecycle-policy"
    # Where its checks live (ecslint.checks.checks_for imports them only when a lifecycle policy turns up).
    check_package: ClassVar[str] = "ecslint.checks.lifecycle_policies"

    def ptr(self, *tokens: str | int) -> str:
        return jp.join(self.pointer, *tokens)

    @cached_property
    def rules(self) -> list[LifecycleRule]:
        entries = self.data.get("rules")
        if not isinstance(entries, list):
            return []
        return [LifecycleRule(item, self.ptr("rules", index), index) for index, item in enumerate(entries) if isinstance(item, dict)]


def is_lifecycle_policy(data) -> bool:
    """True for `{"rules": [...]}` where some rule carries a key only ECR lifecycle rules have."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return False
    return any(isinstance(rule, dict) and any(key in rule for key in _RULE_MARKERS) for rule in data["rules"])


def lifecycle_policy(document: Document, pointer: str, data) -> LifecyclePolicy | None:
    """The subject for a policy held at `pointer` in `document`, or None when `data` is not a lifecycle policy.

    For front ends that find a policy inside another document (CloudFormation's
    `LifecyclePolicyText`, parsed from its string): pass the pointer of that string.
    """
    return LifecyclePolicy(document, data, pointer) if is_lifecycle_policy(data) else None


def lifecycle_policies(document: Document) -> list[LifecyclePolicy] | None:
    """Recogniser (ecslint.documents.shapes): a file that is one lifecycle policy."""
    policy = lifecycle_policy(document, "", document.data)
    return [policy] if policy is not None else None
