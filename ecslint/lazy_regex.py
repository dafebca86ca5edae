"""Regular expressions compiled on first use: a pre-commit run starts a process per call, and most patterns serve rare inputs.

Compiling costs far more than matching a short value (a pattern with a long character class under
`re.IGNORECASE` costs over a millisecond), so a module that holds patterns for unusual input (URLs with
passwords, PEM blocks, service tokens) defines them as `LazyPattern`s and pays only when it meets one.
"""

from __future__ import annotations

import re
from functools import cached_property


class LazyPattern:
    """`re.compile(source, flags)`, done the first time a method needs it; the methods are re.Pattern's."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source = source
        self.flags = flags

    @cached_property
    def compiled(self) -> re.Pattern:
        return re.compile(self.source, self.flags)

    def search(self, *arguments):
        return self.compiled.search(*arguments)

    def match(self, *arguments):
        return self.compiled.match(*arguments)

    def fullmatch(self, *arguments):
        return self.compiled.fullmatch(*arguments)

    def finditer(self, *arguments):
        return self.compiled.finditer(*arguments)

    def findall(self, *arguments):
        return self.compiled.findall(*arguments)

    def sub(self, *arguments):
        return self.compiled.sub(*arguments)

    def __repr__(self) -> str:
        return f"LazyPattern({self.source!r}, {self.flags!r})"
