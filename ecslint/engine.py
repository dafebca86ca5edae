"""One lint run: documents -> task definitions -> checks -> suppressions -> located, sorted findings."""

from __future__ import annotations

from typing import NamedTuple

import os
from pathlib import Path

from dataclasses import replace
from itertools import chain, islice

from ecslint import per_run, workers

from ecslint.documents import pointer as jp
from ecslint.checks import checks_for
from ecslint.config import Config
from ecslint.documents.parse import Document, Unparsable
from ecslint.report.findings import Finding, Located, Region, RelatedLocation, SharedValues, packed
from ecslint.subjects.quoting import quote_pointer
from ecslint.subjects.run import Run
from ecslint.subjects.task_definition import TaskDefinition
from ecslint.front_ends import WALK_MARKERS, parse, recognise
from ecslint.rulebook import all_rules
from ecslint.selection import ALWAYS_ENABLED, matches
from ecslint.documents.files import InputError, Skipped, Source, Unread, path_matches, read

NOT_A_TASK_DEFINITION = (
    "Not a document ecslint reads: expected an ECS task definition (RegisterTaskDefinition input, "
    'describe-task-definition output or a list of container definitions), a CloudFormation template or '
    "Terraform configuration or plan with one, an ECS service definition (create-service input or describe-services output), "
    "an ECR lifecycle policy, `aws ecr` output (repositories, policies, registry settings), or an ECS AppSpec file."
)


class Report:
    """What a run found and met along the way; formatters read it, the CLI turns it into an exit code."""

    def __init__(self, findings: list[Located] | None = None, files_checked: int = 0):
        self.findings: list[Located] = findings or []
        self.input_errors: list[InputError] = []
        self.internal_errors: list[str] = []
        self.files_checked = files_checked
        # Task definitions fetched from AWS (--aws): counted apart, since they are not files.
        self.live_checked = 0
        # Display path -> source bytes, for files with findings when the report shows source excerpts.
        self.sources: dict[str, bytes] = {}
        # Display paths of files the run's documents read (Terraform's file()): findings may be reported in them.
        self.read_files: set[str] = set()
        self.task_definitions = 0
        self.suppressed = 0
        self.skipped: list[str] = []
        # Role ARNs (or names) whose policies no IAM input supplied: their IAM rules were skipped.
        self.unresolved_roles: set[str] = set()
        # Terraform module calls not followed (registry, remote): address -> source.
        self.unfollowed_modules: dict[str, str] = {}
        self.baseline_hidden = 0
        # Baseline entries that matched no finding: fixed problems the baseline can drop.
        self.baseline_stale: list[dict] = []
        # --write-baseline: (findings written from this run, entries carried over for paths outside it).
        self.baseline_written: tuple[int, int] = (0, 0)
        # Finding -> its text in the report, rendered where it was found by `prerendered_by` (Options.prerender).
        self.prerendered: dict[Located, str] = {}
        self.prerendered_by: object | None = None


class Options(NamedTuple):
    enabled: frozenset[str]
    config: Config
    inline_ignores: bool = True
    # Roles and policies from --iam (ecslint.iam.context.IamContext); None when none were given.
    iam: object | None = None
    # Rule ID -> level set by config or --level; it replaces every level the rule gives.
    levels: dict[str, str] = {}
    # Keep the bytes of files with findings (report.sources), for source excerpts.
    keep_sources: bool = False
    # Give each finding a pointer that names list items (report.stable_pointer), for baselines.
    stable_pointers: bool = False
    # Run -> more sources, read after the others and before the second pass; None for none.
    late_sources: object | None = None
    # Finding -> its text in the report (report.formatters.text.ConciseLine): a large run renders its findings
    # chunk by chunk, in the workers, rather than in one process at the end. None: the formatters do it all.
    prerender: object | None = None


def _run_checks(subject, options: Options, report: Report, only: frozenset[str] | None = None) -> list[Finding]:
    found: list[Finding] = []
    for rule_id, registered in checks_for(type(subject)):
        if rule_id not in options.enabled or (only is not None and rule_id not in only):
            continue
        try:
            found.extend(registered.function(subject))
        except Exception as error:  # a bug in one check must not hide the other findings
            report.internal_errors.append(f"internal error in {rule_id} on {subject.document.path}: {type(error).__name__}: {error}")
    return found


def _is_suppressed_by_config(rule_id: str, pointer: str, path: Path | None, config: Config) -> bool:
    if path is None or rule_id == ALWAYS_ENABLED:
        return False
    for pattern, selectors in config.per_file_ignores.items():
        if matches(rule_id, [s.upper() for s in selectors]) and path_matches(path, config.root, [pattern]):
            return True
    for entry in config.ignore_entries:
        if not matches(rule_id, [entry.rule.upper()]):
            continue
        if entry.pointer is not None and not jp.is_within(pointer, entry.pointer):
            continue
        if path_matches(path, config.root, [entry.path]):
            return True
    return False


def _related_location(related) -> RelatedLocation:
    """A related place, in the file the document read there when it did (`file("containers.json")`)."""
    document, pointer = related.document, related.pointer
    part = document.part_at(pointer) if hasattr(document, "part_at") else None
    if part is not None:
        taken_in_at, included = part
        document, pointer = included.document, pointer[len(taken_in_at) :]
    # Regions come from the pointers as found; reports show them quoted, since a key may itself be a secret.
    return RelatedLocation(document.path, quote_pointer(pointer), document.region(pointer), related.message)


def _locate(finding: Finding, document: Document | None, source: Source, options: Options) -> Located:
    rule = all_rules()[finding.rule_id]
    level = options.levels.get(rule.id) or finding.level or rule.level
    related = [_related_location(r) for r in finding.related]
    path, pointer, shown, reader = source.display_path, finding.pointer, document, None
    part = document.part_at(pointer) if document is not None and finding.region is None else None
    if part is not None:
        # Content a `.tf` file read from a JSON file (`file("containers.json")`) is reported in that file, at its own
        # lines and pointer as if it were linted itself; the attribute that read it is a related location.
        taken_in_at, included = part
        related.append(RelatedLocation(path, quote_pointer(taken_in_at), document.region(taken_in_at), included.reader))
        reader = (path, quote_pointer(pointer))
        shown, path, pointer = included.document, included.document.path, pointer[len(taken_in_at) :]
    region = finding.region or (shown.region(pointer) if shown is not None else None)
    logical = source.display_path if source.live else None
    located = Located(path, rule.id, rule.name, level, finding.message, quote_pointer(pointer), region or Region(1, 1, 1, 1), tuple(related), logical, read_from=reader)
    if options.stable_pointers and shown is not None:
        from ecslint.report.stable_pointer import stable_pointer

        located = located._replace(stable_pointer=quote_pointer(stable_pointer(shown.data, pointer)))
    return located


class _RunSoFar:
    """What a run keeps for its second pass: its task definitions, and the subjects that check against them
    (an AppSpec, a service); and all its subjects, for those judged with the whole run (ecslint.subjects.run)."""

    def __init__(self):
        self.run = Run()
        self.task_definitions: list = []
        # id(task definition) -> (source, document): where findings on a task definition in the second pass go.
        self.task_definition_sources: dict[int, tuple] = {}
        self.waiting: list = []  # (subject, source, document)


def _count(source: Source, report: Report) -> None:
    if source.live:
        report.live_checked += 1
    else:
        report.files_checked += 1


def lint_source(source: Source, options: Options, report: Report, so_far: _RunSoFar | None = None) -> None:
    if not source.explicit and not source.display_path.lower().endswith(".json") and not any(marker.encode() in source.raw for marker in WALK_MARKERS):
        report.skipped.append(f"{source.display_path}: no ECS content")
        return
    parsed = parse(source.display_path, source.raw)
    if isinstance(parsed, Unparsable):
        if not source.explicit and not parsed.looks_relevant:
            report.skipped.append(f"{source.display_path}: {parsed.finding.message}")
            return
        _count(source, report)
        kept = [parsed.finding] if "ECS001" in options.enabled else []
        _keep(kept, source, None, options, report)
        return
    subjects = recognise(parsed)
    if subjects is None:
        if not source.explicit:
            report.skipped.append(f"{source.display_path}: not a task definition")
            return
        _count(source, report)
        kept = [Finding("ECS001", "", NOT_A_TASK_DEFINITION)] if "ECS001" in options.enabled else []
        _keep(kept, source, parsed, options, report)
        return
    _count(source, report)
    # Files it read (Terraform's file()) are checked with it, and findings may be reported in them.
    read = {part.document.path for part in parsed.parts.values()}
    report.files_checked += len(read)
    report.read_files.update(read)
    for subject in subjects:
        if isinstance(subject, TaskDefinition):
            report.task_definitions += 1
            if options.iam is not None:
                # Roles from the template itself come first; --iam and --aws-iam add to them.
                subject = _with_run_iam(subject, options.iam)
            if so_far is not None:
                so_far.task_definitions.append(subject)
                so_far.task_definition_sources[id(subject)] = (source, parsed)
        if so_far is not None:
            so_far.run.add(subject)
            if getattr(subject, "needs_run_task_definitions", False) or getattr(subject, "needs_run", False):
                so_far.waiting.append((subject, source, parsed))
                continue
        _check_subject(subject, source, parsed, options, report)
    # Findings are located; what the second pass may still need is the data, not the index of positions.
    parsed.forget_positions()


def _kept_findings(subject, options: Options, report: Report, only: frozenset[str] | None) -> list[Finding]:
    alternatives = getattr(subject, "alternatives", ())
    if alternatives:
        # Values that depend on a condition the front end cannot decide: only what every way it goes has stands.
        from ecslint.subjects.alternatives import agreed

        return agreed([_kept_findings(view, options, report, only) for view in subject.alternative_views()], subject.alternative_conditions)
    # Front ends with values only known at deploy time (Terraform variables, CloudFormation
    # parameters) drop findings that would judge a placeholder.
    return [f for f in _run_checks(subject, options, report, only) if subject.keeps(f)]


def _with_run_iam(subject, iam):
    """The subject (and each of its alternatives) with the run's roles after its own: --iam and --aws-iam add to them."""
    own = subject.iam.roles if subject.iam is not None else []
    # Without roles of its own the subject shares the run's context (and its role index) as it is.
    changed = replace(subject, iam=replace(iam, roles=own + iam.roles) if own else iam)
    if getattr(subject, "alternatives", ()):
        changed = replace(changed, alternatives=tuple(_with_run_iam(alternative, iam) for alternative in subject.alternatives))
    return changed


def _check_subject(subject, source: Source, document: Document, options: Options, report: Report, only: frozenset[str] | None = None, note: str = "") -> None:
    found = _kept_findings(subject, options, report, only)
    if note:
        found = [f._replace(message=f"{f.message} {note}") for f in found]
    if getattr(subject, "iam", None) is not None:
        from ecslint.iam.task_roles import unresolved_roles

        report.unresolved_roles.update(unresolved_roles(subject))
        report.unfollowed_modules.update(getattr(subject.iam, "unfollowed", None) or {})
    if options.inline_ignores and (entries := subject.ignore_entries()):
        from ecslint import inline_ignores

        applied = inline_ignores.apply(found, entries, all_rules(), options.enabled)
        found = applied.kept + applied.notes
        report.suppressed += applied.suppressed
    # Checks speak the API's field names; front ends map them back to the source's own keys,
    # spelling and expressions.
    found = [_in_source_terms(subject, f) for f in found]
    # A Terraform plan names where the resource is declared; every finding on it links there.
    if (declaration := getattr(subject, "declaration", None)) is not None:
        found = [f._replace(related=f.related + (declaration,)) for f in found]
    _keep(found, source, document, options, report)


def _in_source_terms(subject, finding: Finding) -> Finding:
    finding = finding._replace(message=subject.spell_message(finding.message, finding.pointer))
    message_for = getattr(subject, "message_for", None)
    if message_for is not None:
        finding = finding._replace(message=message_for(finding))
    return finding._replace(pointer=subject.source_pointer(finding.pointer))


def _keep(found: list[Finding], source: Source, document: Document | None, options: Options, report: Report) -> None:
    if options.keep_sources and found and not source.live:
        report.sources[source.display_path] = source.raw
    for finding in found:
        if _is_suppressed_by_config(finding.rule_id, finding.pointer, source.real_path, options.config):
            report.suppressed += 1
            continue
        part = document.part_at(finding.pointer) if document is not None and finding.region is None else None
        if part is not None:
            # Reported in a file the document read: that file's own config entries apply too.
            taken_in_at, included = part
            if _is_suppressed_by_config(finding.rule_id, finding.pointer[len(taken_in_at) :], Path(included.document.path), options.config):
                report.suppressed += 1
                continue
            if options.keep_sources:
                report.sources.setdefault(included.document.path, included.document.text.encode("utf-8", "surrogateescape"))
        report.findings.append(_locate(finding, document, source, options))


def _terraform_reading(source: Source):
    """For a JSON file (or template) that a `.tf` file beside or above it reads with file()/templatefile(): that folder."""
    if source.real_path is None or source.live or not source.display_path.endswith((".json", ".tpl", ".tftpl")):
        return None
    from ecslint.documents.includes import terraform_reading

    return terraform_reading(source.real_path)


def _lint_guarded(source: Source, options: Options, report: Report, so_far: _RunSoFar) -> None:
    """One input that breaks the front end costs its own findings, never the other files' (or the report)."""
    findings_before, waiting_before, tasks_before = len(report.findings), len(so_far.waiting), len(so_far.task_definitions)
    try:
        lint_source(source, options, report, so_far)
    except Exception as error:
        del report.findings[findings_before:]
        del so_far.waiting[waiting_before:]
        for subject in so_far.task_definitions[tasks_before:]:
            so_far.task_definition_sources.pop(id(subject), None)
        del so_far.task_definitions[tasks_before:]
        if isinstance(error, RecursionError):
            report.input_errors.append(InputError(source.display_path, "nested too deeply to lint (no findings for this file)"))
        else:
            report.internal_errors.append(f"internal error on {source.display_path}: {type(error).__name__} (no findings for this file; set ECSLINT_DEBUG=1 for details)")
        if os.environ.get("ECSLINT_DEBUG"):
            raise


class _Chunk(NamedTuple):
    """What a worker sends back for one chunk of inputs."""

    # Everything but the findings, which come sorted, as columns (ecslint.report.findings.packed).
    report: Report
    findings: list
    # (index in the chunk, has waiting subjects) of each source the second pass pairs.
    pairing: list[tuple[int, bool]]
    # (index, folder) of JSON files a .tf file in that folder reads: the parent lints them after the run's .tf files.
    deferred: list[tuple[int, object]]
    terraform_folders: set
    # The text of each finding, in the same order, when the run prerenders them (Options.prerender).
    prerendered: list[str]


def _lint_chunk(chunk: list) -> _Chunk:
    """In a worker: read and lint one chunk of inputs, as the serial run does, in order."""
    options = workers.shared()
    result = _Chunk(Report(), [], [], [], set(), [])
    for index, entry in enumerate(chunk):
        source = _read(entry)
        if isinstance(source, InputError):
            result.report.input_errors.append(source)
        elif isinstance(source, Skipped):
            result.report.skipped.append(f"{source.display_path}: {source.reason}")
        elif (folder := _put_aside(source, result.terraform_folders)) is not None:
            result.deferred.append((index, folder))
        else:
            so_far = _RunSoFar()
            _lint_guarded(source, options, result.report, so_far)
            if so_far.task_definitions or so_far.waiting:
                result.pairing.append((index, bool(so_far.waiting)))
    # Sorted here, on every core: chunks come in walk order, so the run's own sort finds them in order, or close to it.
    # The sort is stable, as the run's is, and equal findings keep the order they were found in.
    findings = sorted(result.report.findings, key=Located.sort_key)
    result.report.findings = []
    result.findings.extend(packed(findings))
    if options.prerender is not None:
        result.prerendered.extend(map(options.prerender, findings))
    return result


def _read(entry):
    """A source, or why it cannot be read; files the walk found are read only now (in a worker, for large runs)."""
    return read(entry) if isinstance(entry, Unread) else entry


def _first_pass_in_workers(entries, options: Options, report: Report, so_far: _RunSoFar, deferred: list, terraform_folders: set, in_workers: bool = True) -> None:
    again, waiting = [], False
    shared = SharedValues()
    report.prerendered_by = options.prerender
    for chunk, part in workers.map_chunks(entries, _lint_chunk, options, in_workers):
        part.report.findings = shared.unpacked(part.findings)
        report.prerendered.update(zip(part.report.findings, part.prerendered))
        workers.merge_into(report, part.report)
        again.extend(chunk[index] for index, _ in part.pairing)
        waiting = waiting or any(has_waiting for _, has_waiting in part.pairing)
        deferred.extend((chunk[index], folder) for index, folder in part.deferred)
        terraform_folders.update(part.terraform_folders)
    if not waiting:
        return  # task definitions matter to the second pass only when something waits for them
    # The workers checked every file; read again, without checks, the files the second pass pairs.
    collecting = options._replace(enabled=frozenset())
    for entry in again:
        source = _read(entry)
        if isinstance(source, Source):
            _lint_guarded(source, collecting, Report(), so_far)


def _put_aside(source: Source, terraform_folders: set):
    """For a JSON file that Terraform beside or above it reads (linted last), that folder; notes the folders whose .tf files the run lints."""
    if (folder := _terraform_reading(source)) is not None:
        return folder
    if source.real_path is not None and source.display_path.endswith(".tf"):
        terraform_folders.add(source.real_path.parent)
    return None


def run(sources, options: Options) -> Report:
    per_run.new_run()
    report = Report()
    so_far = _RunSoFar()
    sources = iter(sources)
    # Enough files to gain from worker processes? Look ahead only as far as it takes to know.
    ahead = list(islice(sources, workers.MIN_FILES))
    # JSON files a .tf file beside them reads: linted after the run's .tf files, unless one of them read it.
    # (file, the folder whose Terraform reads it); a file is an Unread entry when a worker put it aside.
    deferred: list[tuple[object, object]] = []
    terraform_folders: set = set()
    if len(ahead) >= workers.MIN_FILES and not hasattr(options.iam, "session"):
        # A large run keeps findings, not documents, in workers or (one core) chunk by chunk in this process.
        in_workers = workers.worth_it(len(ahead), live_session=False)
        _first_pass_in_workers(chain(ahead, sources), options, report, so_far, deferred, terraform_folders, in_workers)
    else:
        for entry in chain(ahead, sources):
            source = _read(entry)
            if isinstance(source, InputError):
                report.input_errors.append(source)
            elif isinstance(source, Skipped):
                report.skipped.append(f"{source.display_path}: {source.reason}")
            elif (folder := _put_aside(source, terraform_folders)) is not None:
                deferred.append((source, folder))
            else:
                _lint_guarded(source, options, report, so_far)
    for entry, folder in deferred:
        source = _read(entry)
        if isinstance(source, InputError):  # gone since a worker read it
            report.input_errors.append(source)
        elif isinstance(source, Skipped):
            report.skipped.append(f"{source.display_path}: {source.reason}")
        elif folder in terraform_folders:
            report.skipped.append(f"{source.display_path}: linted with the Terraform configuration that reads it")
        else:
            _lint_guarded(source, options, report, so_far)
    if options.late_sources is not None:
        # Sources that depend on what the run has read (with --aws, the repositories its task definitions pull from).
        for source in options.late_sources(so_far.run):
            if isinstance(source, InputError):
                report.input_errors.append(source)
            else:
                _lint_guarded(source, options, report, so_far)
    # Second pass: subjects that compare themselves with the run's task definitions (an AppSpec
    # with the one it deploys, ECS902), or with the whole run (a repository with the registry's
    # scanning configuration, ECS810; a task definition with the repositories it pulls from), are
    # checked once every document has been read.
    done: set[tuple[int, str]] = set()
    for subject, source, document in so_far.waiting:
        subject = subject.with_run(so_far.run) if getattr(subject, "needs_run", False) else subject.with_run_task_definitions(so_far.task_definitions)
        _check_subject(subject, source, document, options, report)
        # A subject can make task-definition rules apply that the task definition alone does not call for
        # (a service on Fargate: ECS301, ECS401, ECS402); they run once per task definition and rule set.
        for original, view, rules, note in getattr(subject, "partner_checks", lambda: ())():
            key = (id(original), ",".join(sorted(rules)))
            if key in done or id(original) not in so_far.task_definition_sources:
                continue
            done.add(key)
            partner_source, partner_document = so_far.task_definition_sources[id(original)]
            _check_subject(view, partner_source, partner_document, options, report, frozenset(rules), note)
    _recheck_with_run(so_far, options, report)
    if len(report.findings) > 1 and any(finding.rule_id.startswith("ECS1") for finding in report.findings):
        from ecslint.report.shared_roles import merge_shared_roles

        report.findings = merge_shared_roles(report.findings)
    report.findings.sort(key=Located.sort_key)
    return report


def _recheck_with_run(so_far: _RunSoFar, options: Options, report: Report) -> None:
    """Task definitions the rest of the run tells more about (one pulling from a repository defined in the run):
    the rules that read it (ECS601, ECS602, ECS105) judge them again, in place of their first-pass findings."""
    for task in so_far.task_definitions:
        again = task.recheck_with_run(so_far.run) if so_far.run.has(*task.paired_kinds) else None
        if again is None or id(task) not in so_far.task_definition_sources:
            continue
        view, rules = again
        source, document = so_far.task_definition_sources[id(task)]
        root = task.source_pointer(task.pointer)
        report.findings = [f for f in report.findings if not (f.rule_id in rules and _found_under(f, source, document, root))]
        _check_subject(view, source, document, options, report, frozenset(rules))


def _found_under(finding: Located, source: Source, document: Document, root: str) -> bool:
    """Whether a finding is at or under `root` of the document: in it, or in a file it read there (which
    the finding names as its last related location, the attribute that read it)."""
    if finding.path == source.display_path:
        return jp.is_within(finding.pointer, root)
    reader = finding.related[-1] if finding.related else None
    if reader is None or reader.path != source.display_path:
        return False
    return any(reader.pointer == quote_pointer(taken_in_at) and jp.is_within(taken_in_at, root) for taken_in_at in document.parts)
