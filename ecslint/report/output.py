"""Writing reports and baselines to the paths users give, without ever replacing what is not a plain file.

A regular file (or a new path) is written atomically: a temporary file beside it, given the target's
mode (or the umask's, for a new file), then renamed over it, so a reader never sees half a report.
Devices, FIFOs and `-` are written straight through: renaming over `/dev/stdout` or a named pipe
would replace the node itself. A symbolic link is followed, and its target written.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

# Temporary files being written: removed if the run is stopped (see `remove_temporary_files`).
_TEMPORARY: set[str] = set()


def is_stdout(path: Path | str | None) -> bool:
    return path is None or str(path) == "-"


def write_text(path: Path, text: str | Iterable[str]) -> None:
    """Write text (UTF-8, LF), or consecutive pieces of it, to path as described above; raises OSError with the reason."""
    if is_stdout(path):
        _write_all(sys.stdout, text)
        sys.stdout.flush()
        return
    try:
        existing = os.stat(path)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(path, "w", encoding="utf-8", newline="\n") as stream:
            _write_all(stream, text)
        return
    # Read-only stays read-only, for root too (who could otherwise rename over it).
    if existing is not None and (not os.access(path, os.W_OK) or not existing.st_mode & 0o222):
        raise PermissionError(13, "Permission denied (the file is read-only)", str(path))
    _replace_atomically(Path(os.path.realpath(path)), text, existing)


def _write_all(stream, text: str | Iterable[str]) -> None:
    for piece in [text] if isinstance(text, str) else text:
        stream.write(piece)


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_bytes_atomically(target: Path, data: bytes) -> None:
    """Write data to a regular file (or a new path) atomically, as reports are; raises OSError."""
    _replace_atomically(target, data, None)


def _replace_atomically(target: Path, text: str | bytes | Iterable[str], existing: os.stat_result | None) -> None:
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    _TEMPORARY.add(temporary)
    try:
        os.fchmod(handle, stat.S_IMODE(existing.st_mode) if existing is not None else _new_file_mode())
        if existing is not None and hasattr(os, "fchown") and os.geteuid() == 0:
            os.fchown(handle, existing.st_uid, existing.st_gid)
        if isinstance(text, bytes):
            with os.fdopen(handle, "wb") as stream:
                stream.write(text)
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                _write_all(stream, text)
        os.replace(temporary, target)
    finally:
        if temporary in _TEMPORARY:
            _TEMPORARY.discard(temporary)
            Path(temporary).unlink(missing_ok=True)


def remove_temporary_files() -> None:
    """Called when the run is stopped by a signal: no `.tmp` file is left beside a target."""
    for temporary in list(_TEMPORARY):
        _TEMPORARY.discard(temporary)
        Path(temporary).unlink(missing_ok=True)
