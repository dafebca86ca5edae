"""`ecslint policy --diff`: the current execution role against the one the task definition needs, statement by statement.

"Lacks" is judged by the evaluator (ecslint.iam.evaluator), as ECS105 judges it: a need is met when the
current policies may allow it. "Beyond" is judged by coverage: an allowed action on a resource pattern
that no generated statement covers (a wildcard action or resource counts as beyond unless a generated
statement has the very same). The trust policy is judged by ECS108 and ECS109.
"""

from __future__ import annotations

from ecslint.iam.deploy_time_place import ACCOUNT, PARTITION, REGION
from ecslint.iam.messages import quoted
from ecslint.iam.patterns import Arn, Match, resource_matches
from ecslint.checks.roles import role_value
from ecslint.iam.task_roles import EXECUTION, roles_of
from ecslint.subjects.quoting import quote, quote_text

_TOKENS = {PARTITION, REGION, ACCOUNT}
# ARNs are shown whole up to this length (masked and escaped as any input value).
ARN_LIMIT = 240


def _candidates(resource: str) -> tuple[Arn, ...]:
    """What a generated resource stands for, as the evaluator takes it: tokens unknown, the secret suffix and log streams sampled."""
    if resource == "*":
        return (Arn.parse("*"),)
    parts = resource.split(":", 5)
    segments = tuple(None if part in _TOKENS else part for part in parts)
    found = [Arn(segments)]
    tail = segments[5] if len(segments) > 5 else None
    if tail and tail.endswith("-??????"):
        found = [Arn(segments[:5] + (tail[: -len("??????")] + "AbCdEf",))]
    elif tail and tail.startswith("log-group:") and tail.endswith(":*"):
        group = tail[: -len(":*")]
        found = [Arn(segments[:5] + (group,)), Arn(segments[:5] + (f"{group}:log-stream:0123456789abcdef",))]
    return tuple(found)


def _as_pattern(resource: str) -> str:
    """A generated resource as a pattern over current ones: an unknown part may be anything there."""
    return ":".join("*" if part in _TOKENS else part for part in resource.split(":", 5))


def lacks(role, plan) -> list[str]:
    lines = []
    for statement in plan.statements:
        missing = []
        for action in statement.actions:
            for resource in statement.resources:
                if not role.permissions.decide(action, _candidates(resource)).outcome.may_allow:
                    missing.append((action, resource))
        if missing:
            actions = list(dict.fromkeys(action for action, _ in missing))
            resources = list(dict.fromkeys(resource for _, resource in missing))
            lines.append(f"lacks   {statement.sid}: {quoted(actions)} on {', '.join(quote(r, ARN_LIMIT) for r in resources)}")
    return lines


def _covered(action: str, resource: str, plan) -> bool:
    for statement in plan.statements:
        # A wildcard action is beyond unless written so in a generated statement too.
        if not any(action.lower() == own.lower() for own in statement.actions):
            continue
        for own in statement.resources:
            if own == resource or (resource != "*" and resource_matches(_as_pattern(own), Arn.parse(resource)) is Match.YES):
                return True
    return False


def beyond(role, plan) -> list[str]:
    lines = []
    for policy, statement in role.permissions.statements():
        if not statement.is_allow:
            continue
        where = policy.where(statement)
        if statement.not_actions is not None:
            lines.append(f"beyond  {where}: every action except {quoted(statement.not_actions)}")
            continue
        if statement.not_resources is not None:
            lines.append(f"beyond  {where}: {quoted(statement.actions or ())} on every resource except {quoted(statement.not_resources, noun='resources')}")
            continue
        extra = [(action, resource) for action in statement.actions or () for resource in statement.resources or () if not _covered(action, resource, plan)]
        if extra:
            actions = list(dict.fromkeys(action for action, _ in extra))
            resources = list(dict.fromkeys(resource for _, resource in extra))
            condition = " (under its Condition)" if statement.conditional else ""
            lines.append(f"beyond  {where}{condition}: {quoted(actions)} on {', '.join(quote(r, ARN_LIMIT) for r in resources[:5])}{' and more' if len(resources) > 5 else ''}")
    return lines


def _trust(task) -> list[str]:
    from ecslint.iam.trust_rules import role_not_assumable_by_ecs_tasks, trust_policy_without_source_condition

    found = list(role_not_assumable_by_ecs_tasks(task)) + list(trust_policy_without_source_condition(task))
    return [f"trust   {finding.message}" for finding in found if finding.pointer.endswith("executionRoleArn")]


def diff_report(pairs) -> tuple[str, bool, list[str]]:
    """(the report, whether any role differs, families whose current role could not be found)."""
    out, differs, unresolved = [], False, []
    for task, plan in pairs:
        roles = roles_of(task)
        role = roles.execution if roles is not None else None
        if role is None:
            value = role_value(task, EXECUTION)
            if not plan.needed and not value:
                out.append(f"{quote_text(plan.family)}: needs no execution role and has none")
                continue
            if not value:
                differs = True
                out.append(f"{quote_text(plan.family)}: `executionRoleArn` is not set, but the task definition needs an execution role")
                continue
            unresolved.append(plan.family)
            out.append(f"{quote_text(plan.family)}: the current execution role is {quote(value, ARN_LIMIT)} and not in the IAM input; give it with --iam or --aws-iam")
            continue
        if not role.complete:
            unresolved.append(plan.family)
            out.append(f"{quote_text(plan.family)}: execution role '{quote_text(role.name)}' attaches policies the IAM input lacks ({', '.join(role.missing)}); cannot compare")
            continue
        lines = lacks(role, plan) + beyond(role, plan) + _trust(task)
        if lines:
            differs = True
            out.append(f"{quote_text(plan.family)}: execution role '{quote_text(role.name)}' differs from what the task definition needs")
            out.extend(f"  {line}" for line in lines)
        else:
            out.append(f"{quote_text(plan.family)}: execution role '{quote_text(role.name)}' allows what the task definition needs, and no more")
    return "\n".join(out) + "\n", differs, unresolved
