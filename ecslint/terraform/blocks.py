"""A `.tf` file's top-level blocks found from its text alone (no HCL parse), and the names each block mentions.

Linting one file of a large module needs only the blocks of the other files that its evaluation can reach;
finding them must cost far less than parsing the files. The scanner knows what can hide a brace or a block
start: quoted strings with `${...}`/`%{...}` inside, heredocs, `#`, `//` and `/* */` comments. Whatever it
is not sure of (a top-level attribute, an unbalanced bracket, a label with escapes) makes it give up on the
file (None), and the caller then parses the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_IDENTIFIER = re.compile(r"[A-Za-z_][\w-]*")
_PLAIN_LABEL = re.compile(r'"([A-Za-z0-9_.-]*)"')
_HEREDOC = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)\r?\n")
_ATTRIBUTE = re.compile(r"(?<![\w-])([A-Za-z_][\w-]*)[ \t]*=(?![=>])")
# `a.b` and `a.b.c` chains (references), whitespace allowed around dots as HCL allows it.
_CHAIN = re.compile(r"(?<![\w.-])([A-Za-z_][\w-]*)\s*\.\s*([A-Za-z_][\w-]*)(?:\s*\.\s*([A-Za-z_][\w-]*))?")
_CLOSING = {"{": "}", "[": "]", "(": ")"}
# The characters that can change the scanner's state: everything between them is skipped at once.
_BODY_SPECIAL = re.compile(r'[\n"<#/{}\[\]()]')
_STRING_SPECIAL = re.compile(r'[\\"$%]')
_TEMPLATE_SPECIAL = re.compile(r'["<{}\[\]()]')


@dataclass
class Block:
    """`kind "label" "label" { ... }` at text[start:end], starting at line and column (1-based)."""

    kind: str
    labels: tuple[str, ...]
    start: int
    end: int
    line: int
    column: int
    # Attributes of the block's own body (not of nested blocks): name -> (value start, value end), first one.
    attributes: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Every attribute name of the block's own body, in order (a `locals` block declares these).
    attribute_names: list[str] = field(default_factory=list)


def split_blocks(text: str) -> list[Block] | None:
    """The top-level blocks of a `.tf` text in order, or None when the text is not plainly a sequence of blocks."""
    try:
        return _Scanner(text).blocks()
    except _Unsure:
        return None


class _Unsure(Exception):
    pass


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.length = len(text)

    def blocks(self) -> list[Block]:
        text, position, found = self.text, 0, []
        line, line_start, counted = 1, 0, 0  # lines counted up to `counted`, so that counting stays linear
        while True:
            position = self._skip_space_and_comments(position, newlines=True)
            if position >= self.length:
                return found
            match = _IDENTIFIER.match(text, position)
            if match is None:
                raise _Unsure
            start, kind = position, match.group(0)
            position = match.end()
            labels = []
            while True:
                position = self._skip_space_and_comments(position, newlines=True)
                if position >= self.length:
                    raise _Unsure
                char = text[position]
                if char == "{":
                    break
                if char == '"':
                    label = _PLAIN_LABEL.match(text, position)
                    if label is None:
                        raise _Unsure  # escapes or interpolation in a label: the parser decides
                    labels.append(label.group(1))
                    position = label.end()
                    continue
                label = _IDENTIFIER.match(text, position)
                if label is None:
                    raise _Unsure  # `name = value` at the top level, or anything else unusual
                labels.append(label.group(0))
                position = label.end()
            newlines = text.count("\n", counted, start)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", counted, start) + 1
            counted = start
            column = start - line_start + 1
            block = Block(kind, tuple(labels), start, 0, line, column)
            block.end = position = self._body(position + 1, block)
            found.append(block)

    def _skip_space_and_comments(self, position: int, newlines: bool) -> int:
        text = self.text
        while position < self.length:
            char = text[position]
            if char in " \t\r" or (newlines and char == "\n"):
                position += 1
            elif char == "#" or text.startswith("//", position):
                end = text.find("\n", position)
                position = self.length if end < 0 else end
            elif text.startswith("/*", position):
                end = text.find("*/", position + 2)
                if end < 0:
                    raise _Unsure
                position = end + 2
            else:
                break
        return position

    def _body(self, position: int, block: Block) -> int:
        """Past the `}` closing the block whose `{` is just before position; records the body's own attributes."""
        text, stack = self.text, ["{"]
        line_start = True  # at the start of an item of the block's own body
        current: tuple[str, int] | None = None
        while position < self.length:
            if line_start and len(stack) == 1:
                position = self._skip_space_and_comments(position, newlines=True)
                line_start = False
                attribute = _ATTRIBUTE.match(text, position)
                if attribute is not None:
                    name = attribute.group(1)
                    block.attribute_names.append(name)
                    current = (name, attribute.end())
                    position = attribute.end()
                    continue
                if position >= self.length:
                    break
            char = text[position]
            if char == "\n":
                if len(stack) == 1:
                    current = self._close_attribute(block, current, position)
                    line_start = True
                position += 1
            elif char == '"':
                position = self._string(position + 1)
            elif char == "<" and text.startswith("<<", position) and (heredoc := _HEREDOC.match(text, position)):
                position = self._heredoc(heredoc)
                if len(stack) == 1:
                    current = self._close_attribute(block, current, position)
                    line_start = True
            elif char == "#" or text.startswith("//", position) or text.startswith("/*", position):
                position = self._skip_space_and_comments(position, newlines=False)
            elif char in "{[(":
                stack.append(char)
                position += 1
            elif char in "}])":
                opened = stack.pop()
                if _CLOSING[opened] != char:
                    raise _Unsure
                if not stack:
                    self._close_attribute(block, current, position)
                    return position + 1
                position += 1
                if char == "}" and len(stack) == 1:
                    line_start = False
            else:
                position = self._next(_BODY_SPECIAL, position + 1)
        raise _Unsure  # the block is not closed

    def _next(self, special: re.Pattern, position: int) -> int:
        found = special.search(self.text, position)
        return found.start() if found is not None else self.length

    @staticmethod
    def _close_attribute(block: Block, current, end: int):
        if current is not None:
            block.attributes.setdefault(current[0], (current[1], end))
        return None

    def _string(self, position: int) -> int:
        """Past the closing quote of a string whose opening quote is just before position."""
        text = self.text
        while position < self.length:
            char = text[position]
            if char == "\\":
                position += 2
            elif char == '"':
                return position + 1
            elif char in "$%" and text.startswith(char * 2 + "{", position):
                position += 3  # `$${` and `%%{` are literal text
            elif char in "$%" and text.startswith("{", position + 1):
                position = self._template(position + 2)
            else:
                position = self._next(_STRING_SPECIAL, position + 1)
        raise _Unsure

    def _template(self, position: int) -> int:
        """Past the `}` closing an interpolation or directive opened just before position."""
        text, stack = self.text, ["{"]
        while position < self.length:
            char = text[position]
            if char == '"':
                position = self._string(position + 1)
            elif char == "<" and text.startswith("<<", position) and (heredoc := _HEREDOC.match(text, position)):
                position = self._heredoc(heredoc)
            elif char in "{[(":
                stack.append(char)
                position += 1
            elif char in "}])":
                opened = stack.pop()
                if _CLOSING[opened] != char:
                    raise _Unsure
                position += 1
                if not stack:
                    return position
            else:
                position = self._next(_TEMPLATE_SPECIAL, position + 1)
        raise _Unsure

    def _heredoc(self, match: re.Match) -> int:
        """Past the line closing the heredoc (its marker alone on a line, indentation allowed), newline included."""
        text, marker, position = self.text, match.group(1), match.end()
        # Blank lines before the marker are lines of their own: `[ \t]*` from each line start keeps the search linear.
        closing = re.compile(r"^[ \t\r]*" + re.escape(marker) + r"\r?(?:\n|\Z)", re.MULTILINE)
        found = closing.search(text, position)
        if found is None:
            raise _Unsure
        return found.end()


def mentioned_names(text: str) -> set[str]:
    """What references in text may name: `var.x`, `local.x`, `module.x`, `data.type.name`, `type.name`.

    A name holding `-` is also taken cut at each `-` (`var.count-1` may be `var.count` minus one), so a
    reference is never missed; names that nothing declares are simply not found."""
    found = set()
    for match in _CHAIN.finditer(text):
        first, second, third = match.groups()
        if first == "data":
            if third is not None:
                for name in _cuts(third):
                    found.add(f"data.{second}.{name}")
            continue
        for name in _cuts(second):
            found.add(f"{first}.{name}")
    return found


def _cuts(name: str) -> list[str]:
    if "-" not in name:
        return [name]
    parts = name.split("-")
    return ["-".join(parts[: index + 1]) for index in range(len(parts))]
