"""CloudFormation intrinsic functions, resolved as far as the template alone allows.

What cannot be known before deployment (a parameter without a default, an import, an attribute
CloudFormation generates) becomes an `Unresolved` string written in Fn::Sub's own `${...}` syntax:
`!Ref DbPassword` -> `${DbPassword}`, `!Sub "${AWS::AccountId}.dkr.ecr..."` -> `${AWS.AccountId}.dkr.ecr...`
(colons become dots inside placeholders, see `placeholder`).
Every rule already reads `${...}` as "set at deploy time, value unknown" and stays silent on it,
so an unknown is never guessed. Sources for the functions' semantics: "Intrinsic function
reference" and "Pseudo parameters reference" in the CloudFormation user guide, verified 2026-11-30.

Decisions, documented because a guess would be worse than silence:
- `Ref` to a parameter takes its `Default` (the value a stack gets unless told otherwise); a parameter
  without one, or of an `AWS::SSM::Parameter::Value<...>` type (its default names a parameter, not a
  value), stays unresolved.
- `Fn::If` decides its condition when the condition can be decided from parameter defaults (the same
  assumption as `Ref`). Otherwise both branches are resolved: when they agree that is the value, when
  they differ the value is unresolved (`${Fn::If:Condition}`); one branch is never picked over the other.
- `Fn::FindInMap` with a key that cannot be resolved gives the value every candidate entry agrees on, if any.
- Pseudo parameters stay unresolved except `AWS::NoValue` (removes the key) and `AWS::URLSuffix`,
  `amazonaws.com` in every partition but China's, where it only adds `.cn` (rules matching ECR hosts accept both).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator

from ecslint.documents import pointer as jp
from ecslint.subjects.placeholders import DeployTimeValue, contains_deploy_time_value

# How deep intrinsic functions may nest inside each other (templates nest a handful of levels).
MAX_DEPTH = 64
# Text that substitutions may produce in one template, in characters. CloudFormation takes templates of
# at most 1 MB, but `!Sub "${Big}"` 20,000 times would make gigabytes; past this, values stay unknown.
MAX_RESOLVED_TEXT = 4 * 1024 * 1024


class Unresolved(DeployTimeValue):
    """A value, or part of one, that only deployment decides; its text holds `${...}` placeholders."""

    __slots__ = ()


class _NoValue:
    """`AWS::NoValue`: the property (or list item) is removed, as if never written."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()

# Pseudo parameters with a value the template implies (see the module docstring).
_PSEUDO_VALUES = {"AWS::URLSuffix": "amazonaws.com"}
PSEUDO_PARAMETERS = frozenset(
    {"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}
)

# Resource types whose `Ref` returns a name given in their own properties (CloudFormation resource
# reference, "Return values" of each type, verified 2026-11-30); other resources' Ref stays unresolved.
_REF_NAME_PROPERTY = {
    "AWS::IAM::Role": "RoleName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::ECS::Cluster": "ClusterName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::SSM::Parameter": "Name",
    "AWS::ECR::Repository": "RepositoryName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
}

# A name never holds a brace; stopping at the next `{` keeps unclosed `${` runs linear.
_SUB_TOKEN = re.compile(r"\$\{([^{}]*)\}")
_INTRINSICS = frozenset(
    {
        "Ref",
        "Fn::GetAtt",
        "Fn::Sub",
        "Fn::Join",
        "Fn::Select",
        "Fn::Split",
        "Fn::If",
        "Fn::FindInMap",
        "Fn::ImportValue",
        "Fn::GetAZs",
        "Fn::Base64",
        "Fn::Cidr",
        "Fn::Transform",
        "Fn::Length",
        "Fn::ToJsonString",
        "Fn::GetParam",
    }
)


def placeholder(text: str) -> Unresolved:
    """`${text}` as one token: braces and `$` taken out, and colons written as dots (`${AWS.AccountId}`).

    A placeholder often sits inside an ARN (`arn:${AWS.Partition}:iam::${AWS.AccountId}:role/x`), and
    everything that reads ARNs splits them on colons: a colon inside the placeholder would shift the fields.
    """
    cleaned = re.sub(r":+", ".", re.sub(r"[${}]", "", text)).strip() or "unknown"
    return Unresolved("${" + cleaned + "}")


def is_intrinsic(value) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _INTRINSICS


def as_text(value) -> str | None:
    """A scalar as CloudFormation turns it into text (numbers and booleans as JSON writes them)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return None


class Template:
    """One template's parameters, mappings, conditions and resources, and the resolver over them."""

    def __init__(self, data: dict, choices=None):
        self.data = data
        # ecslint.subjects.alternatives.Choices: how conditions the template cannot decide go in this reading (None: unknown).
        self.choices = choices
        self.parameters = _dict(data.get("Parameters"))
        self.mappings = _dict(data.get("Mappings"))
        self.conditions = _dict(data.get("Conditions"))
        self.resources = _dict(data.get("Resources"))
        self._condition_values: dict[str, bool | None] = {}
        self._evaluating: set[str] = set()
        self._reading: set[tuple[str, str]] = set()  # (resource, property) being resolved, against self-references
        self._text_left = MAX_RESOLVED_TEXT

    # -- resources -----------------------------------------------------------------------------

    def resource_type(self, logical_id: str) -> str | None:
        resource = self.resources.get(logical_id)
        kind = resource.get("Type") if isinstance(resource, dict) else None
        return kind if isinstance(kind, str) else None

    def properties(self, logical_id: str) -> dict:
        resource = self.resources.get(logical_id)
        return _dict(resource.get("Properties")) if isinstance(resource, dict) else {}

    def resources_of_type(self, kind: str) -> Iterator[tuple[str, dict]]:
        for logical_id, resource in self.resources.items():
            if isinstance(resource, dict) and resource.get("Type") == kind:
                yield logical_id, resource

    def literal_property(self, logical_id: str, name: str) -> str | None:
        """A resource's property when it resolves to plain text (a name given in the template), else None."""
        props = self.properties(logical_id)
        if name not in props or (logical_id, name) in self._reading:
            return None  # absent, or a self-reference (`RoleName: !Ref Role`), which CloudFormation rejects
        self._reading.add((logical_id, name))
        try:
            value = self.resolve(props[name])
        finally:
            self._reading.discard((logical_id, name))
        return value if isinstance(value, str) and not isinstance(value, Unresolved) and value else None

    def role_arn(self, logical_id: str) -> str:
        """What `!GetAtt Role.Arn` stands for: the role's ARN with its account (and partition) unresolved."""
        path = self.literal_property(logical_id, "Path") or "/"
        name = self.literal_property(logical_id, "RoleName") or "${" + logical_id + "}"
        path = path if path.endswith("/") else path + "/"
        return Unresolved(f"arn:{placeholder('AWS::Partition')}:iam::{placeholder('AWS::AccountId')}:role{path}{name}")

    # -- resolution ----------------------------------------------------------------------------

    def resolve(self, value, depth: int = 0):
        """The value with every intrinsic function evaluated (NO_VALUE members and items removed)."""
        if depth > MAX_DEPTH:
            return placeholder("too deeply nested")
        if is_intrinsic(value):
            return self.resolve(self.evaluate(value, depth + 1), depth + 1)
        if isinstance(value, dict):
            resolved = {}
            for key, member in value.items():
                member = self.resolve(member, depth + 1)
                if member is not NO_VALUE:
                    resolved[key] = member
            return resolved
        if isinstance(value, list):
            return [item for item in (self.resolve(member, depth + 1) for member in value) if item is not NO_VALUE]
        return value

    def step(self, value, pointer: str, depth: int = 0) -> tuple[object, str]:
        """Evaluate the functions at the top of value only, keeping the pointer into an `Fn::If` branch taken.

        Returns (value, pointer of where that value is written); nested structures are left for the
        caller to walk, so that their members keep pointers of their own.
        """
        while is_intrinsic(value) and depth <= MAX_DEPTH:
            depth += 1
            name, argument = next(iter(value.items()))
            if name == "Fn::If" and _is_list(argument, 3):
                decided = self.condition(argument[0])
                if decided is not None:
                    branch = 1 if decided else 2
                    value, pointer = argument[branch], jp.join(pointer, name, branch)
                    continue
            value = self.evaluate(value, depth)
        if depth > MAX_DEPTH:
            return placeholder("too deeply nested"), pointer
        return value, pointer

    def evaluate(self, function: dict, depth: int = 0):
        """One intrinsic function's result (which may itself hold unresolved values or further functions)."""
        name, argument = next(iter(function.items()))
        handler = _HANDLERS.get(name)
        return handler(self, argument, depth) if handler else placeholder(name)

    def _ref(self, argument, depth: int):
        if not isinstance(argument, str):
            return placeholder("Ref")
        if argument == "AWS::NoValue":
            return NO_VALUE
        if argument in _PSEUDO_VALUES:
            return _PSEUDO_VALUES[argument]
        if argument in PSEUDO_PARAMETERS:
            return placeholder(argument)
        if argument in self.parameters:
            return self._within_budget(self._parameter(argument), argument)
        kind = self.resource_type(argument)
        if kind in _REF_NAME_PROPERTY:
            return self.literal_property(argument, _REF_NAME_PROPERTY[kind]) or placeholder(argument)
        return placeholder(argument)

    def _spend(self, characters: int) -> bool:
        """Charge text a function produces to the template's budget; False once it is spent."""
        self._text_left -= characters
        return self._text_left >= 0

    def _within_budget(self, value, name: str):
        """A parameter's value each time a `Ref` uses it: copies count, so 20,000 Refs of 10 KB do not amplify."""
        if isinstance(value, str) and not isinstance(value, Unresolved) and not self._spend(len(value)):
            return placeholder(name)
        return value

    def _parameter(self, name: str):
        declaration = _dict(self.parameters.get(name))
        kind = declaration.get("Type") if isinstance(declaration.get("Type"), str) else "String"
        if "Default" not in declaration or kind.startswith("AWS::SSM::Parameter::Value"):
            return placeholder(name)
        default = declaration["Default"]
        if kind == "CommaDelimitedList" or kind.startswith("List<"):
            text = as_text(default) if not isinstance(default, list) else ",".join(as_text(item) or "" for item in default)
            return [item.strip() for item in text.split(",")] if text is not None else placeholder(name)
        text = as_text(default)
        return text if text is not None else placeholder(name)

    def _fn_getatt(self, argument, depth: int):
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if not _is_list(argument, 2):
            return placeholder("Fn::GetAtt")
        resource, attribute = argument
        attribute = self.resolve(attribute, depth + 1)
        if not isinstance(resource, str) or not isinstance(attribute, str):
            return placeholder("Fn::GetAtt")
        if self.resource_type(resource) == "AWS::IAM::Role" and attribute == "Arn":
            return self.role_arn(resource)
        return placeholder(f"{resource}.{attribute}")

    def _fn_sub(self, argument, depth: int):
        variables: dict = {}
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            argument, variables = argument
        argument = self.resolve(argument, depth + 1)
        if not isinstance(argument, str):
            return placeholder("Fn::Sub")
        unresolved = isinstance(argument, Unresolved)
        parts: list[str] = []
        position = 0
        for match in _SUB_TOKEN.finditer(argument):
            parts.append(argument[position : match.start()])
            position = match.end()
            token = match.group(1)
            if token.startswith("!"):
                parts.append("${" + token[1:] + "}")  # `${!Literal}` writes `${Literal}`
                continue
            token = token.strip()
            if token in variables:
                value = self.resolve(variables[token], depth + 1)
            elif "." in token and token not in self.parameters and token not in PSEUDO_PARAMETERS:
                value = self._fn_getatt(token.split(".", 1), depth + 1)
            else:
                value = self._ref(token, depth + 1)
            text = as_text(value) if value is not NO_VALUE else ""
            if text is None:
                text = placeholder(token)
            unresolved = unresolved or isinstance(value, Unresolved) or isinstance(text, Unresolved)
            parts.append(text)
            if not self._spend(len(text)):
                return placeholder("Fn::Sub")
        parts.append(argument[position:])
        joined = "".join(parts)
        return Unresolved(joined) if unresolved else joined

    def _fn_join(self, argument, depth: int):
        if not _is_list(argument, 2):
            return placeholder("Fn::Join")
        delimiter, items = self.resolve(argument[0], depth + 1), self.resolve(argument[1], depth + 1)
        if not isinstance(delimiter, str) or not isinstance(items, list) or isinstance(items, Unresolved):
            return placeholder("Fn::Join")
        texts = [as_text(item) for item in items]
        if any(text is None for text in texts):
            return placeholder("Fn::Join")
        if not self._spend(sum(map(len, texts)) + len(delimiter) * len(texts)):
            return placeholder("Fn::Join")
        joined = delimiter.join(texts)
        return Unresolved(joined) if isinstance(delimiter, Unresolved) or any(isinstance(item, Unresolved) for item in items) else joined

    def _fn_select(self, argument, depth: int):
        if not _is_list(argument, 2):
            return placeholder("Fn::Select")
        index, items = self.resolve(argument[0], depth + 1), self.resolve(argument[1], depth + 1)
        try:
            position = int(index) if not isinstance(index, (bool, Unresolved)) else None
        except (TypeError, ValueError, OverflowError):  # `!Select [.inf, ...]`
            position = None
        if position is None or not isinstance(items, list) or not 0 <= position < len(items):
            return placeholder("Fn::Select")
        return items[position]

    def _fn_split(self, argument, depth: int):
        if not _is_list(argument, 2):
            return placeholder("Fn::Split")
        delimiter, text = self.resolve(argument[0], depth + 1), self.resolve(argument[1], depth + 1)
        if not isinstance(delimiter, str) or not delimiter or not isinstance(text, str) or isinstance(text, Unresolved) or isinstance(delimiter, Unresolved):
            return placeholder("Fn::Split")
        return text.split(delimiter)

    def _fn_if(self, argument, depth: int):
        if not _is_list(argument, 3):
            return placeholder("Fn::If")
        decided = self.condition(argument[0])
        if decided is not None:
            return argument[1] if decided else argument[2]
        first, second = self.resolve(argument[1], depth + 1), self.resolve(argument[2], depth + 1)
        if first == second and first is not NO_VALUE:
            return first
        if first is NO_VALUE and second is NO_VALUE:
            return NO_VALUE
        # The branches are part of the placeholder: two Fn::If on one condition are equal only if their branches are.
        condition = argument[0] if isinstance(argument[0], str) else "?"
        return placeholder(f"Fn::If:{condition}:{_branch_text(first)}|{_branch_text(second)}")

    def _fn_findinmap(self, argument, depth: int):
        if not isinstance(argument, list) or len(argument) not in (3, 4):
            return placeholder("Fn::FindInMap")
        keys = [self.resolve(key, depth + 1) for key in argument[:3]]
        fallback = None
        if len(argument) == 4 and isinstance(argument[3], dict) and "DefaultValue" in argument[3]:
            fallback = argument[3]["DefaultValue"]
        level: list = [self.mappings]
        for key in keys:
            key_text = as_text(key)
            if key_text is None:
                return placeholder("Fn::FindInMap")
            if isinstance(key, Unresolved):
                level = [value for table in level for value in _dict(table).values()]
            else:
                level = [_dict(table).get(key_text, _MISSING) for table in level]
                level = [value for value in level if value is not _MISSING]
            if not level:
                return fallback if fallback is not None else placeholder("Fn::FindInMap")
        first = level[0]
        if all(value == first for value in level[1:]):
            return first
        return placeholder("Fn::FindInMap:" + ".".join(as_text(key) or "" for key in keys))

    def _fn_importvalue(self, argument, depth: int):
        name = self.resolve(argument, depth + 1)
        return placeholder("ImportValue:" + (as_text(name) or ""))

    def _fn_base64(self, argument, depth: int):
        text = self.resolve(argument, depth + 1)
        if isinstance(text, str) and not isinstance(text, Unresolved):
            return base64.b64encode(text.encode()).decode()
        return placeholder("Fn::Base64")

    def _fn_length(self, argument, depth: int):
        items = self.resolve(argument, depth + 1)
        return len(items) if isinstance(items, list) else placeholder("Fn::Length")

    def _fn_tojsonstring(self, argument, depth: int):
        value = self.resolve(argument, depth + 1)
        if contains_deploy_time_value(value):
            return placeholder("Fn::ToJsonString")
        return json.dumps(value, separators=(",", ":"))

    # -- conditions ----------------------------------------------------------------------------

    def condition(self, name) -> bool | None:
        """A named condition's value, or None when it cannot be decided from the template alone."""
        if not isinstance(name, str) or name not in self.conditions:
            return None
        if name in self._condition_values:
            return self._condition_values[name]
        if name in self._evaluating:
            return None  # a cycle: CloudFormation rejects the template; never decide it
        self._evaluating.add(name)
        try:
            value = self._truth(self.conditions[name], 0)
        finally:
            self._evaluating.discard(name)
        if value is None and self.choices is not None:
            value = self.choices.choose(name, name)  # a branch only when the template is read once per way
        self._condition_values[name] = value
        return value

    def _truth(self, expression, depth: int) -> bool | None:
        if depth > MAX_DEPTH or not isinstance(expression, dict) or len(expression) != 1:
            return None
        name, argument = next(iter(expression.items()))
        if name == "Condition":
            return self.condition(argument)
        if name == "Fn::Equals" and _is_list(argument, 2):
            first, second = (self.resolve(item, depth + 1) for item in argument)
            if contains_deploy_time_value(first) or contains_deploy_time_value(second):
                return None
            first_text, second_text = as_text(first), as_text(second)
            if first_text is None or second_text is None:
                return first == second
            return first_text == second_text
        if name == "Fn::Not" and _is_list(argument, 1):
            value = self._truth(argument[0], depth + 1)
            return None if value is None else not value
        if name in ("Fn::And", "Fn::Or") and isinstance(argument, list) and argument:
            values = [self._truth(item, depth + 1) for item in argument]
            decisive = name == "Fn::Or"  # True decides an Or, False decides an And
            if decisive in values:
                return decisive
            return None if None in values else not decisive
        if name == "Fn::If" or name == "Ref" or name.startswith("Fn::"):
            value = self.resolve(expression, depth + 1)
            if value in ("true", True):
                return True
            if value in ("false", False):
                return False
        return None


_MISSING = object()

# Functions evaluated here; the others (Fn::GetAZs, Fn::Cidr, Fn::Transform, ...) stay unresolved.
_HANDLERS = {
    "Ref": Template._ref,
    "Fn::GetAtt": Template._fn_getatt,
    "Fn::Sub": Template._fn_sub,
    "Fn::Join": Template._fn_join,
    "Fn::Select": Template._fn_select,
    "Fn::Split": Template._fn_split,
    "Fn::If": Template._fn_if,
    "Fn::FindInMap": Template._fn_findinmap,
    "Fn::ImportValue": Template._fn_importvalue,
    "Fn::Base64": Template._fn_base64,
    "Fn::Length": Template._fn_length,
    "Fn::ToJsonString": Template._fn_tojsonstring,
}


def _branch_text(value) -> str:
    if value is NO_VALUE:
        return "AWS::NoValue"
    text = as_text(value)
    return text if text is not None else json.dumps(value, sort_keys=True, default=str)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _is_list(value, length: int) -> bool:
    return isinstance(value, list) and len(value) == length
