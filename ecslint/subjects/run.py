"""Every subject of one run, for subjects judged together with others once all documents are read.

A subject class that sets `needs_run = True` is checked in the engine's second pass, after
`subject.with_run(run)` has given it what it pairs with (an AppSpec its task definitions, a
repository the registry's scanning configuration). Subjects are grouped by their class's `kind`,
so that asking for a kind no document produced costs nothing and imports nothing.
"""

from __future__ import annotations


class Run:
    """The subjects of one run, by kind (`task-definition`, `appspec`, `repository`, ...), in reading order."""

    def __init__(self):
        self._by_kind: dict[str, list] = {}
        self._made: dict[str, object] = {}

    def add(self, subject) -> None:
        self._by_kind.setdefault(getattr(subject, "kind", type(subject).__name__), []).append(subject)

    def of_kind(self, *kinds: str) -> list:
        return [subject for kind in kinds for subject in self._by_kind.get(kind, ())]

    def has(self, *kinds: str) -> bool:
        return any(self._by_kind.get(kind) for kind in kinds)

    def shared(self, name: str, make):
        """One value built from the run for all the subjects that ask (an index of its repositories)."""
        if name not in self._made:
            self._made[name] = make(self)
        return self._made[name]

    @property
    def task_definitions(self) -> list:
        return self.of_kind("task-definition")
