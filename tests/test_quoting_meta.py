"""Every message that shows an input value goes through `ecslint.subjects.quoting`: checked statically and by injection."""

from __future__ import annotations

import ast
import json

import pytest

from ecslint.rulebook import all_rules
from tests.helpers import REPO, lint_text

# Packages whose f-strings build messages (findings, related locations, input errors, labels).
MESSAGE_PACKAGES = ("checks", "iam", "subjects", "cloudformation", "terraform", "documents", "aws")
QUOTE_CHARACTERS = "`'\""
# Interpolations a quote character may wrap without quote(): never input (a rule's constant, a count).
# Each entry: (module, source of the expression).
ALLOWED = frozenset(
    {
        # The API's own error text, whose container name inside is already quoted.
        ("ecslint/checks/resources.py", "error"),
        # Terraform source that `ecslint policy` writes, not a message: HCL string literals of generated names.
        ("ecslint/iam/role_formats/terraform_role.py", "joined"),
        ("ecslint/iam/role_formats/terraform_role.py", "name"),
    }
)


def _wrapped_interpolations(path):
    """(line, expression source) of each `{x}` that sits between two quote characters of one kind in an f-string."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        parts = node.values
        for index, part in enumerate(parts):
            if not isinstance(part, ast.FormattedValue):
                continue
            before = parts[index - 1] if index else None
            after = parts[index + 1] if index + 1 < len(parts) else None
            if not (isinstance(before, ast.Constant) and isinstance(after, ast.Constant)):
                continue
            opening, closing = str(before.value)[-1:], str(after.value)[:1]
            # quote_text() is made to sit between quotes of the message's choosing (`Container 'web'`).
            is_quote_text = isinstance(part.value, ast.Call) and getattr(part.value.func, "id", None) == "quote_text"
            if opening and opening == closing and opening in QUOTE_CHARACTERS and not is_quote_text:
                found.append((node.lineno, ast.unparse(part.value)))
    return found


def test_no_message_wraps_a_value_in_quotes_by_hand():
    """`{name}` or '{name}' in a message shows an input value unmasked and unescaped: use quote() or quote_text()."""
    wrong = []
    for package in MESSAGE_PACKAGES:
        for path in sorted((REPO / "ecslint" / package).rglob("*.py")):
            module = path.relative_to(REPO).as_posix()
            for line, expression in _wrapped_interpolations(path):
                if (module, expression) not in ALLOWED:
                    wrong.append(f"{module}:{line}: {expression}")
    assert wrong == []


def test_the_static_check_catches_a_hand_quoted_value(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def m(name, n):\n    return f\"`{name}` is bad, '{name}' too, `{quote(name)}` doubles; '{quote_text(name)}', {quote(name)} and [{n}] are fine\"\n", encoding="utf-8")
    assert [expression for _, expression in _wrapped_interpolations(sample)] == ["name", "name", "quote(name)"]


# --- injection: every string of every rule example replaced, one at a time -------------------

# Assembled so that this file holds no complete key.
KEY_ID = "AKIA" + "Q7ZC4RT2MN5WBX9P"
HOSTILE_TEXT = "web\x1b[2J\r\n::error::fake\ud800\u202e"
RAW = ("\x1b", "\r", "\n", "\ud800", "\u202e")


def _leaves(value, path=()):
    """Paths of every string value and every object key in a JSON document."""
    if isinstance(value, dict):
        for key, member in value.items():
            yield path + (("key", key),)
            yield from _leaves(member, path + (key,))
    elif isinstance(value, list):
        for index, member in enumerate(value):
            yield from _leaves(member, path + (index,))
    elif isinstance(value, str):
        yield path


def _replaced(document, path, replacement):
    if not path:
        return replacement
    head, rest = path[0], path[1:]
    if isinstance(head, tuple):  # rename a key, keeping its value
        return {(replacement if key == head[1] else key): member for key, member in document.items()}
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[head] = _replaced(document[head], rest, replacement)
    return copy


def _json_examples():
    for rule in all_rules().values():
        for number, example in enumerate(rule.examples):
            if example.kind != "fail" or not example.filename.endswith(".json") or example.companions:
                continue
            try:
                document = json.loads(example.document)
            except ValueError:
                continue
            yield pytest.param(rule, example, document, id=f"{rule.id}-{number}")


def _messages(findings):
    for finding in findings:
        yield finding.message
        for related in finding.related:
            yield related.message


@pytest.mark.parametrize(("rule", "example", "document"), list(_json_examples()))
def test_no_rule_echoes_an_injected_secret_or_control_character(rule, example, document):
    for path in _leaves(document):
        text = json.dumps(_replaced(document, path, KEY_ID + " " + HOSTILE_TEXT))
        for message in _messages(lint_text(text, example.filename, iam=example.iam)):
            assert not any(part in message for part in (KEY_ID[4:], *RAW)), (path, message)
