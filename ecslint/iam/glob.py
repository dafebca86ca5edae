"""Wildcard patterns matched in time linear in the value, whatever the number of `*` in the pattern.

A regular expression built from `a*a*a*...` backtracks exponentially in the number of stars; IAM
patterns come from policies committed by anyone, so they are matched here by simulating every
position of the pattern at once (a bit per position, shift-and), one step per character.
"""

from __future__ import annotations

# Pattern tokens besides literal characters: a run of any characters, one character, and the same
# two within one colon-separated ARN segment.
STAR, ANY, SEGMENT_STAR, SEGMENT_ANY = object(), object(), object(), object()

# Longer than any IAM ARN (2,048 characters) or action name: a pattern needing more characters than
# this, stars aside, matches no real value, and its cost stays bounded.
MAX_PATTERN_LENGTH = 2048


def collapse_stars(pattern: str) -> str:
    """`a**b` -> `a*b`: equal meaning, fewer states."""
    while "**" in pattern:
        pattern = pattern.replace("**", "*")
    return pattern


class Glob:
    """A compiled pattern: `fullmatch(text)` is True when the whole text matches."""

    def __init__(self, tokens: list, has_variable: bool = False):
        self.has_variable = has_variable
        self._literals: dict[str, int] = {}  # character -> positions that take exactly it
        self._any = 0  # positions that take any character
        self._segment_any = 0  # positions that take any character but `:`
        self._stay_any = 0  # states that may consume any character and stay (a `*` follows them)
        self._stay_segment = 0  # ... any character but `:`
        position = 0
        for token in tokens:
            if token is STAR:
                self._stay_any |= 1 << position
            elif token is SEGMENT_STAR:
                self._stay_segment |= 1 << position
            else:
                position += 1
                bit = 1 << position
                if token is ANY:
                    self._any |= bit
                elif token is SEGMENT_ANY:
                    self._segment_any |= bit
                else:
                    self._literals[token] = self._literals.get(token, 0) | bit
        self._stay_segment &= ~self._stay_any
        self._accept = 1 << position
        self._too_long = position > MAX_PATTERN_LENGTH
        self._pieces = _star_pieces(tokens)

    def fullmatch(self, text: str) -> bool:
        if self._too_long:
            return False
        if self._pieces is not None:
            return _pieces_match(self._pieces, text)
        states = 1
        literals, any_char, segment_any = self._literals, self._any, self._segment_any
        stay_any, stay_segment = self._stay_any, self._stay_segment
        for char in text:
            if char == ":":
                takes, stays = literals.get(char, 0) | any_char, states & stay_any
            else:
                takes, stays = literals.get(char, 0) | any_char | segment_any, states & (stay_any | stay_segment)
            states = ((states << 1) & takes) | stays
            if not states:
                return False
        return bool(states & self._accept)


def _star_pieces(tokens: list) -> list[str] | None:
    """The literal runs between the `*` of a pattern made of literals and `*` only, else None."""
    pieces, current = [], []
    for token in tokens:
        if token is STAR:
            pieces.append("".join(current))
            current = []
        elif isinstance(token, str):
            current.append(token)
        else:
            return None
    pieces.append("".join(current))
    return pieces


def _pieces_match(pieces: list[str], text: str) -> bool:
    if len(pieces) == 1:
        return text == pieces[0]
    first, last = pieces[0], pieces[-1]
    if len(text) < len(first) + len(last) or not text.startswith(first) or not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for piece in pieces[1:-1]:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True
