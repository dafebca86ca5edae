"""ECS104, ECS107: what the task role allows: the agent's bootstrap permissions (roles swapped?) and too much power.

The task role is what code in the containers uses; it should hold exactly what the application calls.
Sources, verified 2026-11-30:
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
- privilege escalation through IAM (`iam:PassRole`, `iam:Create*`, `iam:Put*Policy`, `iam:Attach*`,
  `sts:AssumeRole`): IAM user guide, "Security best practices in IAM" (least privilege) and
  "Granting a user permissions to pass a role" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
Every check here is silent without `--iam`, and when the roles are not in the IAM input.
"""

from __future__ import annotations

from dataclasses import replace

from ecslint.report.findings import Finding, Related
from ecslint.iam.evaluator import Outcome, grant_of
from ecslint.iam.managed import policy_path
from ecslint.iam.messages import ordered, quoted, related, statement_text, where
from ecslint.iam.needs import bootstrap_needs
from ecslint.iam.patterns import action_matches, has_wildcard, patterns_overlap
from ecslint.iam.task_roles import TASK, roles_of
from ecslint.subjects.task_definition import TaskDefinition
from ecslint.subjects.quoting import quote, quote_text

# ECS104 compares only the needs RULES.md names: ECR pulls, awslogs and the task's own secrets.
BOOTSTRAP_KINDS = ("image", "logs", "secret")
# ECS107: AWS managed policies that make any role an administrator (or close), by ARN path.
POWERFUL_MANAGED_POLICIES = {
    "policy/AdministratorAccess": "allows every action on every resource",
    "policy/PowerUserAccess": "allows every action outside IAM, Organizations and Account management",
    "policy/IAMFullAccess": "allows every IAM action, so the application can grant itself anything",
}
ESCALATION_PATTERNS = ("iam:PassRole", "iam:Create*", "iam:Put*Policy", "iam:Attach*", "sts:AssumeRole")


def bootstrap_permissions_on_task_role(task: TaskDefinition):
    roles = roles_of(task)
    if roles is None or roles.execution is None or roles.task is None or not roles.execution.complete:
        return
    if roles.execution is roles.task:
        return  # one role for both is ECS102's finding
    execution, task_role = roles.execution, roles.task
    for need in bootstrap_needs(task, roles.place):
        if need.kind not in BOOTSTRAP_KINDS:
            continue
        held = []
        for requirement in need.requirements:
            if execution.permissions.decide(requirement.action, requirement.resources).outcome.may_allow:
                continue
            decision = task_role.permissions.decide(requirement.action, requirement.resources)
            # Only statements that name the service count: `*` or NotAction grants are ECS107's concern, not a swap.
            allows = tuple((policy, statement) for policy, statement in decision.allows if _names_service(statement, requirement.action))
            if decision.outcome.may_allow and allows:
                held.append((requirement, replace(decision, allows=allows)))
        if not held:
            continue
        actions = [requirement.action for requirement, _ in held]
        policy, statement = held[0][1].allows[0]
        verb = "may allow" if any(decision.outcome is Outcome.CONDITIONAL for _, decision in held) else "allows"
        plural = len(actions) > 1
        message = (
            f"Task role '{quote_text(task_role.name)}' {verb} {quoted(actions)} ({where(policy, statement)}), which {need.subject} needs {need.purpose}, "
            f"but the execution role '{quote_text(execution.name)}' does not: the ECS agent makes {'these calls' if plural else 'this call'} with the execution role, "
            f"so the two roles look swapped; move {'them' if plural else 'it'} to '{quote_text(execution.name)}'."
        )
        context = related(policy, statement, f"{statement_text(policy, statement)} allows {quoted(actions)}")
        yield Finding("ECS104", task.ptr(TASK), message, related=(context,))


def _names_service(statement, action: str) -> bool:
    service = action.split(":", 1)[0].lower()
    return any(pattern.split(":", 1)[0].lower() == service and action_matches(pattern, action) for pattern in statement.actions or ())


ESCALATION_REASON = "code in the container can escalate its privileges with {them} (pass roles to services, create or attach policies, assume other roles)"
# Examples a message names for a wildcard: the most dangerous first (access level), then a count.
SHOWN_EXAMPLES = 3


def _services_text(services: list[str]) -> str:
    names = [quote(pattern.split(':', 1)[0]) for pattern in services]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"every {joined} action"


def _reasons(statement) -> list[tuple[str, str, list[str]]]:
    """(what it allows, a sentence on why that is too much, the action patterns behind it) for each way the statement is too permissive."""
    if statement.not_actions is not None:
        return [(f"every action except {quoted(statement.not_actions)}", "", [])]
    patterns = statement.actions or ()
    everything = [pattern for pattern in patterns if pattern in ("*", "*:*")]
    if everything:
        return [("every action", "", everything)]
    if not statement.on_every_resource:
        return []
    reasons = []
    escalation = [pattern for pattern in patterns if any(patterns_overlap(pattern, target) for target in ESCALATION_PATTERNS) or pattern.lower() == "iam:*"]
    if escalation:
        them = "it" if len(escalation) == 1 else "them"
        sentence = ESCALATION_REASON.format(them=them)
        reasons.append((quoted(escalation), sentence[0].upper() + sentence[1:], escalation))
    services = [pattern for pattern in patterns if pattern not in escalation and pattern.endswith(":*") and not has_wildcard(pattern[:-2])]
    if services:
        reasons.append((_services_text(services), "", services))
    return reasons


def overly_permissive_task_role(task: TaskDefinition):
    roles = roles_of(task)
    if roles is None or roles.task is None:
        return
    role = roles.task
    permissions = role.permissions
    reported_policies = set()
    for attachment in role.attachments:
        path = policy_path(attachment.arn)
        if path in POWERFUL_MANAGED_POLICIES:
            reported_policies.add(attachment.arn)
            message = (
                f"Task role '{quote_text(role.name)}' has the AWS managed policy '{quote_text(attachment.name)}' attached, which {POWERFUL_MANAGED_POLICIES[path]}: "
                "any code running in the container holds that power; replace it with a policy that allows only what the application calls."
            )
            yield Finding("ECS107", task.ptr(TASK), message, related=(Related(attachment.location.document, attachment.location.pointer, f"The attachment of '{quote_text(attachment.name)}'"),))
    for policy, statement in permissions.statements():
        if not statement.is_allow or policy.arn in reported_policies:
            continue
        reasons = [reason for reason in _reasons(statement) if not reason[2] or not all(permissions.denied_everywhere(pattern) for pattern in reason[2])]
        if not reasons:
            continue
        verb = "may allow" if statement.conditional or permissions.boundary_unknown else "allows"
        scope = "on every resource" if statement.on_every_resource else f"on {quoted(statement.resources or (), noun='resources')}"
        what = " and ".join(allowed for allowed, _, _ in reasons)
        # One sentence per reason, then a few examples of what the wildcards grant, the most dangerous first.
        sentences = [explanation + "." for _, explanation, _ in reasons if explanation]
        wildcards = {pattern for _, _, patterns in reasons for pattern in patterns if has_wildcard(pattern)}
        if wildcards or statement.not_actions is not None:
            grant = grant_of(statement if statement.not_actions is not None else _only(statement, wildcards))
            if grant.actions:
                sentences.append(f"That includes {quoted(ordered(grant.actions, grant.expanded), limit=SHOWN_EXAMPLES)}.")
        message = " ".join(
            [f"Task role '{quote_text(role.name)}' {verb} {what} {scope} ({where(policy, statement)})."] + sentences + ["Grant only the actions and resources the application calls."]
        )
        context = related(policy, statement, f"{statement_text(policy, statement)} {verb} {what} {scope}")
        yield Finding("ECS107", task.ptr(TASK), message, related=(context,))


def _only(statement, patterns: set[str]):
    """The statement restricted to some of its action patterns, to list what those grant."""
    return replace(statement, actions=tuple(pattern for pattern in statement.actions if pattern in patterns))
