"""The policy evaluator: what a role's identity policies allow, by action and resource, and what a statement grants.

Evaluation logic ("Policy evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
verified 2026-11-30), reduced to what one account's identity policies decide: an explicit Deny wins; else an
Allow in any policy allows; else the request is implicitly denied. A permissions boundary, when set, must
allow it too. A statement with a `Condition` may or may not apply: it can only make an outcome
"conditional", never a certain allow (or a certain deny). Service control policies, resource policies
and session policies are outside what an `--iam` file shows.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ecslint.iam.patterns import Arn, Match, has_wildcard, pattern_covers
from ecslint.iam.policy import Policy, Statement


class Outcome(enum.Enum):
    ALLOWED = "allowed"
    CONDITIONAL = "conditional"  # some allowing statement has a Condition, or a Deny may apply
    DENIED = "denied"  # an unconditional Deny matches
    IMPLICIT = "implicit"  # nothing allows it

    @property
    def may_allow(self) -> bool:
        return self in (Outcome.ALLOWED, Outcome.CONDITIONAL)


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    allows: tuple[tuple[Policy, Statement], ...] = ()
    denies: tuple[tuple[Policy, Statement], ...] = ()


_RANK = {Outcome.ALLOWED: 3, Outcome.CONDITIONAL: 2, Outcome.IMPLICIT: 1, Outcome.DENIED: 0}


@dataclass(frozen=True)
class PolicySet:
    """The identity policies of one role, and its permissions boundary when it has one."""

    policies: tuple[Policy, ...]
    boundary: PolicySet | None = None
    # A boundary is set but its document is not known: every allow becomes conditional.
    boundary_unknown: bool = False

    def statements(self) -> Iterable[tuple[Policy, Statement]]:
        for policy in self.policies:
            for statement in policy.statements:
                yield policy, statement

    def _decide_one(self, action: str, resource: Arn) -> Decision:
        certain_denies, possible_denies, certain_allows, possible_allows = [], [], [], []
        for policy, statement in self.statements():
            if not statement.matches_action(action):
                continue
            match = statement.matches_resource(resource)
            if match is Match.NO:
                continue
            certain = match is Match.YES and not statement.conditional
            if statement.is_allow:
                (certain_allows if certain else possible_allows).append((policy, statement))
            else:
                (certain_denies if certain else possible_denies).append((policy, statement))
        if certain_denies:
            return Decision(Outcome.DENIED, (), tuple(certain_denies))
        allows = tuple(certain_allows + possible_allows)
        if certain_allows and not possible_denies:
            outcome = Outcome.ALLOWED
        elif allows:
            outcome = Outcome.CONDITIONAL
        else:
            return Decision(Outcome.IMPLICIT, (), tuple(possible_denies))
        decision = Decision(outcome, allows, tuple(possible_denies))
        return self._within_boundary(decision, action, resource)

    def _within_boundary(self, decision: Decision, action: str, resource: Arn) -> Decision:
        if self.boundary_unknown:
            return Decision(Outcome.CONDITIONAL, decision.allows, decision.denies)
        if self.boundary is None:
            return decision
        limit = self.boundary._decide_one(action, resource)
        if not limit.outcome.may_allow:
            return Decision(Outcome.IMPLICIT if limit.outcome is Outcome.IMPLICIT else Outcome.DENIED, (), limit.denies)
        if limit.outcome is Outcome.CONDITIONAL:
            return Decision(Outcome.CONDITIONAL, decision.allows, decision.denies)
        return decision

    def decide(self, action: str, resources: Sequence[Arn]) -> Decision:
        """The outcome for the action on the best of several candidate resources (any one of them may be the real one)."""
        best: Decision | None = None
        for resource in resources:
            decision = self._decide_one(action, resource)
            if best is None or _RANK[decision.outcome] > _RANK[best.outcome]:
                best = decision
        return best or Decision(Outcome.IMPLICIT)

    def denied_everywhere(self, pattern: str) -> bool:
        """True when an unconditional Deny on every resource covers all that the action pattern names."""
        for _, statement in self.statements():
            if statement.is_allow or statement.conditional or statement.resources is None or "*" not in statement.resources:
                continue
            if statement.actions is not None and any(pattern_covers(deny, pattern) for deny in statement.actions):
                return True
            if statement.not_actions is not None and not has_wildcard(pattern) and statement.matches_action(pattern):
                return True
        return False

    def boundary_allows_somewhere(self, action: str) -> Match:
        """Whether the boundary (if any) can let the action through on some resource."""
        if self.boundary_unknown:
            return Match.MAYBE
        if self.boundary is None:
            return Match.YES
        best = Match.NO
        for _, statement in self.boundary.statements():
            if statement.is_allow and statement.matches_action(action):
                best = max(best, Match.MAYBE if statement.conditional else Match.YES)
        return best


@dataclass
class Grant:
    """What one Allow statement grants, as concrete actions where the catalogue can tell."""

    # lower-case action -> how messages spell it: as written for literal actions, as AWS spells it for expansions.
    actions: dict[str, str] = field(default_factory=dict)
    # Wildcard patterns the catalogue knows no action for (new or misspelt services): kept, matched by pattern only.
    unknown_patterns: list[str] = field(default_factory=list)
    # Written patterns that contributed at least one kept action or are unknown, in written order.
    sources: list[str] = field(default_factory=list)
    # True when a wildcard or NotAction was expanded through the catalogue.
    expanded: bool = False


def grant_of(statement: Statement, *, keep=lambda action: True) -> Grant:
    """Expand what an Allow statement grants; `keep(lower_case_action)` filters the concrete actions counted."""
    from ecslint.iam import catalogue

    grant = Grant()
    if statement.actions is not None:
        for pattern in statement.actions:
            if not has_wildcard(pattern):
                if keep(pattern.lower()):
                    grant.actions.setdefault(pattern.lower(), pattern)
                    grant.sources.append(pattern)
                continue
            grant.expanded = True
            expanded = catalogue.expand(pattern)
            if not expanded:
                grant.unknown_patterns.append(pattern)
                grant.sources.append(pattern)
                continue
            kept = [action for action in expanded if keep(action)]
            if kept:
                grant.sources.append(pattern)
                for action in kept:
                    grant.actions.setdefault(action, catalogue.spell(action))
    elif statement.not_actions is not None:
        grant.expanded = True
        for action in catalogue.all_actions():
            if statement.matches_action(action) and keep(action):
                grant.actions[action] = catalogue.spell(action)
    return grant
