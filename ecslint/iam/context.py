"""The roles and policies of one run, read from `--iam` files and matched to the task definition's role fields.

Accepted shapes: each `--iam` file holds one JSON object; several files merge, so a managed policy in one
file resolves attachments in another.

1. `aws iam get-account-authorization-details` output (UserDetailList and GroupDetailList are ignored):
   {"RoleDetailList": [{"RoleName": ..., "Arn": ..., "AssumeRolePolicyDocument": {...},
                        "RolePolicyList": [{"PolicyName": ..., "PolicyDocument": {...}}],
                        "AttachedManagedPolicies": [{"PolicyName": ..., "PolicyArn": ...}],
                        "PermissionsBoundary": {"PermissionsBoundaryArn": ...}}],
    "Policies": [{"PolicyName": ..., "Arn": ..., "DefaultVersionId": "v3",
                  "PolicyVersionList": [{"VersionId": "v3", "IsDefaultVersion": true, "Document": {...}}]}]}
   Policy documents may be JSON objects (as the AWS CLI prints them) or URL-encoded JSON strings
   (as the IAM API returns them).

2. One role per file: the output of `aws iam get-role` with its policies beside it:
   {"Role": {...the "Role" object of get-role...},
    "RolePolicies": [{"PolicyName": "app", "PolicyDocument": {...}}],   # `aws iam get-role-policy` output, one per inline policy
    "AttachedPolicies": [{"PolicyName": ..., "PolicyArn": ...}],        # `aws iam list-attached-role-policies` output
    "Policies": [...]}                                                   # customer managed policies, as in shape 1
   `RolePolicyList` and `AttachedManagedPolicies` inside "Role" (a RoleDetailList entry) work too.

3. A file with only "Policies": customer managed policies for roles given in other files.

AWS managed policies attached by ARN but absent from the input come from ecslint's offline copies
(ecslint.iam.managed). A role whose attached policy is in neither place is "incomplete": rules that
need to know everything a role allows (ECS104, ECS105) skip it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote

from ecslint.documents import pointer as jp
from ecslint.documents.reading import os_error_reason, read_regular_file
from ecslint.documents.jsonseek import SeekingJsonLocator
from ecslint.documents.parse import Document, Unparsable, parse
from ecslint.iam import managed
from ecslint.subjects.task_definition import dict_entries
from ecslint.iam.evaluator import PolicySet
from ecslint.iam.policy import Location, Policy, parse_policy
from ecslint.subjects.quoting import quote

EXPECTED_SHAPES = (
    "expected `aws iam get-account-authorization-details` output (an object with `RoleDetailList`), "
    'a role file (`{"Role": {...}, "RolePolicies": [...], "AttachedPolicies": [...]}`) or a `Policies` list'
)
_ACCOUNT = re.compile(r"^\d{12}$")


# `aws iam get-account-authorization-details` of a large account runs to hundreds of megabytes; the
# bound only stops a stray device or endless file from growing memory until it runs out.
MAX_IAM_BYTES = 2 * 1024 * 1024 * 1024


class IamInputError(Exception):
    """An `--iam` file that cannot be used; the message is one line, for the CLI to print before exiting 2."""


@dataclass(frozen=True)
class Attachment:
    arn: str
    name: str
    location: Location


@dataclass
class Role:
    name: str
    arn: str | None
    location: Location
    trust: Policy | None
    permissions: PolicySet
    attachments: tuple[Attachment, ...] = ()
    # Attached managed policies (or the boundary) whose documents are neither in the input nor known offline.
    missing: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """True when every policy that shapes what the role may do is known."""
        return not self.missing

    @property
    def partition(self) -> str | None:
        parts = (self.arn or "").split(":")
        return parts[1] if len(parts) > 5 and parts[1] else None

    @property
    def account(self) -> str | None:
        parts = (self.arn or "").split(":")
        return parts[4] if len(parts) > 5 and _ACCOUNT.match(parts[4]) else None


class _RoleIndex:
    """Roles by ARN (the first copy wins) and by case-folded name, so a lookup costs the same with 5 or 5,000 roles."""

    def __init__(self, roles: list[Role]):
        self.size = len(roles)
        self.by_arn: dict[str, Role] = {}
        self.by_name: dict[str, list[Role]] = {}
        for role in roles:
            if role.arn is not None:
                self.by_arn.setdefault(role.arn, role)
            self.by_name.setdefault(role.name.casefold(), []).append(role)


@dataclass
class IamContext:
    roles: list[Role] = field(default_factory=list)
    # Terraform module calls not followed (registry, remote): address -> source, for the run summary.
    unfollowed: dict = field(default_factory=dict)
    _index: _RoleIndex | None = field(default=None, init=False, repr=False, compare=False)

    def _lookup(self) -> _RoleIndex:
        # Front ends append roles while they build a context; an index of another length is stale.
        if self._index is None or self._index.size != len(self.roles):
            self._index = _RoleIndex(self.roles)
        return self._index

    def role(self, reference: str) -> Role | None:
        """The role a `taskRoleArn`/`executionRoleArn` value names: by ARN, or by name (unique in the input)."""
        if not isinstance(reference, str) or not reference.strip():
            return None
        reference = reference.strip()
        index = self._lookup()
        if reference in index.by_arn:
            return index.by_arn[reference]
        account = None
        if reference.startswith("arn:"):
            parts = reference.split(":", 5)
            if len(parts) != 6 or not parts[5].startswith("role/"):
                return None
            account = parts[4] if _ACCOUNT.match(parts[4]) else None
        name = reference.rsplit("/", 1)[-1]
        if not name or any(mark in name for mark in "${}<>#"):
            return None  # a template placeholder names no role yet
        # IAM role names are unique regardless of case (IAM CreateRole, verified 2026-11-30).
        candidates = index.by_name.get(name.casefold(), [])
        if account is not None:
            candidates = [role for role in candidates if role.account in (account, None)]
        return candidates[0] if len(candidates) == 1 else None


def _decode(value, location: Location, what: str) -> tuple[dict, bool]:
    """A policy document and whether its statements can be located in the file (not inside an encoded string)."""
    if isinstance(value, dict):
        return value, True
    if isinstance(value, str):
        text = value.strip()
        try:
            data = json.loads(text if text.startswith("{") else unquote(text))
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data, False
    where = jp.to_path(location.pointer) or "the top level"
    raise IamInputError(f"{location.document.path}: {what} at {quote(where)} is not a policy document (a JSON object or a URL-encoded JSON string)")


@dataclass
class _ManagedSource:
    name: str
    data: dict
    location: Location
    locate: bool
    parsed: Policy | None = None


def _default_version(entry: dict, pointer: str, document: Document) -> _ManagedSource | None:
    name = entry.get("PolicyName") if isinstance(entry.get("PolicyName"), str) else str(entry.get("Arn", "policy"))
    for key in ("Document", "PolicyDocument"):
        if key in entry:
            data, locate = _decode(entry[key], Location(document, jp.join(pointer, key)), "the policy document")
            return _ManagedSource(name, data, Location(document, jp.join(pointer, key)), locate)
    versions = entry.get("PolicyVersionList")
    if not isinstance(versions, list):
        return None
    default = entry.get("DefaultVersionId")
    chosen = [i for i, v in enumerate(versions) if isinstance(v, dict) and v.get("IsDefaultVersion") is True]
    chosen = chosen or [i for i, v in enumerate(versions) if isinstance(v, dict) and v.get("VersionId") == default]
    if not chosen and len(versions) == 1:
        chosen = [0]
    if not chosen or not isinstance(versions[chosen[0]], dict) or "Document" not in versions[chosen[0]]:
        return None
    location = Location(document, jp.join(pointer, "PolicyVersionList", chosen[0], "Document"))
    data, locate = _decode(versions[chosen[0]]["Document"], location, "the policy version document")
    return _ManagedSource(name, data, location, locate)


def _collect_managed(document: Document, sources: dict[str, _ManagedSource]) -> None:
    entries = document.data.get("Policies")
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        if isinstance(entry, dict) and isinstance(entry.get("Arn"), str):
            found = _default_version(entry, jp.join("/Policies", index), document)
            if found is not None:
                sources.setdefault(entry["Arn"], found)




def _resolve(arn: str, attachment: Location, sources: dict[str, _ManagedSource]) -> Policy | None:
    source = sources.get(arn)
    if source is not None:
        # A managed policy in the input reads the same for every role that attaches it: parse it once.
        if source.parsed is None:
            kind = "aws-managed" if managed.policy_path(arn) else "managed"
            source.parsed = parse_policy(source.name, kind, source.data, source.location, locate_statements=source.locate, arn=arn)
        return source.parsed
    offline = managed.known(arn)
    if offline is not None:
        # Statements of an offline copy have no place in the user's files: point at the attachment instead.
        return parse_policy(offline.name, "aws-managed", offline.document, attachment, locate_statements=False, arn=arn, offline_version=offline.described_version)
    return None


class _DeferredRole(Role):
    """A role of an `--iam` file whose policies are parsed when a rule first asks: an export holds thousands, a run names a few.

    Everything that can make the input unusable (names, undecodable documents) is checked when the file is
    read; what is left for later is finding its policies' places and parsing valid documents into statements.
    """

    def __init__(self, name: str, arn: str | None, location: Location, entry: _RoleEntry, sources: dict[str, _ManagedSource]):
        self.name, self.arn, self.location = name, arn, location
        self._entry, self._sources = entry, sources

    @cached_property
    def attachments(self) -> tuple[Attachment, ...]:
        return self._entry.attachments(self.location.document)

    @cached_property
    def trust(self) -> Policy | None:
        source = self._entry.trust(self.location.document)
        if source is None:
            return None
        data, locate, location = source
        return parse_policy("trust policy", "trust", data, location, locate_statements=locate)

    @cached_property
    def _resolved(self) -> tuple[PolicySet, tuple[str, ...]]:
        policies = [parse_policy(policy_name, "inline", data, location, locate_statements=locate) for policy_name, data, locate, location in self._entry.inline(self.location.document)]
        missing: list[str] = []
        for attachment in self.attachments:
            policy = _resolve(attachment.arn, attachment.location, self._sources)
            if policy is None:
                missing.append(attachment.arn)
            else:
                policies.append(policy)
        boundary, boundary_unknown = None, False
        limit = self._entry.boundary(self.location.document)
        if limit is not None:
            boundary_arn, location = limit
            policy = _resolve(boundary_arn, location, self._sources)
            if policy is None:
                boundary_unknown = True
                missing.append(boundary_arn)
            else:
                boundary = PolicySet((policy,))
        return PolicySet(tuple(policies), boundary, boundary_unknown), tuple(missing)

    @property
    def permissions(self) -> PolicySet:
        return self._resolved[0]

    @property
    def missing(self) -> tuple[str, ...]:
        return self._resolved[1]


def _build_role(entry: dict, pointer: str, document: Document, sources: dict[str, _ManagedSource], extra: dict) -> Role:
    """The role of an export's entry. What can make the input unusable (no name, a document that does not decode)
    is found here; the places of its policies and attachments are worked out when a rule first asks."""
    arn = entry.get("Arn") if isinstance(entry.get("Arn"), str) else None
    name = entry.get("RoleName") if isinstance(entry.get("RoleName"), str) else (arn or "").rsplit("/", 1)[-1]
    if not name:
        raise IamInputError(f"{document.path}: the role at {quote(jp.to_path(pointer) or 'the top level')} has neither `RoleName` nor `Arn`")
    decoded = {}  # pointer -> (document, whether it can be located) of the documents written as strings
    if "AssumeRolePolicyDocument" in entry and not isinstance(entry["AssumeRolePolicyDocument"], dict):
        location = Location(document, jp.join(pointer, "AssumeRolePolicyDocument"))
        decoded[location.pointer] = _decode(entry["AssumeRolePolicyDocument"], location, "the trust policy")
    for base, items in _inline_lists(entry, pointer, extra):
        for index, item in dict_entries(items):
            if not isinstance(item.get("PolicyDocument"), dict):
                location = Location(document, jp.join(base, index, "PolicyDocument"))
                decoded[location.pointer] = _decode(item.get("PolicyDocument"), location, "the inline policy")
    return _DeferredRole(name, arn, Location(document, pointer), _RoleEntry(entry, pointer, extra, decoded), sources)


def _inline_lists(entry: dict, pointer: str, extra: dict) -> list[tuple[str, object]]:
    return [(jp.join(pointer, "RolePolicyList"), entry.get("RolePolicyList")), ("/RolePolicies", extra.get("RolePolicies"))]


@dataclass(frozen=True)
class _RoleEntry:
    """A role's object in an export, with the file-level extras of a one-role file and its decoded string documents."""

    entry: dict
    pointer: str
    extra: dict
    decoded: dict

    def document_at(self, value, location: Location) -> tuple[dict, bool]:
        return self.decoded[location.pointer] if location.pointer in self.decoded else (value, True)

    def trust(self, document: Document):
        if "AssumeRolePolicyDocument" not in self.entry:
            return None
        location = Location(document, jp.join(self.pointer, "AssumeRolePolicyDocument"))
        return (*self.document_at(self.entry["AssumeRolePolicyDocument"], location), location)

    def inline(self, document: Document) -> list:
        found = []
        for base, items in _inline_lists(self.entry, self.pointer, self.extra):
            for index, item in dict_entries(items):
                location = Location(document, jp.join(base, index, "PolicyDocument"))
                data, locate = self.document_at(item.get("PolicyDocument"), location)
                policy_name = item.get("PolicyName") if isinstance(item.get("PolicyName"), str) else f"inline #{index + 1}"
                found.append((policy_name, data, locate, location))
        return found

    def attachments(self, document: Document) -> tuple[Attachment, ...]:
        found: list[Attachment] = []
        for base, items in [(jp.join(self.pointer, "AttachedManagedPolicies"), self.entry.get("AttachedManagedPolicies")), ("/AttachedPolicies", self.extra.get("AttachedPolicies"))]:
            for index, item in dict_entries(items):
                policy_arn = item.get("PolicyArn")
                if isinstance(policy_arn, str):
                    label = item.get("PolicyName") if isinstance(item.get("PolicyName"), str) else policy_arn.rsplit("/", 1)[-1]
                    found.append(Attachment(policy_arn, label, Location(document, jp.join(base, index))))
        return tuple(found)

    def boundary(self, document: Document):
        limit = self.entry.get("PermissionsBoundary")
        if isinstance(limit, dict) and isinstance(limit.get("PermissionsBoundaryArn"), str):
            return limit["PermissionsBoundaryArn"], Location(document, jp.join(self.pointer, "PermissionsBoundary"))
        return None


def _role_entries(document: Document) -> list[tuple[dict, str, dict]]:
    """(role object, its pointer, the file-level extras of a one-role file) for each role in the document."""
    data = document.data
    found = [(entry, jp.join("/RoleDetailList", index), {}) for index, entry in dict_entries(data.get("RoleDetailList"))]
    if isinstance(data.get("Role"), dict):
        found.append((data["Role"], "/Role", data))
    return found


def context_from_documents(documents: list) -> IamContext:
    """The IAM context from parsed `--iam` documents (ecslint.documents.parse.parse results)."""
    for document in documents:
        if isinstance(document, Unparsable):
            raise IamInputError(f"{document.path}: {document.finding.message}")
        data = document.data
        if not isinstance(data, dict) or not any(isinstance(data.get(key), expected) for key, expected in (("RoleDetailList", list), ("Role", dict), ("Policies", list))):
            raise IamInputError(f"{document.path}: not IAM input: {EXPECTED_SHAPES}")
    sources: dict[str, _ManagedSource] = {}
    for document in documents:
        _collect_managed(document, sources)
    context = IamContext()
    seen: set[str] = set()
    for document in documents:
        for entry, pointer, extra in _role_entries(document):
            role = _build_role(entry, pointer, document, sources, extra)
            key = role.arn or role.name.casefold()
            if key not in seen:  # the same role in two pages of output: the first copy wins
                seen.add(key)
                context.roles.append(role)
    return context


def load_iam_files(paths: list[Path]) -> IamContext:
    """Read `--iam` files into one context; raises IamInputError with a one-line message for a file that cannot be used."""
    documents = []
    for path in paths:
        try:
            raw = read_regular_file(path, MAX_IAM_BYTES)
        except OSError as error:
            raise IamInputError(f"{path}: cannot read the --iam file: {os_error_reason(error)}") from None
        document = parse(str(path), raw, limit=MAX_IAM_BYTES)
        if isinstance(document, Document) and document.syntax == "json":
            # Findings cite a few statements of what may be a whole account's export: find just those.
            document._locator = SeekingJsonLocator(document.text, document.has_duplicate_keys)
        documents.append(document)
    return context_from_documents(documents)
