"""`ecslint check` from parsed arguments to exit code: settings, the run, reports, baseline."""

from __future__ import annotations

from typing import NamedTuple

import os
from pathlib import Path

from ecslint import cache
from ecslint.config import Config, ConfigError, discover
from ecslint.engine import Options, Report, run
from ecslint.report.findings import LEVEL_RANK
from ecslint.report.formatters import FORMATS, FormatContext, render_pieces
from ecslint.report.output import is_stdout, write_text
from ecslint.documents.paths import repository_relative, repository_root
from ecslint.rulebook import all_rules
from ecslint.selection import UnknownSelector, enabled_rules, parse_level_options, refuse_ignoring_always_enabled, resolve_levels, validate
from itertools import chain

from ecslint.documents.files import DEFAULT_EXCLUDE, InputError, Source, Unread, collect
from ecslint.documents.reading import os_error_reason, read_regular_file
from ecslint.subjects.quoting import escape

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageProblem(Exception):
    """Arguments, config or side files that make the run impossible: exit 2 with one line."""


class CheckArguments(NamedTuple):
    paths: tuple[str, ...] = ()
    output_format: str | None = None
    output: Path | None = None
    reports: tuple[str, ...] = ()
    fail_on: str | None = None
    exit_zero: bool = False
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    config_path: Path | None = None
    isolated: bool = False
    stdin_filename: str | None = None
    force_exclude: bool = False
    no_inline_ignores: bool = False
    sarif_category: str | None = None
    no_color: bool = False
    verbose: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    iam_files: tuple[Path, ...] = ()
    aws: tuple[str, ...] = ()
    aws_all: bool = False
    aws_iam: bool = False
    clusters: tuple[str, ...] = ()
    profile: str | None = None
    region: str | None = None
    levels: tuple[str, ...] = ()
    detail: str | None = None  # text findings: concise (default) or full
    statistics: bool = False
    quiet: bool = False
    skip_unrecognised: bool = False
    respect_gitignore: bool | None = None
    no_cache: bool = False

    @property
    def uses_aws(self) -> bool:
        return bool(self.aws) or self.aws_all or self.aws_iam


class ReportTarget(NamedTuple):
    format: str
    path: Path | None  # None: stdout


def split_selectors(values: tuple[str, ...] | list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_report_option(value: str) -> ReportTarget:
    """`--report FORMAT[:FILE]`: another report from the same run."""
    name, _, path = value.partition(":")
    if name not in FORMATS:
        raise UsageProblem(f"--report {value!r}: the format must be one of {', '.join(FORMATS)} (as FORMAT or FORMAT:FILE)")
    return ReportTarget(name, None if is_stdout(path or None) else Path(path))


class RuleSettings(NamedTuple):
    enabled: list[str]
    # Rule ID -> level, for rules whose level the config or --level changed ("off" ones are not enabled).
    levels: dict[str, str]


def _rule_settings(arguments: CheckArguments, config: Config) -> RuleSettings:
    rules = all_rules()
    try:
        chosen = validate(split_selectors(arguments.select) if arguments.select else (config.select or ["ECS"]), rules)
        chosen += validate(config.extend_select + split_selectors(arguments.extend_select), rules)
        ignored = validate(config.ignore + config.extend_ignore + split_selectors(arguments.ignore) + split_selectors(arguments.extend_ignore), rules)
        refuse_ignoring_always_enabled(ignored)
        _normalise_config_selectors(config, rules)
        levels = resolve_levels([*config.levels.items(), *parse_level_options(arguments.levels).items()], rules)
    except UnknownSelector as error:
        raise UsageProblem(str(error)) from None
    enabled = [rule_id for rule_id in enabled_rules(rules, chosen, ignored) if levels.get(rule_id) != "off"]
    return RuleSettings(enabled, {rule_id: level for rule_id, level in levels.items() if level != "off"})


def _normalise_config_selectors(config: Config, rules) -> None:
    """Per-file ignores and ignore entries may name rules; the engine matches IDs and prefixes."""
    config.per_file_ignores = {pattern: validate(selectors, rules) for pattern, selectors in config.per_file_ignores.items()}
    config.ignore_entries = [entry._replace(rule=validate([entry.rule], rules)[0]) for entry in config.ignore_entries]


def effective_levels(levels: tuple[str, ...], config_path: Path | None, isolated: bool) -> list:
    """Every rule at the level `check` would give it with this config and --level; "off" for disabled ones."""
    config = _config(Path.cwd(), config_path, isolated)
    settings = _rule_settings(CheckArguments(levels=levels), config)
    catalogue = effective_catalogue(settings)
    return [catalogue.get(rule_id, rule._replace(level="off")) for rule_id, rule in all_rules().items()]


def _config(cwd: Path, explicit: Path | None, isolated: bool) -> Config:
    try:
        return discover(cwd, explicit, isolated)
    except ConfigError as error:
        raise UsageProblem(str(error)) from None


def effective_catalogue(settings: RuleSettings) -> dict:
    """The enabled rules as formatters see them: each at its effective level."""
    rules = all_rules()
    return {rule_id: rules[rule_id]._replace(level=settings.levels.get(rule_id, rules[rule_id].level)) for rule_id in settings.enabled}


def _iam_context(paths: tuple[Path, ...]):
    if not paths:
        return None
    from ecslint.iam.context import IamInputError, load_iam_files

    try:
        return load_iam_files(list(paths))
    except IamInputError as error:
        raise UsageProblem(str(error)) from None


def _live_session(arguments: CheckArguments):
    """(session, None), or (None, the one line saying why AWS cannot be used): the other inputs are still linted."""
    from ecslint.aws import task_definitions as live

    try:
        return live.session(arguments.profile, arguments.region), None
    except live.LiveError as error:
        return None, str(error)


def _with_live_sources(sources, session, arguments: CheckArguments):
    """Files first, then the task definitions fetched from AWS (read-only calls)."""
    from itertools import chain

    from ecslint.aws import task_definitions as live

    def fetched():
        try:
            if arguments.clusters:
                # With --cluster, --aws names services (and --aws-all means every service of the clusters).
                from ecslint.aws.services import fetch_services

                yield from fetch_services(session, list(arguments.clusters), list(arguments.aws), arguments.aws_all)
            else:
                yield from live.fetch_task_definitions(session, list(arguments.aws), arguments.aws_all)
        except live.LiveError as error:
            # One line on stderr and exit 2; the files before it are still reported.
            yield InputError("", str(error))

    return chain(sources, fetched())


def _written_line(report: Report, arguments: CheckArguments) -> str:
    """What --write-baseline wrote: today's findings, how many of them --baseline did not record, what it carried over."""
    from ecslint.report.formatters.common import plural

    written, carried = report.baseline_written
    line = f"ecslint: wrote {plural(written, 'finding')} to the baseline {arguments.write_baseline}"
    if arguments.baseline is not None:
        line += f" ({len(report.findings)} not in {arguments.baseline}, {report.baseline_hidden} already there)"
    if carried:
        line += f"; kept {plural(carried, 'finding')} recorded for paths outside this run"
    return line + "\n"


def _run_scope(arguments: CheckArguments, cwd: Path, root: Path):
    """Does a baseline entry's path lie under what this run read? Entries outside it are left alone."""
    live_only = (arguments.aws or arguments.aws_all) and not arguments.paths
    named = [] if live_only else [arguments.stdin_filename or "<stdin>" if given == "-" else given for given in arguments.paths or ["."]]
    prefixes = [repository_relative(given, cwd, root).rstrip("/") for given in named]
    prefixes = ["" if prefix in ("", ".") else prefix for prefix in prefixes]

    def in_scope(path: str) -> bool:
        if path.startswith("arn:"):
            return arguments.uses_aws
        return any(prefix == "" or path == prefix or path.startswith(prefix + "/") for prefix in prefixes)

    return in_scope


def _read_baseline(path: Path):
    from ecslint.report import baseline

    try:
        return baseline.parse_bytes(read_regular_file(path, baseline.MAX_BASELINE_BYTES), str(path))
    except OSError as error:
        raise UsageProblem(f"cannot read baseline {path}: {os_error_reason(error)}") from None
    except baseline.BaselineError as error:
        raise UsageProblem(str(error)) from None


def _apply_baseline(report: Report, arguments: CheckArguments, cwd: Path, root: Path, stderr) -> None:
    from collections import Counter

    from ecslint.report import baseline

    keys = [(repository_relative(f.path, cwd, root), f.rule_id, f.stable_pointer or f.pointer) for f in report.findings]
    # Entries recorded by list index, or (for a file a `.tf` file read) at the `.tf` attribute, still match.
    index_keys = [(repository_relative(f.read_from[0], cwd, root), f.rule_id, f.read_from[1]) if f.read_from else (key[0], key[1], f.pointer) for key, f in zip(keys, report.findings)]
    named_scope = _run_scope(arguments, cwd, root)
    read = {repository_relative(path, cwd, root) for path in report.read_files}

    def in_scope(path: str) -> bool:
        return path in read or named_scope(path)

    recorded = _read_baseline(arguments.baseline) if arguments.baseline is not None else Counter()
    if arguments.write_baseline is not None:
        # Entries for paths this run did not read are carried over, not dropped.
        outside = Counter({key: count for key, count in recorded.items() if not in_scope(key[0])})
        try:
            write_text(arguments.write_baseline, baseline.render(Counter(keys) + outside))
        except OSError as error:
            raise UsageProblem(f"cannot write {arguments.write_baseline}: {error.strerror or error}") from None
        report.baseline_written = (len(keys), sum(outside.values()))
    if arguments.baseline is not None:
        applied = baseline.apply(report.findings, keys, baseline.within(recorded, in_scope), index_keys)
        report.findings, report.baseline_hidden, report.baseline_stale = applied.kept, applied.hidden, applied.stale


def _with_config_paths(arguments: CheckArguments, config: Config) -> CheckArguments:
    """`iam` and `baseline` from config, unless given on the command line (--write-baseline replaces the configured one)."""
    baseline = arguments.baseline
    if baseline is None and arguments.write_baseline is None and config.baseline is not None:
        baseline = Path(os.path.relpath(config.baseline))
    return arguments._replace(iam_files=arguments.iam_files or tuple(Path(os.path.relpath(path)) for path in config.iam), baseline=baseline)


def _as_if_walked(sources):
    """--skip-unrecognised: files named on the command line that are no ECS document are skipped quietly, as when walking."""
    for source in sources:
        yield source._replace(explicit=False) if isinstance(source, (Source, Unread)) else source


def _respect_gitignore(arguments: CheckArguments, config: Config) -> bool:
    return config.respect_gitignore if arguments.respect_gitignore is None else arguments.respect_gitignore


def _format_context(target: ReportTarget, arguments: CheckArguments, detail: str, cwd: Path, root: Path, stdout) -> FormatContext:
    color = target.path is None and stdout.isatty() and not arguments.no_color and not os.environ.get("NO_COLOR")
    return FormatContext(color=color, cwd=cwd, repository_root=root, category=arguments.sarif_category, detail=detail, statistics=arguments.statistics, quiet=arguments.quiet)


def _prerender(targets: list[ReportTarget], contexts: list[FormatContext]):
    """What a large run's workers render of the report as they go: the lines of the first concise text report."""
    for target, context in zip(targets, contexts):
        if target.format == "text":
            from ecslint.report.formatters.text import ConciseLine

            if ConciseLine.wanted(context):
                return ConciseLine(context)
    return None


def run_check(arguments: CheckArguments, stdout, stderr) -> int:
    cache.use(not arguments.no_cache)
    cwd = Path.cwd()
    config = _config(cwd, arguments.config_path, arguments.isolated)
    arguments = _with_config_paths(arguments, config)
    settings = _rule_settings(arguments, config)
    targets = [ReportTarget(arguments.output_format or config.format or "text", None if is_stdout(arguments.output) else arguments.output)]
    targets += [parse_report_option(value) for value in arguments.reports]
    if sum(target.path is None for target in targets) > 1:
        raise UsageProblem("only one report can go to stdout; give the others a file (--report FORMAT:FILE)")
    fail_on = "none" if arguments.exit_zero else (arguments.fail_on or config.fail_on or "warning")
    if arguments.clusters and not (arguments.aws or arguments.aws_all):
        raise UsageProblem("--cluster needs --aws SERVICE or --aws-all")
    iam = _iam_context(arguments.iam_files)
    session, live_problem = _live_session(arguments) if arguments.uses_aws else (None, None)
    if session is not None:
        from ecslint.aws.iam import live_context

        iam = live_context(iam, session)

    exclude = list(DEFAULT_EXCLUDE if config.exclude is None else config.exclude) + config.extend_exclude
    live_only = (arguments.aws or arguments.aws_all) and not arguments.paths
    sources = [] if live_only else collect(list(arguments.paths), cwd, config.root, exclude, arguments.force_exclude, arguments.stdin_filename, _respect_gitignore(arguments, config), read_now=False)
    if arguments.skip_unrecognised:
        sources = _as_if_walked(sources)
    late_sources = None
    if session is not None and (arguments.aws or arguments.aws_all):
        from ecslint.aws.ecr import registry_sources

        sources = _with_live_sources(sources, session, arguments)
        # The repositories the run's task definitions pull from (all of them with --aws-all), once they are read.
        late_sources = registry_sources(session, arguments.aws_all)
    if live_problem is not None:
        sources = chain(sources, [InputError("", live_problem)])
    detail = arguments.detail or config.output_format or "concise"
    keep_sources = detail == "full" and any(target.format == "text" for target in targets)
    uses_baseline = arguments.baseline is not None or arguments.write_baseline is not None
    root = repository_root(cwd)
    contexts = [_format_context(target, arguments, detail, cwd, root, stdout) for target in targets]
    options = Options(
        frozenset(settings.enabled),
        config,
        inline_ignores=not arguments.no_inline_ignores,
        iam=iam,
        levels=settings.levels,
        keep_sources=keep_sources,
        stable_pointers=uses_baseline,
        late_sources=late_sources,
        prerender=_prerender(targets, contexts),
    )
    report = run(sources, options)
    if arguments.baseline is not None or arguments.write_baseline is not None:
        _apply_baseline(report, arguments, cwd, root, stderr)

    enabled_catalogue = effective_catalogue(settings)
    for target, context in zip(targets, contexts):
        text = render_pieces(target.format, report, enabled_catalogue, context)
        if target.path is None:
            for piece in text:
                stdout.write(piece)
        else:
            try:
                write_text(target.path, text)
            except OSError as error:
                raise UsageProblem(f"cannot write {target.path}: {error.strerror or error}") from None

    if arguments.verbose:
        for line in report.skipped:
            stderr.write(f"ecslint: skipped {escape(line)}\n")
    for error in report.input_errors:
        stderr.write(f"ecslint: error: {escape(error.display_path) + ': ' if error.display_path else ''}{escape(error.message)}\n")
    for line in report.internal_errors:
        stderr.write(f"ecslint: {escape(line)}\n")
    for note in getattr(iam, "notes", ()):
        stderr.write(f"ecslint: note: {escape(note)}\n")
    if report.input_errors or report.internal_errors:
        return EXIT_ERROR
    if arguments.write_baseline is not None:
        stderr.write(_written_line(report, arguments))
        return EXIT_CLEAN
    if fail_on != "none" and any(LEVEL_RANK[f.level] >= LEVEL_RANK[fail_on] for f in report.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN

