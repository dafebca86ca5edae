"""What a module remembers for the length of one run (a folder checked once against its files), forgotten when the next run starts.

A process may run ecslint more than once (tests, editors calling it in-process): what is true for one run's
files may not be for the next one's.
"""

from __future__ import annotations

from collections.abc import Callable

_FORGETTERS: list[Callable[[], None]] = []


def register(forget: Callable[[], None]) -> None:
    """forget() is called when a run starts."""
    _FORGETTERS.append(forget)


def new_run() -> None:
    for forget in _FORGETTERS:
        forget()
