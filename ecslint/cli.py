"""The `ecslint` command line: option parsing and wiring only; the work happens in engine and formatters."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ecslint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130
FAIL_ON_CHOICES = ("error", "warning", "note", "none")


def _version_text() -> str:
    from ecslint.checks.schema_validator import task_definition_schema

    return f"ecslint {__version__} (task-definition schema from botocore {task_definition_schema()['x-botocore-version']})"


def _fail(message: str) -> None:
    """Exit 2 with one line on stderr: the contract for unusable arguments and config."""
    from ecslint.subjects.quoting import escape

    click.echo(f"ecslint: error: {escape(str(message))}", err=True)
    sys.exit(EXIT_ERROR)


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_text())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version, help="Show the version and exit.")
def cli() -> None:
    """Lint Amazon ECS task definitions and the IAM roles they use."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github"]), help="Report format (default: text).")
@click.option("--output-format", "detail", type=click.Choice(["concise", "full"]), help="Text findings as one line (concise, the default) or with the whole message, related locations and a source excerpt (full).")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule instead of the findings.")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only, without the summary.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE (atomically) instead of stdout.")
@click.option("--report", "reports", multiple=True, metavar="FORMAT[:FILE]", help="Another report from the same run, e.g. sarif:ecslint.sarif (repeatable).")
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), help="Lowest level that makes the exit code 1 (default: warning).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings (same as --fail-on none).")
@click.option("--select", multiple=True, help="Rule IDs or prefixes to enable (replaces the configured set).")
@click.option("--extend-select", multiple=True, help="Rule IDs or prefixes to enable in addition.")
@click.option("--ignore", multiple=True, help="Rule IDs or prefixes to disable.")
@click.option("--extend-ignore", multiple=True, help="Rule IDs or prefixes to disable in addition.")
@click.option("--level", "levels", multiple=True, metavar="RULE=LEVEL", help="Set a rule's level: error, warning, note or off (e.g. ECS702=off; repeatable).")
@click.option("--iam", "iam_files", multiple=True, type=click.Path(path_type=Path), help="IAM roles and policies (aws iam get-account-authorization-details output; repeatable).")
@click.option("--aws", multiple=True, metavar="TASKDEF", help="Also lint a registered task definition: ARN, FAMILY:REVISION or FAMILY (latest ACTIVE); repeatable. Implies --aws-iam.")
@click.option("--aws-all", is_flag=True, help="Also lint the latest revision of every ACTIVE task definition family in the region. Implies --aws-iam.")
@click.option("--cluster", "clusters", multiple=True, metavar="NAME", help="With --aws SERVICE or --aws-all: lint services of this cluster (with their task definitions) instead of task definitions; repeatable.")
@click.option("--aws-iam", is_flag=True, help="Resolve the roles of every linted task definition live from IAM (read-only calls).")
@click.option("--profile", help="AWS profile for --aws, --aws-all and --aws-iam.")
@click.option("--region", help="AWS region for --aws and --aws-all.")
@click.option("--baseline", type=click.Path(path_type=Path), help="Hide findings recorded in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), help="Record today's findings in FILE and exit 0.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Use this config file instead of searching for one.")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("--stdin-filename", help="File name to report for input read from stdin (-).")
@click.option("--force-exclude", is_flag=True, help="Apply configured excludes to files named on the command line (and to --stdin-filename) too.")
@click.option("--skip-unrecognised", is_flag=True, help="Skip files named on the command line that are not ECS documents, instead of reporting ECS001 (pre-commit).")
@click.option("--respect-gitignore/--no-respect-gitignore", default=None, help="Skip files that .gitignore excludes when walking folders (default: on).")
@click.option("--no-inline-ignores", is_flag=True, help="Disregard `ecslint:ignore` tags (for audits).")
@click.option("--sarif-category", help="Set SARIF runs[0].automationDetails.id (otherwise the upload's category applies).")
@click.option("--no-color", is_flag=True, help="Never colour the text report (NO_COLOR is honoured too).")
@click.option("--verbose", "-v", is_flag=True, help="List files skipped while walking directories, on stderr.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache of parsed Terraform (ECSLINT_NO_CACHE=1 does the same).")
def check(**options) -> int:
    """Lint task definitions in PATHS (files or directories; - reads stdin; default: .)."""
    from ecslint.check_command import CheckArguments, UsageProblem, run_check

    try:
        return run_check(CheckArguments(**options), sys.stdout, sys.stderr)
    except UsageProblem as problem:
        _fail(str(problem))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "output_format", type=click.Choice(["json", "iam", "cloudformation", "terraform"]), default="json", show_default=True, help="How to write the roles.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE (atomically) instead of stdout.")
@click.option("--diff", is_flag=True, help="Compare with the current execution role (from --iam, the template or module, or --aws-iam); exit 1 when they differ.")
@click.option("--task-role", is_flag=True, help="Add a task-role skeleton for the sidecars and features the task definition shows.")
@click.option("--iam", "iam_files", multiple=True, type=click.Path(path_type=Path), help="IAM roles and policies, as `check --iam` takes them (for --diff; repeatable).")
@click.option("--aws", multiple=True, metavar="TASKDEF", help="Also read a registered task definition: ARN, FAMILY:REVISION or FAMILY; repeatable.")
@click.option("--aws-iam", is_flag=True, help="Read the current roles live from IAM (read-only calls), for --diff.")
@click.option("--validate", is_flag=True, help="Check the generated policies with IAM Access Analyzer ValidatePolicy (read-only).")
@click.option("--profile", help="AWS profile for --aws, --aws-iam and --validate.")
@click.option("--region", help="AWS region for --aws and --validate.")
@click.option("--stdin-filename", help="File name to report for input read from stdin (-).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache of parsed Terraform (ECSLINT_NO_CACHE=1 does the same).")
def policy(**options) -> int:
    """Write the least-privilege execution role each task definition in PATHS needs."""
    from ecslint.check_command import UsageProblem
    from ecslint.policy_command import PolicyArguments, run_policy

    try:
        return run_policy(PolicyArguments(**options), sys.stdout, sys.stderr)
    except UsageProblem as problem:
        _fail(str(problem))


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--level", "levels", multiple=True, metavar="RULE=LEVEL", help="Show the levels as `check --level` would set them.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Use this config file instead of searching for one.")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files (show the default levels).")
def list_rules(output_format: str, levels: tuple[str, ...], config_path: Path | None, isolated: bool) -> int:
    """List every rule: ID, name, effective level (after config and --level) and summary."""
    import json

    from ecslint.check_command import UsageProblem, effective_levels

    try:
        rules = effective_levels(levels, config_path, isolated)
    except UsageProblem as problem:
        _fail(str(problem))
    if output_format == "json":
        data = [{"id": r.id, "name": r.name, "level": r.level, "summary": r.summary, "tags": list(r.tags), "securitySeverity": r.security_severity} for r in rules]
        click.echo(json.dumps(data, indent=2))
    else:
        width = max(len(r.name) for r in rules)
        for rule in rules:
            click.echo(f"{rule.id}  {rule.name:<{width}}  {rule.level:<7}  {rule.summary}")
    return EXIT_CLEAN


@cli.command()
@click.argument("rule_id")
def explain(rule_id: str) -> int:
    """Show what a rule checks, why, how to fix it, with examples."""
    from ecslint.rulebook import all_rules, rule_markdown

    rules = all_rules()
    rule = rules.get(rule_id.upper()) or next((r for r in rules.values() if r.name == rule_id.lower()), None)
    if rule is None:
        _fail(f"unknown rule '{rule_id}' (see `ecslint rules`)")
    click.echo(rule_markdown(rule), nl=False)
    return EXIT_CLEAN


def _exit_on_signal(signum: int, _frame) -> None:
    """SIGTERM and SIGHUP end the run through SystemExit, so a half-written report's temporary file is removed."""
    raise SystemExit(128 + signum)


def _handle_stop_signals() -> None:
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name) and signal.getsignal(getattr(signal, name)) is signal.SIG_DFL:
            signal.signal(getattr(signal, name), _exit_on_signal)


def _print_help_for_no_arguments(argv: list[str] | None) -> None:
    """`ecslint` alone prints the normal help, as `ecslint --help` does."""
    if not (sys.argv[1:] if argv is None else argv):
        click.echo(cli.get_help(click.Context(cli, info_name="ecslint")))
        sys.exit(EXIT_CLEAN)


def main(argv: list[str] | None = None) -> None:
    try:
        _run(argv)
    finally:
        if argv is None:
            _spare_the_shutdown_collections()


def _spare_the_shutdown_collections() -> None:
    """The process is about to end: move every object to the permanent generation.

    The interpreter's shutdown runs full garbage collections that walk every object the run created
    (about 6% of a one-file run's instructions); frozen objects are skipped. Only for the process's own
    entry point (argv from sys.argv): a caller that runs main in-process keeps its collector as it was.
    """
    import gc

    gc.freeze()


def _run(argv: list[str] | None) -> None:
    _print_help_for_no_arguments(argv)
    _handle_stop_signals()
    try:
        code = cli.main(args=argv, prog_name="ecslint", standalone_mode=False)
    except click.UsageError as error:
        hint = f" (see `ecslint {error.ctx.info_name} --help`)" if error.ctx and error.ctx.info_name != "ecslint" else " (see `ecslint --help`)"
        _fail(error.format_message().replace("\n", " ") + hint)
    except click.exceptions.Abort as error:
        click.echo("ecslint: aborted", err=True)
        # Ctrl-C exits as shells expect of an interrupted command (128 + SIGINT).
        sys.exit(EXIT_INTERRUPTED if isinstance(error.__context__, KeyboardInterrupt) else EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("ecslint: aborted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as error:
        _fail(error.format_message().replace("\n", " "))
    except BrokenPipeError:
        sys.exit(EXIT_ERROR)
    except Exception as error:  # the contract is one line and exit 2, never a traceback
        if os.environ.get("ECSLINT_DEBUG"):
            raise
        _fail(f"internal error: {type(error).__name__}: {error} (set ECSLINT_DEBUG=1 for details)")
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)
