"""The registry that ties each rule ID to the one function that checks it."""

from __future__ import annotations

from typing import NamedTuple

from collections.abc import Callable, Iterable
from functools import cache

from ecslint.report.findings import Finding
from ecslint.subjects.task_definition import TaskDefinition

CheckFunction = Callable[[object], Iterable[Finding]]


class Check(NamedTuple):
    function: CheckFunction
    # What the check reads: a TaskDefinition, or another recognised subject (ecslint.documents.shapes);
    # or a subject's `kind` (a string, or a tuple of them), so that registering needs no import of its class.
    subject: type | str | tuple

    def applies_to(self, subject) -> bool:
        if isinstance(self.subject, type):
            return isinstance(subject, self.subject)
        kinds = (self.subject,) if isinstance(self.subject, str) else self.subject
        return getattr(subject, "kind", None) in kinds


CHECKS: dict[str, Check] = {}


def check(rule_id: str, subject: type | str | tuple = TaskDefinition) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check: a pure function from one subject (by default a task definition) to the findings of one rule."""

    def register(function: CheckFunction) -> CheckFunction:
        if rule_id in CHECKS:
            raise ValueError(f"two checks registered for {rule_id}")
        CHECKS[rule_id] = Check(function, subject)
        return function

    return register


@cache
def load_all() -> dict[str, Check]:
    """Import every family module in this package so that their checks register themselves."""
    import importlib
    import pkgutil

    for module in sorted(info.name for info in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{module}")
    return dict(sorted(CHECKS.items()))
