"""A module's own values (variable defaults, locals, resources, local child modules) for evaluating role fields and policies.

A file parsed alone leaves `var.x`, `local.y` and `module.m.o` unknown (ecslint.terraform.hcl keeps their
expressions as `Deferred`). The scope of the module the file belongs to evaluates them again: a variable is
its `default` (`null` means "not set"; without a default it stays unknown, since only the caller knows it), a
local its expression, `count`/`for_each` decide which instances exist, and a local child module
(`source = "./modules/iam"`) is followed, its inputs bound and its outputs read. Registry and remote modules
stay unknown. Nothing outside the module's files is guessed.
"""

from __future__ import annotations

import operator
import re
from pathlib import Path

from ecslint.subjects.placeholders import contains_deploy_time_value
from ecslint.terraform import functions
from ecslint.terraform.functions import is_known
from ecslint.terraform.hcl import JSON_ATTRIBUTES, Deferred, Encoded, Failed, TextAt, _children
from ecslint.terraform.template import Unknown

# References the IAM front end resolves inside the module: kept as `${type.name.attribute}` text.
PLACEHOLDER_ATTRIBUTES = {
    "aws_iam_role": ("arn", "name", "id"),
    "aws_iam_policy": ("arn", "name", "id"),
    "data.aws_iam_policy_document": ("json",),
    "data.aws_iam_role": ("arn", "name", "id"),
}
_LOCAL_SOURCE = re.compile(r"^\.\.?(/|$)")
# A chain of child modules this deep is a loop or generated code: stop following.
MAX_MODULE_DEPTH = 5


def truth(value) -> bool | None:
    return value if isinstance(value, bool) else None


_COMPARE = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}
_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "%": operator.mod}


def binary(symbol: str, left, right_thunk, source: str):
    if symbol in ("&&", "||"):
        stop = symbol == "||"  # `true || x` is true and `false && x` false, whatever x is
        if left is stop:
            return stop
        right = right_thunk()
        if right is stop:
            return stop
        return right if isinstance(left, bool) and isinstance(right, bool) else Unknown(source)
    right = right_thunk()
    if not (is_known(left) and is_known(right)):
        return Unknown(source)
    if symbol == "==":
        return left == right
    if symbol == "!=":
        return left != right
    numbers = all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in (left, right))
    if symbol in _COMPARE and numbers:
        return _COMPARE[symbol](left, right)
    if symbol in _ARITHMETIC and numbers:
        try:
            return _ARITHMETIC[symbol](left, right)
        except ZeroDivisionError:
            raise Failed(source) from None
    return Unknown(source)


class _Instances:
    """`aws_iam_role.app` as an expression sees it: one object, or `count` instances (None: a number not known)."""

    def __init__(self, scope: "Scope", address: str, count: int | None, counted: bool, keys: tuple | None = None, collection=None):
        self.scope, self.address, self.count, self.counted, self.keys = scope, address, count, counted, keys
        # `for_each`: the collection, for `each.value`.
        self.collection = collection

    def attribute(self, name: str, source: str):
        kind = self.address.rsplit(".", 1)[0]
        if kind == "data.aws_iam_policy" and name in ("arn", "id"):
            return self.scope.looked_up_policy(self.address) or Unknown(source)
        if name in PLACEHOLDER_ATTRIBUTES.get(kind, ()):
            return "${" + f"{self.scope.prefix}{self.address}.{name}" + "}"
        return Unknown(source)


def _attribute_name(node) -> str:
    return str(_children(node)[0].children[0])


class Scope:
    """The values one module defines, read from its parsed `.tf` documents (HclFile data)."""

    # What the evaluator asks of its scope besides values: operators, `for`, `dynamic` and functions.
    FUNCTIONS = functions.FUNCTIONS
    call = staticmethod(functions.call)
    truth = staticmethod(lambda value: truth(value))
    binary = staticmethod(lambda *arguments: binary(*arguments))
    for_expression = staticmethod(lambda *arguments: for_expression(*arguments))
    expand_dynamic = staticmethod(lambda *arguments: expand_dynamic(*arguments))

    def __init__(self, documents: list, inputs: dict | None = None, prefix: str = "", folder: Path | None = None, depth: int = 0, choices=None):
        self.documents = documents
        # ecslint.terraform.alternatives.Choices: the branches taken for conditions the module cannot decide (None: none).
        self.choices = choices
        self.inputs = inputs
        self.prefix = prefix
        self.folder = folder
        self.depth = depth
        self.variables: dict = {}
        self.locals: dict = {}
        self.declared: dict[str, dict] = {}
        self.modules: dict = {}
        self.outputs: dict = {}
        for document in documents:
            data = document.data if isinstance(document.data, dict) else {}
            for name, body in (data.get("variable") or {}).items():
                self.variables.setdefault(name, body)
            for name, value in (data.get("locals") or {}).items():
                self.locals.setdefault(name, value)
            for name, body in (data.get("module") or {}).items():
                self.modules.setdefault(name, body)
            for name, body in (data.get("output") or {}).items():
                self.outputs.setdefault(name, body)
            for kind, named in (data.get("resource") or {}).items():
                for name, body in named.items():
                    self.declared.setdefault(f"{kind}.{name}", body)
            for kind, named in (data.get("data") or {}).items():
                for name, body in named.items():
                    self.declared.setdefault(f"data.{kind}.{name}", body)
        self._start_afresh()

    def _start_afresh(self) -> None:
        self._locals_done: dict = {}
        self._types: dict = {}
        self._resolving: set[str] = set()
        self._instances: dict = {}
        self.children: dict[str, Scope | None] = {}
        # Module calls ecslint cannot follow (registry, git, a folder that is not there): named once in the summary.
        self.unfollowed: dict[str, str] = {}

    def afresh(self, choices) -> "Scope":
        """A scope of the same files, inputs and declarations (shared: never changed once read) that has evaluated
        nothing yet, with other choices."""
        other = object.__new__(Scope)
        other.documents, other.inputs, other.prefix, other.folder, other.depth = self.documents, self.inputs, self.prefix, self.folder, self.depth
        other.variables, other.locals, other.declared, other.modules, other.outputs = self.variables, self.locals, self.declared, self.modules, self.outputs
        other.choices = choices
        other._start_afresh()
        return other

    # Values -----------------------------------------------------------------------------------------

    def resolve(self, value, bindings: dict | None = None):
        """value with every Deferred part evaluated in this scope (and the `each`/`count` bindings given)."""
        if isinstance(value, Deferred):
            try:
                return value.again(self, bindings)
            except RecursionError:
                return Unknown(str(value))
        if isinstance(value, TextAt):
            return value
        if isinstance(value, dict):
            return {key: self._decode(key, self.resolve(item, bindings), item) for key, item in value.items()}
        if isinstance(value, list):
            out = []
            for item in value:
                resolved = self.resolve(item, bindings)
                if isinstance(resolved, _Blocks):
                    out.extend(resolved)
                else:
                    out.append(resolved)
            return out
        if isinstance(value, Encoded):
            return Encoded(self.resolve(value.value, bindings))
        return value

    def _decode(self, key: str, value, original):
        """A JSON attribute whose text only the module knew (`policy = local.policy_json`) is decoded like a written one."""
        if key in JSON_ATTRIBUTES and isinstance(original, Deferred) and isinstance(value, str) and not isinstance(value, Unknown):
            return original.evaluator._decode_json(value, original.pointer)
        return value

    def variable(self, name: str, source: str):
        body = self.variables.get(name)
        if self.inputs is not None and name in self.inputs:
            return self._typed(name, body, self.inputs[name])
        if not isinstance(body, dict) or "default" not in body:
            return Unknown(source)
        default = body["default"]
        return Unknown(source) if isinstance(default, Deferred) or contains_deploy_time_value(default) else self._typed(name, body, default)

    def _typed(self, name: str, body, value):
        """value as the variable's type makes it: defaults of `optional()` object attributes filled in."""
        written = body.get("type") if isinstance(body, dict) else None
        if not isinstance(written, Deferred) or getattr(written, "node", None) is None or not isinstance(value, (dict, list)):
            return value
        from ecslint.terraform.variable_types import read_type, with_defaults

        if name not in self._types:
            self._types[name] = read_type(written.evaluator.with_scope(self), written.node)
        return with_defaults(value, self._types[name])

    def choose(self, evaluator, node, condition) -> bool | None:
        """The branch this evaluation takes for a condition the module cannot decide; None: undecided (unknown)."""
        if self.choices is None or is_known(condition):
            return None  # a known value that is not a bool: Terraform converts or rejects it, ecslint does not guess
        from ecslint.terraform.alternatives import condition_key

        text = " ".join(evaluator.source(node).split())
        key = condition_key(self.prefix, text, evaluator.bindings)
        return None if key is None else self.choices.choose(key, text)

    def local(self, name: str, source: str):
        if name in self._locals_done:
            return self._locals_done[name]
        if name not in self.locals or name in self._resolving:
            return Unknown(source)
        self._resolving.add(name)
        try:
            value = self.resolve(self.locals[name])
        finally:
            self._resolving.discard(name)
        self._locals_done[name] = value
        return value

    def instances(self, address: str) -> _Instances | None:
        if address in self._instances:
            return self._instances[address]
        body = self.declared.get(address)
        if not isinstance(body, dict):
            return None
        self._instances[address] = _Instances(self, address, None, True)  # while its count is evaluated
        count, counted, keys, collection = None, False, None, None
        if "count" in body:
            counted = True
            value = self.resolve(body["count"])
            count = value if isinstance(value, int) and not isinstance(value, bool) else None
        elif "for_each" in body:
            counted = True
            value = self.resolve(body["for_each"])
            if is_known(value) and isinstance(value, (dict, list)):
                keys = tuple(sorted(value)) if isinstance(value, dict) else tuple(dict.fromkeys(value))
                if all(isinstance(key, str) for key in keys):
                    count, collection = len(keys), value
                else:
                    keys = None
        found = _Instances(self, address, count, counted, keys, collection)
        self._instances[address] = found
        return found

    def looked_up_policy(self, address: str) -> str | None:
        """`data "aws_iam_policy"` by `arn`, or by `name` among the AWS managed policies ecslint knows."""
        body = self.resolve(self.declared.get(address) or {})
        arn, name = body.get("arn"), body.get("name")
        if isinstance(arn, str) and is_known(arn) and arn:
            return arn
        if isinstance(name, str) and is_known(name) and name and "path_prefix" not in body:
            from ecslint.iam import managed

            return managed.arn_for_name(name)
        return None

    # References -------------------------------------------------------------------------------------

    def reference(self, evaluator, node, pointer: str):
        steps = []
        base = node
        while True:
            inner = _children(base)
            if base.data == "expr_term" and len(inner) == 1:
                base = inner[0]
            elif base.data == "get_attr_expr_term":
                steps.append(("attr", _attribute_name(inner[1])))
                base = inner[0]
            elif base.data == "index_expr_term":
                steps.append(("index", inner[1]))
                base = inner[0]
            else:
                break
        steps.reverse()
        source = "".join(evaluator.source(node).split())
        if base.data == "identifier":
            root = str(base.children[0])
            value, steps = self._root(evaluator, root, steps, source)
        else:
            value = evaluator._evaluate(base, pointer)
        return self.traverse(evaluator, value, steps, source)

    def _root(self, evaluator, root: str, steps: list, source: str):
        if root in evaluator.bindings:
            return evaluator.bindings[root], steps
        names = [step[1] for step in steps if step[0] == "attr"]
        if root == "var" and steps and steps[0][0] == "attr":
            return self.variable(steps[0][1], source), steps[1:]
        if root == "local" and steps and steps[0][0] == "attr":
            return self.local(steps[0][1], source), steps[1:]
        if root == "path" and names and names[0] in ("module", "root"):
            return ".", steps[1:]
        if root == "module" and len(steps) >= 2 and steps[0][0] == "attr" and steps[1][0] == "attr":
            return self.module_output(steps[0][1], steps[1][1], source), steps[2:]
        if root == "data" and len(steps) >= 2 and all(step[0] == "attr" for step in steps[:2]):
            found = self.instances(f"data.{steps[0][1]}.{steps[1][1]}")
            return (found if found is not None else Unknown(source)), steps[2:]
        if steps and steps[0][0] == "attr":
            found = self.instances(f"{root}.{steps[0][1]}")
            if found is not None:
                return found, steps[1:]
            if root in PLACEHOLDER_ATTRIBUTES:
                # Declared in a file not in sight: still one role (or policy), whatever its instances.
                return _Instances(self, f"{root}.{steps[0][1]}", None, None), steps[1:]
        return Unknown(source), []

    def traverse(self, evaluator, value, steps: list, source: str):
        for kind, step in steps:
            if isinstance(value, Unknown):
                return Unknown(source)
            if kind == "index":
                key = self._index(evaluator, step)
                if isinstance(key, Unknown) and isinstance(value, _Instances) and value.counted and not evaluator.trying:
                    value = _Instances(self, value.address, None, False)  # some instance of it: the same role either way
                    continue
                if isinstance(key, Unknown):
                    return Unknown(source)
                value = self._at(evaluator, value, key, source)
            else:
                value = self._get(value, step, source)
        if isinstance(value, _Instances):
            # A whole resource as a value: its instances, when their number is known (`length(aws_iam_role.app)`).
            if value.counted and value.count is not None:
                single = _Instances(self, value.address, None, False)
                return {key: single for key in value.keys} if value.keys is not None else [single] * value.count
            return Unknown(source)
        return value

    def _index(self, evaluator, node):
        if node.data == "braces_index":
            return evaluator._evaluate(_children(node)[0], "")
        digits = re.sub(r"\D", "", evaluator.source(node))
        return int(digits) if digits else Unknown(evaluator.source(node))

    def _at(self, evaluator, value, key, source: str):
        if isinstance(value, _Instances) and value.counted is None:
            return _Instances(self, value.address, None, False)
        if isinstance(value, _Instances):
            if not value.counted:
                if isinstance(key, str):
                    return value.attribute(key, source)  # `aws_iam_role.app["arn"]`: an attribute by its name
                raise Failed(source)
            if value.count is None:
                return Unknown(source) if evaluator.trying else _Instances(self, value.address, None, False)
            if value.keys is not None:
                if key not in value.keys:
                    raise Failed(source)
            elif not isinstance(key, int) or not 0 <= key < value.count:
                raise Failed(source)
            return _Instances(self, value.address, None, False)
        if isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
            if not 0 <= key < len(value):
                raise Failed(source)
            return value[key]
        if isinstance(value, dict) and isinstance(key, str):
            if key not in value:
                raise Failed(source)
            return value[key]
        if value is None:
            raise Failed(source)
        return Unknown(source)

    def _get(self, value, name: str, source: str):
        if isinstance(value, _Instances):
            if value.counted:
                raise Failed(source)  # `aws_iam_role.x.arn` of a counted resource: Terraform wants an index
            # (counted None: a resource out of sight, taken as one instance)
            return value.attribute(name, source)
        if isinstance(value, dict):
            if name not in value:
                raise Failed(source)
            return value[name]
        if value is None:
            raise Failed(source)
        return Unknown(source)

    def splat(self, evaluator, node, pointer: str):
        base, splat = _children(node)
        source = "".join(evaluator.source(node).split())
        value = self._splat_base(evaluator, base, pointer, source)
        if isinstance(value, Unknown):
            return value
        items = value if isinstance(value, list) else [] if value is None else [value]
        steps = [("attr", _attribute_name(step)) if step.data == "get_attr" else ("index", step) for step in _children(splat)]
        return [self.traverse(evaluator, item, steps, source) for item in items]

    def _splat_base(self, evaluator, base, pointer: str, source: str):
        inner = _children(base)
        while base.data == "expr_term" and len(inner) == 1:
            base, inner = inner[0], _children(inner[0])
        found = None
        if base.data == "get_attr_expr_term":
            head = _children(inner[0])
            if inner[0].data == "expr_term" and len(head) == 1 and head[0].data == "identifier":
                found = self.instances(f"{head[0].children[0]}.{_attribute_name(inner[1])}")
        if found is None:
            return evaluator._evaluate(base, pointer)
        if not found.counted:
            return [_Instances(self, found.address, None, False)]
        if found.count is None:
            return Unknown(source)
        return [_Instances(self, found.address, None, False) for _ in range(found.count)]

    # Child modules ----------------------------------------------------------------------------------

    def child(self, name: str):
        if name in self.children:
            return self.children[name]
        self.children[name] = None
        body = self.modules.get(name)
        source = body.get("source") if isinstance(body, dict) else None
        if not isinstance(source, str) or not _LOCAL_SOURCE.match(source) or self.folder is None or self.depth >= MAX_MODULE_DEPTH:
            self.unfollowed[f"module.{name}"] = source if isinstance(source, str) else "a source known after apply"
            return None
        folder = (self.folder / source).resolve()
        documents = module_documents(folder)
        if not documents:
            self.unfollowed[f"module.{name}"] = source
            return None
        meta = {"source", "version", "count", "for_each", "providers", "depends_on"}
        inputs = {key: self.resolve(value) for key, value in body.items() if key not in meta}
        child = Scope(documents, inputs, f"{self.prefix}module.{name}.", folder, self.depth + 1, self.choices)
        self.children[name] = child
        return child

    def module_output(self, name: str, output: str, source: str):
        child = self.child(name)
        if child is None:
            return Unknown(source)
        body = child.outputs.get(output)
        if not isinstance(body, dict) or "value" not in body:
            return Unknown(source)
        return child.resolve(body["value"])


class _Blocks(list):
    """The blocks a `dynamic` block makes, spliced into the list of blocks of its kind."""


def expand_dynamic(evaluator, node, label: str, pointer: str):
    """`dynamic "statement" { for_each = ..., content { ... } }` over a known collection -> the blocks it makes."""
    body = _children(node)[-1]
    attributes, content, iterator = {}, None, label
    for child in _children(body):
        if child.data == "attribute":
            name_node, value_node = _children(child)
            attributes[evaluator._key(name_node)] = value_node
        elif child.data == "block" and evaluator._labels(child) == ["content"]:
            content = _children(child)[-1]
    if "iterator" in attributes:
        iterator = evaluator.source(attributes["iterator"]).strip()
    collection = evaluator._evaluate(attributes["for_each"], pointer) if "for_each" in attributes else None
    if content is None or not is_known(collection) or not isinstance(collection, (list, dict)):
        return Unknown(f"dynamic {label!r} block")
    items = sorted(collection.items()) if isinstance(collection, dict) else list(enumerate(collection))
    blocks = _Blocks()
    for key, value in items:
        inner = evaluator.with_scope(evaluator.scope, {**evaluator.bindings, iterator: {"key": key, "value": value}})
        blocks.append(evaluator.scope.resolve(inner.body(content, pointer)))
    return blocks


def for_expression(evaluator, node, pointer: str, tuple_result: bool):
    parts = _children(node)
    intro = parts[0]
    names = [str(child.children[0]) for child in _children(intro) if child.data == "identifier"]
    collection_node = [child for child in _children(intro) if child.data != "identifier"][-1]
    rest = parts[1:]
    condition = rest[-1] if rest and rest[-1].data == "for_cond" else None
    expressions = [part for part in rest if part is not condition]
    source = evaluator.source(node)
    if any(str(token) == "..." for token in node.children if not hasattr(token, "data")):
        return Unknown(source)  # grouping mode (`=> v...`)
    collection = evaluator._evaluate(collection_node, pointer)
    if not isinstance(collection, (list, dict)) or isinstance(collection, Unknown):
        return Unknown(source)
    items = sorted(collection.items()) if isinstance(collection, dict) else list(enumerate(collection))
    out_list, out_map = [], {}
    for key, value in items:
        bound = {names[0]: value} if len(names) == 1 else {names[0]: key, names[1]: value}
        inner = evaluator.with_scope(evaluator.scope, {**evaluator.bindings, **bound})
        if condition is not None:
            keep = truth(inner._evaluate(_children(condition)[0], pointer))
            if keep is None:
                return Unknown(source)
            if not keep:
                continue
        if tuple_result:
            out_list.append(inner._evaluate(expressions[0], pointer))
        else:
            map_key = inner._evaluate(expressions[0], pointer)
            if not isinstance(map_key, str) or not is_known(map_key):
                return Unknown(source)
            out_map[map_key] = inner._evaluate(expressions[1], pointer)
    return out_list if tuple_result else out_map


_MODULE_FILES: dict[str, tuple[tuple, list]] = {}


def module_documents(folder: Path) -> list:
    """The parsed `.tf` files of a module folder (cached by modification time); unreadable or invalid ones left out."""
    from ecslint.documents.parse import Document
    from ecslint.documents.yamltext import YamlLocator
    from ecslint.terraform.hcl import HclError, parse_hcl

    try:
        paths = sorted(path for path in folder.glob("*.tf") if path.is_file())
    except OSError:
        return []
    found = []
    for path in paths:
        try:
            info = path.stat()
            key = str(path)
            cached = _MODULE_FILES.get(key)
            if cached is None or cached[0] != (info.st_mtime_ns, info.st_size):
                text = path.read_text(encoding="utf-8-sig")
                try:
                    parsed = parse_hcl(text, str(path))
                    document = Document(path.as_posix(), text, parsed.data, False, "hcl", YamlLocator(parsed.spans, []))
                except HclError:
                    document = None
                cached = _MODULE_FILES[key] = ((info.st_mtime_ns, info.st_size), document)
        except (OSError, UnicodeDecodeError):
            continue
        if cached[1] is not None:
            found.append(cached[1])
    return found
