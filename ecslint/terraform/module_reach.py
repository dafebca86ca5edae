"""The other `.tf` files of a module folder, read only as far as one file's evaluation can reach into them.

A `.tf` file is judged with its module's values: variables, locals, data sources and IAM resources that other
files of its folder declare. Parsing every file of a large folder for each file linted made one changed file
cost the whole folder. Here the folder is indexed once per run from its text (ecslint.terraform.blocks: each
file's top-level blocks, what each declares and what names it mentions), and a file's siblings are parsed
block by block, each block at most once per run, for the blocks its references reach, transitively, plus the
IAM blocks that may bear on any role it can see:

- an attachment (`aws_iam_role_policy`, `aws_iam_*_attachment*`) unless its role is a plain reference to a
  role without `count`/`for_each` that is not reached (any other attachment may name any role);
- IAM blocks whose own references lead to a module call (evaluating them follows it, which the run reports);
- roles with an `arn` argument, secrets (`aws_secretsmanager_secret`, which `valueFrom` may name through a
  file), and, when the file's role fields name a role by name, every role that may have that name.

Where the text is not plainly a list of blocks, the whole file is parsed and read, as before. A sibling that
does not parse is left out; one whose syntax error lies in a block nothing reaches is read for the blocks it
reaches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ecslint import per_run
from ecslint.terraform.blocks import Block, mentioned_names, split_blocks

# A sibling `.tf` file is read when it may hold what the module's roles depend on, or the target groups and
# listeners its services name.
MODULE_MARKERS = (b"aws_ecs_task_definition", b"aws_iam_", b"variable", b"locals", b"module", b"output", b"aws_lb_", b"aws_alb_")
ROLE = "aws_iam_role"
IAM_DATA_SOURCES = ("aws_iam_policy_document", "aws_iam_policy", "aws_iam_role")
IAM_RESOURCE_TYPES = frozenset({"aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment",
                                "aws_iam_policy", "aws_iam_role_policy_attachments_exclusive", "aws_iam_role_policies_exclusive"})
# The argument naming the role(s) an attachment is for (AWS provider, verified 2026-11-30).
ATTACHMENT_ROLE_ARGUMENT = {"aws_iam_role_policy": "role", "aws_iam_role_policy_attachment": "role",
                            "aws_iam_policy_attachment": "roles", "aws_iam_role_policy_attachments_exclusive": "role_name"}
_PLAIN_ROLE_REFERENCE = re.compile(r'aws_iam_role\.([A-Za-z_][\w-]*)\.(?:arn|name|id)|"\$\{aws_iam_role\.([A-Za-z_][\w-]*)\.(?:arn|name|id)\}"')
_PLAIN_STRING = re.compile(r'"([^"\\$%]*)"')


@dataclass
class _Unit:
    """One top-level block of a file (or, for a file the scanner is not sure of, the whole file)."""

    file: int
    block: Block | None
    declares: tuple[str, ...]
    mentions: frozenset[str]


@dataclass
class _File:
    path: Path
    text: str | None
    blocks: list[Block] | None  # None: the whole file is one unit
    units: list[_Unit] = field(default_factory=list)
    # Addresses Terraform requires to be unique in a module (resources, IAM data sources), for the duplicate check.
    addresses: set[str] = field(default_factory=set)
    whole: object = None  # the parsed Document of a file read whole
    invalid: bool = False
    failed: set = field(default_factory=set)  # starts of blocks that do not parse
    spans: dict = field(default_factory=dict)  # positions of the blocks parsed so far (one dict per file: see _parsed)
    parsed: dict = field(default_factory=dict)  # block start -> its data (a dict shaped like HclFile.data)
    documents: dict = field(default_factory=dict)  # starts of the blocks chosen -> their document (None: one does not parse)


def _block_declares(block: Block) -> tuple[str, ...]:
    labels = block.labels
    if block.kind == "resource" and len(labels) == 2:
        return (f"{labels[0]}.{labels[1]}",)
    if block.kind == "data" and len(labels) == 2:
        return (f"data.{labels[0]}.{labels[1]}",)
    if block.kind == "variable" and len(labels) == 1:
        return (f"var.{labels[0]}",)
    if block.kind == "module" and len(labels) == 1:
        return (f"module.{labels[0]}",)
    if block.kind == "locals":
        return tuple(f"local.{name}" for name in block.attribute_names)
    return ()


def _data_declares(data: dict) -> tuple[str, ...]:
    found = [f"{kind}.{name}" for kind, named in (data.get("resource") or {}).items() for name in named]
    found += [f"data.{kind}.{name}" for kind, named in (data.get("data") or {}).items() for name in named]
    found += [f"var.{name}" for name in data.get("variable") or {}]
    found += [f"local.{name}" for name in data.get("locals") or {}]
    found += [f"module.{name}" for name in data.get("module") or {}]
    return tuple(found)


def _data_addresses(data: dict) -> set[str]:
    found = {f"{kind}.{name}" for kind, named in (data.get("resource") or {}).items() for name in named}
    return found | {f"data.{kind}.{name}" for kind in IAM_DATA_SOURCES for name in ((data.get("data") or {}).get(kind) or {})}


def _parse_whole(path: Path, text: str):
    from ecslint.documents.parse import Document
    from ecslint.documents.yamltext import YamlLocator
    from ecslint.terraform.hcl import HclError, parse_hcl

    try:
        parsed = parse_hcl(text, path.as_posix())
    except HclError:
        return None
    return Document(path.as_posix(), text, parsed.data, False, "hcl", YamlLocator(parsed.spans, []))


class FolderIndex:
    """The `.tf` files of one folder, indexed from their text: which block declares what, and what it mentions."""

    def __init__(self, paths: list[Path]):
        self.files: list[_File] = []
        self.by_key: dict[str, list[_Unit]] = {}
        for path in paths:
            self.files.append(self._read(path, len(self.files)))
        for entry in self.files:
            for unit in entry.units:
                for key in unit.declares:
                    self.by_key.setdefault(key, []).append(unit)
        self._iam_rules()
        self._unit_of_block = {id(unit.block): unit for entry in self.files for unit in entry.units if unit.block is not None}
        # id of a parsed resource body -> its unit; the bodies are kept in the files' `parsed`, so ids stay theirs.
        self._body_units: dict[int, _Unit] = {}
        # Names declared more than once in the folder: which declaration a scope reads depends on the file linted.
        self._declared_again = {key for key, units in self.by_key.items() if len(units) > 1}
        self._closures: dict[int, frozenset[str]] = {}
        self._own_names: dict[int, frozenset[str]] = {}
        self._failed_somewhere = False  # a block of some file does not parse (see _partial)
        self._numbers: dict[Path, int] | None = None
        self._always_reached: set[int] | None = None
        # Evaluated IAM resources, reused by the other files of the folder: evaluation_key -> the ways kept
        # (ecslint.terraform.subjects._module_iam_resources).
        self.evaluated: dict[tuple, list] = {}

    def _read(self, path: Path, number: int) -> _File:
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig") if any(marker in raw for marker in MODULE_MARKERS) else None
        except (OSError, UnicodeDecodeError):
            text = None
        if text is None:
            return _File(path, None, None, invalid=True)
        blocks, mentions = _scanned(text)
        if blocks is not None:
            units = [_Unit(number, block, _block_declares(block), names) for block, names in zip(blocks, mentions)]
            declared = [key for unit in units for key in unit.declares]
            if len(declared) == len(set(declared)):  # a name declared twice in one file: parsed whole, as the parser orders it
                entry = _File(path, text, blocks, units)
                entry.addresses = {key for block, unit in zip(blocks, units) for key in unit.declares if _is_address(block)}
                return entry
        whole = _parse_whole(path, text)
        if whole is None:
            return _File(path, text, None, invalid=True)
        entry = _File(path, text, None, whole=whole)
        entry.units = [_Unit(number, None, _data_declares(whole.data), frozenset(mentioned_names(text)))]
        entry.addresses = _data_addresses(whole.data)
        return entry

    # IAM blocks every file's evaluation includes, or includes once a role is reached -----------------------

    def _iam_rules(self) -> None:
        self.always: list[_Unit] = []
        # `aws_iam_role.x` -> the attachments that name only it (and other roles), included once it is reached.
        self.triggers: dict[str, list[_Unit]] = {}
        # Roles (and roles looked up by name) that may carry a name: (unit, casefolded names, or None for any name).
        self.named_roles: list[tuple[_Unit, frozenset[str] | None]] = []
        # Files (by number) with a role of one instance (no `count`/`for_each`): the module has roles whatever is reached.
        self.single_role_files: set[int] = set()
        counted_roles: list[_Unit] = []
        leads_to_module = self._leading_to_modules()
        for entry in self.files:
            for unit in entry.units:
                block = unit.block
                if block is None:
                    self.always.append(unit)
                    continue
                kind = block.labels[0] if block.kind in ("resource", "data") and len(block.labels) == 2 else None
                if kind is None:
                    continue
                text = entry.text
                iam = (block.kind == "resource" and kind in IAM_RESOURCE_TYPES) or (block.kind == "data" and kind in IAM_DATA_SOURCES)
                if iam and id(unit) in leads_to_module:
                    self.always.append(unit)
                elif block.kind == "resource" and kind == "aws_secretsmanager_secret":
                    self.always.append(unit)
                elif block.kind == "resource" and kind in ATTACHMENT_ROLE_ARGUMENT:
                    roles = self._plain_roles(text, block, ATTACHMENT_ROLE_ARGUMENT[kind])
                    if roles is None:
                        self.always.append(unit)
                    else:
                        for role in roles:
                            self.triggers.setdefault(f"{ROLE}.{role}", []).append(unit)
                elif block.kind == "resource" and kind == "aws_iam_policy" and "arn" in block.attributes:
                    self.always.append(unit)
                if kind == ROLE:
                    if "arn" in block.attributes:
                        self.always.append(unit)
                    self.named_roles.append((unit, _role_names(text, block)))
                    if block.kind == "resource":
                        if _counted(block):
                            counted_roles.append(unit)
                        else:
                            self.single_role_files.add(unit.file)
        self.counted_roles = counted_roles

    def _plain_roles(self, text: str, block: Block, argument: str) -> list[str] | None:
        """The roles an attachment's role argument names when it is nothing but plain references to roles of one
        instance (`aws_iam_role.app.name`): None when it may name anything else."""
        if argument not in block.attributes:
            return None
        start, end = block.attributes[argument]
        value = text[start:end].strip()
        if argument == "roles":
            if not (value.startswith("[") and value.endswith("]")):
                return None
            items = [item.strip() for item in value[1:-1].split(",")]
            items = items[:-1] if items and not items[-1] else items
        else:
            items = [value]
        names = []
        for item in items:
            match = _PLAIN_ROLE_REFERENCE.fullmatch(item)
            if match is None:
                return None
            name = match.group(1) or match.group(2)
            if any(_counted(unit.block) if unit.block is not None else True for unit in self.by_key.get(f"{ROLE}.{name}", [])):
                return None  # `aws_iam_role.x.name` of a counted role is an error Terraform reports: unknown
            names.append(name)
        return names

    def _leading_to_modules(self) -> set[int]:
        """Units whose references lead, through any chain of declarations, to a `module` call."""
        mentioned_by: dict[int, list[_Unit]] = {}
        for entry in self.files:
            for unit in entry.units:
                for key in unit.mentions:
                    for target in self.by_key.get(key, ()):
                        mentioned_by.setdefault(id(target), []).append(unit)
        pending = [unit for entry in self.files for unit in entry.units if any(key.startswith("module.") for key in unit.declares)]
        found = {id(unit) for unit in pending}
        while pending:
            unit = pending.pop()
            for source in mentioned_by.get(id(unit), ()):
                if id(source) not in found:
                    found.add(id(source))
                    pending.append(source)
        return found

    # What one file reaches -------------------------------------------------------------------------------

    def reach(self, own: int, names: set[str] = frozenset()) -> set[int]:
        """ids of the units the file numbered own reaches: its own, what they mention transitively, the IAM blocks
        that bear on any role, and the roles that may be called one of names (casefolded). own None: every unit."""
        if own is None:
            return {id(unit) for entry in self.files for unit in entry.units}
        # Every file reaches the IAM blocks that always bear on roles, and what they reach: walked once per folder.
        if self._always_reached is None:
            self._always_reached = self._walk(self.always, set())
        seeds = list(self.files[own].units)
        if not self.has_single_role_elsewhere(own):
            seeds += self.counted_roles  # whether the module has a role at all depends on their counts
        if names:
            seeds += [unit for unit, role_names in self.named_roles if role_names is None or role_names & names]
        return self._walk(seeds, set(self._always_reached))

    def _walk(self, seeds: list, found: set[int]) -> set[int]:
        """found with the ids of the seeds and of all they reach, through mentions and attachments' roles (a unit
        already in found is taken to have its reach in found too)."""
        pending = list(seeds)
        while pending:
            unit = pending.pop()
            if id(unit) in found:
                continue
            found.add(id(unit))
            for key in unit.mentions:
                pending.extend(self.by_key.get(key, ()))
            for key in unit.declares:
                pending.extend(self.triggers.get(key, ()))
        return found

    def evaluation_key(self, body, own: int | None):
        """A key under which a sibling resource's evaluated instances hold for every file whose scope reads the same
        declarations for the names its evaluation can reach: a name declared once reads the same everywhere; one
        declared again reads the linted file's own declaration first (ecslint.terraform.scope). None: not reusable."""
        unit = self._body_units.get(id(body))
        if unit is None or own is None or unit.file == own or self._failed_somewhere:
            return None
        if own not in self._own_names:
            self._own_names[own] = frozenset(key for own_unit in self.files[own].units for key in own_unit.declares)
        return id(unit), self._declared_again_in_reach(unit) & self._own_names[own]

    def _declared_again_in_reach(self, unit: _Unit) -> frozenset[str]:
        if id(unit) not in self._closures:
            found, seen, pending = set(), {id(unit)}, [unit]
            while pending:
                current = pending.pop()
                for key in current.mentions:
                    if key in self._declared_again:
                        found.add(key)
                    for target in self.by_key.get(key, ()):
                        if id(target) not in seen:
                            seen.add(id(target))
                            pending.append(target)
            self._closures[id(unit)] = frozenset(found)
        return self._closures[id(unit)]

    def number_of(self, path: Path) -> int | None:
        """The number of the folder's file at path (resolved), or None when it is not one of them."""
        if self._numbers is None:
            self._numbers = {}
            for number, entry in enumerate(self.files):
                self._numbers.setdefault(entry.path.resolve(), number)
        return self._numbers.get(path.resolve())

    def units_of_types(self, prefixes: tuple[str, ...]) -> set[int]:
        """ids of the resource blocks whose type starts with one of prefixes (and of the files read whole), of every file."""
        return {id(unit) for entry in self.files for unit in entry.units
                if unit.block is None or (unit.block.kind == "resource" and len(unit.block.labels) == 2 and unit.block.labels[0].startswith(prefixes))}

    def has_single_role_elsewhere(self, own: int) -> bool:
        return len(self.single_role_files) > (own in self.single_role_files)

    def documents(self, own: int, reached: set[int]) -> list:
        """The sibling documents (every file but own, in order), each holding the reached blocks only."""
        found = []
        for number, entry in enumerate(self.files):
            if number == own or entry.invalid:
                continue
            if entry.blocks is None:
                if entry.whole is not None:
                    found.append(entry.whole)
                continue
            chosen = [unit.block for unit in entry.units if id(unit) in reached]
            if not chosen:
                continue
            key = tuple(block.start for block in chosen)
            if key not in entry.documents:  # most files of a folder reach the same blocks of a given sibling
                entry.documents[key] = self._partial(entry, chosen)
            document = entry.documents[key]
            if document is not None:
                found.append(document)
        return found

    def _partial(self, entry: _File, chosen: list[Block]):
        """A document of the chosen blocks of a file, each parsed once per run; None when one does not parse (the
        whole file then does not either: it is left out, as any file that does not parse)."""
        from ecslint.documents.parse import Document
        from ecslint.documents.yamltext import YamlLocator
        from ecslint.terraform.hcl import HclError, parse_hcl_blocks

        for block in chosen:
            if block.start in entry.failed:
                return None
            if block.start not in entry.parsed:
                try:
                    # Positions recorded while parsing, and while the module's scope evaluates the values again
                    # later (a `dynamic` block's blocks), go to the file's one dict, as they did for a whole parse.
                    part = parse_hcl_blocks(entry.text, entry.path.as_posix(), [block], {block.start}, entry.spans)
                except HclError:
                    entry.failed.add(block.start)
                    self._failed_somewhere = True
                    self.evaluated.clear()  # which files a scope holds now depends on the blocks it reaches
                    return None
                entry.parsed[block.start] = part.data
                unit = self._unit_of_block[id(block)]
                for section in ("resource", "data"):
                    for named in (part.data.get(section) or {}).values():
                        for body in named.values():
                            self._body_units[id(body)] = unit
        data: dict = {}
        starts = {block.start for block in chosen}
        for block in entry.blocks:
            _merge(data, block, entry.parsed.get(block.start) if block.start in starts else None)
        return Document(entry.path.as_posix(), entry.text, data, False, "hcl", YamlLocator(entry.spans, []))


_SCANS = None
# The layout of a scan kept between runs (ecslint.terraform.blocks's code is part of its name too).
_SCAN_FORMAT = 1


def _scanned(text: str) -> tuple[list[Block] | None, list[frozenset[str]]]:
    """The text's top-level blocks and the names each mentions, read back from the cache when a run scanned the same
    text: scanning a large folder's files is most of what an unchanged folder costs."""
    global _SCANS
    from ecslint import cache

    if not cache.enabled() or len(text) > cache.MAX_KEPT_TEXT:
        return _scan(text)
    if _SCANS is None:
        from ecslint.terraform import blocks as scanner

        # The scanner's own code names the format: a change to it starts afresh.
        _SCANS = cache.Store(f"tf-blocks-{_SCAN_FORMAT}-{cache.key_of_files(Path(scanner.__file__))}")
    name = cache.key(text)
    found = _SCANS.load(name)
    if isinstance(found, tuple) and found[0] == "scan":
        if found[1] is None:
            return None, []
        try:
            return [Block(kind, tuple(labels), *where, dict(attributes), list(names)) for kind, labels, where, attributes, names, _ in found[1]], [frozenset(item[5]) for item in found[1]]
        except (ValueError, TypeError):
            pass
    blocks, mentions = _scan(text)
    stored = None if blocks is None else [
        (block.kind, block.labels, (block.start, block.end, block.line, block.column), block.attributes, block.attribute_names, tuple(sorted(names)))
        for block, names in zip(blocks, mentions)
    ]
    _SCANS.save(name, ("scan", stored))
    return blocks, mentions


def _scan(text: str) -> tuple[list[Block] | None, list[frozenset[str]]]:
    blocks = split_blocks(text)
    if blocks is None:
        return None, []
    return blocks, [frozenset(mentioned_names(text[block.start : block.end])) for block in blocks]


def _merge(data: dict, block: Block, part: dict | None) -> None:
    """Add a block's data the way parse_hcl does when it meets the block: the layout always, the values if parsed."""
    from ecslint.terraform.hcl import skeleton

    skeleton(block.kind, list(block.labels), data)
    if part is None:
        return
    for section, content in part.items():
        target = data.setdefault(section, {})
        if section in ("resource", "data"):
            for kind, named in content.items():
                for name, body in named.items():
                    target.setdefault(kind, {}).setdefault(name, body)
        else:
            for name, value in content.items():
                target.setdefault(name, value)


def _is_address(block: Block) -> bool:
    return len(block.labels) == 2 and (block.kind == "resource" or (block.kind == "data" and block.labels[0] in IAM_DATA_SOURCES))


def _counted(block: Block) -> bool:
    return "count" in block.attributes or "for_each" in block.attributes


def _role_names(text: str, block: Block) -> frozenset[str] | None:
    """The names a role block may carry, casefolded, as ecslint.terraform.iam names roles: its literal `name`,
    or its resource name without one; None when `name` is an expression (it may be any name)."""
    if "name" not in block.attributes:
        return frozenset({block.labels[1].casefold()})
    start, end = block.attributes["name"]
    match = _PLAIN_STRING.fullmatch(text[start:end].strip())
    if match is None:
        return None
    return frozenset({(match.group(1) or block.labels[1]).casefold()})


_INDEXES: dict[str, tuple[tuple, FolderIndex]] = {}
# Folders whose index this run has checked against their files: each file of a folder asks for its index, and
# checking every file of the folder each time would cost the folder's size per file.
_CHECKED: set[str] = set()
per_run.register(_CHECKED.clear)


def folder_index(folder: Path) -> FolderIndex | None:
    """The folder's index, built once per run (again in a later run when a file of it changed)."""
    key = str(folder)
    if key in _CHECKED and key in _INDEXES:
        return _INDEXES[key][1]
    try:
        paths = sorted(path for path in folder.glob("*.tf") if path.is_file())
        signature = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in paths)
    except OSError:
        return None
    cached = _INDEXES.get(key)
    if cached is None or cached[0] != signature:
        cached = _INDEXES[key] = (signature, FolderIndex(paths))
    _CHECKED.add(key)
    return cached[1]
