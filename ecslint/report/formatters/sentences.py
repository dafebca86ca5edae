"""A message's first sentence, which must stand alone: the concise text report prints only that."""

from __future__ import annotations

import re

# Words whose trailing period does not end a sentence.
_ABBREVIATIONS = ("e.g", "i.e", "vs", "cf", "approx")
_MARKS = re.compile(r"[`()\[\].;,]")


def split_first_sentence(message: str) -> tuple[str, str]:
    """(first sentence, the rest), cut at '. ', '; ' or the consequence clause ', so ' outside backticks and parentheses."""
    code = False
    depth = 0
    # Only these characters change the state below; a message is scanned for them, not walked character by character.
    for found in _MARKS.finditer(message):
        index, char = found.start(), found.group()
        if char == "`":
            code = not code
        elif code:
            continue
        elif char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        elif char in ".;" and depth == 0 and message[index + 1 : index + 2] == " " and not _is_abbreviation(message, index):
            first = message[: index + 1] if char == "." else message[:index] + "."
            return first, _capitalised(message[index + 2 :].strip())
        elif char == "," and depth == 0 and message.startswith(", so ", index):
            return message[:index] + ".", _capitalised(message[index + 2 :])
    return message, ""


def _is_abbreviation(message: str, index: int) -> bool:
    word = message[:index].rsplit(" ", 1)[-1].lower().lstrip("(")
    return word in _ABBREVIATIONS


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
