"""Reading a path's bytes with a bound, refusing devices, FIFOs and sockets before opening them."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotRegular(OSError):
    """A path that is a device, FIFO or socket: reading it could block forever or never end."""


def os_error_reason(error: OSError) -> str:
    """`Too many levels of symbolic links` -> `too many levels of symbolic links`, to follow `path: `."""
    text = error.strerror or str(error)
    return text[:1].lower() + text[1:]


def read_bounded(stream, limit: int) -> bytes:
    """At most limit + 1 bytes: enough to tell that an input is over its limit without reading all of it."""
    return stream.read(limit + 1)


def read_regular_file(path: Path | str, limit: int) -> bytes:
    """The first limit + 1 bytes of a regular file; NotRegular for devices, FIFOs and sockets (checked before opening)."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegular(0, "is not a regular file (a device, FIFO or socket)", str(path))
    with open(path, "rb") as stream:
        return read_bounded(stream, limit)
