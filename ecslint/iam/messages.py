"""How IAM findings word lists of actions and point at the statements behind them."""

from __future__ import annotations

from ecslint.report.findings import Related
from ecslint.iam.policy import Policy, Statement
from ecslint.subjects.quoting import quote_text

# Messages list this many actions, then say how many more there are.
SHOWN_ACTIONS = 5


def quoted(items, limit: int = SHOWN_ACTIONS, noun: str = "actions") -> str:
    """`'a', 'b' and 'c'`, or `'a', 'b', 'c', 'd', 'e' and 12 more actions` for long lists."""
    items = list(items)
    shown = [f"'{quote_text(item)}'" for item in items[:limit]]
    rest = len(items) - len(shown)
    if rest > 0:
        return ", ".join(shown) + f" and {rest} more {noun}"
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def ordered(grant_actions: dict[str, str], expanded: bool) -> list[str]:
    """The granted actions in message order: by access level when the catalogue is loaded, else alphabetically."""
    if expanded:
        from ecslint.iam import catalogue

        return catalogue.display(grant_actions)
    return [grant_actions[key] for key in sorted(grant_actions)]


def where(policy: Policy, statement: Statement) -> str:
    """`policy 'app', statement 2`, with `, under its Condition` when the statement has one."""
    return policy.where(statement) + (", under its Condition" if statement.conditional else "")


def related(policy: Policy, statement: Statement, message: str) -> Related:
    location = statement.location or policy.location
    return Related(location.document, location.pointer, message)


def statement_text(policy: Policy, statement: Statement) -> str:
    """How a related location describes the statement: `Statement 2 of policy 'app'` (offline copies say so)."""
    text = f"{statement.label[0].upper()}{statement.label[1:]} of {policy.label}"
    if policy.offline_version:
        text += f" (ecslint's offline copy, version {policy.offline_version})"
    return text
