"""A variable's type constraint as far as it changes the value: `optional(type, default)` attributes of object types.

Terraform fills an object-typed value's missing (or null) optional attributes with their defaults, or with null when
none is given, in the variable's `default` and in what a caller passes alike (Terraform language documentation, "Type
Constraints", optional object type attributes, verified 2026-12). Other constraints are conversions ecslint leaves
to Terraform. The type is read from its expression as written (`object({ role = optional(string, "arn:...") })`).
"""

from __future__ import annotations

from ecslint.terraform.hcl import _children
from ecslint.terraform.template import Unknown

_COLLECTIONS = frozenset({"list", "set", "map"})
# Types nested deeper than this are generated code: their defaults are not read.
MAX_TYPE_DEPTH = 16


def _call(node):
    """(function name, argument nodes) of a call expression, or None."""
    while node.data == "expr_term" and len(_children(node)) == 1:
        node = _children(node)[0]
    if node.data != "function_call":
        return None
    arguments = next((child for child in _children(node) if child.data == "arguments"), None)
    return str(node.children[0].children[0]), (_children(arguments) if arguments is not None else [])


def read_type(evaluator, node, depth: int = 0):
    """("object", {name: (type, optional, default)}) or ("each", type) for list/set/map, or None: nothing to fill."""
    call = _call(node) if depth < MAX_TYPE_DEPTH else None
    if call is None:
        return None
    name, arguments = call
    if name in _COLLECTIONS and len(arguments) == 1:
        inner = read_type(evaluator, arguments[0], depth + 1)
        return ("each", inner) if inner is not None else None
    if name != "object" or len(arguments) != 1:
        return None
    literal = arguments[0]
    while literal.data == "expr_term" and len(_children(literal)) == 1:
        literal = _children(literal)[0]
    if literal.data != "object":
        return None
    attributes = {}
    for element in _children(literal):
        key_node, value_node = _children(element)
        key = evaluator._key(key_node)
        if not isinstance(key, str) or isinstance(key, Unknown):
            return None
        optional = _call(value_node)
        if optional is not None and optional[0] == "optional" and optional[1]:
            default = evaluator._evaluate(optional[1][1], "") if len(optional[1]) > 1 else None
            attributes[key] = (read_type(evaluator, optional[1][0], depth + 1), True, default)
        else:
            attributes[key] = (read_type(evaluator, value_node, depth + 1), False, None)
    return ("object", attributes)


def with_defaults(value, kind):
    """value with the optional attributes its type gives defaults for filled in."""
    if kind is None or value is None or isinstance(value, Unknown):
        return value
    if kind[0] == "each":
        if isinstance(value, list):
            return [with_defaults(item, kind[1]) for item in value]
        if isinstance(value, dict):
            return {key: with_defaults(item, kind[1]) for key, item in value.items()}
        return value
    if not isinstance(value, dict):
        return value
    filled = dict(value)
    for name, (inner, optional, default) in kind[1].items():
        if optional and filled.get(name) is None:
            filled[name] = default
        if name in filled:
            filled[name] = with_defaults(filled[name], inner)
    return filled
