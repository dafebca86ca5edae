"""YAML text -> data, and a map from JSON pointers to source positions, loaded safely.

Only plain data is built (mappings, sequences, scalars); CloudFormation short-form tags
(`!Ref`, `!GetAtt`, `!Sub`, ...) become their long form (`{"Ref": ...}`), any other tag
is read as the value it tags. Aliases are expanded with a bound, so an alias bomb is a
parse error rather than an out-of-memory.
"""

from __future__ import annotations

from ecslint.documents import pointer as jp
from ecslint.report.findings import Region
from ecslint.documents.jsontext import ParseError
from ecslint.subjects.quoting import quote_text

# More nodes than any real template holds (CloudFormation caps templates at 1 MB).
MAX_NODES = 500_000

_CLOUDFORMATION_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    "!GetAtt": "Fn::GetAtt",
    "!Sub": "Fn::Sub",
    "!Join": "Fn::Join",
    "!If": "Fn::If",
    "!Select": "Fn::Select",
    "!Split": "Fn::Split",
    "!ImportValue": "Fn::ImportValue",
    "!FindInMap": "Fn::FindInMap",
    "!GetAZs": "Fn::GetAZs",
    "!Base64": "Fn::Base64",
    "!Cidr": "Fn::Cidr",
    "!Equals": "Fn::Equals",
    "!And": "Fn::And",
    "!Or": "Fn::Or",
    "!Not": "Fn::Not",
    "!Transform": "Fn::Transform",
    "!Length": "Fn::Length",
    "!ToJsonString": "Fn::ToJsonString",
}


class YamlLocator:
    """Pointer -> span of a member's key (if any) and value, from the composed node marks."""

    def __init__(self, spans: dict, duplicates: list):
        # pointer -> ((key_start_line, key_start_col, key_end_line, key_end_col) | None, value span); 1-based
        self.spans = spans
        self.duplicates = duplicates

    def region(self, pointer: str) -> Region:
        span = self.spans.get(jp.nearest(pointer, self.spans))
        if span is None:
            return Region(1, 1, 1, 1)
        key, value, is_container = span
        if key is not None and (is_container or value[0] != key[0]):
            return Region(*key)
        if key is not None:
            return Region(key[0], key[1], value[2], value[3])
        if is_container:
            return Region(value[0], value[1], value[0], value[1] + 1)
        return Region(*value)

    def duplicate_regions(self) -> list[tuple[str, Region]]:
        """(pointer, region of the earlier key) for keys given twice in one mapping."""
        return [(pointer, Region(*span)) for pointer, span in self.duplicates]


def _span(node) -> tuple[int, int, int, int]:
    start, end = node.start_mark, node.end_mark
    return start.line + 1, start.column + 1, end.line + 1, end.column + 1


class _Builder:
    def __init__(self, yaml):
        self._yaml = yaml
        self.spans: dict = {}
        self.duplicates: list = []
        self.has_duplicates = False
        self._count = 0
        # A throwaway constructor resolves plain scalars to int/float/bool/null like a safe load.
        self._constructor = yaml.SafeLoader("")

    def build(self, node, pointer: str = "", key_span=None):
        nodes = self._yaml.nodes
        self._count += 1
        if self._count > MAX_NODES:
            raise ParseError("YAML expands to too many nodes (an alias bomb?)", node.start_mark.line + 1, node.start_mark.column + 1)
        tag = node.tag
        if tag in _CLOUDFORMATION_TAGS:
            inner = self._untagged(node)
            self.spans[pointer] = (key_span, _span(node), True)
            name = _CLOUDFORMATION_TAGS[tag]
            if name == "Fn::GetAtt" and isinstance(inner, nodes.ScalarNode):
                # `!GetAtt Role.Arn` is short for ["Role", "Arn"].
                resource, _, attribute = inner.value.partition(".")
                return {name: [resource, attribute]}
            return {name: self.build(inner, jp.join(pointer, name), _span(node))}
        if isinstance(node, nodes.MappingNode):
            self.spans[pointer] = (key_span, _span(node), True)
            result: dict = {}
            for key_node, value_node in node.value:
                key = self._scalar_text(key_node)
                member = jp.join(pointer, key)
                if key in result:
                    self.has_duplicates = True
                    previous = self.spans.get(member)
                    if previous and previous[0]:
                        self.duplicates.append((member, previous[0]))
                result[key] = self.build(value_node, member, _span(key_node))
            return result
        if isinstance(node, nodes.SequenceNode):
            self.spans[pointer] = (key_span, _span(node), True)
            return [self.build(item, jp.join(pointer, index), None) for index, item in enumerate(node.value)]
        self.spans[pointer] = (key_span, _span(node), False)
        if node.style in ("'", '"', "|", ">") or not tag.startswith("tag:yaml.org,2002:"):
            return node.value
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
            # Dates stay text: `AWSTemplateFormatVersion: 2010-09-09` is a version string.
            return node.value
        try:
            value = self._constructor.construct_object(node, deep=True)
        except Exception:  # timestamps and other exotic scalars stay text
            return node.value
        # Only what JSON could hold: `!!binary` (bytes) and other exotic types stay the text written.
        return value if value is None or isinstance(value, (bool, int, float, str)) else node.value

    def _untagged(self, node):
        nodes = self._yaml.nodes
        kinds = {nodes.ScalarNode: "str", nodes.SequenceNode: "seq", nodes.MappingNode: "map"}
        return type(node)(f"tag:yaml.org,2002:{kinds[type(node)]}", node.value, node.start_mark, node.end_mark, getattr(node, "style", None))

    def _scalar_text(self, node) -> str:
        nodes = self._yaml.nodes
        if isinstance(node, nodes.ScalarNode):
            return node.value
        raise ParseError("YAML mapping keys must be plain text", node.start_mark.line + 1, node.start_mark.column + 1)


def loads(text: str):
    """(data, has_duplicate_keys, locator) for one YAML document; ParseError with a position."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "invalid YAML"
        raise ParseError(f"Invalid YAML: {quote_text(problem, limit=120)}", line, column) from None
    except yaml.YAMLError as error:
        raise ParseError(f"Invalid YAML: {quote_text(str(error), limit=120)}", 1, 1) from None
    except RecursionError:
        raise ParseError("Invalid YAML: nested too deeply", 1, 1) from None
    if node is None:
        raise ParseError("File is empty; expected a document.", 1, 1)
    builder = _Builder(yaml)
    try:
        data = builder.build(node)
    except RecursionError:
        raise ParseError("Invalid YAML: nested too deeply", 1, 1) from None
    return data, builder.has_duplicates, YamlLocator(builder.spans, builder.duplicates)
