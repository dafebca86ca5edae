"""`--format terraform`: an `aws_iam_role` per role, its policies as `data "aws_iam_policy_document"`, in HCL.

Parts nothing tells become data sources (`data.aws_caller_identity.current.account_id`), or the
expressions the input module already used for them; the data blocks the output needs and the input did
not declare are written at the end. Notes become comments; an unknown customer managed key becomes a
commented-out `kms:Decrypt` statement.
"""

from __future__ import annotations

import json
import re

from ecslint.iam.deploy_time_place import ACCOUNT, PARTITION, REGION
from ecslint.iam.least_privilege import KMS_KEY

DEFAULTS = {
    PARTITION: ("data.aws_partition.current.partition", 'data "aws_partition" "current" {}'),
    REGION: ("data.aws_region.current.name", 'data "aws_region" "current" {}'),
    ACCOUNT: ("data.aws_caller_identity.current.account_id", 'data "aws_caller_identity" "current" {}'),
}
_TOKEN = re.compile("|".join(re.escape(token) for token in DEFAULTS))


def _name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", text).strip("_").lower() or "task"
    return name if not name[0].isdigit() else f"task_{name}"


class _Writer:
    def __init__(self):
        self.lines: list[str] = []
        self.data_blocks: set[str] = set()
        self.plan = None

    def string(self, text: str, expressions: dict) -> str:
        """An HCL string; `${` and `%{` in the text are escaped, tokens and the module's own references become interpolations."""
        own = self._own_references()
        if self.plan is not None:
            text = self.plan.foreign(text, "terraform")
        pattern = re.compile("|".join([_TOKEN.pattern] + [re.escape(reference) for reference in own]))
        whole = pattern.fullmatch(text)
        if whole:
            return self._interpolation(whole.group(), expressions)
        parts = []
        position = 0
        for match in pattern.finditer(text):
            parts.append(self._literal(text[position : match.start()]))
            parts.append("${" + self._interpolation(match.group(), expressions) + "}")
            position = match.end()
        parts.append(self._literal(text[position:]))
        return '"' + "".join(parts) + '"'

    def _own_references(self) -> list[str]:
        if self.plan is None or self.plan.expression_syntax != "terraform":
            return []
        return sorted({reference for expression in self.plan.own_expressions for reference in re.findall(r"\$\{[^}]*\}", expression)})

    def _interpolation(self, found: str, expressions: dict) -> str:
        return self.expression(found, expressions) if found in DEFAULTS else found[2:-1]

    def expression(self, token: str, expressions: dict) -> str:
        if token in expressions:
            return expressions[token]
        expression, block = DEFAULTS[token]
        self.data_blocks.add(block)
        return expression

    @staticmethod
    def _literal(text: str) -> str:
        return json.dumps(text)[1:-1].replace("${", "$${").replace("%{", "%%{")

    def strings(self, values, expressions: dict) -> str:
        return "[" + ", ".join(self.string(value, expressions) for value in values) + "]"

    def statement(self, indent: str, statement: dict, expressions: dict) -> None:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        attributes = [("sid", json.dumps(statement["Sid"])), ("effect", '"Allow"'), ("actions", self.strings(actions, expressions))]
        if "Resource" in statement:
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            attributes.append(("resources", self.strings(resources, expressions)))
        self.lines.append(f"{indent}statement {{")
        self._attributes(indent + "  ", attributes)
        if "Principal" in statement:
            self.lines.append(f"{indent}  principals {{")
            self._attributes(indent + "    ", [("type", '"Service"'), ("identifiers", self.strings([statement["Principal"]["Service"]], expressions))])
            self.lines.append(f"{indent}  }}")
        for test, block in (statement.get("Condition") or {}).items():
            for variable, value in block.items():
                values = value if isinstance(value, list) else [value]
                self.lines.append(f"{indent}  condition {{")
                self._attributes(indent + "    ", [("test", json.dumps(test)), ("variable", json.dumps(variable)), ("values", self.strings(values, expressions))])
                self.lines.append(f"{indent}  }}")
        self.lines.append(f"{indent}}}")

    def _attributes(self, indent: str, attributes: list[tuple[str, str]]) -> None:
        """`key = value` lines aligned as `terraform fmt` aligns them."""
        width = max(len(key) for key, _ in attributes)
        self.lines.extend(f"{indent}{key:<{width}} = {value}" for key, value in attributes)

    def role(self, plan) -> None:
        name = _name(f"{plan.family}_{plan.kind}")
        self.plan = plan
        expressions = plan.expressions
        self.lines.append(f"# {plan.family}: {plan.kind} role")
        self.lines.extend(f"# Note: {_TOKEN.sub(lambda m: '${' + self.expression(m.group(), expressions) + '}', note)}" for note in plan.notes)
        self.lines.append(f'data "aws_iam_policy_document" "{name}_assume_role" {{')
        for statement in plan.trust_document()["Statement"]:
            self.statement("  ", statement, expressions)
        self.lines.append("}")
        self.lines.append("")
        if plan.statements:
            self.lines.append(f'data "aws_iam_policy_document" "{name}" {{')
            for statement in plan.policy_document()["Statement"]:
                self.statement("  ", statement, expressions)
            if plan.kms_unknown:
                key = self.string(f"arn:{PARTITION}:kms:{REGION}:{ACCOUNT}:key/{KMS_KEY}", expressions)
                self.lines.extend(
                    [
                        "  # Only if a secret or parameter above is encrypted with a customer managed key:",
                        "  # statement {",
                        '  #   sid       = "DecryptSecretsWithCustomerManagedKey"',
                        '  #   actions   = ["kms:Decrypt"]',
                        f"  #   resources = [{key}]",
                        "  # }",
                    ]
                )
            self.lines.append("}")
            self.lines.append("")
        self.lines.append(f'resource "aws_iam_role" "{name}" {{')
        self.lines.append(f"  name               = {json.dumps(plan.role_name)}")
        self.lines.append(f"  assume_role_policy = data.aws_iam_policy_document.{name}_assume_role.json")
        self.lines.append("}")
        self.lines.append("")
        if plan.statements:
            self.lines.append(f'resource "aws_iam_role_policy" "{name}" {{')
            self.lines.append(f"  name   = {json.dumps(plan.role_name)}")
            self.lines.append(f"  role   = aws_iam_role.{name}.id")
            self.lines.append(f"  policy = data.aws_iam_policy_document.{name}.json")
            self.lines.append("}")
            self.lines.append("")


def render(entries) -> str:
    writer = _Writer()
    writer.lines.append("# IAM roles written by `ecslint policy` for the task definitions below.")
    writer.lines.append("")
    for execution, task_role in entries:
        if not execution.statements:
            writer.lines.append(f"# {execution.family}: {execution.notes[0]}")
            writer.lines.append("")
        else:
            writer.role(execution)
        if task_role is not None:
            writer.role(task_role)
    writer.lines.extend(sorted(writer.data_blocks))
    return "\n".join(writer.lines).rstrip("\n") + "\n"
