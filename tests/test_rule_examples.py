"""Every example in rules/*.toml runs: fail examples flag exactly their pointers, pass examples nothing."""

from __future__ import annotations

import pytest

from ecslint.rulebook import all_rules
from tests.helpers import lint_text

EXAMPLES = [
    pytest.param(rule, example, id=f"{rule.id}-{example.kind}-{number}")
    for rule in all_rules().values()
    for number, example in enumerate(rule.examples)
]


@pytest.mark.parametrize(("rule", "example"), EXAMPLES)
def test_example(rule, example):
    findings = lint_text(example.document, example.filename, select=[rule.id], iam=example.iam, companions=example.companions)
    findings = [f for f in findings if f.path == example.filename]
    pointers = sorted(f.pointer for f in findings)
    if example.kind == "fail":
        assert pointers == sorted(example.pointers)
        assert all(f.message and f.message[0].isupper() or f.message[0] in "`'" for f in findings)
    else:
        assert pointers == []


@pytest.mark.parametrize("rule", list(all_rules().values()), ids=lambda rule: rule.id)
def test_every_rule_has_fail_and_pass_examples(rule):
    kinds = {example.kind for example in rule.examples}
    assert kinds == {"fail", "pass"}
    for example in rule.examples:
        assert example.kind in ("fail", "pass")
        if example.kind == "fail":
            assert example.pointers, "a fail example must name the pointers it flags"
