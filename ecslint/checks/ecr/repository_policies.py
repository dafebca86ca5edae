"""ECS813: repository policies that let anyone pull, or another account push.

Facts (verified 2026-12): ECR user guide, "Private repository policy examples"
(repository-policy-examples.html) and "Required IAM permissions for pushing an image"
(image-push-iam.html: `ecr:InitiateLayerUpload`, `ecr:UploadLayerPart`, `ecr:CompleteLayerUpload`,
`ecr:PutImage`); IAM user guide, "AWS global condition context keys" for the keys that narrow a
principal of `*` to known callers. Another account is reported only when the repository's own
account is known (output files name it; templates usually do not): fewer false positives.
"""

from __future__ import annotations

import re

from ecslint.iam.patterns import action_matches
from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.ecr import RepositoryPolicy
from ecslint.subjects.quoting import quote, quote_text

PUSH_ACTIONS = ("ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload")
# Condition keys that limit who the principal `*` can be (lower case; IAM compares keys without case).
NARROWING_KEYS = frozenset(
    {
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalservicename",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceip",
        "aws:userid",
    }
)
_ACCOUNT_IN_PRINCIPAL = re.compile(r"^(?:arn:aws[a-z-]*:(?:iam|sts)::)?(\d{12})(?::|$)")


def _list(value) -> list:
    return value if isinstance(value, list) else [value] if value is not None else []


def _statements(policy) -> list[tuple[int | None, dict]]:
    statements = policy.data.get("Statement")
    if isinstance(statements, dict):
        return [(None, statements)]
    return [(index, item) for index, item in enumerate(statements) if isinstance(item, dict)] if isinstance(statements, list) else []


def _is_everyone(principal) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _list(principal.get("AWS"))


def _narrowed(statement: dict) -> bool:
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return False
    keys = {key.lower() for operator in condition.values() if isinstance(operator, dict) for key in operator if isinstance(key, str)}
    return bool(keys & NARROWING_KEYS)


def _accounts(principal) -> set[str]:
    values = _list(principal.get("AWS")) if isinstance(principal, dict) else []
    return {match.group(1) for value in values if isinstance(value, str) and (match := _ACCOUNT_IN_PRINCIPAL.match(value))}


def _push_actions(statement: dict) -> list[str]:
    patterns = [pattern for pattern in _list(statement.get("Action")) if isinstance(pattern, str)]
    return [action for action in PUSH_ACTIONS if any(action_matches(pattern, action) for pattern in patterns)]


@check("ECS813", subject=RepositoryPolicy)
def public_repository_policy(policy: RepositoryPolicy):
    for index, statement in _statements(policy):
        if statement.get("Effect") != "Allow":
            continue
        where = policy.ptr("Statement", index) if index is not None else policy.ptr("Statement")
        name = f"statement {shown_sid(statement, index)}"
        everyone = _is_everyone(statement.get("Principal")) or "NotPrincipal" in statement
        if everyone and not _narrowed(statement):
            field = "NotPrincipal" if "NotPrincipal" in statement else "Principal"
            yield Finding(
                "ECS813",
                where + f"/{field}",
                f"{policy.label}: {name} allows any AWS principal ({quote(field)}) with no condition narrowing it, so anyone can read (or change) the repository's images. "
                "Name the accounts or roles, or add an `aws:PrincipalOrgID` or `aws:SourceAccount` condition.",
            )
            continue
        push = _push_actions(statement)
        others = sorted(_accounts(statement.get("Principal")) - {policy.account}) if policy.account else []
        if push and others:
            yield Finding(
                "ECS813",
                where + "/Principal",
                f"{policy.label}: {name} lets account {quote_text(', '.join(others))} push images ({', '.join(quote(action) for action in push)}) into a repository of account {quote_text(policy.account)}. "
                "Grant another account pull only, and replicate or push from the repository's own account.",
            )


def shown_sid(statement: dict, index: int | None) -> str:
    sid = statement.get("Sid")
    if isinstance(sid, str) and 0 < len(sid) <= 40:
        return f"'{quote_text(sid)}'"
    return f"#{(index or 0) + 1}"
