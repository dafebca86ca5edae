"""Work kept between runs on the user's machine, by the content it was computed from (parsed Terraform), so that an
unchanged file costs a read rather than a parse.

Entries live under the user's cache folder (`ECSLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/ecslint`, else
`~/.cache/ecslint`; `%LOCALAPPDATA%\\ecslint\\cache` on Windows), one file per entry named by a hash of its content,
in a folder per format so that an upgrade never reads an older layout. The cache is an optimisation only: any
failure to read or write it is silent and the work is done again; `--no-cache` or `ECSLINT_NO_CACHE=1` turns it
off. Entries not read for 30 days are removed, at most once a day.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# Off for this run (`--no-cache`, ECSLINT_NO_CACHE), or once the folder turned out to be unusable.
_disabled = bool(os.environ.get("ECSLINT_NO_CACHE"))
# Counts runs (use): each store looks for its folder again in a new run, as ECSLINT_CACHE_DIR may have changed.
_run = 0
_SWEPT = "last-swept"
DAY = 24 * 3600
KEEP_FOR = 30 * DAY


def use(allowed: bool) -> None:
    """At the start of a run: whether it may read and write the cache (False for `--no-cache`)."""
    global _disabled, _run
    _disabled = not allowed or bool(os.environ.get("ECSLINT_NO_CACHE"))
    _run += 1


def disable() -> None:
    global _disabled
    _disabled = True


def enabled() -> bool:
    return not _disabled


def root() -> Path | None:
    """The cache folder of this user (not necessarily there yet), or None when none can be told."""
    if os.environ.get("ECSLINT_CACHE_DIR"):
        return Path(os.environ["ECSLINT_CACHE_DIR"])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "ecslint" / "cache"
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "ecslint"
    try:
        return Path.home() / ".cache" / "ecslint"
    except RuntimeError:  # no home folder
        return None


def key_of_files(*paths: Path) -> str:
    """A short key of the files' contents (the code or grammar an entry's layout depends on), or "unknown"."""
    try:
        return key(*(path.read_text(encoding="utf-8") for path in paths))[:16]
    except (OSError, UnicodeDecodeError):
        return "unknown"


def key(*parts: str) -> str:
    import hashlib

    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


# Entries for larger texts are not kept: they are rare, and an entry is several times its text.
MAX_KEPT_TEXT = 1024 * 1024


class Store:
    """The entries of one format (`namespace`, which names everything the entries' layout depends on), each a value
    marshal writes (tuples, lists, dicts, strings, numbers)."""

    def __init__(self, namespace: str):
        import marshal

        self.namespace = f"{namespace}-m{marshal.version}"
        self._folder: Path | None = None
        self._checked = -1  # the run (see use) that last looked for the folder

    def _usable(self) -> Path | None:
        if _disabled:
            return None
        if self._checked != _run:
            self._checked, self._folder = _run, None
            base = root()
            if base is None:
                disable()
                return None
            try:
                base.mkdir(mode=0o700, parents=True, exist_ok=True)
                # Never read entries another user could have written.
                if hasattr(os, "getuid") and base.stat().st_uid != os.getuid():
                    disable()
                    return None
                folder = base / self.namespace
                folder.mkdir(mode=0o700, exist_ok=True)
            except OSError:
                disable()
                return None
            self._folder = folder
            _sweep_now_and_then(folder)
        return self._folder

    def load(self, name: str):
        """The value kept under name, or None (none kept, or not one this version wrote)."""
        import marshal

        data = self.get(name)
        if data is None:
            return None
        try:
            return marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return None

    def save(self, name: str, value) -> None:
        import marshal

        try:
            data = marshal.dumps(value)
        except ValueError:  # nested deeper than marshal goes
            return
        self.put(name, data)

    def get(self, name: str) -> bytes | None:
        folder = self._usable()
        if folder is None:
            return None
        path = folder / name[:2] / name
        try:
            with open(path, "rb") as handle:
                data = handle.read()
                if time.time() - os.fstat(handle.fileno()).st_mtime > DAY:
                    os.utime(path)  # read: kept from the sweep
        except OSError:
            return None
        return data

    def put(self, name: str, data: bytes) -> None:
        folder = self._usable()
        if folder is None:
            return
        from ecslint.report.output import write_bytes_atomically

        path = folder / name[:2] / name
        try:
            path.parent.mkdir(mode=0o700, exist_ok=True)
            write_bytes_atomically(path, data)  # concurrent writers of one entry write the same bytes
        except OSError:
            pass


def _sweep_now_and_then(folder: Path) -> None:
    """Remove the entries not read for KEEP_FOR, when the last sweep is a day old."""
    stamp = folder / _SWEPT
    now = time.time()
    try:
        if now - stamp.stat().st_mtime < DAY:
            return
    except FileNotFoundError:
        pass
    except OSError:
        return
    try:
        stamp.touch()
        for shard in folder.iterdir():
            if not shard.is_dir():
                continue
            for entry in shard.iterdir():
                if now - entry.stat().st_mtime > KEEP_FOR:
                    entry.unlink()
    except OSError:
        pass
