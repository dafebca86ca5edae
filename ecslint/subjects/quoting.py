"""The one way a message shows a value taken from the input: secrets masked, control characters escaped, long values cut.

Input is untrusted: a linter runs on pull requests in CI, where its output lands in logs,
annotations and uploaded reports. So a quoted value never carries a secret in full, never
a character that moves the cursor, rings, erases lines or starts a GitHub workflow command
on a line of its own, and never a lone surrogate, which cannot be encoded as UTF-8.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from ecslint.documents import pointer as jp
from ecslint.lazy_regex import LazyPattern
from ecslint.subjects.secret_patterns import find_secrets, is_secret_access_key_shape, mask

# Values longer than this are cut (after escaping) and end in `…`.
QUOTE_LIMIT = 120

# Long opaque tokens look random whatever their source: mixed case and digits over 32 or more
# base64 characters. `-` and `_` separate words in names, so they end such a token here.
_OPAQUE = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{32,}(?![A-Za-z0-9+/])")
# Base64 padding, so that `…==` does not hide a token from the boundaries above.
_PADDING = re.compile(r"=+")
# Invisible characters that reorder or hide text (Trojan Source, CVE-2021-42574), besides Cc and Cs.
_INVISIBLE = frozenset("\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Printable ASCII.
_PLAIN = re.compile(r"[ -~]*")
# Text without a character to escape passes unchanged; the rest is looked at one character at a time.
_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(_INVISIBLE)) + "]")


def _needs_escape(char: str) -> bool:
    # Unicode categories Cc (controls: U+0000-001F, U+007F-009F) and Cs (surrogates), without loading unicodedata.
    code = ord(char)
    return char in _INVISIBLE or code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF


def _escaped_char(char: str) -> str:
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def escape(text: str) -> str:
    """Control characters, invisible reordering characters and lone surrogates as `\\x1b`, `\\u202e`, `\\ud800`."""
    if not _ESCAPED.search(text):
        return text
    return "".join(_escaped_char(char) if _needs_escape(char) else char for char in text)


# Runs of one character class, to tell CamelCase names from random tokens (a linear scan).
# Compiled on first use: only tokens of 32 or more characters ever need it.
_RUNS = LazyPattern(r"[A-Z]+|[a-z]+|[0-9]+|[^A-Za-z0-9]")


def _reads_as_words(token: str) -> bool:
    """A CamelCase name such as `AssociateSourceToS3TableIntegration`: mostly lowercase, each lowercase run after
    a capital and of two or more letters (two-letter words such as `To` aside), short capital runs, few digits.
    A random token of 32 or more characters almost never is (none of 2,000 generated ones, tested)."""
    digits, lowercase, short_words, previous = 0, 0, 0, ""
    for run in _RUNS.findall(token):
        if run[0].islower():
            lowercase += len(run)
            short_words += len(run) < 2
            if short_words > 2 or not previous[:1].isupper():
                return False
        elif run[0].isdigit():
            digits += len(run)
        elif not run[0].isupper() or len(run) > 5:
            return False
        previous = run
    # Words are mostly lowercase letters; a random token over 62 characters is about 42% lowercase.
    return digits <= 3 and lowercase >= 0.6 * len(token)


def _opaque(token: str) -> bool:
    if _reads_as_words(token):
        return False
    if len(token) == 40 and is_secret_access_key_shape(token):
        return True
    has_digit = any(char.isdigit() for char in token)
    return has_digit and any(char.isupper() for char in token) and any(char.islower() for char in token) and token.count("/") < 4


def secret_spans(text: str) -> list[tuple[int, int]]:
    """Where the text holds something the secret detectors recognise, or a long random-looking token; merged and sorted."""
    spans = []
    for match in find_secrets(text, key_id_nearby=True):
        start = text.find(match.secret)
        while start >= 0:
            spans.append((start, start + len(match.secret)))
            start = text.find(match.secret, start + len(match.secret))
    unpadded = _PADDING.sub(" ", text) if "=" in text else text
    spans += [match.span() for match in _OPAQUE.finditer(unpadded) if _opaque(match.group())]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _pieces(text: str):
    """(shown text, is_mask) pieces of the text with every secret replaced by its mask."""
    position = 0
    for start, end in secret_spans(text):
        if start > position:
            yield text[position:start], False
        yield mask(text[start:end]), True
        position = end
    if position < len(text):
        yield text[position:], False


def quote_text(value, limit: int | None = QUOTE_LIMIT) -> str:
    """The value as a message may show it, without the backticks (container labels, lists)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if not text:
        return ""
    shown = []
    length = 0
    for raw, is_mask in _pieces(text):
        piece = raw if is_mask else escape(raw)
        if limit is not None and length + len(piece) > limit:
            if not is_mask:
                # Cut between characters, never inside an escape sequence.
                for char in raw:
                    char = escape(char)
                    if length + len(char) > limit:
                        break
                    shown.append(char)
                    length += len(char)
            shown.append("…")
            break
        shown.append(piece)
        length += len(piece)
    return "".join(shown)


def quote(value, limit: int | None = QUOTE_LIMIT) -> str:
    """An input value in backticks for a message: secrets masked (`AKIA…(20 chars)`), control characters escaped, cut to `limit`."""
    return f"`{quote_text(value, limit)}`"


# Shorter than any token the secret detectors recognise (an access key ID is 20 characters).
_SHORTEST_SECRET = 16


@lru_cache(maxsize=4096)
def _shown_token(token: str) -> str:
    """One reference token, still in its pointer spelling (`~1` for `/`), as reports show it."""
    (key,) = jp.split("/" + token)
    if len(key) >= _SHORTEST_SECRET and secret_spans(key):
        return jp.escape(quote_text(key, limit=None))
    return escape(token)


def quote_pointer(pointer: str) -> str:
    """A JSON pointer as reports show it: a key that is itself a secret is masked, control characters escaped."""
    if _PLAIN.fullmatch(pointer) and not any(len(token) >= _SHORTEST_SECRET for token in pointer.split("/")):
        return pointer
    return "/".join(_shown_token(token) for token in pointer.split("/"))
