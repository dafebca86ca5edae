"""Terraform's built-in functions that modules use around role ARNs and policy documents, on values known in the module.

Each follows the Terraform language documentation ("Built-in Functions", developer.hashicorp.com/terraform/language/functions,
verified 2026-12). An argument that is unknown makes the result unknown, except where the function's answer cannot
depend on it (`try()` stops at the first argument that works). A call Terraform would reject raises Failed, which
`try()` and `can()` catch, and which otherwise makes the expression unknown.
"""

from __future__ import annotations

from ecslint.terraform.hcl import Encoded, Failed
from ecslint.terraform.template import Unknown


def is_known(value) -> bool:
    """Known before apply: no Unknown inside, and no `${...}` placeholder text."""
    if isinstance(value, str):
        return not isinstance(value, Unknown) and "${" not in value
    if isinstance(value, Encoded):
        return is_known(value.value)
    if isinstance(value, dict):
        return all(is_known(item) for item in value.values())
    if isinstance(value, list):
        return all(is_known(item) for item in value)
    return value is None or isinstance(value, (bool, int, float))


def _text(value) -> str:
    """A value inside a string: unknown parts keep their `${...}` text, as in a template."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise Failed("not a string")


def _list(value) -> list:
    if isinstance(value, list):
        return value
    raise Failed("not a list")


def _flatten(value) -> list:
    out = []
    for item in value:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


def _format(spec: str, arguments: list) -> str:
    out, index, position = [], 0, 0
    while index < len(spec):
        char = spec[index]
        if char == "%" and index + 1 < len(spec):
            verb = spec[index + 1]
            index += 2
            if verb == "%":
                out.append("%")
                continue
            if position >= len(arguments):
                raise Failed("too few arguments")
            argument = arguments[position]
            position += 1
            if verb == "q":
                out.append('"' + _text(argument) + '"')
            else:
                out.append(_text(argument))
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _strings_known(values) -> bool:
    return not any(isinstance(value, Unknown) for value in values)


_UNKNOWN = object()


def _apply(name: str, values: list):
    if name == "coalesce":
        for value in values:
            if value is None or value == "":
                continue
            if isinstance(value, Unknown):
                return value
            return value
        raise Failed("no non-null argument")
    if name == "coalescelist":
        for value in values:
            if isinstance(value, Unknown):
                return value
            if _list(value):
                return value
        raise Failed("no non-empty list")
    if not all(not isinstance(value, Unknown) for value in values):
        if name in ("join", "format"):
            pass  # text functions keep unknown parts as `${...}` text
        else:
            return _UNKNOWN
    if name == "one":
        items = _list(values[0]) if values[0] is not None else []
        if len(items) > 1:
            raise Failed("more than one element")
        return items[0] if items else None
    if name == "element":
        items, index = _list(values[0]), values[1]
        if not items or not isinstance(index, int):
            raise Failed("element of an empty list")
        return items[index % len(items)]
    if name == "lookup":
        table, key = values[0], values[1]
        if not isinstance(table, dict) or not isinstance(key, str):
            return _UNKNOWN
        if key in table:
            return table[key]
        if len(values) > 2:
            return values[2]
        raise Failed("no such key")
    if name == "concat":
        return [item for value in values for item in _list(value)]
    if name == "merge":
        merged: dict = {}
        for value in values:
            if value is None:
                continue
            if not isinstance(value, dict):
                raise Failed("not an object")
            merged.update(value)
        return merged
    if name == "flatten":
        return _flatten(_list(values[0]))
    if name == "compact":
        return [item for item in _list(values[0]) if item not in (None, "")]
    if name == "distinct":
        out = []
        for item in _list(values[0]):
            if item not in out:
                out.append(item)
        return out
    if name in ("tolist", "toset"):
        if isinstance(values[0], list):
            return list(dict.fromkeys(values[0])) if name == "toset" and all(isinstance(item, str) for item in values[0]) else values[0]
        raise Failed("not a list")
    if name == "tostring":
        if isinstance(values[0], (dict, list)):
            raise Failed("not a string")
        return values[0] if values[0] is None else _text(values[0])
    if name == "length":
        value = values[0]
        if isinstance(value, str) and "${" in value:
            return _UNKNOWN
        if isinstance(value, (str, list, dict)):
            return len(value)
        raise Failed("no length")
    if name == "keys":
        return sorted(values[0]) if isinstance(values[0], dict) else _UNKNOWN
    if name == "values":
        return [values[0][key] for key in sorted(values[0])] if isinstance(values[0], dict) else _UNKNOWN
    if name == "contains":
        return values[1] in _list(values[0]) if is_known(values[0]) and is_known(values[1]) else _UNKNOWN
    if name == "join":
        if isinstance(values[1], Unknown) or not isinstance(values[0], str):
            return _UNKNOWN
        return _text(values[0]).join(_text(item) for item in _flatten(_list(values[1])))
    if name == "format":
        if not isinstance(values[0], str) or isinstance(values[0], Unknown):
            return _UNKNOWN
        return _format(values[0], values[1:])
    if name in ("lower", "upper"):
        value = values[0]
        return (value.lower() if name == "lower" else value.upper()) if isinstance(value, str) and is_known(value) else _UNKNOWN
    return _UNKNOWN


FUNCTIONS = frozenset(
    {"try", "can", "coalesce", "coalescelist", "one", "element", "lookup", "concat", "merge", "flatten", "compact", "distinct",
     "tolist", "toset", "tostring", "length", "keys", "values", "contains", "join", "format", "lower", "upper"}
)


def call(evaluator, name: str, nodes: list, pointer: str, unknown: Unknown):
    """The value of `name(nodes...)` in the evaluator's scope; `unknown` when it cannot be told."""
    if name in ("try", "can"):
        for node in nodes:
            evaluator.trying += 1
            try:
                value = evaluator._evaluate(node, pointer)
            except Failed:
                if name == "can":
                    return False
                continue
            finally:
                evaluator.trying -= 1
            if isinstance(value, Unknown):
                return unknown
            if name == "can":
                return True
            return value
        raise Failed("every argument of try() failed")
    values = [evaluator._evaluate(node, pointer) for node in nodes]
    values = [value.value if isinstance(value, Encoded) and name in ("merge", "concat", "flatten") else value for value in values]
    try:
        result = _apply(name, values)
    except (TypeError, ValueError, IndexError):
        raise Failed(name) from None
    if result is _UNKNOWN:
        return unknown
    return result
