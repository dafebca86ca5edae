"""Values Terraform only knows at apply time, and JSON written as a Terraform template (`${...}` placeholders).

An `Unknown` stands where the configuration names a value ecslint cannot work out without running
Terraform (`var.cpu`, `local.env`, `data.x.y`, a placeholder of a `.json.tpl` file). It is never
guessed: front ends drop findings about it (see `ecslint.terraform.subjects.TerraformTaskDefinition.keeps`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ecslint.documents import pointer as jp
from ecslint.documents.jsontext import JsonLocator, LineIndex, ParseError, loads
from ecslint.report.findings import Region
from ecslint.subjects.placeholders import DeployTimeValue, contains_deploy_time_value

# Stand-in for a placeholder outside JSON strings: a private-use character, so that a parsed string made
# only of it can only come from us; one character per source character keeps every offset valid.
_FILLER = "\ue000"


class Unknown(DeployTimeValue):
    """A value that cannot be known before `terraform apply`, written as the placeholder `${expression}`.

    A string, so that every check handles it as it handles any `${...}` placeholder (and never crashes on
    it); the type, not the text, is what marks it unknown.
    """

    def __new__(cls, source: str):
        source = " ".join(str(source).split())
        text = source if source.startswith("${") and source.endswith("}") else "${" + source + "}"
        return super().__new__(cls, text)

    def __repr__(self) -> str:
        return f"Unknown({str(self)!r})"




def unknown_pointers(value, pointer: str = "") -> list[str]:
    """Pointers of every Unknown inside value, outermost first."""
    if isinstance(value, Unknown):
        return [pointer]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [found for key, item in items for found in unknown_pointers(item, jp.join(pointer, key))]


def _interpolation_end(text: str, start: int) -> int:
    """Offset just past the `}` closing the `${` or `%{` at start, or -1; HCL strings inside may hold braces."""
    depth, index, quoted = 0, start + 2, False
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index + 1
            depth -= 1
        index += 1
    return -1


@dataclass(frozen=True)
class TemplateJson:
    """A template that is JSON once rendered: its data (placeholders as Unknown) and offsets of every pointer."""

    data: object
    # pointer -> (key_start, key_end, value_start, value_end) offsets into the template text, as JsonLocator.spans.
    spans: dict
    has_duplicate_keys: bool
    # The locator those spans come from (over the text with placeholders stood in for, offsets unchanged).
    locator: JsonLocator | None = None


_SPECIAL = re.compile(r'[$%"\\]')


def _neutralise(text: str) -> tuple[str, bool]:
    """The text with each placeholder made harmless for a JSON parser, offsets unchanged; False when it cannot be."""
    out: list[str] = []
    index, in_string = 0, False
    while index < len(text):
        # Runs of characters that are none of `$`, `%`, `"` and backslash are copied whole, not one by one.
        special = _SPECIAL.search(text, index)
        stop = special.start() if special else len(text)
        if stop > index:
            out.append(text[index:stop])
            index = stop
            continue
        char = text[index]
        if text.startswith(("$${", "%%{"), index):  # escapes for the literal text `${` and `%{`
            out.append(text[index : index + 3])
            index += 3
            continue
        if char in "$%" and text.startswith("{", index + 1):
            end = _interpolation_end(text, index)
            if end < 0:
                return text, False
            if char == "%" and not in_string:
                return text, False  # a directive outside strings (`%{ for }`): the JSON's shape is not known
            body = text[index:end]
            if in_string:
                # Keep the placeholder's text in the string value; only quotes and backslashes would end the string early.
                out.append(body.replace('"', "'").replace("\\", "/"))
            else:
                out.append('"' + _FILLER * (len(body) - 2) + '"')
            index = end
            continue
        if in_string and char == "\\":
            out.append(text[index : index + 2])
            index += 2
            continue
        if char == '"':
            in_string = not in_string
        out.append(char)
        index += 1
    return "".join(out), True


def neutralised(text: str) -> str:
    """The template's text as JSON with the same offsets (placeholders outside strings become strings)."""
    return _neutralise(text)[0]


def _placeholder(text: str) -> str | None:
    """The placeholder a whole string value consists of (`${var.image}`), else None."""
    stripped = text.strip()
    if stripped.startswith("${") and _interpolation_end(stripped, 0) == len(stripped):
        return stripped
    return None


def _mark_unknowns(value, template: str, spans: dict, pointer: str = ""):
    if isinstance(value, str):
        if value and value.strip(_FILLER) == "":
            span = spans.get(pointer)
            return Unknown(template[span[2] : span[3]] if span else "${...}")
        placeholder = _placeholder(value)
        return Unknown(placeholder) if placeholder else value
    if isinstance(value, dict):
        return {key: _mark_unknowns(item, template, spans, jp.join(pointer, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_mark_unknowns(item, template, spans, jp.join(pointer, index)) for index, item in enumerate(value)]
    return value


def parse_template_json(text: str) -> TemplateJson | None:
    """JSON written with Terraform template placeholders; None when it is not JSON even with them stood in for."""
    neutral, usable = _neutralise(text)
    if not usable:
        return None
    try:
        data, has_duplicates = loads(neutral)
    except (ParseError, RecursionError):
        return None
    locator = JsonLocator(neutral)
    return TemplateJson(_mark_unknowns(data, text, locator.spans), locator.spans, has_duplicates, locator)


class RenderedTemplateLocator:
    """Regions in a template's own text for pointers into the JSON it renders to (`templatefile()` with values filled in).

    `fills` are the placeholders filled, as (rendered start, rendered end, template start, template end) offsets in
    order: a position inside a filled value is the placeholder's, so a finding on it marks the `${...}` written."""

    def __init__(self, rendered: JsonLocator, template: str, fills: tuple):
        self._rendered = rendered
        self._lines = LineIndex(template)
        self._fills = fills
        self._starts = [fill[0] for fill in fills]

    def _in_template(self, offset: int, is_end: bool) -> int:
        # A start belongs to a fill beginning at it; an end, to a fill it closes (ends are exclusive).
        index = (bisect.bisect_left if is_end else bisect.bisect_right)(self._starts, offset) - 1
        if index < 0:
            return offset
        rendered_start, rendered_end, template_start, template_end = self._fills[index]
        if offset < rendered_end:
            return template_end if is_end else template_start
        return offset - rendered_end + template_end

    def _region(self, start: int, end: int) -> Region:
        return Region(*self._lines.position(self._in_template(start, False)), *self._lines.position(self._in_template(end, True)))

    def region(self, pointer: str) -> Region:
        found = self._rendered.offsets(pointer)
        return Region(1, 1, 1, 1) if found is None else self._region(*found)

    def duplicate_regions(self) -> list[tuple[str, Region]]:
        return [(pointer, self._region(start, end)) for pointer, start, end in self._rendered.duplicates]
