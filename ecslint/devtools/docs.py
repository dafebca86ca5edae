"""Regenerate rules/catalogue.json, rules/details.json, docs/rules.md and the README rule table from rules/*.toml (a test keeps them in sync).

Run `python -m ecslint.devtools.docs` after adding or changing a rule.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ecslint.rulebook import CATALOGUE, DETAILS, all_rules, read_rule_files, render_catalogue, render_details, rule_details, rule_markdown

ROOT = Path(__file__).resolve().parents[2]
TABLE_START, TABLE_END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"


def rules_page() -> str:
    header = "# ecslint rules\n\nGenerated from `rules/*.toml` by `python -m ecslint.devtools.docs`; do not edit.\n"
    return header + "".join("\n" + rule_markdown(rule, depth=2) for rule in all_rules().values())


def rules_table() -> str:
    lines = ["| ID | name | level | summary |", "|---|---|---|---|"]
    for rule in all_rules().values():
        anchor = f"{rule.id.lower()}-{rule.name}"
        lines.append(f"| [{rule.id}](docs/rules.md#{anchor}) | `{rule.name}` | {rule.level} | {rule.summary} |")
    return "\n".join(lines)


def readme_with_table(readme: str) -> str:
    start, end = readme.index(TABLE_START) + len(TABLE_START), readme.index(TABLE_END)
    return readme[:start] + "\n" + rules_table() + "\n" + readme[end:]


def main() -> int:
    rule_files = read_rule_files()
    (ROOT / "rules" / CATALOGUE).write_text(render_catalogue(rule_files), encoding="utf-8")
    (ROOT / "rules" / DETAILS).write_text(render_details(rule_files), encoding="utf-8")
    all_rules.cache_clear()
    rule_details.cache_clear()
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "rules.md").write_text(rules_page(), encoding="utf-8")
    readme = ROOT / "README.md"
    readme.write_text(readme_with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print("wrote rules/catalogue.json, rules/details.json, docs/rules.md and the README rule table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
