"""Messages about CloudFormation values in the template's own terms: `${AWS::Region}`, `!ImportValue x`, parameter defaults."""

from __future__ import annotations

import re

from ecslint.documents import pointer as jp
from ecslint.subjects.quoting import quote

# Placeholders keep colons out (they sit inside ARNs that are split on colons); messages put them back.
_PSEUDO = re.compile(r"\$\{AWS\.([A-Za-z]+)\}")
_IMPORT = re.compile(r"\$\{ImportValue\.([^{}]*)\}")
_IF = re.compile(r"\$\{Fn\.If\.([^.{}|]+)\.[^{}]*\}")
_FIND_IN_MAP = re.compile(r"\$\{Fn\.FindInMap\.([^{}]*)\}")
_FUNCTION = re.compile(r"\$\{Fn\.([A-Za-z0-9]+)\}")
# `{{resolve:ssm:/name}}`, which ecslint reads as unknown (ecslint.cloudformation.iam).
_DYNAMIC = re.compile(r"\$\{resolve\.([a-z-]+)\.([^{}]*)\}")


def as_written(message: str) -> str:
    """Placeholders in the form the template writes them."""
    message = _PSEUDO.sub(r"${AWS::\1}", message)
    message = _IMPORT.sub(r"!ImportValue \1", message)
    message = _DYNAMIC.sub(r"{{resolve:\1:\2}}", message)
    message = _IF.sub(r"!If [\1, …]", message)
    message = _FIND_IN_MAP.sub(lambda match: "!FindInMap [" + ", ".join(match.group(1).split(".")) + "]", message)
    return _FUNCTION.sub(r"!\1 …", message)


def default_note(template, template_pointer: str) -> str | None:
    """`with parameter Env at its default 'prod'` when the value at the pointer is a `Ref` to a parameter's default."""
    value = template.data
    for token in jp.split(template_pointer):
        if isinstance(value, dict):
            value = value.get(token)
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return None
    if not (isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Ref"), str)):
        return None
    name = value["Ref"]
    declaration = template.parameters.get(name)
    if not isinstance(declaration, dict) or "Default" not in declaration or str(declaration.get("Type", "")).startswith("AWS::SSM::"):
        return None
    return f"with parameter {name} at its default {quote(str(declaration['Default']))}"


def with_note(message: str, note: str) -> str:
    """The note inside the first sentence, which must stand alone: `..., not `bridge` (with parameter ...).`."""
    from ecslint.report.formatters.sentences import split_first_sentence

    first, _ = split_first_sentence(message)
    end = len(first) - 1 if first.endswith(".") else len(first)
    return message[:end] + f" ({note})" + (message[end:] or ".")
