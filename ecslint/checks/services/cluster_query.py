"""Cluster query language, the expressions of `memberOf` placement constraints, read far enough to say
where one is malformed: one left-to-right pass, no regular expression over the input, no recursion.

Syntax: ECS developer guide, "Create expressions to define container instances for Amazon ECS tasks"
(cluster-query-language.html), 2026-12: `subject operator [argument]`, compound with `and`/`&&`,
`or`/`||`, `not`/`!` and parentheses; `in`/`not_in` take `[a, b, ...]`, `exists`/`not_exists` take
nothing, `matches`/`not_matches` a Java regular expression.
"""

from __future__ import annotations

from typing import NamedTuple

from ecslint.subjects.quoting import quote

# The subjects the guide lists; `attribute:<name>` takes any attribute name.
SUBJECTS = ("agentConnected", "agentVersion", "ec2InstanceId", "registeredAt", "runningTasksCount", "task:group")
# Operators by spelling -> what their argument is: "value", "list", "pattern" or "none".
OPERATORS = {
    "==": "value", "equals": "value", "!=": "value", "not_equals": "value",
    ">": "value", "greater_than": "value", ">=": "value", "greater_than_equal": "value",
    "<": "value", "less_than": "value", "<=": "value", "less_than_equal": "value",
    "exists": "none", "!exists": "none", "not_exists": "none",
    "in": "list", "!in": "list", "not_in": "list",
    "=~": "pattern", "matches": "pattern", "!~": "pattern", "not_matches": "pattern",
}  # fmt: skip
CONNECTIVES = ("and", "&&", "or", "||")
NEGATIONS = ("not", "!")
_SYMBOLS = "=!<>~"
_DELIMITERS = "()[],"


class Problem(NamedTuple):
    """Why an expression is not cluster query language, and the 0-based offset where reading stopped."""

    message: str
    offset: int
    # True when only unsure of it (an unknown subject): the caller reports it at a lower level.
    doubtful: bool = False


def problems(expression: str) -> list[Problem]:
    """The subjects that are not the guide's and the first syntax error of `expression`; [] when it reads well."""
    reader = _Reader(expression)
    found: list[Problem] = []
    depth, expecting_term = 0, True
    while True:
        reader.skip_space()
        start = reader.position
        if reader.at_end():
            break
        if expecting_term:
            if reader.peek() == "(":
                reader.position += 1
                depth += 1
                continue
            word = reader.word()
            if word in NEGATIONS or word == "" and reader.peek() == "!":
                reader.position = start + (len(word) or 1)
                continue
            if not word:
                return found + [Problem(f"needs a subject such as `attribute:ecs.instance-type` where it has {_shown(reader.peek())}", start)]
            if word in CONNECTIVES or word in OPERATORS:
                return found + [Problem(f"needs a subject before {quote(word)}", start)]
            if not (word in SUBJECTS or word.startswith("attribute:") and len(word) > len("attribute:")):
                found.append(Problem(f"uses {quote(word)}, which is not a subject of cluster query language (`attribute:<name>`, `task:group`, `agentVersion`, ...)", start, doubtful=True))
            problem = _comparison(reader, word)
            if problem is not None:
                return found + [problem]
            expecting_term = False
        elif reader.peek() == ")":
            if depth == 0:
                return found + [Problem("has a `)` that closes no `(`", start)]
            reader.position += 1
            depth -= 1
        else:
            word = reader.word() or reader.symbol()
            if word not in CONNECTIVES:
                return found + [Problem(f"needs `and`, `or` or the end where it has {_shown(word or reader.peek())}", start)]
            expecting_term = True
    if expecting_term:
        what = "is empty" if not expression.strip() else "ends where a comparison should follow"
        return found + [Problem(what, reader.position)]
    if depth:
        return found + [Problem(f"leaves {depth} `(` unclosed", reader.position)]
    return found


def _comparison(reader: _Reader, subject: str) -> Problem | None:
    """The operator and argument after a subject."""
    reader.skip_space()
    start = reader.position
    operator = reader.symbol() or reader.word()
    takes = OPERATORS.get(operator)
    if takes is None:
        seen = operator or reader.text[start : start + 1]
        return Problem(f"needs an operator (`==`, `!=`, `in`, `=~`, `exists`, ...) after {quote(subject)}" + (f", not {_shown(seen)}" if seen else ""), start)
    if takes == "none":
        return None
    reader.skip_space()
    start = reader.position
    if takes == "list":
        return reader.argument_list(operator)
    argument = reader.argument(pattern=takes == "pattern")
    if not argument:
        return Problem(f"needs an argument after {quote(operator)}", start)
    return None


class _Reader:
    """A cursor over the expression; every method moves forward only, so reading is linear."""

    def __init__(self, text: str):
        self.text, self.position = text, 0

    def at_end(self) -> bool:
        return self.position >= len(self.text)

    def peek(self) -> str:
        return self.text[self.position] if not self.at_end() else ""

    def skip_space(self) -> None:
        while not self.at_end() and self.text[self.position].isspace():
            self.position += 1

    def word(self) -> str:
        """A run of anything but spaces, the operator symbols and delimiters (a subject, a word operator); the cursor moves past it."""
        start = self.position
        while not self.at_end() and not self.text[self.position].isspace() and self.text[self.position] not in _SYMBOLS + _DELIMITERS + "&|":
            self.position += 1
        return self.text[start : self.position]

    def symbol(self) -> str:
        """The longest operator or connective written in symbols at the cursor (`>=`, `!exists`, `&&`)."""
        for candidate in ("!exists", "!in", "==", "!=", ">=", "<=", "=~", "!~", "&&", "||", ">", "<"):
            if self.text.startswith(candidate, self.position):
                after = self.position + len(candidate)
                if candidate[-1].isalpha() and after < len(self.text) and (self.text[after].isalnum() or self.text[after] == "_"):
                    continue  # `!index`: not `!in` followed by `dex`
                self.position = after
                return candidate
        return ""

    def argument(self, pattern: bool) -> str:
        """A literal (up to a space or `)`), a quoted string, or a pattern (up to a space; `)`s it does not open close groups)."""
        start = self.position
        if self.peek() == '"':
            end = self.text.find('"', start + 1)
            self.position = len(self.text) if end < 0 else end + 1
            return self.text[start : self.position]
        opened = 0
        while not self.at_end() and not self.text[self.position].isspace():
            char = self.text[self.position]
            if char == "(" and pattern:
                opened += 1
            elif char == ")":
                if not pattern or opened == 0:
                    break
                opened -= 1
            elif char in "[],&|" and not pattern:
                break
            self.position += 1
        return self.text[start : self.position]

    def argument_list(self, operator: str) -> Problem | None:
        """`[a, b, ...]` after `in` or `not_in`."""
        start = self.position
        if self.peek() != "[":
            return Problem(f"needs a list such as `[t3.small, t3.medium]` after {quote(operator)}", start)
        end = self.text.find("]", start)
        if end < 0:
            return Problem(f"opens a list after {quote(operator)} and never closes it with `]`", start)
        items = self.text[start + 1 : end].split(",")
        self.position = end + 1
        if any(not item.strip() for item in items):
            return Problem(f"has an empty item in the list after {quote(operator)}", start)
        return None


def _shown(text: str) -> str:
    return quote(text) if text else "nothing"
