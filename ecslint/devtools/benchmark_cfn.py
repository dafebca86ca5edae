"""Side by side: ecslint and cfn-lint on the same CloudFormation templates, whole-process median wall time.

Run `python -m ecslint.devtools.benchmark_cfn [--corpus DIR]` from an environment where ecslint is
installed. The templates are the corpus files MANIFEST.tsv marks `cloudformation`, copied to a
temporary folder so that both tools read the same bytes from the same place. cfn-lint is not a
dependency of ecslint: it is used if `cfn-lint` is on PATH, and skipped otherwise. Each measurement
starts with one unmeasured warm-up run; bytecode caching is on, as after `pip install`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from ecslint.devtools.benchmark import ecslint_command, median_seconds

# The corpus beside a checkout of this repository (../shared/corpus/real), when there is one.
DEFAULT_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "real"


def templates(corpus: Path) -> list[Path]:
    """The corpus's CloudFormation files, in MANIFEST.tsv order."""
    rows = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [corpus / row.split("\t")[0] for row in rows if len(row.split("\t")) > 4 and row.split("\t")[4] == "cloudformation"]


def measure(corpus: Path, runs: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="ecslint-bench-cfn-"))
    try:
        folder = work / "templates"
        folder.mkdir()
        for path in templates(corpus):
            shutil.copyfile(path, folder / path.name)
        files = sorted(str(path) for path in folder.iterdir())
        one = [next(name for name in files if name.endswith("public-service.yaml"))] if any(name.endswith("public-service.yaml") for name in files) else files[:1]
        ecslint = [*ecslint_command(), "check", "--isolated"]
        figures: dict = {"templates": len(files), "runs": runs}
        figures["ecslint_all_s"] = median_seconds([*ecslint, *files], runs, work)
        figures["ecslint_one_s"] = median_seconds([*ecslint, *one], runs, work)
        cfn_lint = shutil.which("cfn-lint")
        if cfn_lint is None:
            figures["cfn_lint"] = "not found on PATH: skipped"
            return figures
        figures["cfn_lint_all_s"] = median_seconds([cfn_lint, *files], runs, work)
        figures["cfn_lint_one_s"] = median_seconds([cfn_lint, *one], runs, work)
        figures["ratio_all"] = figures["cfn_lint_all_s"] / figures["ecslint_all_s"]
        figures["ratio_one"] = figures["cfn_lint_one_s"] / figures["ecslint_one_s"]
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder holding MANIFEST.tsv and the corpus files")
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (median reported)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    arguments = parser.parse_args(argv)
    if not (arguments.corpus / "MANIFEST.tsv").is_file():
        parser.error(f"no MANIFEST.tsv in {arguments.corpus}; pass --corpus")
    figures = measure(arguments.corpus, arguments.runs)
    if arguments.json:
        print(json.dumps(figures, indent=2))
        return 0
    for name, value in figures.items():
        if name.endswith("_s"):
            print(f"{name:<18} {value * 1000:9.1f} ms")
        elif name.startswith("ratio"):
            print(f"{name:<18} {value:9.1f}x  (cfn-lint time / ecslint time)")
        else:
            print(f"{name:<18} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
