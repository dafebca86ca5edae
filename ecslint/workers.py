"""Worker processes for large runs: the first pass over thousands of files shared among the machine's cores.

A pre-commit call with a few files never gets here: starting workers costs more than it saves below a few
hundred files. What the workers need (the run's options: config, IAM context) is inherited when they fork,
never pickled; what they send back is what the report keeps.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator

# Below this many files a run stays in one process.
MIN_FILES = 400
_CHUNK = 100

_shared = None


def shared():
    """In a worker: the value the parent shared before forking."""
    return _shared


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worth_it(count: int, live_session: bool) -> bool:
    """True when `count` files are many enough to gain from workers, on a machine and a run that allow them."""
    # Forking is cheap and safe on Linux; a boto3 session (live IAM) must not be shared between processes.
    return count >= MIN_FILES and usable_cores() > 1 and sys.platform.startswith("linux") and not live_session


def map_chunks(items: list, function: Callable, value) -> Iterator[tuple[list, object]]:
    """(chunk, function(chunk)) for consecutive chunks of `items`, in order, computed in worker processes."""
    import multiprocessing

    global _shared
    _shared = value
    chunks = [items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK)]
    try:
        with multiprocessing.get_context("fork").Pool(min(usable_cores(), len(chunks))) as pool:
            # imap keeps the chunks' order, so lists such as the skipped files read as in a serial run.
            yield from zip(chunks, pool.imap(function, chunks))
    finally:
        _shared = None


def merge_into(report, part) -> None:
    """Add one worker's report to the run's: lists and counts add up, sets and maps join."""
    for name, value in vars(part).items():
        mine = getattr(report, name)
        if isinstance(value, list):
            mine.extend(value)
        elif isinstance(value, (set, dict)):
            mine.update(value)
        elif isinstance(value, int):
            setattr(report, name, mine + value)
