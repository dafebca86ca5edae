"""Source text -> parsed document with positions, or the ECS001 finding saying why it is unusable.

JSON and YAML are read here; other syntaxes (Terraform's HCL and container templates) are read by the
readers a front end registers for them (see ecslint.front_ends), so this package imports no front end.
"""

from __future__ import annotations

from typing import NamedTuple

from collections.abc import Callable, Mapping

from dataclasses import dataclass, field

from ecslint.documents import pointer as jp
from ecslint.report.findings import Finding, Region
from ecslint.documents.jsontext import JsonLocator, LineIndex, ParseError, loads

# A task definition is at most 64 KiB when registered; CloudFormation templates and
# Terraform plans are larger, so the limit only keeps memory bounded on stray files.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024


YAML_SUFFIXES = (".yml", ".yaml")
# Terraform: HCL configuration, and templates that render to JSON (`templatefile("containers.json.tpl", ...)`).
HCL_SUFFIXES = (".tf",)
TEMPLATE_SUFFIXES = (".tpl", ".tftpl")


@dataclass
class Document:
    """One parsed source file (or stdin), its data and a position index (built lazily for JSON)."""

    path: str
    text: str
    data: object
    has_duplicate_keys: bool = False
    syntax: str = "json"  # json | yaml | hcl (Terraform .tf) | template (Terraform .json.tpl)
    _locator: object | None = field(default=None, repr=False)
    # Pointer -> a file whose content this document took in there (Terraform's `file("containers.json")`):
    # what lies under the pointer is reported in that file.
    parts: dict = field(default_factory=dict, repr=False)

    @property
    def locator(self):
        """Pointer -> Region (`region`) and `duplicate_regions()`: JsonLocator or YamlLocator."""
        if self._locator is None:
            self._locator = JsonLocator(self.text)
        return self._locator

    def region(self, pointer: str) -> Region:
        return self.locator.region(pointer)

    def part_at(self, pointer: str) -> tuple[str, "Included"] | None:
        """(the pointer it was taken in at, the file) when `pointer` lies in a file this document read, else None."""
        if not self.parts:
            return None
        taken_in_at = jp.nearest(pointer, self.parts)
        return (taken_in_at, self.parts[taken_in_at]) if taken_in_at in self.parts else None

    def forget_positions(self) -> None:
        """Drop the position index when the text can rebuild it: a large run keeps its documents for its second pass."""
        if type(self._locator) is JsonLocator:
            self._locator = None


class Included(NamedTuple):
    """A file a document read at one of its pointers, and what that pointer is (for a related location in the reader)."""

    document: Document
    reader: str


class Unparsable(NamedTuple):
    """A file that could not be read as a document: the ECS001 finding, and whether it looked like one."""

    path: str
    finding: Finding
    # Worth reporting when found by walking a directory (it mentions ECS task-definition keys).
    looks_relevant: bool


def unparsable(path: str, message: str, line: int = 1, column: int = 1, relevant: bool = True) -> Unparsable:
    region = Region(line, column, line, column + 1)
    return Unparsable(path, Finding("ECS001", "", message, region=region), relevant)


# Byte-order marks, longest first: UTF-32's little-endian mark begins with UTF-16's.
_BYTE_ORDER_MARKS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def wide_unicode_encoding(raw: bytes) -> str | None:
    """"UTF-16" or "UTF-32" for text saved so (Windows editors and PowerShell's `>` do), by its mark or its NUL pattern."""
    for mark, name in _BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            return name
    head = raw[:512]
    if len(head) < 8:
        return None
    # ASCII text without a mark: one NUL beside each character (UTF-16) or three (UTF-32).
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        usable = len(head) - len(head) % width
        units = [head[i : i + width] for i in range(0, usable, width)]
        if all(unit.count(0) == width - 1 and (unit[0] or unit[-1]) for unit in units):
            return name
    return None


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MiB" if count >= 1024 * 1024 else f"{count} bytes"


def _looks_like_task_definition(text: str) -> bool:
    return "containerDefinitions" in text or '"image"' in text or "AWS::ECS::TaskDefinition" in text


def syntax_for(path: str, text: str) -> str:
    """YAML by extension; `.template` and other names by their first character (CloudFormation allows both)."""
    lowered = path.lower()
    if lowered.endswith(HCL_SUFFIXES):
        return "hcl"
    if lowered.endswith(TEMPLATE_SUFFIXES) and text.lstrip()[:1] in ("{", "["):
        return "template"
    if lowered.endswith(YAML_SUFFIXES):
        return "yaml"
    if lowered.endswith(".json") or text.lstrip()[:1] in ("{", "["):
        return "json"
    return "yaml"


# A reader for a syntax other than JSON and YAML: (path, text, syntax) -> Document or Unparsable.
Reader = Callable[[str, str, str], "Document | Unparsable"]


def parse(path: str, raw: bytes, readers: Mapping[str, Reader] | None = None, limit: int | None = None) -> Document | Unparsable:
    """Parse JSON and YAML here; hand the syntaxes in `readers` to their front end's reader.

    Inputs are read only up to one byte past their limit (`files.read_bounded`), so the size is
    known only to be over it."""
    limit = MAX_DOCUMENT_BYTES if limit is None else limit
    if len(raw) > limit:
        return unparsable(path, f"File is too large to lint (over the limit of {_size(limit)}).")
    if (encoding := wide_unicode_encoding(raw)) is not None:
        # Reported when walking too if it would be a task definition once saved as UTF-8.
        relevant = _looks_like_task_definition(raw[:65536].decode(encoding.lower(), "replace"))
        return unparsable(path, f"File is {encoding} text; save it as UTF-8, the encoding ecslint reads.", relevant=relevant)
    if b"\x00" in raw[:8192]:
        return unparsable(path, "File is binary, not JSON text.", relevant=False)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8", "replace")
        line, column = LineIndex(before).position(len(before))
        return unparsable(path, f"File is not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be decoded).", line, column, relevant=False)
    syntax = syntax_for(path, text)
    if syntax in ("hcl", "template"):
        reader = (readers or {}).get(syntax)
        if reader is None:
            return unparsable(path, "Terraform files are read only where the Terraform front end is in use.", relevant=False)
        return reader(path, text, syntax)
    if not text.strip():
        return unparsable(path, "File is empty; expected a task definition.", relevant=False)
    try:
        if syntax == "yaml":
            from ecslint.documents.yamltext import loads as load_yaml

            data, has_duplicates, locator = load_yaml(text)
            return Document(path, text, data, has_duplicates, "yaml", locator)
        data, has_duplicates = loads(text)
    except ParseError as error:
        return unparsable(path, f"{error.message} (line {error.line}, column {error.column}).", error.line, error.column, _looks_like_task_definition(text))
    return Document(path, text, data, has_duplicates)
