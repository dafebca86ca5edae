"""Finding input files: named paths, walked directories and stdin, read as bytes."""

from __future__ import annotations

from typing import NamedTuple

import os
import stat
import sys
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from ecslint.documents.parse import MAX_DOCUMENT_BYTES
from ecslint.documents.reading import NotRegular, os_error_reason, read_bounded, read_regular_file

# Folders no task definition lives in; walking them only costs time.
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".terraform", ".mypy_cache", ".pytest_cache")
WALKED_SUFFIXES = (".json", ".yml", ".yaml", ".template", ".tf")


class Source(NamedTuple):
    """One input: what to call it in reports, its bytes, and whether the user named it."""

    display_path: str
    raw: bytes
    explicit: bool
    # Resolved path for config globs; None for stdin.
    real_path: Path | None
    # A task definition fetched from AWS: display_path is its ARN, and findings have no file.
    live: bool = False


class Unread(NamedTuple):
    """A file found by the walk or named on the command line, not read yet: `read` makes it a Source (or says why not).

    Large runs hand these to worker processes, which read the bytes themselves.
    """

    path: str
    display_path: str
    explicit: bool


class InputError(NamedTuple):
    """A path that could not be read: reported on stderr, the run goes on, and it exits 2."""

    display_path: str
    message: str


class Skipped(NamedTuple):
    """A walked path that is no input (a device, FIFO or socket): listed by --verbose, never read."""

    display_path: str
    reason: str


def display_path(path: Path, cwd: Path) -> str:
    """The path as the user sees it: relative to the working directory, symbolic links not followed."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def path_matches(path: Path, root: Path, patterns: list[str]) -> bool:
    """Gitignore-like: a pattern without '/' matches any path component, one with '/' the path from root."""
    try:
        relative = PurePosixPath(path.resolve().relative_to(root).as_posix())
    except (ValueError, OSError, RuntimeError):  # outside the root, or a symbolic link loop
        relative = PurePosixPath(path.as_posix())
    text = str(relative)
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern:
            if fnmatchcase(text, pattern) or fnmatchcase(text, pattern + "/*") or any(fnmatchcase(str(parent), pattern) for parent in relative.parents):
                return True
        elif any(fnmatchcase(part, pattern) for part in relative.parts):
            return True
    return False


def read(entry: Unread) -> Source | InputError | Skipped:
    return _read(Path(entry.path), entry.display_path, entry.explicit)


class _FolderMatch:
    """`path_matches` for the files of one walked folder, with the folder's part worked out once rather than per file."""

    def __init__(self, folder: str, cwd: Path, root: Path, patterns: list[str]):
        self.folder, self.root, self.patterns = folder, root, patterns
        try:
            relative = PurePosixPath(Path(folder).resolve().relative_to(root).as_posix())
        except (ValueError, OSError, RuntimeError):  # as path_matches: outside the root, or a link loop
            relative = PurePosixPath(Path(folder).as_posix())
        self.prefix = "" if str(relative) == "." else f"{relative}/"
        shown = display_path(Path(folder), cwd)
        self.shown_prefix = "" if shown == "." else f"{shown.rstrip('/')}/"
        folders = [str(relative), *(str(parent) for parent in relative.parents)]
        stripped = [pattern.rstrip("/") for pattern in patterns]
        # A pattern matching the folder (one of its parts, or a parent) excludes every file in it.
        self.matched = any(fnmatchcase(text, pattern) for pattern in stripped if "/" in pattern for text in folders) or any(
            fnmatchcase(part, pattern) for pattern in stripped if "/" not in pattern for part in relative.parts
        )
        # Otherwise a file's name is tried against the patterns without '/', its path against those with one.
        self.name_pattern = _any_of([pattern for pattern in stripped if "/" not in pattern])
        self.path_pattern = _any_of([form for pattern in stripped if "/" in pattern for form in (pattern, pattern + "/*")])

    def excludes(self, name: str) -> bool:
        if self.matched:
            return True
        path = os.path.join(self.folder, name)
        if os.path.islink(path):  # its own target decides, as for any path
            return path_matches(Path(path), self.root, self.patterns)
        return bool(self.name_pattern and self.name_pattern.match(name) or self.path_pattern and self.path_pattern.match(self.prefix + name))


def _any_of(patterns: list[str]):
    """One compiled expression matching what fnmatchcase matches for any of the patterns; None for none."""
    if not patterns:
        return None
    import re
    from fnmatch import translate

    return re.compile("|".join(translate(pattern) for pattern in patterns))


def _read(path: Path, shown: str, explicit: bool) -> Source | InputError | Skipped:
    try:
        raw = read_regular_file(path, MAX_DOCUMENT_BYTES)
        return Source(shown, raw, explicit, Path(os.path.realpath(path)))
    except NotRegular as error:
        return InputError(shown, f"{error.strerror}; name a file") if explicit else Skipped(shown, error.strerror)
    except FileNotFoundError:
        if os.path.islink(path):
            return InputError(shown, "is a broken symbolic link (its target does not exist)")
        return InputError(shown, "no such file or directory")
    except IsADirectoryError:
        return InputError(shown, "is a directory that could not be walked")
    except PermissionError:
        return InputError(shown, "permission denied")
    except OSError as error:
        return InputError(shown, os_error_reason(error))


def _gitignore(top: Path, respect_gitignore: bool):
    """The repository's .gitignore rules for a walk, when asked and when top is inside a git repository."""
    if not respect_gitignore:
        return None
    from ecslint.documents.gitignore import GitIgnore
    from ecslint.documents.paths import repository_root

    start = top.resolve()
    repository = repository_root(start)
    return GitIgnore(repository) if (repository / ".git").exists() else None


def _walk(top: Path, cwd: Path, root: Path, exclude: list[str], respect_gitignore: bool = True, read_now: bool = True):
    seen: set[tuple[int, int]] = set()
    ignore = _gitignore(top, respect_gitignore)
    unreadable: list[OSError] = []
    for folder, subfolders, files in os.walk(top, followlinks=True, onerror=unreadable.append):
        # A folder that cannot be listed is an input error, not a silent gap in the run.
        yield from _unreadable_folders(unreadable, cwd)
        here = Path(folder)
        try:
            info = here.stat()
        except OSError:
            continue
        # Following links lets users symlink folders in; remembering inodes stops link loops.
        if (info.st_dev, info.st_ino) in seen:
            subfolders[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        subfolders[:] = sorted(name for name in subfolders if not path_matches(here / name, root, exclude) and not (ignore and ignore.ignores(here / name, True)))
        names = [name for name in sorted(files) if name.endswith(WALKED_SUFFIXES)]
        if not names:
            continue
        match = _FolderMatch(folder, cwd, root, exclude)
        for name in names:
            if not match.excludes(name) and not (ignore and ignore.ignores(here / name, False)):
                entry = Unread(os.path.join(folder, name), match.shown_prefix + name, False)
                yield read(entry) if read_now else entry
    yield from _unreadable_folders(unreadable, cwd)


def _unreadable_folders(errors: list[OSError], cwd: Path):
    while errors:
        error = errors.pop(0)
        reason = "permission denied" if isinstance(error, PermissionError) else os_error_reason(error)
        yield InputError(display_path(Path(error.filename), cwd) if error.filename else "?", f"{reason}; the folder's files were not linted")


def collect(paths: list[str], cwd: Path, root: Path, exclude: list[str], force_exclude: bool, stdin_filename: str | None, respect_gitignore: bool = True, read_now: bool = True):
    """Yield a Source, InputError or Skipped per input, in a stable order; with read_now False, Unread for files."""
    for given in paths or ["."]:
        if given == "-":
            if force_exclude and stdin_filename and path_matches(cwd / stdin_filename, root, exclude):
                continue  # as for a file named on the command line: the hook's excludes apply
            raw = read_bounded(sys.stdin.buffer, MAX_DOCUMENT_BYTES)
            yield Source(stdin_filename or "<stdin>", raw, True, (cwd / stdin_filename) if stdin_filename else None)
            continue
        path = Path(given)
        if _is_directory(path):
            yield from _walk(path, cwd, root, exclude, respect_gitignore, read_now)
        elif force_exclude and path_matches(path, root, exclude):
            continue
        else:
            entry = Unread(str(path), display_path(path, cwd), True)
            yield read(entry) if read_now else entry


def _is_directory(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False  # _read says why it cannot be read
