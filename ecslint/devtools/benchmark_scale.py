"""Scale benchmarks: how ecslint's cost grows with Terraform folders, IAM exports and big repositories.

Run `python -m ecslint.devtools.benchmark_scale` (from an environment where ecslint is installed, with
`../shared/corpus/real` beside the checkout for the Terraform inputs, or `--tf-source FOLDER`).
Every input is generated deterministically, every figure is a whole process (best of `--runs`), and
each figure is printed with the ratio the scale targets are stated in, so a loaded machine changes the
absolute times more than the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ecslint.devtools.benchmark import TASK_DEFINITION, ecslint_command

DEFAULT_TF_SOURCE = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "real"
# The blocks whose names Terraform requires to be unique in a module: renamed per copy, with their references.
_DECLARATION = re.compile(r'^(\s*)(resource|data)\s+"([\w-]+)"\s+"([\w-]+)"', re.MULTILINE)
_NAMED_BLOCK = re.compile(r'^(\s*)(variable|output|module)\s+"([\w-]+)"', re.MULTILINE)


class Measured:
    """One process: its wall time and CPU time (user + system) in seconds, and its peak resident memory in MiB."""

    def __init__(self, seconds: float, peak_mib: float, cpu_seconds: float = 0.0):
        self.seconds = seconds
        self.peak_mib = peak_mib
        # Other work on a shared machine stretches wall time far more than the process's own CPU time.
        self.cpu_seconds = cpu_seconds


def run_once(command: list[str], cwd: Path, cores: str | None = None) -> Measured:
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    if cores is not None and shutil.which("taskset"):
        command = ["taskset", "-c", cores, *command]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    # wait4 gives this child's rusage, with that of the workers it waited for: CPU times add up, while
    # ru_maxrss (KiB on Linux) is the largest one process reached.
    _, _, usage = os.wait4(process.pid, 0)
    return Measured(time.perf_counter() - start, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def best_of(command: list[str], cwd: Path, runs: int, cores: str | None = None, before=None) -> Measured:
    """The best of `runs` runs after one that warms the caches; before() is called before each run."""
    (before or (lambda: None))()
    run_once(command, cwd, cores)  # warm the bytecode and file caches
    results = []
    for _ in range(runs):
        (before or (lambda: None))()
        results.append(run_once(command, cwd, cores))
    return Measured(min(r.seconds for r in results), max(r.peak_mib for r in results), min(r.cpu_seconds for r in results))


# Generated inputs ---------------------------------------------------------------------------------------


def renamed_terraform(text: str, suffix: str) -> str:
    """A `.tf` file whose resources, data sources, variables, outputs and modules all carry `suffix`."""
    renames: dict[str, str] = {}
    for match in _DECLARATION.finditer(text):
        kind, type_, name = match.group(2), match.group(3), match.group(4)
        prefix = "data." if kind == "data" else ""
        renames[f"{prefix}{type_}.{name}"] = f"{prefix}{type_}.{name}{suffix}"
    for match in _NAMED_BLOCK.finditer(text):
        kind, name = match.group(2), match.group(3)
        reference = {"variable": "var", "output": "output", "module": "module"}[kind]
        renames[f"{reference}.{name}"] = f"{reference}.{name}{suffix}"
    text = _DECLARATION.sub(lambda m: f'{m.group(1)}{m.group(2)} "{m.group(3)}" "{m.group(4)}{suffix}"', text)
    text = _NAMED_BLOCK.sub(lambda m: f'{m.group(1)}{m.group(2)} "{m.group(3)}{suffix}"', text)
    if renames:
        pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(name) for name in sorted(renames, key=len, reverse=True)) + r")(?![\w-])")
        text = pattern.sub(lambda m: renames[m.group(1)], text)
    return text


def terraform_folder(folder: Path, count: int, source: Path) -> list[Path]:
    """`count` `.tf` files made from the source folder's `.tf` files, renamed per copy so the module stays valid."""
    sources = sorted(source.glob("*.tf"))
    if not sources:
        raise SystemExit(f"no .tf files in {source} (give --tf-source)")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(count):
        original = sources[number % len(sources)]
        path = folder / f"copy{number:04d}_{original.name}"
        path.write_text(renamed_terraform(original.read_text(encoding="utf-8"), f"_c{number}"), encoding="utf-8")
        written.append(path)
    return written


def _policy_document(number: int, wildcards: bool) -> dict:
    if wildcards:
        actions = ["s3:*", "dynamodb:*", "ec2:Describe*", "logs:*", "ecr:*", "sqs:*", "sns:*", "kms:*", "iam:Get*", "ssm:*"]
        resources = ["*"]
    else:
        actions = ["s3:GetObject", "s3:PutObject", "dynamodb:GetItem", "dynamodb:PutItem", "sqs:SendMessage"]
        resources = [f"arn:aws:s3:::bucket-{number}/*", f"arn:aws:dynamodb:us-east-1:123456789012:table/t{number}", f"arn:aws:sqs:us-east-1:123456789012:q{number}"]
    return {"Version": "2012-10-17", "Statement": [{"Sid": f"S{number}", "Effect": "Allow", "Action": actions, "Resource": resources}, {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}


def authorization_details(roles: int, policies: int, wildcards: bool) -> dict:
    """An `aws iam get-account-authorization-details` export: `roles` roles sharing `policies` managed policies."""
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    managed = [
        {
            "PolicyName": f"policy-{number}",
            "Arn": f"arn:aws:iam::123456789012:policy/policy-{number}",
            "DefaultVersionId": "v1",
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": True, "Document": _policy_document(number, wildcards)}],
        }
        for number in range(policies)
    ]
    role_list = []
    for number in range(roles):
        attached = [{"PolicyName": f"policy-{(number * 7 + k) % policies}", "PolicyArn": f"arn:aws:iam::123456789012:policy/policy-{(number * 7 + k) % policies}"} for k in range(3)]
        attached.append({"PolicyName": "AmazonECSTaskExecutionRolePolicy", "PolicyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"})
        role_list.append(
            {
                "RoleName": f"role-{number}",
                "Arn": f"arn:aws:iam::123456789012:role/role-{number}",
                "AssumeRolePolicyDocument": trust,
                "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": _policy_document(number + policies, wildcards)}],
                "AttachedManagedPolicies": attached,
            }
        )
    return {"RoleDetailList": role_list, "Policies": managed}


def task_definition_files(folder: Path, count: int, role: str | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        document = dict(TASK_DEFINITION, family=f"bench-{number}")
        if role is not None:
            document["executionRoleArn"] = document["taskRoleArn"] = role
        (folder / f"service-{number:05d}.task-definition.json").write_text(json.dumps(document, indent=2))


# Measurements -----------------------------------------------------------------------------------------


def _check(*arguments: str) -> list[str]:
    return [*ecslint_command(), "check", "--isolated", "--exit-zero", *arguments]


def measure_terraform(work: Path, runs: int, source: Path) -> dict:
    """Each case cold (`--no-cache`: every file parsed) and warm (the parsed files kept by the run before)."""
    figures = {}
    for count in (30, 100, 300):
        folder = work / f"tf{count}"
        terraform_folder(folder, count, source)
        for state, extra in (("cold", ("--no-cache",)), ("warm", ())):
            if count == 300 and state == "warm":
                continue  # the memory target is about parsing: cold only
            measured = best_of(_check(*extra, str(folder)), work, runs if count < 300 else 1)
            name = f"tf_{count}_files_{state}"
            figures[f"{name}_s"], figures[f"{name}_peak_mib"], figures[f"{name}_cpu_s"] = measured.seconds, measured.peak_mib, measured.cpu_seconds
    alone = work / "tf_alone"
    (first,) = terraform_folder(alone, 1, source)
    in_folder = sorted((work / "tf100").glob("copy0000_*.tf"))[0]
    for state, extra in (("cold", ("--no-cache",)), ("warm", ()), ("changed", ())):
        if state != "changed":
            figures[f"ratio_tf_100_over_30_{state}"] = figures[f"tf_100_files_{state}_s"] / figures[f"tf_30_files_{state}_s"]
            figures[f"ratio_tf_100_over_30_{state}_cpu"] = figures[f"tf_100_files_{state}_cpu_s"] / figures[f"tf_30_files_{state}_cpu_s"]
        for name, path in (("tf_one_file_alone", first), ("tf_one_file_in_folder_of_100", in_folder)):
            # "changed": a pre-commit hook's case, the file edited before each run while the rest stays as it was.
            before = _editing(path) if state == "changed" else None
            measured = best_of(_check(*extra, str(path)), work, runs, before=before)
            figures[f"{name}_{state}_s"], figures[f"{name}_{state}_cpu_s"] = measured.seconds, measured.cpu_seconds
        figures[f"ratio_tf_one_in_100_over_alone_{state}"] = figures[f"tf_one_file_in_folder_of_100_{state}_s"] / figures[f"tf_one_file_alone_{state}_s"]
        figures[f"ratio_tf_one_in_100_over_alone_{state}_cpu"] = figures[f"tf_one_file_in_folder_of_100_{state}_cpu_s"] / figures[f"tf_one_file_alone_{state}_cpu_s"]
    return figures


def _editing(path: Path):
    """A function that gives path new text each time it is called (a comment with a count at its end)."""
    original = path.read_text(encoding="utf-8")
    edits = [0]

    def edit() -> None:
        edits[0] += 1
        path.write_text(f"{original}\n# edit {edits[0]}\n", encoding="utf-8")

    return edit


def measure_iam(work: Path, runs: int, roles: int, policies: int) -> dict:
    figures = {}
    task = work / "iam_task"
    task_definition_files(task, 1, role="arn:aws:iam::123456789012:role/role-42")
    for kind, wildcards in (("concrete", False), ("wildcards", True)):
        export = work / f"iam_{kind}.json"
        export.write_text(json.dumps(authorization_details(roles, policies, wildcards)))
        figures[f"iam_{kind}_export_mib"] = export.stat().st_size / (1024 * 1024)
        figures[f"iam_{kind}_json_load_s"] = best_of([sys.executable, "-c", f"import json; json.load(open({str(export)!r}))"], work, runs).seconds
        measured = best_of(_check("--iam", str(export), str(task)), work, runs)
        figures[f"iam_{kind}_check_s"], figures[f"iam_{kind}_check_peak_mib"] = measured.seconds, measured.peak_mib
        figures[f"ratio_iam_{kind}_over_json_load"] = figures[f"iam_{kind}_check_s"] / figures[f"iam_{kind}_json_load_s"]
    figures["ratio_iam_wildcards_over_concrete"] = figures["iam_wildcards_check_s"] / figures["iam_concrete_check_s"]
    return figures


def measure_repository(work: Path, runs: int, files: int) -> dict:
    """One core and two alternately, run after run: the speed a shared machine gives drifts by a third over minutes,
    and measuring one side after the other would put the drift into the ratio."""
    import statistics

    folder = work / "many"
    task_definition_files(folder, files)
    command = _check(str(folder))
    run_once(command, work, "0,1")  # warm the bytecode and file caches
    pairs = [(run_once(command, work, "0"), run_once(command, work, "0,1")) for _ in range(runs)]
    one_core = [one for one, _ in pairs]
    two_cores = [two for _, two in pairs]
    return {
        f"files_{files}_one_core_s": min(m.seconds for m in one_core),
        f"files_{files}_two_cores_s": min(m.seconds for m in two_cores),
        # CPU time of the whole run, workers included: about equal on 1 and 2 cores when workers add no work of their own.
        f"files_{files}_one_core_cpu_s": min(m.cpu_seconds for m in one_core),
        f"files_{files}_two_cores_cpu_s": min(m.cpu_seconds for m in two_cores),
        # ru_maxrss is the largest single process (parent or worker), not their sum.
        f"files_{files}_peak_mib": max(m.peak_mib for m in one_core + two_cores),
        "ratio_one_core_over_two": min(m.seconds for m in one_core) / min(m.seconds for m in two_cores),
        "ratio_one_core_over_two_median_of_pairs": statistics.median(one.seconds / two.seconds for one, two in pairs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (best reported)")
    parser.add_argument("--only", choices=("terraform", "iam", "repository"), action="append", help="measure only these paths (repeatable)")
    parser.add_argument("--tf-source", type=Path, default=DEFAULT_TF_SOURCE, help="folder whose .tf files are copied")
    parser.add_argument("--roles", type=int, default=5000)
    parser.add_argument("--policies", type=int, default=2000)
    parser.add_argument("--files", type=int, default=10000, help="task definitions in the repository case")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    arguments = parser.parse_args(argv)
    paths = arguments.only or ["terraform", "iam", "repository"]
    work = Path(tempfile.mkdtemp(prefix="ecslint-scale-"))
    # A cache of the benchmark's own, empty at the start: the user's neither helps nor grows.
    os.environ["ECSLINT_CACHE_DIR"] = str(work / "cache")
    # Wall-clock figures mean little without the machine's load beside them.
    figures: dict = {"runs": arguments.runs, "load_average_at_start": " ".join(f"{load:.2f}" for load in os.getloadavg())}
    try:
        if "terraform" in paths:
            figures.update(measure_terraform(work, arguments.runs, arguments.tf_source))
        if "iam" in paths:
            figures.update(measure_iam(work, arguments.runs, arguments.roles, arguments.policies))
        if "repository" in paths:
            figures.update(measure_repository(work, arguments.runs, arguments.files))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures["load_average_at_end"] = " ".join(f"{load:.2f}" for load in os.getloadavg())
    if arguments.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, value in figures.items():
            if name.endswith("_s"):
                print(f"{name:<36} {value * 1000:10.1f} ms")
            elif isinstance(value, float):
                print(f"{name:<36} {value:10.2f}")
            else:
                print(f"{name:<36} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
