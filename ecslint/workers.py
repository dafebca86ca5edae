"""Worker processes for large runs: the first pass over thousands of files shared among the machine's cores.

A pre-commit call with a few files never gets here: starting workers costs more than it saves below a few
hundred files. The workers fork as soon as a run is known to be large, while the parent holds little more
than its imports and options (config, IAM context), which they inherit, never pickled. The parent then
walks the folders and hands out chunks of paths as it finds them; the workers read, parse and check, and
send back only what the report keeps.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator

# Below this many files a run stays in one process.
MIN_FILES = 400
# Files per task: small enough that the cores finish together, large enough that handing out costs nothing.
_CHUNK = 50

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


def _in_worker() -> None:
    """A worker leaves stopping to the parent: Ctrl-C reaches the parent, which ends the workers with SIGTERM,
    and SIGTERM ends a worker at once (the parent's handler would run Python code in the middle of a queue read)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def chunks(items: Iterable, size: int | None = None) -> Iterator[list]:
    """Consecutive lists of `size` items (the last one shorter)."""
    size = size or _CHUNK
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def map_chunks(items: Iterable, function: Callable, value, in_workers: bool = True) -> Iterator[tuple[list, object]]:
    """(chunk, function(chunk)) for consecutive chunks of `items`, in order, computed in worker processes
    (or in this process, one chunk at a time, when the run may not fork: one core, another platform).

    The workers fork before `items` is consumed, so a lazy `items` (a folder walk) runs in the parent while
    they work on the chunks it has already produced.
    """
    import multiprocessing

    global _shared
    _shared = value
    if not in_workers:
        try:
            yield from ((chunk, function(chunk)) for chunk in chunks(items))
        finally:
            _shared = None
        return
    try:
        pool = _pool_class()(usable_cores(), initializer=_in_worker, context=multiprocessing.get_context("fork"))
    finally:
        _shared = None  # the workers have their copy
    try:
        pending: deque = deque()
        for chunk in chunks(items):
            pending.append((chunk, pool.apply_async(function, (chunk,))))
            # Results already back are taken while the walk goes on, so little is left to merge when the workers end.
            while pending and pending[0][1].ready():
                chunk, result = pending.popleft()
                yield chunk, result.get()
        while pending:
            chunk, result = pending.popleft()
            yield chunk, result.get()
        pool.close()
        pool.join()
    finally:
        pool.terminate()


def _pool_class():
    from multiprocessing.pool import Pool

    if not hasattr(Pool, "_get_sentinels"):
        return Pool  # the private hook below is CPython's (3.8 and later): elsewhere, the standard pool

    class QuietPool(Pool):
        """A pool whose worker-minding thread wakes when a worker ends or the pool changes, not for every result.

        The standard pool also wakes it whenever a result waits to be read, and it spins until the result thread
        has read it: with a large result every 50 files, that spinning cost the parent as much as reading them.
        """

        def _get_sentinels(self):
            return [self._change_notifier._reader]

    return QuietPool


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
