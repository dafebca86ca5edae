"""The policy evaluator: a table of IAM semantics, and agreement with a naive set-based implementation."""

from __future__ import annotations

import fnmatch
import functools
import gzip
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecslint.iam.evaluator import Outcome, PolicySet, grant_of
from ecslint.iam.patterns import Arn, Match, patterns_overlap, resource_matches
from ecslint.iam.policy import Location, parse_policy
from tests.helpers import REPO

ACCOUNT = "111122223333"


def policy(*statements, name="p"):
    return parse_policy(name, "inline", {"Version": "2012-10-17", "Statement": list(statements)}, Location(None, ""))


def policies(*statements, boundary=None) -> PolicySet:
    return PolicySet((policy(*statements),), PolicySet((policy(*boundary),)) if boundary else None)


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


S3_KEY = Arn.parse("arn:aws:s3:::bucket/key")
STREAM = Arn.parse(f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/ecs/web:log-stream:web/web/abc")

CASES = [
    # (description, statements, action, resource, outcome)
    ("allow by exact action and ARN", [allow("s3:GetObject", "arn:aws:s3:::bucket/key")], "s3:GetObject", S3_KEY, Outcome.ALLOWED),
    ("nothing allows it", [allow("s3:PutObject")], "s3:GetObject", S3_KEY, Outcome.IMPLICIT),
    ("explicit Deny wins over Allow", [allow("s3:*"), deny("s3:GetObject", "arn:aws:s3:::bucket/*")], "s3:GetObject", S3_KEY, Outcome.DENIED),
    ("Deny elsewhere leaves the Allow", [allow("s3:*"), deny("s3:GetObject", "arn:aws:s3:::other/*")], "s3:GetObject", S3_KEY, Outcome.ALLOWED),
    ("NotAction allows the rest", [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}], "s3:GetObject", S3_KEY, Outcome.ALLOWED),
    ("NotAction excludes its own", [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}], "iam:CreateUser", Arn.parse("*"), Outcome.IMPLICIT),
    ("Deny with NotAction denies everything else", [allow("*"), {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}], "iam:PassRole", Arn.parse("*"), Outcome.DENIED),
    ("NotResource leaves other resources in", [{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}], "s3:GetObject", S3_KEY, Outcome.ALLOWED),
    ("NotResource excludes its own", [{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::bucket/*"}], "s3:GetObject", S3_KEY, Outcome.IMPLICIT),
    ("wildcards in the middle of an ARN", [allow("logs:PutLogEvents", f"arn:aws:logs:*:{ACCOUNT}:log-group:/ecs/*:*")], "logs:PutLogEvents", STREAM, Outcome.ALLOWED),
    ("a wildcard does not change the account", [allow("logs:PutLogEvents", "arn:aws:logs:*:444455556666:log-group:/ecs/*:*")], "logs:PutLogEvents", STREAM, Outcome.IMPLICIT),
    ("* ending a segment spans colons", [allow("logs:PutLogEvents", f"arn:aws:logs:us-east-1:{ACCOUNT}:*")], "logs:PutLogEvents", STREAM, Outcome.ALLOWED),
    ("* inside a segment stays in it", [allow("logs:PutLogEvents", f"arn:aws:logs:us-*1:{ACCOUNT}:log-group:x")], "logs:PutLogEvents", Arn(("arn", "aws", "logs", "us-east", "1:" + ACCOUNT, "log-group:x")), Outcome.IMPLICIT),
    ("? is one character", [allow("s3:GetObject", "arn:aws:s3:::bucket-?/key")], "s3:GetObject", Arn.parse("arn:aws:s3:::bucket-a/key"), Outcome.ALLOWED),
    ("? is exactly one character", [allow("s3:GetObject", "arn:aws:s3:::bucket-?/key")], "s3:GetObject", Arn.parse("arn:aws:s3:::bucket-ab/key"), Outcome.IMPLICIT),
    ("? in an action", [allow("iam:?assRole")], "iam:PassRole", Arn.parse("*"), Outcome.ALLOWED),
    ("actions ignore case", [allow("S3:getobject")], "s3:GetObject", S3_KEY, Outcome.ALLOWED),
    ("ARNs do not ignore case", [allow("s3:GetObject", "arn:aws:s3:::Bucket/*")], "s3:GetObject", S3_KEY, Outcome.IMPLICIT),
    ("a Condition makes it conditional", [allow("s3:GetObject", Condition={"Bool": {"aws:SecureTransport": "true"}})], "s3:GetObject", S3_KEY, Outcome.CONDITIONAL),
    ("a conditional Deny makes it conditional", [allow("s3:GetObject"), deny("s3:*", Condition={"StringNotEquals": {"aws:SourceVpce": "vpce-1"}})], "s3:GetObject", S3_KEY, Outcome.CONDITIONAL),
    ("a policy variable only may match", [allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:username}")], "s3:GetObject", S3_KEY, Outcome.CONDITIONAL),
    ("${*} is a literal star", [allow("s3:GetObject", "arn:aws:s3:::bucket/${*}")], "s3:GetObject", S3_KEY, Outcome.IMPLICIT),
    ("unknown region, pattern names one", [allow("logs:PutLogEvents", f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:x")], "logs:PutLogEvents", Arn.build("aws", "logs", None, ACCOUNT, "log-group:x"), Outcome.CONDITIONAL),
    ("unknown region, pattern has *", [allow("logs:PutLogEvents", f"arn:aws:logs:*:{ACCOUNT}:log-group:x")], "logs:PutLogEvents", Arn.build("aws", "logs", None, ACCOUNT, "log-group:x"), Outcome.ALLOWED),
    ("unknown region, other service", [allow("logs:PutLogEvents", f"arn:aws:ssm:*:{ACCOUNT}:log-group:x")], "logs:PutLogEvents", Arn.build("aws", "logs", None, ACCOUNT, "log-group:x"), Outcome.IMPLICIT),
    ("resource-less action needs Resource *", [allow("ecr:GetAuthorizationToken", "arn:aws:ecr:*:*:repository/*")], "ecr:GetAuthorizationToken", Arn.parse("*"), Outcome.IMPLICIT),
]


@pytest.mark.parametrize(("statements", "action", "resource", "outcome"), [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_evaluator_table(statements, action, resource, outcome):
    assert policies(*statements).decide(action, [resource]).outcome is outcome


def test_several_policies_deny_in_one_wins():
    both = PolicySet((policy(allow("s3:*"), name="a"), policy(deny("s3:GetObject"), name="b")))
    decision = both.decide("s3:GetObject", [S3_KEY])
    assert decision.outcome is Outcome.DENIED
    assert decision.denies[0][0].name == "b"


def test_boundary_limits_the_allow():
    limited = policies(allow("*"), boundary=[allow("s3:*")])
    assert limited.decide("s3:GetObject", [S3_KEY]).outcome is Outcome.ALLOWED
    assert limited.decide("iam:PassRole", [Arn.parse("*")]).outcome is Outcome.IMPLICIT


def test_candidates_take_the_best_outcome():
    one = policies(allow("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-*"))
    partial = Arn.parse(f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db")
    full = Arn.parse(f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-AbCdEf")
    assert one.decide("secretsmanager:GetSecretValue", [partial]).outcome is Outcome.IMPLICIT
    assert one.decide("secretsmanager:GetSecretValue", [partial, full]).outcome is Outcome.ALLOWED


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [("iam:*", "iam:Create*", True), ("iam:Put*", "iam:Put*Policy", True), ("iam:Get*", "iam:Create*", False), ("*", "sts:AssumeRole", True), ("sts:Assume?ole", "sts:AssumeRole", True), ("IAM:PASSROLE", "iam:PassRole", True), ("s3:*", "iam:*", False)],
)
def test_patterns_overlap(first, second, overlap):
    assert patterns_overlap(first, second) is overlap


def test_resource_match_is_three_valued():
    assert resource_matches("*", Arn.parse("anything")) is Match.YES
    assert resource_matches("arn:aws:s3:::b/*", Arn.parse("arn:aws:s3:::c/k")) is Match.NO


def test_grant_expands_wildcards_and_keeps_unknown_patterns():
    grant = grant_of(policy(allow(["s3:*", "notaservice:*", "dynamodb:PutItem"])).statements[0])
    assert "s3:putobject" in grant.actions and grant.actions["s3:putobject"] == "s3:PutObject"
    assert grant.actions["dynamodb:putitem"] == "dynamodb:PutItem"
    assert grant.unknown_patterns == ["notaservice:*"]


def test_grant_of_not_action_is_everything_else():
    grant = grant_of(policy({"Effect": "Allow", "NotAction": ["iam:*", "s3:*"], "Resource": "*"}).statements[0])
    assert "dynamodb:putitem" in grant.actions
    assert not any(action.startswith(("iam:", "s3:")) for action in grant.actions)


# The property test: the evaluator against a naive implementation that reads the shipped catalogue file
# itself, expands every action pattern with fnmatch and then works on sets.

ACTION_POOL = ["*", "s3:*", "s3:Get*", "s3:GetObject", "S3:getobject", "s3:*Object*", "iam:*", "iam:?ass*", "iam:PassRole", "iam:Create*", "dynamodb:*Item", "sqs:Send*", "ecr:Batch*", "logs:Put*"]
RESOURCE_POOL = ["*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::other/*", "arn:aws:s3:::bucket/key"]
REQUEST = "arn:aws:s3:::bucket/key"

statement_strategy = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "actions": st.lists(st.sampled_from(ACTION_POOL), min_size=1, max_size=3),
        "negate_actions": st.booleans(),
        "resources": st.lists(st.sampled_from(RESOURCE_POOL), min_size=1, max_size=2),
        "negate_resources": st.booleans(),
        "conditional": st.booleans(),
    }
)


def _statement(spec) -> dict:
    out = {"Effect": spec["Effect"], ("NotAction" if spec["negate_actions"] else "Action"): spec["actions"]}
    out["NotResource" if spec["negate_resources"] else "Resource"] = spec["resources"]
    if spec["conditional"]:
        out["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
    return out


@functools.cache
def _universe() -> tuple[str, ...]:
    services = json.loads(gzip.decompress((REPO / "schemas" / "iam-catalogue.json.gz").read_bytes()))["services"]
    prefixes = ("s3", "iam", "dynamodb", "sqs", "ecr", "logs")
    return tuple(sorted(f"{prefix}:{line.split(chr(9))[0]}".lower() for prefix in prefixes for line in services[prefix][0].splitlines()))


@functools.cache
def _expanded(patterns: tuple[str, ...]) -> frozenset[str]:
    return frozenset(action for action in _universe() if any(fnmatch.fnmatchcase(action, pattern.lower()) for pattern in patterns))


def _naive_outcomes(specs) -> dict[str, Outcome]:
    """Expand every statement to the set of actions it names, then decide by set membership."""
    universe = set(_universe())
    sets = []
    for spec in specs:
        named = _expanded(tuple(spec["actions"]))
        actions = (universe - named) if spec["negate_actions"] else (universe & named)
        in_resources = any(fnmatch.fnmatchcase(REQUEST, pattern) for pattern in spec["resources"])
        applies = in_resources != spec["negate_resources"]
        sets.append((spec, actions if applies else set()))
    outcomes = {}
    for action in universe:
        matching = [spec for spec, actions in sets if action in actions]
        certain_deny = any(spec["Effect"] == "Deny" and not spec["conditional"] for spec in matching)
        possible_deny = any(spec["Effect"] == "Deny" for spec in matching)
        certain_allow = any(spec["Effect"] == "Allow" and not spec["conditional"] for spec in matching)
        possible_allow = any(spec["Effect"] == "Allow" for spec in matching)
        if certain_deny:
            outcomes[action] = Outcome.DENIED
        elif certain_allow and not possible_deny:
            outcomes[action] = Outcome.ALLOWED
        else:
            outcomes[action] = Outcome.CONDITIONAL if possible_allow else Outcome.IMPLICIT
    return outcomes


@settings(max_examples=50, deadline=None)
@given(st.lists(statement_strategy, min_size=1, max_size=4))
def test_evaluator_agrees_with_naive_set_expansion(specs):
    evaluated = policies(*[_statement(spec) for spec in specs])
    for action, expected in _naive_outcomes(specs).items():
        assert evaluated.decide(action, [Arn.parse(REQUEST)]).outcome is expected, action
