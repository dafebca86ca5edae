"""Terraform files as documents: `.tf` (HCL) and `.json.tpl` templates, with positions: the reader ecslint.front_ends registers."""

from __future__ import annotations

from ecslint.documents.parse import Document, unparsable
from ecslint.documents.jsontext import JsonLocator

# A `.tf` file without these names declares nothing ecslint reads: it is not even parsed (pre-commit hands
# over every `.tf` file of a commit, and python-hcl2 need not be imported for them).
RELEVANT_NAMES = ("aws_ecs_task_definition", "aws_ecs_service", "aws_iam_", "aws_ecr_")


def hcl_available() -> bool:
    from importlib.util import find_spec

    return find_spec("hcl2") is not None


def parse_terraform(path: str, text: str, syntax: str):
    if syntax == "template":
        return _template(path, text)
    from ecslint.documents.yamltext import YamlLocator

    if not any(name in text for name in RELEVANT_NAMES):
        return Document(path, text, {}, False, "hcl", YamlLocator({}, []))
    from ecslint.terraform.hcl import HclError, parse_hcl

    if not hcl_available():
        return unparsable(path, "Reading Terraform `.tf` files needs the python-hcl2 package (`pip install python-hcl2`).", 1, 1, True)
    try:
        parsed = parse_hcl(text, path)
    except HclError as error:
        return unparsable(path, f"{error.message} (line {error.line}, column {error.column}).", error.line, error.column, "aws_ecs_task_definition" in text)
    # The span locator built for YAML takes any (key span, value span, is container) map: HCL positions are alike.
    # Files read with file()/templatefile() are parts of it: findings on their content are reported there.
    return Document(path, text, parsed.data, False, "hcl", YamlLocator(parsed.spans, []), parts=parsed.parts)


def _template(path: str, text: str):
    from ecslint.terraform.template import neutralised, parse_template_json

    parsed = parse_template_json(text)
    if parsed is None:
        return unparsable(path, "Not JSON even with its template placeholders (`${...}`) standing for values: a `%{ for }` or `%{ if }` directive outside strings, or invalid JSON.", 1, 1, True)
    return Document(path, text, parsed.data, parsed.has_duplicate_keys, "template", JsonLocator(neutralised(text)))
