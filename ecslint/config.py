"""Project configuration: `[tool.ecslint]` in pyproject.toml or `.ecslint.toml`, found walking up."""

from __future__ import annotations

from typing import NamedTuple

import json
from dataclasses import dataclass, field
from pathlib import Path

from ecslint.data import read_text
from ecslint.checks.schema_validator import SchemaValidator
from ecslint.documents import pointer as jp
from ecslint.subjects.quoting import quote_text


class ConfigError(Exception):
    """A configuration file that cannot be used; the CLI exits 2 with this one-line message."""


class IgnoreEntry(NamedTuple):
    path: str
    rule: str
    reason: str
    pointer: str | None = None


@dataclass
class Config:
    # Directory that relative globs in the file are resolved against (the config file's folder).
    root: Path
    source: Path | None = None
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    extend_ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    format: str | None = None
    exclude: list[str] | None = None
    extend_exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    ignore_entries: list[IgnoreEntry] = field(default_factory=list)
    output_format: str | None = None
    # Rule selector -> level ("off" disables), as written.
    levels: dict[str, str] = field(default_factory=dict)
    # Paths resolved against the config file's folder.
    iam: list[Path] = field(default_factory=list)
    baseline: Path | None = None
    respect_gitignore: bool = True


def _validator() -> SchemaValidator:
    text = read_text("ecslint.schemas", "config.schema.json")
    return SchemaValidator(json.loads(text), unknown_key="is not an ecslint setting")


def find_config_file(start: Path) -> Path | None:
    """The nearest .ecslint.toml or pyproject.toml with [tool.ecslint], up to the repository root."""
    for folder in (start, *start.parents):
        candidate = folder / ".ecslint.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        # Most pyproject files have no [tool.ecslint]: a text search spares parsing them.
        if pyproject.is_file() and "tool.ecslint" in _read_config_text(pyproject) and "ecslint" in _read_toml(pyproject).get("tool", {}):
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def _read_config_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from None


def _read_toml(path: Path) -> dict:
    import tomllib

    try:
        return tomllib.loads(_read_config_text(path))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML in config file {path}: {error}") from None


def _as_json(value):
    """TOML dates and times as the text written, so they meet the schema as strings do (never a crash)."""
    if isinstance(value, dict):
        return {key: _as_json(member) for key, member in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _settings_table(data: dict, path: Path) -> dict:
    """The ecslint table: `[tool.ecslint]` in pyproject.toml; top-level keys, or a `[tool.ecslint]` table, elsewhere."""
    tool = data.get("tool")
    if path.name == "pyproject.toml":
        return tool.get("ecslint", {}) if isinstance(tool, dict) else {}
    if isinstance(tool, dict) and "ecslint" in tool:
        others = sorted(key for key in data if key != "tool")
        if others:
            raise ConfigError(f"invalid config in {path}: settings both at the top level ({', '.join(others)}) and in [tool.ecslint]; in {path.name} write them at the top level only")
        return tool["ecslint"]
    return data


def load_config(path: Path) -> Config:
    data = _settings_table(_as_json(_read_toml(path)), path)
    violations = _validator().validate(data)
    if violations:
        first = violations[0]
        raise ConfigError(f"invalid config in {path}: '{quote_text(jp.to_path(first.pointer))}' {first.problem}")
    config = Config(root=path.parent.resolve(), source=path)
    config.select = data.get("select")
    config.extend_select = data.get("extend-select", [])
    config.extend_ignore = data.get("extend-ignore", [])
    config.fail_on = data.get("fail-on")
    config.format = data.get("format")
    config.exclude = data.get("exclude")
    config.extend_exclude = data.get("extend-exclude", [])
    config.per_file_ignores = data.get("per-file-ignores", {})
    config.output_format = data.get("output-format")
    config.levels = data.get("levels", {})
    config.iam = [config.root / name for name in data.get("iam", [])]
    config.baseline = config.root / data["baseline"] if "baseline" in data else None
    config.respect_gitignore = data.get("respect-gitignore", True)
    entry_validator = _validator()
    for index, item in enumerate(data.get("ignore", [])):
        if isinstance(item, str):
            config.ignore.append(item)
            continue
        problems = entry_validator.validate(item, entry_validator.definition("IgnoreEntry"))
        if problems:
            raise ConfigError(f"invalid config in {path}: 'ignore[{index}].{jp.to_path(problems[0].pointer)}' {problems[0].problem}")
        if not item["reason"].strip():
            raise ConfigError(f"invalid config in {path}: 'ignore[{index}].reason' must say why the finding is ignored")
        config.ignore_entries.append(IgnoreEntry(item["path"], item["rule"], item["reason"], item.get("pointer")))
    return config


def discover(cwd: Path, explicit: Path | None = None, isolated: bool = False) -> Config:
    if isolated:
        return Config(root=cwd)
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file not found: {explicit}")
        return load_config(explicit)
    found = find_config_file(cwd)
    return load_config(found) if found else Config(root=cwd)
