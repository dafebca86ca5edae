"""Edge cases of the secrets rules (ECS201-ECS204, ECS111) and of the detectors behind them.

Fake secrets are assembled from pieces so that this file itself does not hold a
complete key for secret scanners to trip over.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from ecslint.documents import pointer as jp
from ecslint.documents.parse import Document, parse
from ecslint.subjects.secret_patterns import (
    IDENTIFIER_PREFIXES,
    access_key_ids,
    embedded_credentials,
    find_secrets,
    is_placeholder,
    is_secret_access_key_name,
    is_secret_access_key_shape,
    mask,
    placeholder_kind,
    private_keys,
    secret_name_term,
)
from tests.helpers import CORPUS, cli, lint_text, needs_shared

SECRET_RULES = ["ECS201", "ECS202", "ECS203", "ECS204", "ECS111"]

KEY_ID = "AKIA" + "Q7ZC4RT2MN5WBX9P"
TEMP_KEY_ID = "ASIA" + "Z3XK7QW2PL9MN4RD"
SECRET_KEY = "h3Kd9Lx2Qp7Wz" + "/Rt5Vy8Nb1Mc4Gf6Jk0Ps" + "+Ue2Xa"
EXAMPLE_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE"
EXAMPLE_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
PASSWORD = "N0t-" + "a-real-Pa55word"
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" + "q2Lx9Vd8Zr1Kp4Wm7Ns3Tb6Yf0Hg5Jc2Ua8Ee1Ri4Oo7Pl3Mk6Nj9Bh2Cg5Df8Ft1Gy4"
PEM = "-----BEGIN PRIVATE KEY-----\n" + PEM_BODY + "\n-----END PRIVATE KEY-----\n"
SHA1 = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
UUID = "123e4567-e89b-12d3-a456-426614174000"
BASE64_BLOB = "eyJsb2dMZXZlbCI6ImluZm8iLCJmZWF0dXJlcyI6WyJhIiwiYiJdLCJyZXRyaWVzIjozfQ=="


def task(container: dict | None = None, **task_fields) -> str:
    container = {"name": "web", "image": "nginx:1.27", **(container or {})}
    return json.dumps({"family": "web", **task_fields, "containerDefinitions": [container]})


def env(*pairs: tuple[str, str], **container) -> str:
    return task({"environment": [{"name": name, "value": value} for name, value in pairs], **container})


def findings(text: str, rule: str):
    return lint_text(text, select=[rule])


def pointers(text: str, rule: str) -> list[str]:
    return sorted(f.pointer for f in findings(text, rule))


def levels(text: str, rule: str) -> list[str]:
    return [f.level for f in findings(text, rule)]


# --- detectors -----------------------------------------------------------------------------


def test_mask_shows_at_most_four_characters_and_the_length():
    assert mask(KEY_ID) == "AKIA…(20 chars)"
    assert mask(SECRET_KEY) == "h3Kd…(40 chars)"
    # Short values reveal less, so a short password is not half given away.
    assert mask("magento") == "m…(7 chars)"
    assert mask("abc") == "…(3 chars)"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("null", "empty"),
        ("${DB_PASSWORD}", "template"),
        ("${var.db_password}", "template"),
        ("{{ db_password }}", "template"),
        ("{{resolve:secretsmanager:db:SecretString:password}}", "template"),
        ("<value>", "template"),
        ("<your password>", "template"),
        ("#{Param}", "template"),
        ("$DB_PASSWORD", "template"),
        ("$password", "template"),
        ("((db_password))", "template"),
        ("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf", "reference"),
        ("ssm:/prod/db/password", "reference"),
        ("CHANGEME", "example"),
        ("changeme", "example"),
        ("xxx", "example"),
        ("XXXXXXXXXXXX", "example"),
        ("example", "example"),
        ("your-password-here", "example"),
        ("YOUR_API_KEY", "example"),
        ("password", "example"),
        ("db_password", "example"),
        (EXAMPLE_KEY_ID, "example"),
        (EXAMPLE_SECRET_KEY, "example"),
        (PASSWORD, None),
        ("magento", None),
        ("pa$$word", None),
        ("x9$AB7q-Lm", None),
        (KEY_ID, None),
    ],
)
def test_placeholder_kind(value, kind):
    assert placeholder_kind(value) == kind


@pytest.mark.parametrize(
    "name",
    ["DB_PASSWORD", "MYSQL_ROOT_PASSWORD", "dbPassword", "DB_PASSWD", "DB_PASS", "GITHUB_TOKEN", "APITOKEN", "JWT_SECRET", "CLIENT_SECRET", "API_KEY", "apiKey", "STRIPE_API_KEY", "PRIVATE_KEY", "ENCRYPTION_KEY", "APP_KEY", "GOOGLE_CREDENTIALS", "SECRET_KEY_BASE", "DB_PWD"],
)
def test_names_that_say_secret(name):
    assert secret_name_term(name)


@pytest.mark.parametrize(
    "name",
    ["DB_PASSWORD_SECRET_ARN", "TOKEN_URL", "SECRET_NAME", "PASSWORD_FILE", "DB_PASSWORD_PATH", "SECRET_ID", "KMS_KEY_ID", "CLIENT_ID", "TOKEN_ENDPOINT", "PASSWORD_MIN_LENGTH", "TOKEN_TTL", "JWT_PUBLIC_KEY", "STRIPE_PUBLISHABLE_KEY", "PWD", "MAX_TOKENS", "CACHE_KEY", "PARTITION_KEY", "LOG_LEVEL", "TOKENIZERS_PARALLELISM", "PASSWORD_HASHERS"],
)
def test_names_that_only_mention_a_secret(name):
    assert secret_name_term(name) is None


def test_secret_access_key_names():
    assert all(is_secret_access_key_name(n) for n in ["AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "S3_SECRET_ACCESS_KEY", "aws_secret_access_key"])
    # Django's and Flask's SECRET_KEY are not AWS keys; an ARN of one is a reference.
    assert not any(is_secret_access_key_name(n) for n in ["SECRET_KEY", "SECRET_KEY_BASE", "AWS_SECRET_ACCESS_KEY_ARN"])


def test_access_key_ids_only_for_credential_prefixes():
    assert access_key_ids(f"id={KEY_ID};tmp={TEMP_KEY_ID}") == [KEY_ID, TEMP_KEY_ID]
    for prefix in IDENTIFIER_PREFIXES:
        assert access_key_ids(prefix + "Q7ZC4RT2MN5WBX9P") == []
    # Inside a longer token it is not a key ID.
    assert access_key_ids("x" + KEY_ID) == []
    assert access_key_ids(KEY_ID + "Z") == []


def test_secret_access_key_shape_rejects_digests_and_paths():
    assert is_secret_access_key_shape(SECRET_KEY)
    assert not is_secret_access_key_shape(SHA1)
    assert not is_secret_access_key_shape(SHA1.upper())
    assert not is_secret_access_key_shape("Config/Production/Database/Main/Settings")
    assert not is_secret_access_key_shape(SECRET_KEY[:-1])


def test_embedded_credentials():
    assert embedded_credentials(f"postgresql://app:{PASSWORD}@db.internal:5432/app") == [("postgresql", PASSWORD)]
    assert embedded_credentials("redis://:s3cr3t-Pw@cache:6379") == [("redis", "s3cr3t-Pw")]
    assert embedded_credentials("mongodb+srv://u:p@ss@cluster0.example.net") == [("mongodb+srv", "p@ss")]
    # Templates, ports, paths and e-mail-like strings are not credentials.
    assert embedded_credentials("postgresql://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/app") == []
    assert embedded_credentials("postgres://app:$DB_PASSWORD@db/app") == []
    assert embedded_credentials("http://host:8080/path@thing") == []
    assert embedded_credentials("https://example.com/?a=b:c@d") == []
    assert embedded_credentials("git@github.com:org/repo.git") == []
    assert embedded_credentials("http://user:@host") == []


def test_private_keys_need_a_real_body():
    assert private_keys(PEM) == [(PEM.rstrip("\n").rsplit("\n", 1)[0] + "\n-----END", False)]
    assert private_keys("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----")[0][1] is True
    assert private_keys("-----BEGIN PUBLIC KEY-----\n" + PEM_BODY + "\n-----END PUBLIC KEY-----") == []


def test_free_text_detection_ignores_hashes_digests_uuids_and_blobs():
    text = f"deploy --image repo@sha256:{SHA1}{SHA1[:24]} --commit {SHA1} --request {UUID} --config {BASE64_BLOB}"
    assert find_secrets(text) == []
    # A 40-character token is a secret key only with context.
    assert find_secrets(f"--token {SECRET_KEY}") == []
    assert [m.kind for m in find_secrets(f"aws_secret_access_key={SECRET_KEY}")] == ["aws-secret-access-key"]
    assert [m.kind for m in find_secrets(f"{KEY_ID} {SECRET_KEY}")] == ["aws-access-key-id", "aws-secret-access-key"]


# --- ECS201 --------------------------------------------------------------------------------


def test_ecs201_access_key_id_in_environment():
    text = env(("UPLOAD_KEY", KEY_ID))
    [finding] = findings(text, "ECS201")
    assert finding.pointer == "/containerDefinitions/0/environment/0/value"
    assert finding.level == "error"
    assert "Container 'web'" in finding.message and "`environment[0]` (`UPLOAD_KEY`)" in finding.message
    assert "AKIA…(20 chars)" in finding.message and KEY_ID not in finding.message


def test_ecs201_secret_key_needs_a_key_name_or_a_key_id_nearby():
    assert pointers(env(("AWS_SECRET_ACCESS_KEY", SECRET_KEY)), "ECS201") == ["/containerDefinitions/0/environment/0/value"]
    assert pointers(env(("S3_SECRET_KEY", SECRET_KEY)), "ECS201") == ["/containerDefinitions/0/environment/0/value"]
    # Without context a 40-character token could be anything.
    assert pointers(env(("SIGNING_SEED", SECRET_KEY)), "ECS201") == []
    # Next to a key ID it is the other half of the pair.
    assert pointers(env(("ID", TEMP_KEY_ID), ("OTHER", SECRET_KEY)), "ECS201") == ["/containerDefinitions/0/environment/0/value", "/containerDefinitions/0/environment/1/value"]


def test_ecs201_ignores_identifiers_digests_and_templates():
    text = env(
        ("ROLE_ID", "AROA" + "Q7ZC4RT2MN5WBX9P"),
        ("USER_ID", "AIDA" + "Q7ZC4RT2MN5WBX9P"),
        ("AWS_SECRET_ACCESS_KEY", "${AWS_SECRET_ACCESS_KEY}"),
        ("AWS_ACCESS_KEY_ID", "${AWS_ACCESS_KEY_ID}"),
        ("GIT_SHA", SHA1),
    )
    assert pointers(text, "ECS201") == []


@pytest.mark.parametrize("value", [SHA1.upper(), SHA1, "minio" + "-S3cr3t", SECRET_KEY[:30]])
def test_ecs201_a_literal_under_the_secret_key_name_is_a_key_whatever_its_shape(value):
    text = env(("AWS_ACCESS_KEY_ID", "${KEY_ID}"), ("AWS_SECRET_ACCESS_KEY", value))
    [finding] = findings(text, "ECS201")
    assert (finding.pointer, finding.level) == ("/containerDefinitions/0/environment/1/value", "error")
    assert "an AWS secret access key" in finding.message and value not in finding.message
    assert value not in " ".join(f.message for f in lint_text(text))
    # ECS111 says why the variable is wrong at all, without the value; ECS202 leaves it to ECS201.
    assert [f.pointer for f in findings(text, "ECS111")] == ["/containerDefinitions/0/environment/0/name", "/containerDefinitions/0/environment/1/name"]
    assert findings(text, "ECS202") == []


@pytest.mark.parametrize("value", ["${AWS_SECRET_ACCESS_KEY}", "", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:aws", "/run/secrets/aws", "none"])
def test_ecs201_templates_references_and_paths_under_the_secret_key_name_are_not_keys(value):
    assert findings(env(("AWS_SECRET_ACCESS_KEY", value)), "ECS201") == []


def test_ecs201_documented_example_keys_are_notes():
    text = env(("AWS_ACCESS_KEY_ID", EXAMPLE_KEY_ID), ("AWS_SECRET_ACCESS_KEY", EXAMPLE_SECRET_KEY))
    assert levels(text, "ECS201") == ["note", "note"]


def test_ecs201_and_ecs111_both_fire_but_ecs202_does_not():
    text = env(("AWS_ACCESS_KEY_ID", KEY_ID), ("AWS_SECRET_ACCESS_KEY", SECRET_KEY), ("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEBYaD" + "Hk2mPq"))
    assert len(findings(text, "ECS201")) == 2
    assert len(findings(text, "ECS111")) == 3
    assert findings(text, "ECS202") == []


# --- ECS202 --------------------------------------------------------------------------------


def test_ecs202_literal_secret_under_a_secret_name():
    [finding] = findings(env(("DB_PASSWORD", PASSWORD)), "ECS202")
    assert finding.pointer == "/containerDefinitions/0/environment/0/value"
    assert finding.level == "warning"
    assert "`PASSWORD`" in finding.message and "N0t-…(19 chars)" in finding.message and PASSWORD not in finding.message


@pytest.mark.parametrize("value", ["${DB_PASSWORD}", "{{ db_password }}", "<value>", "#{Param}", "", "arn:aws:ssm:eu-west-1:123456789012:parameter/db", "/prod/db/password", "null", "yes", "8"])
def test_ecs202_placeholders_and_references_are_silent(value):
    assert findings(env(("DB_PASSWORD", value)), "ECS202") == []


@pytest.mark.parametrize("value", ["CHANGEME", "changeme", "xxx", "example", "your-password-here", "password"])
def test_ecs202_obvious_examples_are_notes(value):
    assert levels(env(("DB_PASSWORD", value)), "ECS202") == ["note"]


@pytest.mark.parametrize("name", ["DB_PASSWORD_SECRET_ARN", "TOKEN_URL", "SECRET_NAME", "PASSWORD_FILE", "DB_PASSWORD_PATH", "CLIENT_ID", "PWD"])
def test_ecs202_reference_names_are_silent(name):
    assert findings(env((name, "prod-db-main-7")), "ECS202") == []


def test_ecs202_hashes_uuids_digests_and_blobs_under_ordinary_names_are_silent():
    text = env(("GIT_SHA", SHA1), ("REQUEST_ID", UUID), ("IMAGE_DIGEST", f"sha256:{SHA1}{SHA1[:24]}"), ("FEATURES", BASE64_BLOB), ("ALLOW_EMPTY_PASSWORD", "yes"))
    assert findings(text, "ECS202") == []


def test_ecs202_embedded_credentials_and_private_keys_whatever_the_name():
    text = env(("DATABASE_URL", f"postgresql://app:{PASSWORD}@db.internal/app"), ("TLS", PEM), ("BROKER", "amqp://guest:${RABBIT_PASSWORD}@mq"))
    found = findings(text, "ECS202")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/environment/0/value", "/containerDefinitions/0/environment/1/value"]
    assert "`postgresql://` URL with an embedded password (`N0t-…(19 chars)`)" in found[0].message
    assert "PEM private key" in found[1].message and PEM_BODY[:20] not in found[1].message


def test_ecs202_elided_private_key_is_a_note():
    assert levels(env(("TLS_KEY", "-----BEGIN RSA PRIVATE KEY-----\\n...\\n-----END RSA PRIVATE KEY-----")), "ECS202") == ["note"]


# --- ECS203 --------------------------------------------------------------------------------


def test_ecs203_keys_in_a_command_are_one_finding_per_entry():
    text = task({"command": ["sh", "-c", f"aws configure set aws_access_key_id {KEY_ID} && aws configure set aws_secret_access_key {SECRET_KEY} && ./run"]})
    [finding] = findings(text, "ECS203")
    assert finding.pointer == "/containerDefinitions/0/command/2"
    assert "`command[2]`" in finding.message
    assert "AKIA…(20 chars)" in finding.message and "h3Kd…(40 chars)" in finding.message
    assert KEY_ID not in finding.message and SECRET_KEY not in finding.message


def test_ecs203_key_id_and_secret_key_in_separate_entries():
    text = task({"entryPoint": ["/bin/sync", "--key", TEMP_KEY_ID, "--secret", SECRET_KEY]})
    assert pointers(text, "ECS203") == ["/containerDefinitions/0/entryPoint/2", "/containerDefinitions/0/entryPoint/4"]


def test_ecs203_health_check_and_labels():
    text = task(
        {
            "healthCheck": {"command": ["CMD-SHELL", f"curl -f http://monitor:{PASSWORD}@localhost/health"]},
            "dockerLabels": {"deploy.key": KEY_ID, "tls": PEM, "org.opencontainers.image.revision": SHA1},
        }
    )
    found = findings(text, "ECS203")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/healthCheck/command/1", "/containerDefinitions/0/dockerLabels/deploy.key", "/containerDefinitions/0/dockerLabels/tls"]
    assert '`dockerLabels["deploy.key"]`' in found[1].message


def test_ecs203_templates_digests_and_examples():
    text = task({"command": ["sh", "-c", 'psql "postgres://app:${DB_PASSWORD}@db/app"', f"--digest=sha256:{SHA1}{SHA1[:24]}", f"--id={UUID}", "http://user:password@localhost"]})
    found = findings(text, "ECS203")
    assert [(f.pointer, f.level) for f in found] == [("/containerDefinitions/0/command/5", "note")]


def test_ecs203_a_command_given_as_one_string_is_still_read():
    text = task({"command": f"run --key {KEY_ID}"})
    [finding] = findings(text, "ECS203")
    assert finding.pointer == "/containerDefinitions/0/command"
    assert "`command`" in finding.message


def test_ecs203_leaves_environment_to_ecs201():
    assert findings(env(("AWS_ACCESS_KEY_ID", KEY_ID)), "ECS203") == []


# --- ECS204 --------------------------------------------------------------------------------


def secrets(*value_froms: str, **container) -> str:
    return task({"secrets": [{"name": f"S{index}", "valueFrom": value} for index, value in enumerate(value_froms)], **container})


@pytest.mark.parametrize(
    "value",
    [
        "db-password",
        "/prod/db/password",
        "/aws/reference/secretsmanager/prod-db",
        "/prod/db/password:3",
        "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db/password",
        "arn:aws:ssm:eu-west-1:123456789012:parameter/db-password",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password::",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password:AWSPREVIOUS:",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf::AWSCURRENT:",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:::a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
        "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db-AbCdEf",
        "arn:aws:secretsmanager:YOUR_REGION:YOUR_ACCOUNT_ID:secret:db/url",
        "${DbSecretArn}",
        "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:db",
        "{{ secretsmanager_arn `db` }}",
    ],
)
def test_ecs204_accepts_ssm_names_and_arns_and_secrets_manager_arns(value):
    assert findings(secrets(value), "ECS204") == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("arn:aws:s3:::bucket/db.txt", "ARN for `s3`"),
        ("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "ARN for `kms`"),
        ("arn:aws:secretsmanager:eu-west-1:123456789012:db-AbCdEf", "without a `secret:<name>` resource"),
        ("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:key:AWSCURRENT:id:extra", "more fields"),
        ("arn:aws:ssm:eu-west-1:123456789012:db-password", "without a `parameter/<name>` resource"),
        ("arn:aws:secretsmanager:::secret:db-AbCdEf", "Region or the account"),
        ("prod/db/password", "leading `/`"),
        ("postgres://app:hunter2@db/app", "neither an ARN nor an SSM parameter name"),
        ("my secret value", "neither an ARN nor an SSM parameter name"),
        ("", "is empty"),
        ("/" + "/".join("abcdefghijklmnop"), "deeper than 15 levels"),
    ],
)
def test_ecs204_rejects_what_ecs_cannot_resolve(value, reason):
    [finding] = findings(secrets(value), "ECS204")
    assert finding.pointer == "/containerDefinitions/0/secrets/0/valueFrom"
    assert reason in finding.message
    if len(value) > 8:
        assert value not in finding.message


def test_ecs204_masks_a_secret_pasted_into_value_from():
    [finding] = findings(secrets(f"postgres://app:{PASSWORD}@db/app"), "ECS204")
    assert PASSWORD not in finding.message and "post…(" in finding.message


def test_ecs204_secret_options_are_checked_too():
    text = task({"logConfiguration": {"logDriver": "splunk", "options": {}, "secretOptions": [{"name": "splunk-token", "valueFrom": "arn:aws:s3:::b/k"}]}})
    assert pointers(text, "ECS204") == ["/containerDefinitions/0/logConfiguration/secretOptions/0/valueFrom"]


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        ("arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry-AbCdEf", False),
        ("registry/dockerhub", False),
        ("", False),
        ("${RegistrySecret}", False),
        ("arn:aws:ssm:eu-west-1:123456789012:parameter/registry", True),
        ("registry creds", True),
    ],
)
def test_ecs204_repository_credentials(value, flagged):
    text = task({"repositoryCredentials": {"credentialsParameter": value}})
    assert pointers(text, "ECS204") == (["/containerDefinitions/0/repositoryCredentials/credentialsParameter"] if flagged else [])


def test_ecs204_duplicate_names():
    text = task(
        {
            "environment": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}, {"name": "A", "value": "3"}],
            "secrets": [{"name": "B", "valueFrom": "/b"}, {"name": "C", "valueFrom": "/c"}, {"name": "C", "valueFrom": "/c2"}],
        }
    )
    found = findings(text, "ECS204")
    assert sorted(f.pointer for f in found) == [
        "/containerDefinitions/0/environment/1/name",
        "/containerDefinitions/0/environment/2/name",
        "/containerDefinitions/0/secrets/2/name",
    ]
    messages = " ".join(f.message for f in found)
    assert "`B` is set both in `environment[1]` and in `secrets[0]`" in messages
    assert "`environment[2]` sets `A` again (first in `environment[0]`)" in messages


def test_ecs204_names_are_per_container():
    document = {
        "family": "web",
        "containerDefinitions": [
            {"name": "a", "image": "x:1", "environment": [{"name": "A", "value": "1"}]},
            {"name": "b", "image": "x:1", "secrets": [{"name": "A", "valueFrom": "/a"}]},
        ],
    }
    assert findings(json.dumps(document), "ECS204") == []


# --- ECS111 --------------------------------------------------------------------------------


def test_ecs111_with_a_task_role_says_the_keys_override_it():
    text = task({"environment": [{"name": "AWS_ACCESS_KEY_ID", "value": "${KEY}"}]}, taskRoleArn="arn:aws:iam::123456789012:role/web")
    [finding] = findings(text, "ECS111")
    assert finding.pointer == "/containerDefinitions/0/environment/0/name"
    assert "silently override `taskRoleArn`" in finding.message


def test_ecs111_without_a_task_role_says_so():
    text = task({"secrets": [{"name": "AWS_SECRET_ACCESS_KEY", "valueFrom": "/keys/secret"}, {"name": "AWS_SESSION_TOKEN", "valueFrom": "/keys/token"}]})
    found = findings(text, "ECS111")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/secrets/0/name", "/containerDefinitions/0/secrets/1/name"]
    assert all("has no `taskRoleArn`" in f.message for f in found)


def test_ecs111_bare_container_list_flags_keys_but_stays_silent_about_the_role():
    text = json.dumps([{"name": "web", "image": "nginx:1.27", "environment": [{"name": "AWS_ACCESS_KEY_ID", "value": KEY_ID}]}])
    [finding] = findings(text, "ECS111")
    assert finding.pointer == "/0/environment/0/name"
    assert "has no `taskRoleArn`" not in finding.message and "override `taskRoleArn`" not in finding.message
    assert "Use a task role" in finding.message


def test_ecs111_ignores_empty_values_and_other_names():
    text = env(("AWS_ACCESS_KEY_ID", ""), ("AWS_REGION", "eu-west-1"), ("aws_access_key_id", "x"), ("AWS_ACCESS_KEY_ID_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:k"))
    assert findings(text, "ECS111") == []


# --- robustness ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "container",
    [
        {"environment": "A=1"},
        {"environment": [1, None, "x", {"name": 5, "value": KEY_ID}, {"name": "DB_PASSWORD", "value": 12345}, {"value": PASSWORD}]},
        {"secrets": {"name": "A"}},
        {"secrets": [{"name": "A"}, {"valueFrom": 3}, "x"]},
        {"command": [1, None, {"a": KEY_ID}], "entryPoint": None, "healthCheck": "curl"},
        {"healthCheck": {"command": "CMD-SHELL curl"}},
        {"dockerLabels": ["a", "b"]},
        {"dockerLabels": {"a": 1, "b": None}},
        {"repositoryCredentials": "arn:aws:s3:::x"},
        {"repositoryCredentials": {"credentialsParameter": 7}},
        {"logConfiguration": {"secretOptions": "x"}},
        {"logConfiguration": {"secretOptions": [None, {"valueFrom": None}]}},
    ],
)
def test_malformed_input_never_raises(container):
    for rule in SECRET_RULES:
        findings(task(container), rule)


def test_value_without_name_is_still_scanned_for_keys():
    text = task({"environment": [{"value": KEY_ID}]})
    [finding] = findings(text, "ECS201")
    assert "`environment[0]`" in finding.message


# --- no raw secret in any output format ------------------------------------------------------

RAW_SECRETS = [KEY_ID, TEMP_KEY_ID, SECRET_KEY, PASSWORD, PEM_BODY, PEM_BODY[:40], "Zq8-Wm3vTt91"]


def _fixture_files(tmp_path):
    register = {
        "family": "leaky",
        "taskRoleArn": "arn:aws:iam::123456789012:role/leaky",
        "executionRoleArn": "arn:aws:iam::123456789012:role/leaky-execution",
        "containerDefinitions": [
            {
                "name": "app",
                "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0",
                "essential": True,
                "environment": [
                    {"name": "AWS_ACCESS_KEY_ID", "value": KEY_ID},
                    {"name": "AWS_SECRET_ACCESS_KEY", "value": SECRET_KEY},
                    {"name": "DB_PASSWORD", "value": PASSWORD},
                    {"name": "DATABASE_URL", "value": f"postgresql://app:{PASSWORD}@db.internal:5432/app"},
                    {"name": "TLS_KEY", "value": PEM},
                ],
                "secrets": [
                    {"name": "API_TOKEN", "valueFrom": "Zq8-Wm3vTt91 pasted by mistake"},
                    {"name": "DB_PASSWORD", "valueFrom": "/app/db/password"},
                ],
                "command": ["sh", "-c", f"aws configure set aws_access_key_id {TEMP_KEY_ID} && aws configure set aws_secret_access_key {SECRET_KEY}"],
                "healthCheck": {"command": ["CMD-SHELL", f"curl -f http://probe:{PASSWORD}@localhost/health || exit 1"]},
                "dockerLabels": {"signing.key": PEM},
            }
        ],
    }
    bare = [{"name": "worker", "image": "busybox:1.36", "environment": [{"name": "UPLOAD_KEY", "value": TEMP_KEY_ID}], "entryPoint": ["/run", f"redis://:{PASSWORD}@cache:6379"]}]
    first, second = tmp_path / "register.json", tmp_path / "containers.json"
    first.write_text(json.dumps(register, indent=2))
    second.write_text(json.dumps(bare, indent=2))
    return first, second


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_no_raw_secret_in_any_output_format(capsys, tmp_path, output_format):
    paths = _fixture_files(tmp_path)
    result = cli(capsys, "check", "--isolated", "--format", output_format, *map(str, paths))
    assert result.code == 1, result.err
    output = result.out + result.err
    for rule in SECRET_RULES:
        assert rule in output
    for secret in RAW_SECRETS:
        for spelling in (secret, json.dumps(secret)[1:-1], secret.replace("%", "%25")):
            assert spelling not in output, f"{secret[:4]}… leaked in {output_format} output"


# --- corpus ---------------------------------------------------------------------------------


def _value_at(document: Document, pointer: str):
    value = document.data
    for token in jp.split(pointer):
        if isinstance(value, list):
            value = value[int(token)]
        else:
            value = value[token]
    return value


def _flagged_value_is_placeholder(value: str) -> bool:
    """Independent of the rules' own parsing: a URL is judged by the password urllib finds in it."""
    if "://" in value and "@" in value:
        try:
            password = urlsplit(value.strip().split()[0]).password
        except ValueError:
            password = None
        if password:
            return is_placeholder(password)
    return is_placeholder(value)


@needs_shared
def test_corpus_has_no_warning_or_error_on_placeholders():
    checked = 0
    for path in sorted(CORPUS.iterdir()):
        if path.name == "MANIFEST.tsv":
            continue
        raw = path.read_bytes()
        found = [f for f in lint_text(raw, filename=path.name, select=["ECS201", "ECS202", "ECS203"]) if f.level in ("warning", "error")]
        if not found:
            continue
        document = parse(path.name, raw)
        assert isinstance(document, Document)
        for finding in found:
            value = _value_at(document, finding.pointer)
            assert isinstance(value, str), finding
            assert not _flagged_value_is_placeholder(value), (path.name, finding.pointer, finding.message)
            checked += 1
    # The corpus holds real leaked passwords; finding none would mean the rules went blind.
    assert checked >= 3


# --- tokens recognised by their own form ----------------------------------------------------

JWT_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"  # {"alg":"HS256","typ":"JWT"}
JWT = JWT_HEADER + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0." + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV" + "_adQssw5c"
TOKENS = {
    "a GitHub token": "ghp_" + "R4nd0mT0k3nV4lu3" * 2 + "Ab12",
    "a GitLab token": "glpat-" + "x1Y2z3W4v5U6t7S8r9Q0",
    "a Slack token": "xoxb-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx",
    "a Stripe secret key": "sk_live_" + "51H8k2LmNoPqRsTuVwXyZ0aBcDeF",
    "a Google API key": "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
    "an npm access token": "npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "a JSON Web Token": JWT,
}


@pytest.mark.parametrize("description", sorted(TOKENS))
def test_ecs202_tokens_by_their_own_form_under_any_name(description):
    token = TOKENS[description]
    [finding] = findings(env(("SETTINGS_BLOB", f"{token}")), "ECS202")
    assert (finding.pointer, finding.level) == ("/containerDefinitions/0/environment/0/value", "warning")
    assert description in finding.message and token not in finding.message and token[:8] not in finding.message


@pytest.mark.parametrize("description", sorted(TOKENS))
def test_ecs203_tokens_in_a_command(description):
    token = TOKENS[description]
    [finding] = findings(task({"command": ["sh", "-c", f"curl -H 'Authorization: Bearer {token}' https://api"]}), "ECS203")
    assert finding.pointer == "/containerDefinitions/0/command/2" and description in finding.message and token not in finding.message


@pytest.mark.parametrize(
    "value",
    [
        "ghp_" + "x" * 36,  # an example
        "ghp_short",
        "eyJub3QiOiJhIGhlYWRlciJ9.eyJzdWIiOiIxIn0.sig",  # decodes, but has no `alg`
        "eyJ!!!.eyJ.abc",
        "xoxb-not-a-token",
        "AIza" + "tooShort",
        BASE64_BLOB,
        "my-ghp_" + "R4nd0mT0k3nV4lu3" * 2 + "Ab12",  # not where a token starts
    ],
)
def test_token_lookalikes_are_not_tokens(value):
    assert [m for m in find_secrets(value) if m.kind == "token" and not m.example] == []


@pytest.mark.parametrize("name, value", [("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"), ("MYSQL_ALLOW_EMPTY_PASSWORD", "true"), ("MYSQL_RANDOM_ROOT_PASSWORD", "1"), ("DB_PASSWORD", "empty"), ("SKIP_PASSWORD", "on"), ("REQUIRE_TOKEN", "strict")])
def test_values_and_names_that_say_empty_or_switch_are_not_secrets(name, value):
    assert findings(env((name, value)), "ECS202") == []


def test_token_patterns_are_linear_on_hostile_input():
    import time

    from ecslint.subjects.secret_patterns import service_tokens

    def timed(text: str) -> float:
        start = time.perf_counter()
        service_tokens(text)
        return time.perf_counter() - start

    size = 200_000
    plain = timed("a" * size)
    for hostile in ("eyJ" * (size // 3), "eyJa." * (size // 5), "ghp_" * (size // 4), "xoxb-1" * (size // 6), "SG." * (size // 3), "glpat-" * (size // 6)):
        assert timed(hostile) < 50 * plain + 0.05
