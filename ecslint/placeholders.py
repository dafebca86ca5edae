"""Values a template engine fills in later (`${VAR}`, `{{ var }}`, `<value>`, ...): never judged as final.

Rules stay silent on them, the secret rules do not call them secrets, and the schema check
does not hold their type against them: what the file holds is not what ECS will receive.
"""

from __future__ import annotations

import re

# Templates and substitutions: the real value arrives later, from a tool or the shell.
TEMPLATE = re.compile(
    r"\$\{[^}]*\}?"  # ${VAR}, ${var.x}, CloudFormation ${AWS::AccountId}
    r"|\$\(\(?"  # $(command), $((arithmetic))
    r"|\$[A-Z_][A-Z0-9_]*(?![A-Za-z0-9_])"  # $VAR (upper case, so `pa$$word` stays a literal)
    r"|\{\{.*?(?:\}\}|$)"  # {{ var }}, {{resolve:...}}, {{must_env `X`}}
    r"|#\{[^}]*\}"  # #{Param} (Octopus, Ruby)
    r"|%\{[^}]*\}"  # %{var} (Terraform directives)
    r"|\(\([^)]*\)\)"  # ((var)) (Concourse)
    r"|<%.*?%>"  # <%= erb %>
    r"|@@[A-Za-z0-9_]+@@"
    r"|__[A-Z0-9_]+__",
    re.S,
)
ANGLE_PLACEHOLDER = re.compile(r"^<[^<>]+>$")
PERCENT_VARIABLE = re.compile(r"^%[A-Za-z_][A-Za-z0-9_]*%$")
SHELL_VARIABLE = re.compile(r"^\$[A-Za-z_][A-Za-z0-9_]*$")
# An angle-bracket stand-in anywhere in a value: arn:aws:iam::<account-id>:role/app.
ANGLE_ANYWHERE = re.compile(r"<[A-Za-z_][^<>\s]*>")


def is_templated(text: str) -> bool:
    """True when any part of text is filled in at deploy time."""
    return bool(TEMPLATE.search(text) or ANGLE_ANYWHERE.search(text) or PERCENT_VARIABLE.match(text) or SHELL_VARIABLE.match(text))
