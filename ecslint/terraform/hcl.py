"""Terraform `.tf` text -> resources as plain data with a position for every value, evaluating only what needs no run.

Literals, lists, objects, blocks, `jsonencode(...)`, heredocs and `file(...)` / `templatefile(...)` of a file of the tree
(the module folder or its repository) are evaluated; references to variables, locals, data sources, modules and most resource attributes are
`Unknown`. A reference to an IAM role or policy (`aws_iam_role.app.arn`) becomes the string `${aws_iam_role.app.arn}`,
which the front end resolves against the roles of the same module. python-hcl2 (imported only here, ~100 ms) parses;
its raw Lark tree carries the line and column of every node.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ecslint.documents import pointer as jp
from ecslint.documents.jsontext import LineIndex
from ecslint.documents.paths import repository_root
from ecslint.subjects.placeholders import contains_deploy_time_value
from ecslint.terraform.template import Unknown, parse_template_json
from ecslint.subjects.quoting import quote

# Attributes whose string value is a JSON document (the AWS provider decodes them): decoded where written.
JSON_ATTRIBUTES = frozenset({"container_definitions", "policy", "assume_role_policy", "lifecycle_policy", "repository_policy"})
# References kept as `${...}` strings for the front end to resolve inside the module (an `aws_iam_policy_document`
# data source is computed by Terraform alone, from its blocks: no guess).
RESOLVABLE_REFERENCES = re.compile(r"^(aws_iam_role|aws_iam_policy|data\.aws_iam_policy_document)\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.(arn|name|id|json)$")
RESOLVABLE_REFERENCE_TEXT = re.compile(r"^\$\{[^${}]*\}$")
# Files read by file()/templatefile() are task definitions or policies: bigger ones are not what we look for.
MAX_INCLUDED_BYTES = 1024 * 1024
# Never read through file(), even inside the linted tree: credentials and remotes live there.
VERSION_CONTROL_FOLDERS = frozenset({".git", ".hg", ".svn"})
Span = tuple[int, int, int, int]


class Deferred:
    """Marks a value the file alone cannot tell but the module may (`var.x` with a default, `local.y`): it keeps
    the expression, so ecslint.terraform.scope can evaluate it again with the module's values."""

    __slots__ = ()

    def again(self, scope, bindings=None):
        if self.evaluator is None:
            return Unknown(str(self))  # released (see release): its file has been judged
        return self.evaluator.with_scope(scope, bindings).evaluate_again(self.node, self.pointer)


class DeferredUnknown(Unknown, Deferred):


    def __new__(cls, text: str, node=None, evaluator=None, pointer: str = ""):
        instance = super().__new__(cls, text)
        instance.node, instance.evaluator, instance.pointer = node, evaluator, pointer
        return instance


class DeferredText(str, Deferred):
    """A string with `${...}` parts the file cannot fill (`"${var.env}-app"`): read as text, evaluated again in scope."""



    def __new__(cls, text: str, node=None, evaluator=None, pointer: str = ""):
        instance = super().__new__(cls, text)
        instance.node, instance.evaluator, instance.pointer = node, evaluator, pointer
        return instance


class DeferredBlocks(DeferredUnknown):
    """A `dynamic` block: the blocks it makes, when its `for_each` is known in the module."""



    def again(self, scope, bindings=None):
        if self.evaluator is None:
            return Unknown(str(self))
        evaluator = self.evaluator.with_scope(scope, bindings)
        try:
            return scope.expand_dynamic(evaluator, self.node, self.label, self.pointer)
        except (Failed, RecursionError):
            return Unknown(str(self))


def release(value) -> None:
    """Let go of the parse tree behind the Deferred values in value, once nothing evaluates them again: a run keeps
    each judged document for its second pass, and the trees are most of a parsed `.tf` file's memory."""
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, Deferred):
            current.node = current.evaluator = None
        elif isinstance(current, dict):
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
        elif isinstance(current, Encoded):
            pending.append(current.value)


class Failed(Exception):
    """An expression Terraform would reject (an index past the end, a resource with `count = 0`): `try()` moves on."""


class HclError(Exception):
    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass(frozen=True)
class Encoded:
    """The result of `jsonencode(value)` (or a JSON string decoded where written): a JSON string of a known value."""

    value: object


@dataclass
class HclFile:
    """One `.tf` file: {"resource": {type: {name: body}}, "data": {...}} and pointer -> (key span, value span, container)."""

    data: dict
    spans: dict = field(default_factory=dict)
    # Pointer -> the file a `file()`/`templatefile()` there read (ecslint.documents.parse.Included).
    parts: dict = field(default_factory=dict)


def _span(node) -> Span | None:
    meta = getattr(node, "meta", None)
    if meta is not None:
        if getattr(meta, "empty", True):
            return None
        return meta.line, meta.column, meta.end_line, meta.end_column
    return node.line, node.column, node.end_line, node.end_column


def _offsets(node) -> tuple[int, int]:
    meta = getattr(node, "meta", None)
    if meta is not None:
        return meta.start_pos, meta.end_pos
    return node.start_pos, node.end_pos


def _children(node) -> list:
    """Child trees, without punctuation tokens and comments."""
    from lark import Tree

    return [child for child in node.children if isinstance(child, Tree) and child.data != "new_line_or_comment"]


# HCL's escapes in quoted templates (HCL native syntax specification, "Template Expressions", checked 2026-12):
# `\n`, `\r`, `\t`, `\"`, `\\`, `\uNNNN` and `\UNNNNNNNN` (a Unicode scalar value). Resolved in one pass; any other
# backslash, or a code point that is no scalar value, stays as written, as python-hcl2 leaves it.
_ESCAPE = re.compile(r'\\(?:([nrt"\\])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))')
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescaped(match: re.Match) -> str:
    simple, short, long = match.groups()
    if simple is not None:
        return _SIMPLE_ESCAPES[simple]
    code = int(short or long, 16)
    return match.group(0) if code > 0x10FFFF or 0xD800 <= code < 0xE000 else chr(code)


def _unescape(text: str) -> str:
    return _ESCAPE.sub(_unescaped, text) if "\\" in text else text


def _as_string(value):
    """A value as it would appear inside a JSON string being built: Encoded becomes text."""
    if isinstance(value, Encoded):
        return json.dumps(value.value, separators=(",", ":")) if not contains_deploy_time_value(value.value) else Unknown("jsonencode(...)")
    return value


class _Evaluator:
    def __init__(self, text: str, folder: Path | None):
        self.text = text
        self.folder = folder
        self._lines = None  # built when first needed: most blocks never ask
        self.spans: dict[str, tuple[Span | None, Span, bool]] = {}
        # JSON attributes read from a file: pointer -> Included, so findings inside land in that file.
        self.parts: dict = {}
        # Set when evaluating again within a module (ecslint.terraform.scope.Scope); None while parsing one file.
        self.scope = None
        # Names bound by `for` expressions, `each` and `count` (name -> value).
        self.bindings: dict = {}
        self.trying = 0

    def with_scope(self, scope, bindings=None) -> "_Evaluator":
        other = object.__new__(_Evaluator)
        other.__dict__.update(self.__dict__)
        other.scope, other.bindings, other.trying = scope, dict(bindings or {}), 0
        return other

    def evaluate_again(self, node, pointer: str):
        try:
            return self._evaluate(node, pointer)
        except (Failed, RecursionError):
            return self.unknown(node)

    def source(self, node) -> str:
        start, end = _offsets(node)
        return self.text[start:end]

    def unknown(self, node) -> Unknown:
        return Unknown(self.source(node))

    # Values ------------------------------------------------------------------------------------------

    def record(self, pointer: str, key: Span | None, node, value) -> None:
        span = _span(node)
        if span is not None:
            self.spans[pointer] = (key, span, isinstance(value, (dict, list)) or (isinstance(value, Encoded) and isinstance(value.value, (dict, list))))

    def expression(self, node, pointer: str, key: Span | None = None):
        value = self._evaluate(node, pointer)
        self.record(pointer, key, node, value)
        if self.scope is None:
            if isinstance(value, Unknown) and not isinstance(value, Deferred):
                return DeferredUnknown(value, node, self, pointer)
            if type(value) is str and "${" in value and self._has_interpolation(node):
                return DeferredText(value, node, self, pointer)
        return value

    def _has_interpolation(self, node) -> bool:
        inner = _children(node)
        while node.data == "expr_term" and len(inner) == 1:
            node, inner = inner[0], _children(inner[0])
        return node.data == "string" and any(getattr(child, "data", None) == "string_part" and getattr(child.children[0], "data", None) == "interpolation" for child in node.children)

    def _evaluate(self, node, pointer: str):
        from lark import Token

        if isinstance(node, Token):
            return Unknown(str(node))
        kind = node.data
        if kind == "expr_term":
            inner = _children(node)
            if len(inner) == 1:
                return self._evaluate(inner[0], pointer)
            return self.unknown(node)
        handler = getattr(self, f"_on_{kind}", None)
        if handler is None:  # operators, for expressions, splats, template directives: only Terraform knows
            return self.unknown(node)
        return handler(node, pointer)

    def _on_int_lit(self, node, pointer):
        try:
            return int(str(node.children[0]))
        except ValueError:  # over Python's 4,300-digit conversion limit: no real setting is that large
            return self.unknown(node)

    def _on_float_lit(self, node, pointer):
        return float(str(node.children[0]))

    def _on_literal_value(self, node, pointer):
        return {"true": True, "false": False, "null": None}[str(node.children[0])]

    def _on_identifier(self, node, pointer):
        name = str(node.children[0])
        if name in self.bindings:
            return self.bindings[name]
        return self.unknown(node)

    def _on_conditional(self, node, pointer):
        parts = _children(node)
        if self.scope is not None:
            condition = self._evaluate(parts[0], pointer)
            decided = self.scope.truth(condition)
            if decided is None:
                # Undecided in the module: a branch only when the module is evaluated once per way (alternatives).
                decided = self.scope.choose(self, parts[0], condition)
            if decided is not None:
                return self._evaluate(parts[1] if decided else parts[2], pointer)
        branches = [self._evaluate(child, pointer) for child in parts[1:]]
        if len(branches) == 2 and branches[0] == branches[1] and not contains_deploy_time_value(branches[0]):
            return branches[0]
        return self.unknown(node)

    def _on_binary_op(self, node, pointer):
        if self.scope is None:
            return self.unknown(node)
        left, term = _children(node)
        operator_node, right_node = _children(term)
        operator = str(operator_node.children[0])
        return self.scope.binary(operator, self._evaluate(left, pointer), lambda: self._evaluate(right_node, pointer), self.source(node))

    def _on_for_tuple_expr(self, node, pointer):
        return self._for(node, pointer, tuple_result=True)

    def _on_for_object_expr(self, node, pointer):
        return self._for(node, pointer, tuple_result=False)

    def _for(self, node, pointer, tuple_result: bool):
        if self.scope is None:
            return self.unknown(node)
        return self.scope.for_expression(self, node, pointer, tuple_result)

    def _on_attr_splat_expr_term(self, node, pointer):
        return self._splat(node, pointer)

    def _on_full_splat_expr_term(self, node, pointer):
        return self._splat(node, pointer)

    def _splat(self, node, pointer):
        if self.scope is None:
            return self.unknown(node)
        return self.scope.splat(self, node, pointer)

    def _on_unary_op(self, node, pointer):
        operator, operand = str(node.children[0]), self._evaluate(node.children[1], pointer)
        if operator == "-" and isinstance(operand, (int, float)) and not isinstance(operand, bool):
            return -operand
        if operator == "!" and isinstance(operand, bool):
            return not operand
        return self.unknown(node)

    def _on_string(self, node, pointer):
        parts = [child.children[0] for child in node.children if getattr(child, "data", None) == "string_part"]
        if len(parts) == 1 and getattr(parts[0], "data", None) == "interpolation":
            # "${x}" alone is x itself, of whatever type (HCL templates).
            return self._interpolated(parts[0], pointer)
        out, known = [], True
        for part in parts:
            kind = getattr(part, "type", None) or part.data
            if kind == "STRING_CHARS":
                out.append(_unescape(str(part)))
            elif kind in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                out.append(str(part)[1:])
            elif kind == "interpolation":
                value = _as_string(self._interpolated(part, pointer))
                if isinstance(value, Unknown):
                    out.append(self.source(part))
                    known = False
                elif isinstance(value, bool):
                    out.append("true" if value else "false")
                elif isinstance(value, (str, int, float)):
                    out.append(str(value))
                else:
                    # Keep the placeholder's text: the known parts still count ("${var.repo}:latest" is a latest tag).
                    out.append(self.source(part))
                    known = False
            else:
                return self.unknown(node)  # a template directive: the text depends on values we do not have
        text = "".join(out)
        return text if known or text.strip() else self.unknown(node)

    def _interpolated(self, node, pointer):
        inner = _children(node)
        return self._evaluate(inner[0], pointer) if inner else self.unknown(node)

    def _heredoc(self, node, trim: bool):
        token = node.children[0]
        raw = str(token)
        first_newline = raw.index("\n")
        body = raw[first_newline + 1 :]
        body = body[: body.rstrip().rfind("\n") + 1] if "\n" in body.rstrip() else ""
        offset = token.start_pos + first_newline + 1
        if trim:
            lines = body.split("\n")
            indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
            cut = min(indents, default=0)
            # JSON reads the same with or without the indentation, so the untrimmed text keeps positions exact.
            return TextAt("\n".join(line[cut:] for line in lines), offset, raw=body)
        return TextAt(body, offset)

    def _on_heredoc_template(self, node, pointer):
        return self._heredoc(node, trim=False)

    def _on_heredoc_template_trim(self, node, pointer):
        return self._heredoc(node, trim=True)

    def _on_tuple(self, node, pointer):
        return [_as_string(self.expression(child, jp.join(pointer, index))) for index, child in enumerate(_children(node))]

    def _on_object(self, node, pointer):
        result: dict = {}
        for element in _children(node):
            key_node, value_node = _children(element)
            key = self._key(key_node)
            if not isinstance(key, str) or isinstance(key, Unknown):
                return self.unknown(node)
            result[key] = _as_string(self.expression(value_node, jp.join(pointer, key), _span(key_node)))
        return result

    def _key(self, node):
        inner = _children(node)
        if node.data == "object_elem_key" and inner:
            node = inner[0]
            while node.data == "expr_term" and len(_children(node)) == 1 and _children(node)[0].data in ("identifier", "string"):
                node = _children(node)[0]
        if node.data in ("identifier", "keyword"):
            return str(node.children[0])
        if node.data == "string":
            return self._on_string(node, "")
        return None

    def _on_get_attr_expr_term(self, node, pointer):
        return self._reference(node) if self.scope is None else self.scope.reference(self, node, pointer)

    def _on_index_expr_term(self, node, pointer):
        return self._reference(node) if self.scope is None else self.scope.reference(self, node, pointer)

    def _reference(self, node):
        text = "".join(self.source(node).split())
        if RESOLVABLE_REFERENCES.match(text):
            kind, name, attribute = RESOLVABLE_REFERENCES.match(text).groups()
            # Deferred: inside a child module, the module's scope qualifies it (`module.iam.aws_iam_role.app`).
            return DeferredText("${" + f"{kind}.{name}.{attribute}" + "}", node, self, "")
        if text == "path.module" or text == "path.root":
            return "."
        return Unknown(text)

    # Functions ---------------------------------------------------------------------------------------

    def _on_function_call(self, node, pointer):
        name = str(node.children[0].children[0])
        arguments = next((child for child in _children(node) if child.data == "arguments"), None)
        nodes = _children(arguments) if arguments is not None else []
        if name == "jsonencode" and len(nodes) == 1:
            value = self.expression(nodes[0], pointer)
            return value if isinstance(value, Unknown) else Encoded(value)
        if self.scope is not None:
            if name in self.scope.FUNCTIONS:
                return self.scope.call(self, name, nodes, pointer, self.unknown(node))
        values = [self._evaluate(child, pointer) for child in nodes]
        if name == "jsondecode" and len(values) == 1:
            if isinstance(values[0], Encoded):
                return values[0].value
            if isinstance(values[0], str) and not isinstance(values[0], Unknown):
                parsed = parse_template_json(values[0])
                return parsed.data if parsed is not None else self.unknown(node)
        if name in ("file", "templatefile") and values and isinstance(values[0], str) and not isinstance(values[0], Unknown):
            # A file's content is read only as the JSON document of an attribute that holds one: as a name,
            # an image or any other string it would be echoed in messages (`name = file("/proc/self/environ")`).
            if not pointer or jp.split(pointer)[-1] not in JSON_ATTRIBUTES:
                return self.unknown(node)
            written = self._read(values[0])
            if written is None:
                return self.unknown(node)
            text, fills = written, ()
            if name == "templatefile":
                variables = values[1] if len(values) > 1 and isinstance(values[1], dict) else {}
                text, fills = _render(written, variables)
            # Named as a file beside the `.tf` file is named, so findings in it read as if it were linted itself.
            shown = posixpath.normpath((self.folder / values[0]).as_posix())
            return FileText(text, shown, name, written, fills)
        if name in ("tostring", "tonumber", "tolist", "toset", "tomap", "tobool") and len(values) == 1:
            return values[0] if not isinstance(values[0], Encoded) else _as_string(values[0])
        if name == "concat" and values and all(isinstance(value, list) for value in values):
            return [item for value in values for item in value]
        if name == "merge" and values and all(isinstance(value, dict) for value in values):
            return {key: item for value in values for key, item in value.items()}
        return self.unknown(node)

    def _read(self, name: str) -> str | None:
        """A file of the linted tree, or None: never an absolute path, a path out of the tree, a device or a FIFO."""
        if self.folder is None or "${" in name or "\x00" in name or Path(name).is_absolute():
            return None
        try:
            module = self.folder.resolve(strict=True)
            path = (module / name).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        if not _inside_tree(path, module):
            return None
        return read_regular_file(path, MAX_INCLUDED_BYTES)

    # Structure ---------------------------------------------------------------------------------------

    def body(self, node, pointer: str) -> dict:
        result: dict = {}
        for child in _children(node):
            if child.data == "attribute":
                name_node, value_node = _children(child)
                name = self._key(name_node) or self.source(name_node)
                value_pointer = jp.join(pointer, name)
                value = self.expression(value_node, value_pointer, _span(name_node))
                if name in JSON_ATTRIBUTES:
                    value = self._decode_json(value, value_pointer)
                result[name] = value
            elif child.data == "block":
                labels, body = self._labels(child), _children(child)[-1]
                if labels and labels[0] == "dynamic":
                    # A `dynamic` block makes a number of blocks no file can tell.
                    kind = labels[1] if len(labels) > 1 else "dynamic"
                    entries = self._block_list(result, kind)
                    block_pointer = jp.join(pointer, kind, len(entries))
                    deferred = DeferredBlocks(f"dynamic {json.dumps(kind)} block", child, self, block_pointer)
                    deferred.label = kind
                    entries.append(deferred if self.scope is None else self._expand(deferred))
                    self.record(block_pointer, _span(child.children[0]), child, None)
                    continue
                kind = labels[0] if labels else "block"
                entries = self._block_list(result, kind)
                block_pointer = jp.join(pointer, kind, len(entries))
                entries.append(self.body(body, block_pointer))
                self.spans[block_pointer] = (None, _span(child.children[0]) or _span(child), True)
        return result

    @staticmethod
    def _block_list(result: dict, kind: str) -> list:
        """The list of `kind` blocks; an attribute of the same name (which Terraform rejects) gives way."""
        entries = result.get(kind)
        if not isinstance(entries, list):
            entries = result[kind] = []
        return entries

    def _expand(self, deferred):
        return self.scope.expand_dynamic(self, deferred.node, deferred.label, deferred.pointer)

    def _labels(self, block) -> list[str]:
        out = []
        for child in _children(block)[:-1]:
            label = self._key(child)
            out.append(label if isinstance(label, str) else self.source(child))
        return out

    def _decode_json(self, value, pointer: str):
        """A JSON attribute written as a string (heredoc, quoted, file()) becomes Encoded, its members located."""
        if not isinstance(value, str) or isinstance(value, Unknown) or RESOLVABLE_REFERENCE_TEXT.match(value):
            return value  # a reference (`${data.aws_iam_policy_document.x.json}`) is resolved by the front end
        written = value.raw if isinstance(value, TextAt) else value
        parsed = parse_template_json(written)
        if parsed is None:
            if isinstance(value, FileText):
                return Unknown("the content of a file that is not JSON")
            return Unknown("a JSON document Terraform renders at apply time") if "${" in value or "%{" in value else value
        if isinstance(value, FileText) and value.path is not None:
            self.parts[pointer] = value.included(parsed, pointer)
        offset = value.offset if isinstance(value, TextAt) else None
        if offset is not None:
            for inner, (key_start, key_end, value_start, value_end) in parsed.spans.items():
                if not inner:
                    continue  # the document itself: the attribute (`policy = <<EOF`) is the better place
                key = self._span_of(offset + key_start, offset + key_end) if key_start is not None else None
                is_container = written[value_start] in "{[" if value_start < len(written) else False
                self.spans[pointer + inner] = (key, self._span_of(offset + value_start, offset + value_end), is_container)
        return Encoded(parsed.data)

    def _span_of(self, start: int, end: int) -> Span:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return (*self._lines.position(start), *self._lines.position(end))


def _inside_tree(path: Path, module: Path) -> bool:
    """Inside the module's folder, or its repository (the checkout being linted), and not in version-control data."""
    for root in (module, repository_root(module)):
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            continue
        return not any(part in VERSION_CONTROL_FOLDERS for part in parts)
    return False


def read_regular_file(path: Path, limit: int) -> str | None:
    """The UTF-8 text of a regular file of at most `limit` bytes, or None (opened without blocking, so a FIFO cannot hang us)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
        return data.decode("utf-8-sig") if len(data) <= limit else None
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        os.close(descriptor)


class TextAt(str):
    """A string read verbatim from a file (heredoc, file()); `offset` is where it starts in the `.tf` text, when it is there."""

    offset: int | None
    # The text as written, when the value differs from it (a `<<-` heredoc's indentation is trimmed).
    raw: str

    def __new__(cls, text: str, offset: int | None, raw: str | None = None):
        instance = super().__new__(cls, text)
        instance.offset = offset
        instance.raw = text if raw is None else raw
        return instance


class FileText(TextAt):
    """The content of a file read by file()/templatefile(): used only as a JSON document, never echoed."""

    # The file as the run names it, the function that read it, its text as written, and the placeholders
    # templatefile() filled ((rendered start, rendered end, written start, written end) offsets, in order).
    path: str | None
    function: str
    written: str
    fills: tuple

    def __new__(cls, text: str, path: str | None = None, function: str = "file", written: str | None = None, fills: tuple = ()):
        instance = super().__new__(cls, text, None)
        instance.path, instance.function, instance.fills = path, function, fills
        instance.written = text if written is None else written
        return instance

    def included(self, parsed, pointer: str):
        """The file as a document of its own (positions in its text as written), read at `pointer` of a `.tf` file."""
        from ecslint.documents.parse import Document, Included
        from ecslint.terraform.template import RenderedTemplateLocator

        locator = RenderedTemplateLocator(parsed.locator, self.written, self.fills) if self.fills else parsed.locator
        syntax = "template" if self.function == "templatefile" else "json"
        document = Document(self.path, self.written, parsed.data, parsed.has_duplicate_keys, syntax, locator)
        tokens = jp.split(pointer)
        owner = ".".join(tokens[1:3]) if tokens[:1] == ["resource"] else ".".join(tokens[:3])
        return Included(document, f"Read with `{self.function}()` by {quote(tokens[-1])} of {quote(owner)}")


_PLACEHOLDER = re.compile(r"(?<!\$)\$\{\s*([A-Za-z_][\w-]*)\s*\}")
# Characters that filling placeholders may add to a template: a task definition is at most 64 KiB (the
# ECS limit), or twice the template; 200,000 `${a}` of a long value would otherwise render gigabytes.
# Past it, placeholders stay unknown.
MIN_RENDERED_GROWTH = 64 * 1024


def _render(template: str, variables: dict) -> tuple[str, tuple]:
    """templatefile(): fill `${name}` with known scalar variables; everything else stays a placeholder (unknown).

    Also returns where each filled value is: (rendered start, rendered end, template start, template end)."""
    growth, allowed = 0, max(MIN_RENDERED_GROWTH, 2 * len(template))
    fills: list[tuple[int, int, int, int]] = []
    shift = 0  # how much longer the rendered text is than the template, so far

    def fill(match: re.Match) -> str:
        nonlocal growth, shift
        value = variables.get(match.group(1))
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (int, float)) or (isinstance(value, str) and "${" not in value):
            text = str(value)  # an Unknown always holds "${"
        else:
            return match.group(0)
        growth += len(text)
        if growth > allowed:
            return match.group(0)
        start, end = match.span()
        fills.append((start + shift, start + shift + len(text), start, end))
        shift += len(text) - (end - start)
        return text

    return _PLACEHOLDER.sub(fill, template), tuple(fills)


def _tree(text: str):
    """The parse tree of text, from the cache when a run kept it.

    A tree holds no reference cycles, so the cyclic collector has nothing to find while one is built or read
    back: it is paused meanwhile, as each of its passes would walk everything the run holds, which grows with
    the folder."""
    import gc

    from ecslint.terraform.tree_cache import parsed

    if not gc.isenabled():
        return parsed(text, _parsed_tree, HclError)
    gc.disable()
    try:
        return parsed(text, _parsed_tree, HclError)
    finally:
        gc.enable()


def _parsed_tree(text: str):
    from lark.exceptions import LarkError, UnexpectedInput

    from hcl2.parser import parser

    try:
        return parser().parse(text + "\n")
    except UnexpectedInput as error:
        raise HclError(f"Invalid HCL: {_describe(error)}", getattr(error, "line", 1) or 1, getattr(error, "column", 1) or 1) from None
    except (LarkError, RecursionError, ValueError, RuntimeError) as error:
        raise HclError(f"Invalid HCL: {type(error).__name__}", 1, 1) from None


def _folder(path: str | None) -> Path | None:
    return Path(path).parent if path and not path.startswith("<") else None


def parse_hcl(text: str, path: str | None) -> HclFile:
    """Resources and data sources of one `.tf` file; raises HclError for text python-hcl2 cannot parse."""
    tree = _tree(text)
    evaluator = _Evaluator(text, _folder(path))
    data: dict = {}
    for block in _children(_children(tree)[0]):
        if block.data == "block":
            _top_level_block(evaluator, block, data)
    return HclFile(data, evaluator.spans, evaluator.parts)


def parse_hcl_blocks(text: str, path: str | None, blocks: list, chosen: set[int], spans: dict | None = None) -> HclFile:
    """What parse_hcl gives for the blocks of text at the positions in chosen (`blocks`: all top-level blocks of
    the file, from ecslint.terraform.blocks), parsing only those; raises HclError when one of them does not parse.

    Each chosen block is parsed alone, behind one comment standing for the text before it, so that every line,
    column and offset is the block's own in the file; sections and resource types are laid out in the order the
    whole file would give them. Positions go to spans (a new dict if None)."""
    data: dict = {}
    for block in blocks:  # the layout of the whole file: dict order is what its readers iterate in
        skeleton(block.kind, list(block.labels), data)
    spans = {} if spans is None else spans
    parts: dict = {}
    folder = _folder(path)
    for block in blocks:
        if block.start not in chosen:
            continue
        padded = _padding(block.line, block.column) + text[block.start : block.end]
        evaluator = _Evaluator(padded, folder)
        evaluator.spans, evaluator.parts = spans, parts
        tree = _tree(padded)
        for node in _children(_children(tree)[0]):
            if node.data == "block":
                _top_level_block(evaluator, node, data)
    return HclFile(data, spans, parts)


def _padding(line: int, column: int) -> str:
    """Text putting what follows at line and column: one `/* */` comment (one token, however long) and spaces."""
    if line == 1:
        return " " * (column - 1)
    return "/*" + "\n" * (line - 2) + "*/\n" + " " * (column - 1)


def skeleton(kind: str, labels: list, data: dict) -> None:
    """The sections _top_level_block creates for a block, before anything in it is evaluated."""
    if kind == "locals":
        data.setdefault("locals", {})
    elif kind in MODULE_BLOCKS and len(labels) == 1:
        data.setdefault(kind, {})
    elif kind in ("resource", "data") and len(labels) == 2:
        data.setdefault(kind, {}).setdefault(labels[0], {})


def _top_level_block(evaluator: _Evaluator, block, data: dict) -> None:
    labels = evaluator._labels(block)
    if labels and labels[0] in MODULE_BLOCKS:
        _module_block(evaluator, block, labels, data)
        return
    if len(labels) != 3 or labels[0] not in ("resource", "data"):
        return
    section, kind, name = labels
    named = data.setdefault(section, {}).setdefault(kind, {})
    if name in named:
        return  # Terraform rejects a second block of the same name: the first one stands
    pointer = jp.join("", section, kind, name)
    try:
        named[name] = evaluator.body(_children(block)[-1], pointer)
    except RecursionError:
        named[name] = {}
    evaluator.spans[pointer] = (None, _span(block.children[0]) or _span(block), True)


# Tokens a parse error may show in full: punctuation and HCL words, never quoted or free text.
_SHOWN_TOKEN = re.compile(r"[^\w\s'\"`]{1,3}|[A-Za-z_][A-Za-z0-9_-]{0,15}")


# Blocks that give a module its values: `variable "x" { default = ... }`, `locals { ... }`, `module "m" { ... }`
# (a call: its source and inputs) and `output "o" { value = ... }`; kept as {kind: {name: body}}.
MODULE_BLOCKS = ("variable", "locals", "module", "output")


def _module_block(evaluator: _Evaluator, block, labels: list[str], data: dict) -> None:
    kind = labels[0]
    try:
        if kind == "locals":
            named = data.setdefault("locals", {})
            for name, value in evaluator.body(_children(block)[-1], jp.join("", "locals")).items():
                named.setdefault(name, value)
        elif len(labels) == 2:
            data.setdefault(kind, {}).setdefault(labels[1], evaluator.body(_children(block)[-1], jp.join("", kind, labels[1])))
    except RecursionError:
        pass


def _describe(error) -> str:
    token = getattr(error, "token", None)
    if token is not None and getattr(token, "type", "") == "$END":
        return "unexpected end of file (a block or bracket is not closed)"
    if token is not None and str(token).strip():
        text = str(token).strip()
        # Punctuation and short words are shown; anything else only by its first character and length,
        # since an unparsable token may be a secret (`password = 'hunter2'`: single quotes are not HCL).
        if _SHOWN_TOKEN.fullmatch(text):
            return f"unexpected {quote(text)}"
        return f"unexpected text starting with {quote(text[0])} ({len(text)} characters)"
    return "unexpected end of input" if type(error).__name__ == "UnexpectedEOF" else "unexpected text"
