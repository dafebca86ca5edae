"""The registry that ties each rule ID to the one function that checks it.

Checks of the task definition live in this package's own modules, imported by every run. A kind of
subject that most runs never meet (a service) keeps its checks in a subpackage named by the subject
class's `check_package`, imported only when such a subject turns up: a pre-commit run on one task
definition never pays for them.
"""

from __future__ import annotations

from typing import NamedTuple

from collections.abc import Callable, Iterable
from functools import cache

from ecslint.report.findings import Finding
from ecslint.subjects.task_definition import TaskDefinition

CheckFunction = Callable[[object], Iterable[Finding]]


class Check(NamedTuple):
    function: CheckFunction
    # What the check reads: a TaskDefinition, or another recognised subject (ecslint.documents.shapes).
    subject: type


# (rule ID, subject type) -> check: a rule may judge more than one kind of subject (ECS002 judges
# task definitions and services, each against its own schema), each with a function of its own.
CHECKS: dict[tuple[str, type], Check] = {}


def check(rule_id: str, subject: type = TaskDefinition) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check: a pure function from one subject (by default a task definition) to the findings of one rule."""

    def register(function: CheckFunction) -> CheckFunction:
        if (rule_id, subject) in CHECKS:
            raise ValueError(f"two checks registered for {rule_id} on {subject.__name__}")
        CHECKS[(rule_id, subject)] = Check(function, subject)
        return function

    return register


@cache
def _load_package(package: str, with_subpackages: bool) -> None:
    import importlib
    import pkgutil

    path = importlib.import_module(package).__path__
    for info in sorted(pkgutil.iter_modules(path), key=lambda info: info.name):
        if info.ispkg:
            if with_subpackages:
                _load_package(f"{package}.{info.name}", True)
        else:
            importlib.import_module(f"{package}.{info.name}")


def load_all() -> dict[str, Check]:
    """Every rule's check, of every kind of subject (the catalogue, docs and meta-tests want them all);
    for a rule that judges several kinds, its task-definition check."""
    _load_package(__name__, True)
    found: dict[str, Check] = {}
    for (rule_id, subject), registered in sorted(CHECKS.items(), key=lambda item: (item[0][0], item[0][1] is not TaskDefinition)):
        found.setdefault(rule_id, registered)
    return found


@cache
def checks_for(subject_type: type) -> tuple[tuple[str, Check], ...]:
    """The checks a subject of this type gets, importing its subject's own check package first if it has one."""
    _load_package(__name__, False)
    if (package := getattr(subject_type, "check_package", None)) is not None:
        _load_package(package, True)
    return tuple((rule_id, registered) for (rule_id, _), registered in sorted(CHECKS.items(), key=lambda item: item[0][0]) if issubclass(subject_type, registered.subject))
