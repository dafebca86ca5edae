"""Recognising secrets and placeholders in strings, and masking them, with no knowledge of ECS.

Precision matters more than recall here: a secrets linter that cries wolf on digests,
hashes, UUIDs and `${VAR}` templates gets switched off. So every detector wants both a
shape and a context (a documented prefix, a key-like name, a URL's userinfo, a PEM
header), and everything that looks like a template, a reference or a documentation
example is sorted out before a value counts as a secret.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from ecslint.lazy_regex import LazyPattern
from ecslint.subjects.placeholders import ANGLE_PLACEHOLDER as _ANGLE_PLACEHOLDER, PERCENT_VARIABLE as _PERCENT_VARIABLE, SHELL_VARIABLE as _SHELL_VARIABLE, TEMPLATE as _TEMPLATE

# IAM unique-ID prefixes. Only these four introduce credentials; the others name users,
# roles, groups, policies, instance profiles, public keys and certificates, which are
# identifiers, not secrets. Source: IAM user guide, "Understanding unique ID prefixes"
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes),
# verified 2026-11-30.
CREDENTIAL_KEY_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA")
IDENTIFIER_PREFIXES = ("AIDA", "AROA", "AIPA", "ANPA", "ANVA", "AGPA", "APKA", "ASCA")

_KEY_ID_TAIL = r"[A-Z0-9]{16}"
_CREDENTIAL_KEY_ID = LazyPattern(r"(?<![A-Za-z0-9])(?:" + "|".join(CREDENTIAL_KEY_PREFIXES) + r")" + _KEY_ID_TAIL + r"(?![A-Za-z0-9])")

# A secret access key is 40 characters of base64 alphabet. The shape alone matches SHA-1
# hex digests and paths too, so callers must also supply context (see secret_access_keys).
_BASE64_40 = LazyPattern(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
# Names that announce an AWS secret access key: `SECRET_ACCESS_KEY` anywhere, or a secret
# under an `AWS`/`S3` name. A bare `SECRET_KEY` is Django's or Flask's, not AWS's.
_SECRET_KEY_NAME = LazyPattern(r"SECRET_?ACCESS_?KEY|(?:^|_)(?:AWS|S3)_(?:\w+_)?SECRET(?:_KEY)?$")
# Each alternative spells `secret`: text without it (case-folded, as re.I matches `ſ` for `s`) needs no search.
_SECRET_KEY_ASSIGNMENT = LazyPattern(
    r"(?:secret[_-]?access[_-]?key|aws[_-]?secret[_-]?key|secretaccesskey)[\"']?(?:\s*[:=]\s*|\s+)[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
    re.I,
)

# `scheme://user:password@host`. The user part may be empty (`redis://:pw@host`); the
# password must be non-empty, and a `/` before the `:` means a path, not userinfo. Matching starts
# at each `://` (see embedded_credentials), so long runs of scheme characters cost linear time.
_SCHEME_BEFORE = LazyPattern(r"\b[A-Za-z][A-Za-z0-9+.-]{0,31}\Z")
# A scheme glued to a longer word (`xxxx...postgres://`): its last 32 characters still count.
_SCHEME_TAIL = LazyPattern(r"[A-Za-z][A-Za-z0-9+.-]{0,31}\Z")
_USERINFO_AFTER = LazyPattern(r"://([^\s:/?#@\"']*):([^\s/?#\"']+)@(?=[A-Za-z0-9\[$%{])")

_PEM_HEADER = "-----BEGIN "
_PEM_PRIVATE_KEY = LazyPattern(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(.*?)(?:-----END|$)", re.S)
# A real key body is hundreds of base64 characters; a few dozen means an elided example.
_PEM_MIN_BODY = 64

# Tokens that announce themselves by a documented prefix and shape, whatever variable holds
# them. Each pattern may start only where a token starts (the look-behind), and its body
# cannot contain that boundary, so each character is scanned from one start at most:
# linear on any input. Bounded repeats keep a match short. Every match holds one of the pattern's
# markers, so text without them is never searched and the pattern is compiled only when one turns up.
_START = r"(?<![A-Za-z0-9_.+/-])"
_END = r"(?![A-Za-z0-9_-])"


class TokenPattern(NamedTuple):
    description: str
    pattern: LazyPattern
    markers: tuple[str, ...]


TOKEN_PATTERNS = (
    # Source: GitHub Docs, "About authentication to GitHub", GitHub's token formats (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_), 2026-11.
    TokenPattern("a GitHub token", LazyPattern(_START + r"(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251})" + _END), ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
    # Source: GitLab Docs, "GitLab token overview", token prefixes (glpat-, gldt-, glrt-, glptt-, gloas-), 2026-11.
    TokenPattern("a GitLab token", LazyPattern(_START + r"gl(?:pat|dt|rt|ptt|oas)-[A-Za-z0-9_-]{20,300}" + _END), ("glpat-", "gldt-", "glrt-", "glptt-", "gloas-")),
    # Source: Slack API docs, "Token types" (xoxb-, xoxp-, xoxa-, xoxr-, xoxe-, xapp-), 2026-11.
    TokenPattern("a Slack token", LazyPattern(_START + r"(?:xox[abpre]-[0-9]{6,20}-[A-Za-z0-9-]{10,250}|xapp-[0-9]-[A-Za-z0-9-]{10,250})" + _END), ("xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxe-", "xapp-")),
    # Source: Slack API docs, "Sending messages using incoming webhooks" (hooks.slack.com/services/T…/B…/…), 2026-11.
    TokenPattern("a Slack webhook URL", LazyPattern(r"(?<![A-Za-z0-9.-])hooks\.slack\.com/services/T[A-Z0-9]{6,15}/B[A-Z0-9]{6,15}/[A-Za-z0-9]{20,40}" + _END), ("hooks.slack.com/services/T",)),
    # Source: Stripe Docs, "API keys" (secret sk_live_/sk_test_ and restricted rk_live_/rk_test_ keys), 2026-11.
    TokenPattern("a Stripe secret key", LazyPattern(_START + r"[rs]k_(?:live|test)_[A-Za-z0-9]{20,247}" + _END), ("sk_live_", "sk_test_", "rk_live_", "rk_test_")),
    # Source: Google Cloud docs, "Manage API keys" (keys are `AIza` and 35 more characters), 2026-11.
    TokenPattern("a Google API key", LazyPattern(_START + r"AIza[0-9A-Za-z_-]{35}" + _END), ("AIza",)),
    # Source: GitHub blog, "npm access tokens now have a new format" (npm_ and 36 characters), 2021-09, checked 2026-11.
    TokenPattern("an npm access token", LazyPattern(_START + r"npm_[A-Za-z0-9]{36}" + _END), ("npm_",)),
    # Source: PyPI docs, "API tokens" (pypi- and a macaroon whose base64 starts `AgEIcHlwaS5vcmc`), 2026-11.
    TokenPattern("a PyPI API token", LazyPattern(_START + r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,500}" + _END), ("pypi-AgEIcHlwaS5vcmc",)),
    # Source: Twilio SendGrid docs, "API Keys" (SG. and two dot-separated base64url parts), 2026-11.
    TokenPattern("a SendGrid API key", LazyPattern(_START + r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}" + _END), ("SG.",)),
    # Source: Hugging Face docs, "User access tokens" (hf_ and 34 letters), 2026-11.
    TokenPattern("a Hugging Face token", LazyPattern(_START + r"hf_[A-Za-z]{34}" + _END), ("hf_",)),
)
# RFC 7519 (JWT) in the compact serialisation of RFC 7515 section 7.1: base64url header, payload
# and signature joined by dots; a JSON header starts `{"` so its base64url starts `eyJ`.
# Counted only when the header decodes to a JSON object with `alg`.
_JWT_MARKER = ".eyJ"
_JWT = LazyPattern(r"(?<![A-Za-z0-9_.-])(eyJ[A-Za-z0-9_-]{5,2000})\.eyJ[A-Za-z0-9_-]{2,20000}\.[A-Za-z0-9_-]{0,2000}" + _END)

# A value spelled like a variable name (`YOUR_API_KEY`, `DB_PASSWORD`) stands for one.
_SHOUTED_NAME = re.compile(r"^[A-Z]+(?:_[A-Z]+)+$")
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[_.-][A-Za-z0-9]+)*$")

# Values that say "nothing here" rather than "a fake secret here".
_EMPTY_WORDS = frozenset({"null", "none", "nil", "undefined", "n/a", "na", "-", "false", "true", "yes", "no", "y", "n", "on", "off", "0", "1", "empty", "blank", "enabled", "disabled"})
# References to where a secret lives, not the secret itself.
_REFERENCE = re.compile(r"^(?:arn:|ssm:|secretsmanager:|vault:|awssm:|ref\+|op://|doppler://|sm://|file:)", re.I)
_PATH_REFERENCE = re.compile(r"^/?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+/?$")
# Words that mark documentation and scaffolding values. Matched as substrings, except
# the short ones, which must be the whole value.
_EXAMPLE_SUBSTRINGS = ("example", "changeme", "change_me", "change-me", "changeit", "replace", "placeholder", "dummy", "redacted", "xxxx", "****", "insert", "fixme", "todo")
_EXAMPLE_WORDS = frozenset({"x", "xx", "xxx", "secret", "password", "pass", "passwd", "pwd", "token", "apikey", "api_key", "key", "sample", "fake", "tbd", "..."})

# Parts of an environment variable name. Single tokens that mean "secret":
_SECRET_TOKENS = frozenset({"PASSWORD", "PASSWORDS", "PASSWD", "PASSPHRASE", "PWD", "PASS", "SECRET", "SECRETS", "TOKEN", "CREDENTIALS", "CREDENTIAL", "CREDS", "APIKEY", "PRIVATEKEY", "SECRETKEY", "ACCESSKEY", "AUTHTOKEN"})
# Compound words written without a separator: DBPASSWORD, APITOKEN, CLIENTSECRET.
_SECRET_ENDINGS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY")
# Qualifiers that make `KEY` a secret: API_KEY, PRIVATE_KEY, ENCRYPTION_KEY, ...
_SECRET_KEY_QUALIFIERS = frozenset({"API", "PRIVATE", "ACCESS", "SECRET", "AUTH", "ENCRYPTION", "DECRYPTION", "SIGNING", "SIGN", "MASTER", "APP", "LICENSE", "HMAC", "JWT", "SSH", "CIPHER", "CRYPT", "SESSION"})
# A last name part that makes the variable a reference to, or a setting about, a secret:
# DB_PASSWORD_SECRET_ARN, TOKEN_URL, SECRET_NAME, PASSWORD_FILE, PASSWORD_MIN_LENGTH.
_REFERENCE_SUFFIXES = frozenset(
    {
        "ARN", "ARNS", "NAME", "NAMES", "ID", "IDS", "FILE", "FILES", "PATH", "PATHS", "DIR", "FOLDER", "LOCATION",
        "URL", "URLS", "URI", "URIS", "ENDPOINT", "HOST", "HOSTNAME", "PORT", "REGION", "BUCKET",
        "ENABLED", "ENABLE", "DISABLED", "DISABLE", "REQUIRED", "ALLOWED", "ALLOW",
        "MIN", "MAX", "LENGTH", "LEN", "SIZE", "COUNT", "TTL", "EXPIRY", "EXPIRES", "EXPIRE", "EXPIRATION", "LIFETIME",
        "TIMEOUT", "AGE", "INTERVAL", "DURATION", "PERIOD",
        "TYPE", "KIND", "MODE", "METHOD", "ALGORITHM", "ALG", "FORMAT", "ENCODING", "VERSION", "POLICY", "RULES",
        "COMPLEXITY", "STRENGTH", "HEADER", "FIELD", "PARAM", "PARAMS", "PARAMETER", "ISSUER", "AUDIENCE", "SCOPE",
        "SCOPES", "PREFIX", "SUFFIX", "REF", "REFERENCE", "SOURCE", "PROVIDER", "STORE", "BACKEND", "SERVICE",
        "ROTATION", "HASH", "HASHER", "HASHERS", "DIGEST", "CHECKSUM", "FINGERPRINT", "SHA", "SHA1", "SHA256", "SHA512", "MD5", "USER", "USERNAME", "LOGIN", "EMAIL",
    }
)
_PUBLIC_TOKENS = frozenset({"PUBLIC", "PUBLISHABLE", "PUB"})
# Name parts that make the variable a switch about a secret rather than the secret:
# MYSQL_ALLOW_EMPTY_PASSWORD, MYSQL_RANDOM_ROOT_PASSWORD, SKIP_PASSWORD, REQUIRE_TOKEN.
_SWITCH_TOKENS = frozenset({"ALLOW", "EMPTY", "RANDOM", "GENERATE", "SKIP", "REQUIRE", "ENABLE", "DISABLE", "USE", "NO"})
_NUMBER_OR_DURATION = re.compile(r"^\d{1,5}(?:\.\d+)?[smhdw]?$")
_HEX = LazyPattern(r"^[0-9a-fA-F]+$")


class SecretMatch(NamedTuple):
    """One secret found in a string: what kind, and the secret part itself (for masking)."""

    kind: str  # aws-access-key-id | aws-secret-access-key | embedded-credentials | private-key | token
    secret: str
    # True when the secret part is an obvious example (AKIAIOSFODNN7EXAMPLE, `changeme`).
    example: bool
    # For embedded credentials: the URL scheme, which is safe to show; for tokens, what issued them.
    scheme: str = ""

    @property
    def description(self) -> str:
        if self.kind == "aws-access-key-id":
            return "an AWS access key ID"
        if self.kind == "aws-secret-access-key":
            return "an AWS secret access key"
        if self.kind == "private-key":
            return "a PEM private key"
        if self.kind == "token":
            return self.scheme
        return f"a `{self.scheme}://` URL with an embedded password"

    @property
    def masked(self) -> str:
        return mask(self.secret)


def mask(value: str) -> str:
    """`AKIA…(20 chars)`: at most the first 4 characters, fewer for short values, and the length."""
    shown = value[: min(4, len(value) // 4)]
    return f"{shown}…({len(value)} chars)"


def name_tokens(name: str) -> list[str]:
    """`dbPassword` and `DB-PASSWORD` both -> ["DB", "PASSWORD"]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [token for token in re.split(r"[^A-Za-z0-9]+", spaced.upper()) if token]


def secret_name_term(name: str) -> str | None:
    """The part of an environment variable name that says it holds a secret, or None.

    None also for names that merely mention a secret but hold a reference to one or a
    setting about one (`DB_PASSWORD_SECRET_ARN`, `TOKEN_URL`, `PASSWORD_MIN_LENGTH`), and
    for `PWD`, the shell's working directory.
    """
    tokens = name_tokens(name)
    if not tokens or tokens == ["PWD"] or tokens[-1] in _REFERENCE_SUFFIXES or (_PUBLIC_TOKENS | _SWITCH_TOKENS) & set(tokens):
        return None
    for index, token in enumerate(tokens):
        if token in _SECRET_TOKENS or token.endswith(_SECRET_ENDINGS):
            return token
        if token == "KEY" and index and tokens[index - 1] in _SECRET_KEY_QUALIFIERS:
            return f"{tokens[index - 1]}_KEY"
    return None


def is_secret_access_key_name(name: str) -> bool:
    """`AWS_SECRET_ACCESS_KEY`, `AWS_SECRET_KEY`, `S3_SECRET_ACCESS_KEY`, ...: names that hold the 40-char half."""
    tokens = name_tokens(name)
    joined = "_".join(tokens)
    # Both of the pattern's alternatives spell SECRET: other names need no search.
    return "SECRET" in joined and bool(_SECRET_KEY_NAME.search(joined)) and tokens[-1] not in _REFERENCE_SUFFIXES


def placeholder_kind(value: str) -> str | None:
    """Why a value is not a secret: "empty", "template", "reference", "example", or None for a literal.

    "example" values (`changeme`, `AKIAIOSFODNN7EXAMPLE`, `your-password-here`) are worth a
    note at most; the other kinds are not worth mentioning at all.
    """
    text = value.strip()
    lowered = text.lower()
    if not text or lowered in _EMPTY_WORDS:
        return "empty"
    if any(pattern.search(text) for pattern in (_TEMPLATE, _ANGLE_PLACEHOLDER, _PERCENT_VARIABLE, _SHELL_VARIABLE)):
        return "template"
    if _REFERENCE.match(text):
        return "reference"
    if lowered in _EXAMPLE_WORDS or lowered.startswith("your") or any(word in lowered for word in _EXAMPLE_SUBSTRINGS):
        return "example"
    if _SHOUTED_NAME.match(text) or len(set(text)) == 1:
        return "example"
    # A value that is itself a name about a secret (`db_password`, `LogzioToken`,
    # `broker_keystore_creds`) is a parameter or file name, or a stand-in, not the secret.
    if _IDENTIFIER.match(text) and _mentions_secret(name_tokens(text)):
        return "example"
    return None


def _mentions_secret(tokens: list[str]) -> bool:
    return any(token in _SECRET_TOKENS or token.endswith(_SECRET_ENDINGS) for token in tokens)


def is_placeholder(value: str) -> bool:
    """True for templates, references, empty-like and example values: anything but a real literal."""
    return placeholder_kind(value) is not None


def is_inert_value(value: str) -> bool:
    """Values that cannot be a secret whatever the variable is called: numbers, paths, plain URLs, digests."""
    text = value.strip()
    if _NUMBER_OR_DURATION.match(text) or text.lower().startswith(("sha256:", "sha512:")):
        return True
    if "://" in text and not embedded_credentials(text):
        return True
    return bool(_PATH_REFERENCE.match(text)) and (text.startswith("/") or not _looks_random(text.replace("/", "")))


def _looks_random(token: str) -> bool:
    return len(token) >= 16 and any(c.isupper() for c in token) and any(c.islower() for c in token) and any(c.isdigit() for c in token)


def access_key_ids(text: str) -> list[str]:
    """Access key IDs (credential prefixes only) anywhere in the text."""
    if not any(prefix in text for prefix in CREDENTIAL_KEY_PREFIXES):
        return []
    return _CREDENTIAL_KEY_ID.findall(text)


def is_secret_access_key_shape(token: str) -> bool:
    """40 base64 characters that look random: not a hex digest, not a path, mixed case with digits or symbols."""
    if len(token) != 40 or not _BASE64_40.fullmatch(token) or _HEX.match(token):
        return False
    has_upper = any(c.isupper() for c in token)
    has_lower = any(c.islower() for c in token)
    has_other = any(c.isdigit() or c in "/+" for c in token)
    return has_upper and has_lower and has_other and token.count("/") < 4


def secret_access_keys(text: str, *, key_name: bool = False, key_id_nearby: bool = False) -> list[str]:
    """Secret access keys in the text, given the context that makes the 40-char shape meaningful.

    key_name: the text sits under an `AWS_SECRET_ACCESS_KEY`-like name (the whole value is the key, whatever its shape).
    key_id_nearby: an access key ID sits next to the text (any 40-char token counts).
    Otherwise only `aws_secret_access_key=<key>`-style assignments inside the text count.
    """
    stripped = text.strip()
    if key_name and (is_secret_access_key_shape(stripped) or _is_literal(stripped)):
        # Under such a name the value is the key whatever its shape (a leaked key may be
        # upper-case hex, truncated or rotated into another format): only templates,
        # references, empty-like values, numbers and paths are not.
        return [stripped]
    if key_id_nearby:
        return [token for token in _BASE64_40.findall(text) if is_secret_access_key_shape(token)]
    if "secret" not in text.casefold():
        return []
    return [token for token in _SECRET_KEY_ASSIGNMENT.findall(text) if is_secret_access_key_shape(token)]


def _is_literal(value: str) -> bool:
    return placeholder_kind(value) in (None, "example") and not is_inert_value(value)


def embedded_credentials(text: str) -> list[tuple[str, str]]:
    """(scheme, password) for each `scheme://user:password@host` whose password is not a template or reference."""
    found = []
    at = text.find("://")
    while at != -1:
        scheme = _SCHEME_BEFORE.search(text, max(0, at - 32), at) or _SCHEME_TAIL.search(text, max(0, at - 32), at)
        userinfo = _USERINFO_AFTER.match(text, at) if scheme else None
        if userinfo and placeholder_kind(userinfo.group(2)) not in ("empty", "template", "reference"):
            found.append((scheme.group(), userinfo.group(2)))
        at = text.find("://", userinfo.end() if userinfo else at + 3)
    return found


def private_keys(text: str) -> list[tuple[str, bool]]:
    """(PEM block, is_example) for each private key; a block without a real body is an example."""
    found = []
    if _PEM_HEADER not in text:
        return found
    for match in _PEM_PRIVATE_KEY.finditer(text):
        body = re.sub(r"\\n|\s", "", match.group(1))
        base64_chars = len(re.findall(r"[A-Za-z0-9+/=]", body))
        found.append((match.group(0), base64_chars < _PEM_MIN_BODY))
    return found


def _is_jwt_header(segment: str) -> bool:
    import base64  # only for values already shaped like a JWT

    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(header, dict) and isinstance(header.get("alg"), str)


def service_tokens(text: str) -> list[SecretMatch]:
    """Tokens recognised by their documented prefix and shape (GitHub, Slack, Stripe, ...) and JWTs."""
    found = []
    for token_pattern in TOKEN_PATTERNS:
        if not any(marker in text for marker in token_pattern.markers):
            continue
        for match in token_pattern.pattern.finditer(text):
            token = match.group()
            found.append(SecretMatch("token", token, placeholder_kind(token) == "example", token_pattern.description))
    if _JWT_MARKER not in text:
        return found
    for match in _JWT.finditer(text):
        if _is_jwt_header(match.group(1)):
            found.append(SecretMatch("token", match.group(), placeholder_kind(match.group()) == "example", "a JSON Web Token"))
    return found


def find_secrets(text: str, *, key_id_nearby: bool = False) -> list[SecretMatch]:
    """Every secret in free text (a command, a label), with no help from a variable name."""
    matches: list[SecretMatch] = []
    for key_id in access_key_ids(text):
        matches.append(SecretMatch("aws-access-key-id", key_id, placeholder_kind(key_id) == "example"))
    nearby = key_id_nearby or bool(matches)
    for secret_key in secret_access_keys(text, key_id_nearby=nearby):
        matches.append(SecretMatch("aws-secret-access-key", secret_key, placeholder_kind(secret_key) == "example"))
    for block, example in private_keys(text):
        matches.append(SecretMatch("private-key", block, example))
    for scheme, password in embedded_credentials(text):
        matches.append(SecretMatch("embedded-credentials", password, placeholder_kind(password) == "example", scheme))
    matches += service_tokens(text)
    return matches
