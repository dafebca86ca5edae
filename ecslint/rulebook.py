"""The rule catalogue, read from the `rules/*.toml` data files that ship inside the package.

A run reads only `rules/catalogue.json` (IDs, names, levels, summaries, tags); a rule's documentation
and examples (`rules/details.json`, most of the bytes) are read when something shows them: `explain`,
SARIF help, the docs and the tests.
"""

from __future__ import annotations

import json
from functools import cache
from typing import NamedTuple

from ecslint.data import read_text


# Named tuples rather than dataclasses: defined at every start, and cheaper to define.
class Example(NamedTuple):
    kind: str  # "fail" or "pass"
    document: str
    pointers: tuple[str, ...] = ()
    description: str = ""
    filename: str = "task-definition.json"
    # IAM context for rules that read role policies: `--iam` input (get-account-authorization-details shape).
    iam: str | None = None
    # Other files linted in the same run, as (filename, text): rules that compare documents (ECS902).
    companions: tuple[tuple[str, str], ...] = ()


class RuleDetails(NamedTuple):
    what: str
    why: str
    fix: str
    examples: tuple[Example, ...] = ()


class Rule(NamedTuple):
    id: str
    name: str
    level: str
    summary: str
    tags: tuple[str, ...] = ()
    security_severity: str | None = None
    references: tuple[str, ...] = ()

    @property
    def is_security(self) -> bool:
        return self.security_severity is not None

    @property
    def what(self) -> str:
        return rule_details()[self.id].what

    @property
    def why(self) -> str:
        return rule_details()[self.id].why

    @property
    def fix(self) -> str:
        return rule_details()[self.id].fix

    @property
    def examples(self) -> tuple[Example, ...]:
        return rule_details()[self.id].examples


# The keys of a rule file that rules/catalogue.json keeps; the others go to rules/details.json.
_DETAIL_KEYS = ("what", "why", "fix", "examples")


def _details_from_toml(data: dict) -> RuleDetails:
    examples = tuple(
        Example(
            kind=item["kind"],
            document=item["document"],
            pointers=tuple(item.get("pointers", ())),
            description=item.get("description", ""),
            filename=item.get("filename", "task-definition.json"),
            iam=item.get("iam"),
            companions=tuple((other["filename"], other["document"]) for other in item.get("companions", ())),
        )
        for item in data.get("examples", ())
    )
    return RuleDetails(what=data["what"].strip(), why=data["why"].strip(), fix=data["fix"].strip(), examples=examples)


def _rule_from_toml(data: dict) -> Rule:
    return Rule(
        id=data["id"],
        name=data["name"],
        level=data["level"],
        summary=data["summary"],
        tags=tuple(data.get("tags", ())),
        security_severity=data.get("security-severity"),
        references=tuple(data.get("references", ())),
    )


CATALOGUE = "catalogue.json"
DETAILS = "details.json"


def read_rule_files() -> list[dict]:
    """The rule files as written (rules/ECSnnn.toml), in ID order: the source of truth."""
    import tomllib
    from importlib import resources

    folder = resources.files("ecslint.rules")
    files = sorted(entry.name for entry in folder.iterdir() if entry.name.startswith("ECS") and entry.name.endswith(".toml"))
    return [tomllib.loads(folder.joinpath(name).read_text(encoding="utf-8")) for name in files]


def render_catalogue(rule_files: list[dict]) -> str:
    """rules/catalogue.json: what every run needs of the rule files, as JSON (which loads ~40x faster than TOML)."""
    catalogue = [{key: value for key, value in data.items() if key not in _DETAIL_KEYS} for data in rule_files]
    return json.dumps(catalogue, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def render_details(rule_files: list[dict]) -> str:
    """rules/details.json: each rule's documentation and examples by ID, read only when something shows them."""
    details = {data["id"]: {key: data[key] for key in _DETAIL_KEYS if key in data} for data in rule_files}
    return json.dumps(details, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


@cache
def all_rules() -> dict[str, Rule]:
    """Every rule by ID, in ID order (from the compiled catalogue; a test keeps it in step with the TOML files)."""
    text = read_text("ecslint.rules", CATALOGUE)
    rules = (_rule_from_toml(data) for data in json.loads(text))
    return {rule.id: rule for rule in sorted(rules, key=lambda rule: rule.id)}


@cache
def rule_details() -> dict[str, RuleDetails]:
    """Every rule's documentation and examples by ID (from the compiled details file)."""
    return {rule_id: _details_from_toml(data) for rule_id, data in json.loads(read_text("ecslint.rules", DETAILS)).items()}


def _fence(filename: str) -> str:
    return "yaml" if filename.endswith((".yml", ".yaml")) else "json"


def rule_markdown(rule: Rule, depth: int = 1) -> str:
    """The rule's documentation in one template: `ecslint explain`, SARIF help and docs/rules.md share it."""
    top, section = "#" * depth, "#" * (depth + 1)
    parts = [f"{top} {rule.id} {rule.name}", "", f"Level: {rule.level}. {rule.summary}"]
    parts += ["", f"{section} What it does", "", rule.what, "", f"{section} Why is this bad?", "", rule.why, "", f"{section} How to fix it", "", rule.fix]
    for example in rule.examples:
        title = "Example" if example.kind == "fail" else "Use instead"
        note = f" ({example.description})" if example.description else ""
        parts += ["", f"{section} {title}{note}", "", f"```{_fence(example.filename)}", example.document.strip(), "```"]
        for filename, document in example.companions:
            parts += ["", f"Linted together with `{filename}`:", "", f"```{_fence(filename)}", document.strip(), "```"]
        if example.iam:
            parts += ["", "With these roles (`--iam` input):", "", "```json", example.iam.strip(), "```"]
    if rule.references:
        parts += ["", f"{section} References", ""] + [f"- {url}" for url in rule.references]
    return "\n".join(parts) + "\n"
