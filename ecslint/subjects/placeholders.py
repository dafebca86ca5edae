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
    # Bodies stop at the next opener, so a value of many unclosed openers is scanned in linear time.
    r"|#\{[^{}]*\}"  # #{Param} (Octopus, Ruby)
    r"|%\{[^{}]*\}"  # %{var} (Terraform directives)
    r"|\(\([^()]*\)\)"  # ((var)) (Concourse)
    r"|<%[^<%]*(?:(?:<(?!%)|%(?!>))[^<%]*)*%>"  # <%= erb %>
    r"|\{%[^{%]*(?:(?:\{(?!%)|%(?!\}))[^{%]*)*%\}"  # {% jinja statements %}
    r"|@@[A-Za-z0-9_]+@@"
    r"|__[A-Z0-9_]+__",
    re.S,
)
ANGLE_PLACEHOLDER = re.compile(r"^<[^<>]+>$")
PERCENT_VARIABLE = re.compile(r"^%[A-Za-z_][A-Za-z0-9_]*%$")
SHELL_VARIABLE = re.compile(r"^\$[A-Za-z_][A-Za-z0-9_]*$")
# Any placeholder anywhere in a value that is never a secret (an image, an ARN, a name): there an
# angle-bracket stand-in (`arn:aws:iam::<account-id>:role/app`) and a `$name` in any case count too.
# Secret detection keeps the narrower TEMPLATE, so that `pa$$word` stays a literal there.
ANYWHERE = re.compile(TEMPLATE.pattern + r"|<[A-Za-z_][^<>]*>|\$[A-Za-z_][A-Za-z0-9_]*", re.S)


def is_templated(text: str) -> bool:
    """True when any part of text is filled in at deploy time."""
    return bool(ANYWHERE.search(text) or PERCENT_VARIABLE.match(text))


class DeployTimeValue(str):
    """A value a front end cannot know before deployment (a CloudFormation parameter without a default,
    a Terraform variable), written as `${...}` placeholder text.

    A string, so that every check handles it as any placeholder and never crashes on it; the type,
    not the text, marks it unknown.
    """

    __slots__ = ()


def contains_deploy_time_value(value) -> bool:
    if isinstance(value, DeployTimeValue):
        return True
    if isinstance(value, dict):
        return any(contains_deploy_time_value(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_deploy_time_value(item) for item in value)
    return False
