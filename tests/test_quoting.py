"""The one quoting function: what a message may show of an input value."""

from __future__ import annotations

import pytest

from ecslint.subjects.quoting import QUOTE_LIMIT, escape, quote, quote_text

# Assembled from pieces so that this file holds no complete token for secret scanners.
KEY_ID = "AKIA" + "Q7ZC4RT2MN5WBX9P"
SECRET_KEY = "h3Kd9Lx2Qp7Wz" + "/Rt5Vy8Nb1Mc4Gf6Jk0Ps" + "+Ue2Xa"
GITHUB_TOKEN = "ghp_" + "a1B2c3D4" * 4 + "e5F6"


def test_masks_an_access_key_id_as_the_issue_shows():
    assert quote(KEY_ID) == "`AKIA…(20 chars)`"


@pytest.mark.parametrize("secret", [KEY_ID, SECRET_KEY, GITHUB_TOKEN, "Zx9" + "Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXc"])
def test_no_secret_survives_inside_a_longer_value(secret):
    shown = quote(f"prefix {secret} suffix")
    assert secret not in shown and secret[:8] not in shown
    assert shown.startswith("`prefix ") and shown.endswith(" suffix`")


def test_masks_only_the_password_of_a_url():
    assert quote("postgres://app:" + "Sup3rS3cret" + "@db:5432/x") == "`postgres://app:Su…(11 chars)@db:5432/x`"


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("web\x1b[2J", "web\\x1b[2J"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x00\x07\x7f\x85", "\\x00\\x07\\x7f\\x85"),
        ("x\ud800y", "x\\ud800y"),
        ("abc\u202edef", "abc\\u202edef"),
        ("line\u2028sep", "line\\u2028sep"),
        ("café 名前", "café 名前"),
    ],
)
def test_escapes_control_characters_and_lone_surrogates(raw, shown):
    assert escape(raw) == shown
    assert quote_text(raw) == shown
    quote(raw).encode("utf-8")  # never raises


def test_a_newline_cannot_start_a_workflow_command():
    assert "\n" not in quote("x\n::error file=a.json::fake")


def test_long_values_are_cut_after_escaping_never_inside_an_escape():
    assert quote_text("a" * 200) == "a" * QUOTE_LIMIT + "…"
    assert quote_text("\x1b" * 50, limit=10) == "\\x1b\\x1b…"
    assert quote_text("abc", limit=None) == "abc"


def test_ordinary_identifiers_are_shown():
    for value in ("arn:aws:iam::123456789012:role/MyStack-TaskExecutionRole1A2B3C-ABCDEFGHIJ", "logs:AssociateSourceToS3TableIntegration", "AmazonEC2ContainerServiceAutoscaleRole", "sha256:" + "ab12" * 16, "nginx:1.25-alpine", "FARGATE"):
        assert quote_text(value) == value[:QUOTE_LIMIT] + ("…" if len(value) > QUOTE_LIMIT else "")


def test_non_text_values_are_shown_as_json():
    assert quote({"a": [1, None]}) == '`{"a": [1, null]}`'
    assert quote(3) == "`3`"


def test_random_tokens_stay_masked_while_camel_case_names_are_shown():
    import random

    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    generator = random.Random(20261202)
    tokens = ["".join(generator.choice(alphabet) for _ in range(generator.randint(32, 64))) for _ in range(2000)]
    tokens = [token for token in tokens if any(c.isdigit() for c in token) and any(c.isupper() for c in token) and any(c.islower() for c in token)]
    assert len(tokens) > 1900
    assert [token for token in tokens if quote_text(token) == token] == []
