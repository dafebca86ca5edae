"""Meta-tests that catch omissions: rule files, checks, docs and the catalogue stay in step."""

from __future__ import annotations

import json
import re
import tomllib

import jsonschema
import pytest

from ecslint.checks import load_all
from ecslint.devtools.docs import readme_with_table, rules_page
from ecslint.rulebook import all_rules
from tests.helpers import REPO, SHARED, needs_shared

# Produced by the document stage itself rather than by a check function.
PIPELINE_RULES = {"ECS001", "ECS004"}
# Rules newer than the RULES.md design catalogue, which is read-only here; each must still follow its
# family's conventions (ECS004 is the input family's note for suppressions that suppress nothing).
NOT_YET_IN_RULES_MD = {"ECS004"}
RULE_FILES = sorted(REPO.joinpath("rules").glob("ECS*.toml"))


def test_every_rule_has_a_check_and_every_check_a_rule():
    assert set(load_all()) | PIPELINE_RULES == set(all_rules())


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_rule_file_matches_the_rule_file_schema(path):
    schema = json.loads(REPO.joinpath("schemas", "rule.schema.json").read_text())
    data = tomllib.loads(path.read_text())
    jsonschema.Draft7Validator(schema).validate(data)
    assert data["id"] == path.stem


def test_rule_names_are_unique():
    names = [rule.name for rule in all_rules().values()]
    assert len(names) == len(set(names))


def test_security_rules_carry_the_security_tag_or_get_it_in_sarif():
    for rule in all_rules().values():
        if rule.security_severity is not None:
            assert 0 < float(rule.security_severity) <= 10


@needs_shared
def test_ids_names_and_levels_match_the_catalogue():
    catalogue = {}
    for line in SHARED.joinpath("RULES.md").read_text().splitlines():
        match = re.match(r"\|\s*(ECS\d{3})\s*\|\s*([a-z0-9-]+)(?:\s*\(P\))?\s*\|\s*(error|warning|note)\s*\|", line)
        if match:
            catalogue[match.group(1)] = (match.group(2), match.group(3))
    for rule in all_rules().values():
        if rule.id in NOT_YET_IN_RULES_MD and rule.id not in catalogue:
            continue
        assert catalogue[rule.id] == (rule.name, rule.level), rule.id


def test_compiled_catalogue_matches_the_rule_files():
    from ecslint.rulebook import CATALOGUE, DETAILS, read_rule_files, render_catalogue, render_details

    rule_files = read_rule_files()
    assert REPO.joinpath("rules", CATALOGUE).read_text() == render_catalogue(rule_files), "run `python -m ecslint.devtools.docs`"
    assert REPO.joinpath("rules", DETAILS).read_text() == render_details(rule_files), "run `python -m ecslint.devtools.docs`"


def test_docs_and_readme_table_are_in_sync():
    assert REPO.joinpath("docs", "rules.md").read_text() == rules_page(), "run `python -m ecslint.devtools.docs`"
    readme = REPO.joinpath("README.md").read_text()
    assert readme == readme_with_table(readme), "run `python -m ecslint.devtools.docs`"


def test_help_uris_resolve_to_anchors_in_the_rules_page():
    from ecslint.report.formatters.sarif import rule_help_uri

    page = rules_page()
    for rule in all_rules().values():
        anchor = rule_help_uri(rule).split("#", 1)[1]
        assert f"## {rule.id} {rule.name}\n" in page and anchor == f"{rule.id.lower()}-{rule.name}"


def test_readme_opens_with_the_two_setup_commands_and_ci_runs_the_test_command():
    readme = REPO.joinpath("README.md").read_text()
    commands = re.findall(r"```sh\n(.*?)\n```", readme, re.S)[:2]
    assert "ecslint check examples/" in commands[0]
    assert commands[1].endswith("&& python -m pytest")
    ci = REPO.joinpath(".ci", "run").read_text().strip().splitlines()
    assert ci[-1] == "python -m pytest"


def test_no_file_holds_the_marks_of_an_unresolved_merge():
    marks = re.compile(r"^(<{7} |>{7} |={7}$)", re.MULTILINE)
    found = []
    for path in sorted(REPO.rglob("*")):
        if not path.is_file() or path.suffix not in {".md", ".py", ".toml", ".json", ".yaml", ".yml", ".cfg", ".txt"} or any(part.startswith(".") or part in {"build", "dist"} or part.endswith(".egg-info") for part in path.relative_to(REPO).parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(REPO)}:{text.count(chr(10), 0, match.start()) + 1}" for match in marks.finditer(text)]
    assert found == []
