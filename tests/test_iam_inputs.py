"""`--iam` inputs: both accepted shapes, URL-encoded documents, offline managed policies, role lookup, errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from urllib.parse import quote

import pytest

from ecslint.documents.parse import parse
from ecslint.iam import managed
from ecslint.iam.context import IamInputError, context_from_documents, load_iam_files
from ecslint.iam.evaluator import Outcome
from ecslint.iam.patterns import Arn
from tests.helpers import REPO

ACCOUNT = "111122223333"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
APP = {"Version": "2012-10-17", "Statement": [{"Sid": "Orders", "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}]}
EXECUTION_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"


def context(*documents):
    return context_from_documents([parse(f"iam{index}.json", json.dumps(data).encode()) for index, data in enumerate(documents)])


def details(*roles, policies=()):
    return {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": list(roles), "Policies": list(policies)}


def role(name, account=ACCOUNT, inline=(), attached=(), trust=TRUST, **extra):
    return {
        "RoleName": name,
        "Arn": f"arn:aws:iam::{account}:role/{name}",
        "AssumeRolePolicyDocument": trust,
        "RolePolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in inline],
        "AttachedManagedPolicies": [{"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn} for arn in attached],
        **extra,
    }


def test_authorization_details_with_url_encoded_documents():
    encoded = role("orders-exec", inline=[("app", quote(json.dumps(APP)))], trust=quote(json.dumps(TRUST)))
    found = context(details(encoded)).role("orders-exec")
    assert found.trust.statements[0].principal == {"Service": "ecs-tasks.amazonaws.com"}
    statement = found.permissions.policies[0].statements[0]
    assert statement.sid == "Orders" and statement.actions == ("dynamodb:PutItem",)
    # A statement inside an encoded string cannot be located more precisely than the string itself.
    assert statement.location.pointer == "/RoleDetailList/0/RolePolicyList/0/PolicyDocument"


def test_json_documents_locate_each_statement():
    found = context(details(role("orders-exec", inline=[("app", APP)]))).role("orders-exec")
    statement = found.permissions.policies[0].statements[0]
    assert statement.location.pointer == "/RoleDetailList/0/RolePolicyList/0/PolicyDocument/Statement/0"
    assert statement.location.document.region(statement.location.pointer).start_line >= 1


def test_missing_aws_managed_policy_is_known_offline():
    found = context(details(role("orders-exec", attached=[EXECUTION_POLICY_ARN]))).role("orders-exec")
    assert found.complete
    (policy,) = found.permissions.policies
    assert policy.kind == "aws-managed" and policy.offline_version == "v1"
    assert found.permissions.decide("ecr:BatchGetImage", [Arn.parse(f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/web")]).outcome is Outcome.ALLOWED
    # Statements of an offline copy point at the attachment in the user's file.
    assert policy.statements[0].location.pointer == "/RoleDetailList/0/AttachedManagedPolicies/0"


def test_offline_copies_match_any_partition():
    found = context(details(role("x", attached=["arn:aws-cn:iam::aws:policy/AdministratorAccess"]))).role("x")
    assert found.complete and found.permissions.policies[0].name == "AdministratorAccess"


def test_managed_policy_in_the_input_wins_over_the_offline_copy():
    custom = {
        "PolicyName": "AmazonECSTaskExecutionRolePolicy",
        "Arn": EXECUTION_POLICY_ARN,
        "DefaultVersionId": "v2",
        "PolicyVersionList": [
            {"VersionId": "v1", "IsDefaultVersion": False, "Document": APP},
            {"VersionId": "v2", "IsDefaultVersion": True, "Document": quote(json.dumps({"Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}))},
        ],
    }
    found = context(details(role("x", attached=[EXECUTION_POLICY_ARN]), policies=[custom])).role("x")
    (policy,) = found.permissions.policies
    assert policy.offline_version is None and policy.statements[0].actions == ("ecr:*",)


def test_unknown_customer_managed_policy_makes_the_role_incomplete():
    found = context(details(role("x", attached=[f"arn:aws:iam::{ACCOUNT}:policy/secret-reader"]))).role("x")
    assert not found.complete and found.missing == (f"arn:aws:iam::{ACCOUNT}:policy/secret-reader",)


def test_customer_managed_policy_from_another_file():
    supplement = {"Policies": [{"PolicyName": "secret-reader", "Arn": f"arn:aws:iam::{ACCOUNT}:policy/secret-reader", "DefaultVersionId": "v1", "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": True, "Document": APP}]}]}
    found = context(details(role("x", attached=[f"arn:aws:iam::{ACCOUNT}:policy/secret-reader"])), supplement).role("x")
    assert found.complete and found.permissions.policies[0].kind == "managed"


def test_permissions_boundary_is_applied_and_unknown_boundary_is_incomplete():
    bounded = role("x", inline=[("all", {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})], PermissionsBoundary={"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"})
    found = context(details(bounded)).role("x")
    assert found.permissions.decide("iam:PassRole", [Arn.parse("*")]).outcome is Outcome.IMPLICIT
    assert found.permissions.decide("s3:GetObject", [Arn.parse("arn:aws:s3:::b/k")]).outcome is Outcome.ALLOWED
    bounded["PermissionsBoundary"]["PermissionsBoundaryArn"] = f"arn:aws:iam::{ACCOUNT}:policy/boundary"
    assert not context(details(bounded)).role("x").complete


def test_one_role_per_file_shape():
    single = {
        "Role": {"Path": "/", "RoleName": "orders-task", "Arn": f"arn:aws:iam::{ACCOUNT}:role/orders-task", "AssumeRolePolicyDocument": TRUST},
        "RolePolicies": [{"RoleName": "orders-task", "PolicyName": "app", "PolicyDocument": APP}],
        "AttachedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
    }
    found = context(single).role(f"arn:aws:iam::{ACCOUNT}:role/orders-task")
    assert [policy.name for policy in found.permissions.policies] == ["app", "ReadOnlyAccess"]
    assert found.permissions.policies[0].statements[0].location.pointer == "/RolePolicies/0/PolicyDocument/Statement/0"
    assert found.complete


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (f"arn:aws:iam::{ACCOUNT}:role/orders-task", "orders-task"),
        ("orders-task", "orders-task"),
        ("ORDERS-TASK", "orders-task"),
        (f"arn:aws:iam::{ACCOUNT}:role/service-role/orders-task", "orders-task"),
        ("arn:aws:iam::${AWS_ACCOUNT_ID}:role/orders-task", "orders-task"),
        ("arn:aws:iam::444455556666:role/orders-task", None),
        ("${TASK_ROLE}", None),
        ("shared", None),  # the same name in two accounts is ambiguous
        ("", None),
    ],
)
def test_roles_are_matched_by_arn_and_by_name(reference, expected):
    found = context(details(role("orders-task"), role("shared"), role("shared", account="444455556666"))).role(reference)
    assert (found.name if found else None) == expected


def test_load_iam_files_reads_and_merges(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps(details(role("a"))))
    second.write_text(json.dumps({"Role": role("b")}))
    loaded = load_iam_files([first, second])
    assert [r.name for r in loaded.roles] == ["a", "b"]


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b'{"RoleDetailList": [', r"b\.json: .*line 1"),
        (b'{"family": "web", "containerDefinitions": []}', r"b\.json: not IAM input: expected `aws iam get-account-authorization-details`"),
        (b'{"RoleDetailList": [{"RoleName": "x", "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": "%7Bnot json"}]}]}', r"b\.json: the inline policy at `RoleDetailList\[0\]\.RolePolicyList\[0\]\.PolicyDocument` is not a policy document"),
        (b"[]", r"b\.json: not IAM input"),
    ],
)
def test_unusable_files_raise_one_line_errors(tmp_path, content, pattern):
    path = tmp_path / "b.json"
    path.write_bytes(content)
    with pytest.raises(IamInputError) as raised:
        load_iam_files([path])
    assert re.search(pattern, str(raised.value)) and "\n" not in str(raised.value)


def test_unreadable_file(tmp_path):
    with pytest.raises(IamInputError, match="cannot read the --iam file"):
        load_iam_files([tmp_path / "missing.json"])


def test_offline_managed_policies_carry_their_provenance():
    data = json.loads(REPO.joinpath("schemas", "aws-managed-policies.json").read_text())
    names = {entry["name"] for entry in data["policies"]}
    assert {
        "AmazonECSTaskExecutionRolePolicy", "AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "AmazonS3FullAccess", "AmazonDynamoDBFullAccess",
        "SecretsManagerReadWrite", "CloudWatchLogsFullAccess", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMReadOnlyAccess", "IAMFullAccess",
    } <= names
    for entry in data["policies"]:
        assert entry["source"] == f"https://docs.aws.amazon.com/aws-managed-policy/latest/reference/{entry['name']}.html"
        assert re.fullmatch(r"v\d+", entry["versionId"]) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["verified"])
        assert managed.known(entry["arn"]).name == entry["name"]
        assert entry["document"]["Statement"]
    assert "REDUCED" in data["description"]


def _modules_after(script: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    return result.stdout.strip().splitlines()


# Whether the action catalogue's data was read (its module alone costs nothing).
CATALOGUE_LOADED = "(lambda m: bool(m and m.is_loaded()))(sys.modules.get('ecslint.iam.catalogue'))"


def test_linting_without_iam_never_loads_the_action_catalogue():
    script = (
        "import sys\nfrom ecslint.cli import main\n"
        f"try:\n    main(['check', '--isolated', {str(REPO / 'examples')!r}])\nexcept SystemExit:\n    pass\n"
        f"print('ecslint.iam.catalogue' in sys.modules, {CATALOGUE_LOADED})\n"
    )
    assert _modules_after(script)[-1] == "False False"


def test_concrete_actions_do_not_import_the_catalogue_but_wildcards_do():
    iam = json.dumps(details(role("exec", inline=[("app", APP)]), role("wild", inline=[("all", {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})])))
    template = (
        "import sys, json\nfrom tests.helpers import lint_text\n"
        "task = json.dumps({{'family': 'f', 'executionRoleArn': 'arn:aws:iam::111122223333:role/{role}', 'containerDefinitions': [{{'name': 'a', 'image': 'nginx:1'}}]}})\n"
        "found = lint_text(task, iam={iam!r})\n"
        "print(sorted({{f.rule_id for f in found if f.rule_id.startswith('ECS1')}}), " + CATALOGUE_LOADED + ")\n"
    )
    concrete = _modules_after(template.format(role="exec", iam=iam))[-1]
    assert concrete.endswith("False") and "ECS103" in concrete
    assert _modules_after(template.format(role="wild", iam=iam))[-1].endswith("True")
