"""ECR lifecycle policies: recognition, ECS801/ECS802 edge cases, positions in JSON and YAML, the embedding entry point."""

from __future__ import annotations

import json

import pytest

from ecslint.checks.lifecycle_policies.rules import invalid_lifecycle_policy, lifecycle_any_rule_not_last
from ecslint.documents.parse import parse
from ecslint.subjects.lifecycle_policy import lifecycle_policies, lifecycle_policy
from tests.helpers import lint_text

RULES = ["ECS801", "ECS802"]


def rule(priority=1, action=None, **selection):
    selection = {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 5} | selection
    return {"rulePriority": priority, "selection": {k: v for k, v in selection.items() if v is not None}, "action": {"type": "expire"} if action is None else action}


def policy(*rules) -> str:
    return json.dumps({"rules": list(rules)}, indent=2)


def lint(text: str, filename: str = "lifecycle-policy.json", select=RULES):
    return [(f.rule_id, f.pointer) for f in lint_text(text, filename, select=select)]


def test_a_valid_policy_has_no_findings():
    text = policy(
        rule(1, tagStatus="tagged", tagPatternList=["prod*"], countType="sinceImagePushed", countUnit="days", countNumber=14),
        rule(2, tagStatus="tagged", tagPrefixList=["v"], countNumber=50),
        rule(3),
        rule(10, tagStatus="any", countNumber=500),
    )
    assert lint(text) == []


def test_since_image_pulled_only_moves_images_to_the_archive():
    text = policy(rule(1, tagStatus="any", countType="sinceImagePulled", countUnit="days", countNumber=30))
    findings = lint_text(text, "lifecycle-policy.json", select=RULES)
    assert [(f.pointer, f.message) for f in findings] == [("/rules/0/action/type", "Rule #1: `countType: sinceImagePulled` works with `transition` actions only; ECR rejects it with `expire` (use `sinceImagePushed` to expire by age).")]


def test_archive_policies_with_an_any_rule_per_storage_class_pass():
    # The shape of the terraform-provider-aws acceptance test that ECR accepts.
    text = policy(
        rule(1, tagStatus="any", countType="sinceImagePulled", countUnit="days", countNumber=90, action={"type": "transition", "targetStorageClass": "archive"}),
        rule(2, tagStatus="any", storageClass="archive", countType="sinceImageTransitioned", countUnit="days", countNumber=365),
    )
    assert lint(text) == []


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"tagStatus": "TAGGED"}, "/rules/0/selection/tagStatus"),
        ({"tagStatus": None}, "/rules/0/selection"),
        ({"tagStatus": "tagged"}, "/rules/0/selection/tagStatus"),
        ({"tagStatus": "tagged", "tagPrefixList": []}, "/rules/0/selection/tagPrefixList"),
        ({"tagStatus": "tagged", "tagPatternList": ["ok", 7]}, "/rules/0/selection/tagPatternList/1"),
        ({"tagStatus": "untagged", "tagPrefixList": ["v"]}, "/rules/0/selection/tagPrefixList"),
        ({"tagStatus": "any", "tagPatternList": ["v*"]}, "/rules/0/selection/tagPatternList"),
        ({"countType": "imageCountLessThan"}, "/rules/0/selection/countType"),
        ({"countType": None}, "/rules/0/selection"),
        ({"countType": "sinceImagePushed"}, "/rules/0/selection/countType"),
        ({"countType": "sinceImagePushed", "countUnit": "weeks"}, "/rules/0/selection/countUnit"),
        ({"countNumber": None}, "/rules/0/selection"),
        ({"countNumber": -3}, "/rules/0/selection/countNumber"),
        ({"countNumber": 2.5}, "/rules/0/selection/countNumber"),
        ({"countNumber": "5"}, "/rules/0/selection/countNumber"),
        ({"storageClass": "glacier"}, "/rules/0/selection/storageClass"),
        ({"storageClass": "archive"}, "/rules/0/selection/storageClass"),
        ({"countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 90}, "/rules/0/selection/countType"),
    ],
)
def test_selection_errors_point_at_the_field(changes, pointer):
    assert lint(policy(rule(1, **changes))) == [("ECS801", pointer)]


@pytest.mark.parametrize(
    ("action", "pointer"),
    [
        ({"type": "delete"}, "/rules/0/action/type"),
        ({}, "/rules/0/action"),
        ({"type": "transition"}, "/rules/0/action/type"),
        ({"type": "transition", "targetStorageClass": "glacier"}, "/rules/0/action/targetStorageClass"),
        ({"type": "expire", "targetStorageClass": None}, "/rules/0/action/targetStorageClass"),
    ],
)
def test_action_errors(action, pointer):
    assert lint(policy(rule(1, action=action))) == [("ECS801", pointer)]


def test_missing_parts_are_reported_on_the_rule():
    text = json.dumps({"rules": [{"selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}}, "oops"]})
    assert sorted(lint(text)) == [("ECS801", "/rules/0"), ("ECS801", "/rules/0"), ("ECS801", "/rules/1")]


@pytest.mark.parametrize("priority", [0, -1, "1", True, 1.5, None])
def test_priority_must_be_a_positive_integer(priority):
    found = lint_text(policy(rule(priority)), "lifecycle-policy.json", select=["ECS801"])
    assert [(f.pointer, f.message.split(":")[0]) for f in found] == [("/rules/0/rulePriority", "Rule #1")]


def test_a_whole_float_priority_is_accepted_and_duplicates_are_reported_once_per_later_rule():
    text = policy(rule(2.0), rule(2, tagStatus="tagged", tagPrefixList=["v"]), rule(2, tagStatus="tagged", tagPrefixList=["w"]))
    found = lint_text(text, "lifecycle-policy.json", select=["ECS801"])
    assert [f.pointer for f in found] == ["/rules/1/rulePriority", "/rules/2/rulePriority"]
    assert all("already used by rule #1" in f.message for f in found)


def test_wildcard_limit_is_four_per_pattern():
    ok = policy(rule(1, tagStatus="tagged", tagPatternList=["*test*1*2*3", "test*1*2*3*"]))
    bad = policy(rule(1, tagStatus="tagged", tagPatternList=["test*1*2*3*4*5*6"]))
    assert lint(ok) == []
    [finding] = lint_text(bad, "lifecycle-policy.json", select=["ECS801"])
    assert finding.pointer == "/rules/0/selection/tagPatternList/0"
    assert "6 wildcards" in finding.message


def test_archived_images_cannot_be_expired_before_90_days():
    archived = {"storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days"}
    assert lint(policy(rule(1, **archived, countNumber=30))) == [("ECS801", "/rules/0/selection/countNumber")]
    assert lint(policy(rule(1, **archived, countNumber=90))) == []


def test_any_rule_not_last_names_the_later_rule():
    text = policy(rule(5, tagStatus="any"), rule(7, tagStatus="tagged", tagPrefixList=["v"]), rule(9))
    [finding] = lint_text(text, "lifecycle-policy.json", select=["ECS802"])
    assert finding.pointer == "/rules/0/rulePriority"
    assert finding.message.startswith("Rule #1 has `tagStatus: any` but `rulePriority` 5, lower than rule #3's 9;")


def test_two_any_rules_flag_the_earlier_one():
    text = policy(rule(1, tagStatus="any"), rule(2, tagStatus="any"))
    assert lint(text, select=["ECS802"]) == [("ECS802", "/rules/0/rulePriority")]


def test_findings_carry_line_and_column_in_json():
    text = '{\n  "rules": [\n    {\n      "rulePriority": 1,\n      "selection": {"tagStatus": "everything", "countType": "imageCountMoreThan", "countNumber": 1},\n      "action": {"type": "expire"}\n    }\n  ]\n}\n'
    [finding] = lint_text(text, "lifecycle-policy.json", select=RULES)
    assert (finding.rule_id, finding.pointer) == ("ECS801", "/rules/0/selection/tagStatus")
    assert (finding.region.start_line, finding.region.start_column) == (5, 21)


def test_findings_carry_line_and_column_in_yaml():
    text = """rules:
  - rulePriority: 1
    selection:
      tagStatus: any
      countType: imageCountMoreThan
      countNumber: 3
    action:
      type: expire
  - rulePriority: 2
    selection:
      tagStatus: untagged
      countType: sinceImagePushed
      countNumber: 3
    action:
      type: expire
"""
    found = lint_text(text, "lifecycle-policy.yaml", select=RULES)
    assert [(f.rule_id, f.pointer, f.region.start_line, f.region.start_column) for f in found] == [
        ("ECS802", "/rules/0/rulePriority", 2, 5),
        ("ECS801", "/rules/1/selection/countType", 12, 7),
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"rules": {"semi": "error"}},  # an ESLint config
        {"rules": [{"name": "move-to-cool", "enabled": True, "type": "Lifecycle", "definition": {}}]},  # Azure storage
        {"rules": []},
        {"Rules": [{"ID": "expire", "Status": "Enabled"}]},  # S3 lifecycle configuration
        [{"rulePriority": 1}],
    ],
)
def test_other_documents_are_not_lifecycle_policies(data):
    document = parse("x.json", json.dumps(data).encode())
    assert lifecycle_policies(document) is None


def test_unrecognised_files_are_skipped_when_walked_and_ecs001_when_named():
    eslint = json.dumps({"rules": {"semi": "error"}})
    assert lint_text(eslint, ".eslintrc.json", explicit=False) == []
    assert [f.rule_id for f in lint_text(eslint, "lifecycle-policy.json")] == ["ECS001"]


def test_a_policy_found_by_walking_is_linted():
    text = policy(rule(1, tagStatus="bogus"))
    assert [f.rule_id for f in lint_text(text, "ecr/policy.json", explicit=False, select=RULES)] == ["ECS801"]


def test_embedded_policy_entry_point_points_into_the_host_document():
    # What a CloudFormation front end does with `LifecyclePolicyText`: parse the string, hand over its pointer.
    template = "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      LifecyclePolicy:\n        LifecyclePolicyText: '{\"rules\": [{\"rulePriority\": 1, \"selection\": {\"tagStatus\": \"any\", \"countType\": \"imageCountMoreThan\"}, \"action\": {\"type\": \"expire\"}}]}'\n"
    document = parse("template.yaml", template.encode())
    at = "/Resources/Repo/Properties/LifecyclePolicy/LifecyclePolicyText"
    subject = lifecycle_policy(document, at, json.loads(document.data["Resources"]["Repo"]["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"]))
    [finding] = list(invalid_lifecycle_policy(subject))
    assert finding.pointer == at + "/rules/0/selection"
    region = document.region(finding.pointer)
    assert (region.start_line, region.start_column) == (6, 9)
    assert list(lifecycle_any_rule_not_last(subject)) == []
    assert lifecycle_policy(document, at, {"rules": "nope"}) is None


@pytest.mark.parametrize("data", [{"rules": [{"rulePriority": {"a": 1}, "selection": [], "action": "expire", "description": 5}]}, {"rules": [{"selection": {"tagStatus": ["x"], "countType": {}, "countUnit": 3, "countNumber": [], "storageClass": 1, "tagPatternList": "x"}}]}])
def test_checks_never_raise_on_wrong_types(data):
    assert all(f.rule_id == "ECS801" for f in lint_text(json.dumps(data), "lifecycle-policy.json", select=RULES))
