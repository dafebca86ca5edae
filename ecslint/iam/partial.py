"""Policy documents with parts known only at deploy time, made safe to judge (Terraform and CloudFormation alike).

A statement whose resources or condition values are unknown is still a statement: an unknown resource is a `${...}`
pattern (which may match anything a rule asks about) and an unknown condition makes it conditional. An Allow whose
actions are unknown cannot be judged and is left out (the role is then incomplete for the rules that need everything
it allows); a Deny, or an effect, that is unknown makes the whole document unreadable, since what it takes away
cannot be told.
"""

from __future__ import annotations

from ecslint.subjects.placeholders import DeployTimeValue, contains_deploy_time_value

# A condition ecslint cannot read still conditions the statement: it "may" allow, never "allows".
UNKNOWN_CONDITION = {"Null": {"(a condition known after apply)": "unknown"}}
# In place of a statement left out: statements after it keep their numbers and positions (it is not parsed).
LEFT_OUT: dict = {}


def partial_document(decoded) -> tuple[dict | None, int]:
    """The document with its unknown parts made safe (see above), and how many Allow statements were left out."""
    if not isinstance(decoded, dict):
        return None, 0
    if not contains_deploy_time_value(decoded):
        return decoded, 0
    raw = decoded.get("Statement")
    entries = [raw] if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        return None, 0
    kept, dropped = [], 0
    for statement in entries:
        if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
            return None, 0
        actions = statement.get("Action", statement.get("NotAction"))
        if contains_deploy_time_value(actions):
            if statement["Effect"] == "Deny":
                return None, 0
            dropped += 1
            kept.append(LEFT_OUT)
            continue
        condition = statement.get("Condition")
        if condition is not None and not isinstance(condition, dict) or (isinstance(condition, dict) and any(isinstance(test, DeployTimeValue) or not isinstance(body, dict) for test, body in condition.items())):
            statement = {**statement, "Condition": UNKNOWN_CONDITION}
        kept.append(statement)
    return {**decoded, "Statement": kept if isinstance(raw, list) else kept[0]}, dropped
