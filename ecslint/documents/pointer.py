"""RFC 6901 JSON pointers: the one way every stage names a place in a document."""

from __future__ import annotations


def escape(token: str | int) -> str:
    token = str(token)
    # Most keys need no escaping; checking first keeps pointer building cheap on large runs.
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def join(base: str, *tokens: str | int) -> str:
    """Append reference tokens to a pointer: join("/a", "b/c", 0) == "/a/b~1c/0"."""
    for token in tokens:
        base = f"{base}/{escape(token)}"
    return base


def split(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def parent(pointer: str) -> str:
    return pointer[: pointer.rfind("/")] if pointer else ""


def nearest(pointer: str, known) -> str:
    """pointer itself if known holds it, else its nearest ancestor there ("" at worst)."""
    while pointer not in known and pointer:
        pointer = parent(pointer)
    return pointer


def is_within(pointer: str, prefix: str) -> bool:
    """True when pointer names prefix itself or something inside it (segment-wise)."""
    return pointer == prefix or pointer.startswith(prefix + "/")


def to_path(pointer: str) -> str:
    """A pointer as people write field paths: /portMappings/0/hostPort -> portMappings[0].hostPort."""
    out = ""
    for part in split(pointer):
        if part.isdigit():
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out
