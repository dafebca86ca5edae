"""`ecslint policy` from parsed arguments to exit code: read task definitions, plan their roles, write them or diff them."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from ecslint.check_command import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, UsageProblem
from ecslint.report.output import write_text
from ecslint.documents.files import DEFAULT_EXCLUDE, InputError, collect
from ecslint.subjects.quoting import quote_text


class PolicyArguments(NamedTuple):
    paths: tuple[str, ...] = ()
    output_format: str = "json"
    output: Path | None = None
    diff: bool = False
    task_role: bool = False
    iam_files: tuple[Path, ...] = ()
    aws: tuple[str, ...] = ()
    aws_iam: bool = False
    validate: bool = False
    profile: str | None = None
    region: str | None = None
    stdin_filename: str | None = None
    no_cache: bool = False

    @property
    def uses_aws(self) -> bool:
        return bool(self.aws) or self.aws_iam or self.validate


class _Subject(NamedTuple):
    task: object  # TaskDefinition, with its IAM context
    path: str
    live: bool


def _iam_context(arguments: PolicyArguments, session):
    iam = None
    if arguments.iam_files:
        from ecslint.iam.context import IamInputError, load_iam_files

        try:
            iam = load_iam_files(list(arguments.iam_files))
        except IamInputError as error:
            raise UsageProblem(str(error)) from None
    if session is not None and (arguments.aws_iam or (arguments.aws and arguments.diff)):
        from ecslint.aws.iam import live_context

        iam = live_context(iam, session)
    return iam


def _sources(arguments: PolicyArguments, session):
    cwd = Path.cwd()
    if arguments.paths or not arguments.aws:
        yield from collect(list(arguments.paths), cwd, cwd, list(DEFAULT_EXCLUDE), False, arguments.stdin_filename)
    if arguments.aws:
        from ecslint.aws import task_definitions as live

        try:
            yield from live.fetch_task_definitions(session, list(arguments.aws), False)
        except live.LiveError as error:
            raise UsageProblem(str(error)) from None


def read_subjects(arguments: PolicyArguments, session, stderr) -> tuple[list[_Subject], bool, object]:
    """The task definitions of every input, each with the roles its own template and the IAM inputs define; and whether any input failed."""
    from dataclasses import replace

    from ecslint.documents.parse import Unparsable
    from ecslint.engine import NOT_A_TASK_DEFINITION
    from ecslint.front_ends import parse, recognise
    from ecslint import cache, per_run
    from ecslint.subjects.task_definition import TaskDefinition

    per_run.new_run()
    cache.use(not arguments.no_cache)
    iam = _iam_context(arguments, session)
    subjects: list[_Subject] = []
    failed = False
    for source in _sources(arguments, session):
        if isinstance(source, InputError):
            stderr.write(f"ecslint: error: {source.display_path}: {source.message}\n")
            failed = True
            continue
        parsed = parse(source.display_path, source.raw)
        if isinstance(parsed, Unparsable):
            if source.explicit or parsed.looks_relevant:
                region = parsed.finding.region
                stderr.write(f"ecslint: error: {source.display_path}:{region.start_line}:{region.start_column}: {parsed.finding.message}\n")
                failed = True
            continue
        found = recognise(parsed)
        if found is None:
            if source.explicit:
                stderr.write(f"ecslint: error: {source.display_path}: {NOT_A_TASK_DEFINITION}\n")
                failed = True
            continue
        for subject in found:
            if not isinstance(subject, TaskDefinition):
                continue
            if iam is not None:
                own = subject.iam.roles if subject.iam is not None else []
                subject = replace(subject, iam=replace(iam, roles=own + iam.roles))
            subjects.append(_Subject(subject, source.display_path, source.live))
    return subjects, failed, iam


def _fallback_family(subject: _Subject) -> str:
    logical = getattr(subject.task, "logical_id", None) or getattr(subject.task, "address", None)
    if logical:
        return str(logical)
    return Path(subject.path).name.split(".", 1)[0] or "task"


def run_policy(arguments: PolicyArguments, stdout, stderr) -> int:
    from ecslint.iam.least_privilege import family_of, plan_execution_role
    from ecslint.iam.offline_validation import problems

    session = _live_session(arguments) if arguments.uses_aws else None
    subjects, failed, iam = read_subjects(arguments, session, stderr)
    if not subjects:
        if not failed:
            stderr.write("ecslint: error: no task definition found in the inputs\n")
        return EXIT_ERROR
    entries = []
    for subject in subjects:
        family = family_of(subject.task, _fallback_family(subject))
        execution = plan_execution_role(subject.task, family)
        task_role = None
        if arguments.task_role:
            from ecslint.iam.task_role_skeleton import plan_task_role

            task_role = plan_task_role(subject.task, family)
        entries.append((execution, task_role))
        for plan in (execution, task_role):
            for problem in problems(plan) if plan is not None else ():
                stderr.write(f"ecslint: error: {quote_text(family)}: generated {plan.kind} role policy: {problem}\n")
                failed = True
    if arguments.diff:
        from ecslint.iam.role_diff import diff_report

        text, differs, unresolved = diff_report([(subject.task, execution) for subject, (execution, _) in zip(subjects, entries)])
        _write(arguments, text, stdout)
        for note in getattr(iam, "notes", ()):
            stderr.write(f"ecslint: note: {note}\n")
        return EXIT_ERROR if failed or unresolved else (EXIT_FINDINGS if differs else EXIT_CLEAN)
    from ecslint.iam.role_formats import render

    _write(arguments, render(arguments.output_format, entries), stdout)
    if arguments.output_format == "iam":
        from ecslint.iam.role_formats.iam_role import notes

        for note in notes(entries):
            stderr.write(f"ecslint: note: {note}\n")
    if arguments.validate:
        from ecslint.aws.access_analyzer import validate_plans
        from ecslint.aws.task_definitions import LiveError

        try:
            findings = validate_plans(session, [plan for entry in entries for plan in entry if plan is not None and plan.statements])
        except LiveError as error:
            raise UsageProblem(str(error)) from None
        for line in findings:
            stderr.write(f"ecslint: {line}\n")
        if findings:
            return EXIT_FINDINGS if not failed else EXIT_ERROR
    return EXIT_ERROR if failed else EXIT_CLEAN


def _live_session(arguments: PolicyArguments):
    from ecslint.aws import task_definitions as live

    try:
        return live.session(arguments.profile, arguments.region)
    except live.LiveError as error:
        raise UsageProblem(str(error)) from None


def _write(arguments: PolicyArguments, text: str, stdout) -> None:
    if arguments.output is None:
        stdout.write(text)
        return
    try:
        write_text(arguments.output, text)
    except OSError as error:
        raise UsageProblem(f"cannot write {arguments.output}: {error.strerror or error}") from None
