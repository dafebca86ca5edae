"""How much of the IAM picture ecslint sees in real infrastructure code: role fields resolved, and IAM findings per rule.

Usage: `python -m ecslint.devtools.iam_coverage ROOT [--manifest FILE] [--json]`. ROOT holds one folder per
repository (`owner+name`, as `git archive` of the commit in the manifest unpacks it); the manifest
(tab-separated `repo`, `path`, `commit`, `kind`) names the Terraform module folders and CloudFormation
templates to read. Without a manifest every file under ROOT is read. Never run by the tests.

A role field counts as "complete" when it resolves to a role of the document whose every policy is known,
"incomplete" when the role is found but a policy of it is not, and "unresolved" otherwise. An unresolved Terraform
field that depends on conditions the module cannot decide is also counted when every way they go names a complete
role (`unresolvedButCompleteEveryWay`): the IAM rules judge those, keeping what holds every way.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

IAM_RULES = ("ECS10", "ECS11")
FIELDS = ("executionRoleArn", "taskRoleArn")


def _front_end(subject) -> str:
    module = type(subject).__module__
    if module.startswith("ecslint.terraform"):
        return "terraform"
    if module.startswith("ecslint.cloudformation"):
        return "cloudformation"
    return "json"


def _targets(root: Path, manifest: Path | None) -> list[Path]:
    if manifest is None:
        return [root]
    targets = []
    for line in manifest.read_text(encoding="utf-8").splitlines()[1:]:
        repo, path, _commit, _kind = (line.split("\t") + ["", "", "", ""])[:4]
        if not repo:
            continue
        target = root / repo.replace("/", "+") / path
        # A Terraform module is its folder's own `.tf` files, not the examples and modules below it.
        targets += sorted(target.glob("*.tf")) if target.is_dir() else [target]
    return targets


def measure(root: Path, manifest: Path | None) -> dict:
    from ecslint.config import Config
    from ecslint.documents.files import collect
    from ecslint.engine import Options, run
    from ecslint.front_ends import parse, recognise
    from ecslint.iam.task_roles import roles_of
    from ecslint.rulebook import all_rules
    from ecslint.subjects.task_definition import TaskDefinition

    targets = [str(path) for path in _targets(root, manifest)]
    sources = [source for source in collect(targets, Path.cwd(), Path.cwd(), [], False, None) if hasattr(source, "raw")]
    fields: dict[str, Counter] = {"terraform": Counter(), "cloudformation": Counter(), "json": Counter()}
    for source in sources:
        parsed = parse(source.display_path, source.raw)
        subjects = recognise(parsed) if hasattr(parsed, "data") else None
        for subject in subjects or []:
            if not isinstance(subject, TaskDefinition):
                continue
            counts = fields[_front_end(subject)]
            roles = roles_of(subject)
            for key in FIELDS:
                value = subject.data.get(key)
                if value is None or value == "":
                    continue
                role = getattr(roles, "execution" if key == FIELDS[0] else "task", None) if roles is not None else None
                counts["fields"] += 1
                counts["unresolved" if role is None else "complete" if role.complete else "incomplete"] += 1
                if role is None and _complete_every_way(subject, key):
                    counts["unresolvedButCompleteEveryWay"] += 1
    enabled = frozenset(all_rules())
    report = run(sources, Options(enabled, Config(root=Path.cwd())))
    findings = Counter(finding.rule_id for finding in report.findings if finding.rule_id.startswith(IAM_RULES))
    listed = [
        {"path": finding.path, "rule": finding.rule_id, "line": finding.region.start_line, "message": finding.message}
        for finding in report.findings
        if finding.rule_id.startswith(IAM_RULES)
    ]
    return {
        "files": len(sources),
        "roleFields": {name: dict(counts) for name, counts in fields.items() if counts},
        "iamFindings": dict(sorted(findings.items())),
        "findings": listed,
        "internalErrors": report.internal_errors,
    }


def _complete_every_way(subject, key: str) -> bool:
    """A field the module cannot decide, but that names a role with every policy known whichever way it goes."""
    from ecslint.iam.task_roles import roles_of

    alternatives = getattr(subject, "alternatives", ())
    found = [roles_of(alternative) for alternative in alternatives]
    roles = [getattr(item, "execution" if key == FIELDS[0] else "task", None) if item is not None else None for item in found]
    return bool(roles) and all(role is not None and role.complete for role in roles)


def _share(counts: dict) -> str:
    total = counts.get("fields", 0)
    if not total:
        return "none"
    text = f"{counts.get('complete', 0)}/{total} complete ({100 * counts.get('complete', 0) / total:.0f}%), {counts.get('incomplete', 0)} incomplete, {counts.get('unresolved', 0)} unresolved"
    if counts.get("unresolvedButCompleteEveryWay"):
        text += f" ({counts['unresolvedButCompleteEveryWay']} of them complete whichever way their conditions go)"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--manifest", type=Path)
    parser.add_argument("--json", action="store_true", help="print the figures and every IAM finding as JSON")
    arguments = parser.parse_args(argv)
    result = measure(arguments.root, arguments.manifest)
    if arguments.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"files read: {result['files']}")
    for name, counts in result["roleFields"].items():
        print(f"role fields ({name}): {_share(counts)}")
    print("IAM findings: " + (", ".join(f"{rule} {count}" for rule, count in result["iamFindings"].items()) or "none"))
    for error in result["internalErrors"]:
        print(f"internal error: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
