"""IAM roles as Terraform declares them (`aws_iam_role` and the policies attached to it), for the IAM (P) rules.

Resources: `aws_iam_role` (`assume_role_policy`, `inline_policy` blocks, `managed_policy_arns`,
`permissions_boundary`), `aws_iam_role_policy`, `aws_iam_role_policy_attachment`, `aws_iam_policy_attachment`
and `aws_iam_policy`, as the AWS provider documents them (verified 2026-11-30). A role is "incomplete" (rules
that need all it allows skip it) when a policy of it cannot be read, or when an attachment in sight names a
role ecslint cannot tell (it may be this one). Policies attached from outside the module are out of sight:
for `.tf` files that is the limit of linting without a plan.
"""

from __future__ import annotations

from ecslint.documents import pointer as jp
from ecslint.iam import managed
from ecslint.iam.context import Attachment, IamContext, Role
from ecslint.iam.evaluator import PolicySet
from ecslint.iam.partial import UNKNOWN_CONDITION, partial_document
from ecslint.iam.policy import Location, Policy, parse_policy
from ecslint.terraform.resources import Resource
from ecslint.terraform.taskdef import decode_json_attribute
from ecslint.subjects.placeholders import contains_deploy_time_value
from ecslint.terraform.template import Unknown
from ecslint.subjects.quoting import quote_text


# `data "aws_iam_policy_document"` blocks -> policy JSON, as the provider documents the data source.
_STATEMENT_LISTS = {"actions": "Action", "not_actions": "NotAction", "resources": "Resource", "not_resources": "NotResource"}


def _principals(blocks) -> dict | str | Unknown:
    if not isinstance(blocks, list) or any(not isinstance(block, dict) for block in blocks):
        return Unknown("principals")
    principal: dict = {}
    for block in blocks:
        kind, identifiers = block.get("type"), block.get("identifiers")
        if kind == "*" and identifiers in (["*"], "*"):
            return "*"
        identifiers = identifiers if isinstance(identifiers, list) else [identifiers]
        principal.setdefault(kind, [])
        principal[kind] += identifiers
    return {kind: values[0] if len(values) == 1 else values for kind, values in principal.items()}




def policy_from_data_source(body: dict, pointer: str, spans: dict | None, merged=None) -> dict | Unknown:
    """The JSON an `aws_iam_policy_document` renders (`merged(value)` reads the documents it merges); Unknown when a
    part of it cannot be read. Aliases the statements' positions (`Statement/0` -> `statement/0`) in spans so that
    findings land on the blocks."""
    if any(key in body for key in ("source_json", "override_json")) or (merged is None and any(key in body for key in ("source_policy_documents", "override_policy_documents"))):
        return Unknown("a merged policy document")
    statements = []
    blocks = body.get("statement") or []
    if not isinstance(blocks, list):
        return Unknown("statements known after apply")
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            return Unknown("a dynamic statement")
        statement: dict = {"Effect": block.get("effect", "Allow")}
        if "sid" in block:
            statement["Sid"] = block["sid"]
        for key, name in _STATEMENT_LISTS.items():
            if key in block:
                statement[name] = block[key]
        for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            if key in block:
                statement[name] = _principals(block[key])
        conditions = block.get("condition") or []
        for condition in conditions if isinstance(conditions, list) else [conditions]:
            test, variable = (condition.get("test"), condition.get("variable")) if isinstance(condition, dict) else (None, None)
            if not isinstance(test, str) or not isinstance(variable, str) or isinstance(test, Unknown) or isinstance(variable, Unknown):
                statement.setdefault("Condition", {}).update(UNKNOWN_CONDITION)
                continue
            statement.setdefault("Condition", {}).setdefault(test, {})[variable] = condition.get("values")
        statements.append(statement)
        if spans is not None and jp.join(pointer, "statement", index) in spans:
            spans[jp.join(pointer, "Statement", index)] = spans[jp.join(pointer, "statement", index)]
    if merged is not None and any(key in body for key in ("source_policy_documents", "override_policy_documents")):
        # Terraform: source documents first, this document's statements replacing those of the same Sid, then the
        # override documents' replacing any of the same Sid (AWS provider, aws_iam_policy_document, verified 2026-12).
        combined: list = []
        for layer in ([merged(item) for item in _items(body.get("source_policy_documents"))], [{"Statement": statements}], [merged(item) for item in _items(body.get("override_policy_documents"))]):
            for document in layer:
                if not isinstance(document, dict) or not isinstance(document.get("Statement"), (list, dict)):
                    return Unknown("a merged policy document known after apply")
                for statement in document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]:
                    sid = statement.get("Sid") if isinstance(statement, dict) else None
                    same = next((position for position, other in enumerate(combined) if sid and isinstance(other, dict) and other.get("Sid") == sid), None)
                    if same is None:
                        combined.append(statement)
                    else:
                        combined[same] = statement
        statements = combined
    document = {"Version": body.get("version", "2012-10-17"), "Statement": statements}
    if "policy_id" in body:
        document["Id"] = body["policy_id"]
    return document


def _items(value) -> list:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _document(value) -> tuple[dict | None, int]:
    """A policy document as far as it is known (see partial_document), and the number of statements dropped."""
    decoded, known = decode_json_attribute(value)
    if not known:
        return None, 0
    return partial_document(decoded)


def _text(value) -> str | None:
    return value if isinstance(value, str) and value and "${" not in value else None


# The argument of each attachment naming its role(s) (AWS provider, verified 2026-11-30).
_ROLE_ARGUMENT = {"aws_iam_role_policy": "role", "aws_iam_role_policy_attachments_exclusive": "role_name",
                  "aws_iam_role_policy_attachment": "role", "aws_iam_policy_attachment": "roles"}


class _Roles:
    def __init__(self, resources: list[Resource]):
        self.resources = resources
        # `${data.aws_iam_policy_document.x.json}` -> (its rendered document, where the data source is).
        self.data_sources = {resource.key("json"): resource for resource in resources if resource.type == "data.aws_iam_policy_document"}
        self.documents: dict = {}
        self.policies = {resource.base: resource for resource in resources if resource.type == "aws_iam_policy"}
        self.roles = [resource for resource in resources if resource.type == "aws_iam_role"]
        self._rendering: set[str] = set()
        self._attachments_by_reference, self._attachments_of_any = self._index_attachments()

    def _index_attachments(self) -> tuple[dict[str, list[int]], list[int]]:
        """Positions of the attachments (and role policies) by the `${...}` reference naming their role, and of those
        naming it otherwise (a literal name, an unknown value), which may be for any role: build() reads only these."""
        by_reference: dict[str, list[int]] = {}
        of_any: list[int] = []
        for position, other in enumerate(self.resources):
            argument = _ROLE_ARGUMENT.get(other.type)
            if argument is None:
                continue
            targets = other.values.get(argument)
            targets = targets if isinstance(targets, list) else [targets]
            if targets and all(isinstance(target, str) and not isinstance(target, Unknown) and "${" in target for target in targets):
                for target in dict.fromkeys(targets):
                    by_reference.setdefault(target, []).append(position)  # refers_to: True for that role, False for others
            else:
                of_any.append(position)
        return by_reference, of_any

    def _attachments_for(self, role: Resource) -> list[Resource]:
        positions = set(self._attachments_of_any)
        for attribute in ("arn", "name", "id"):
            positions.update(self._attachments_by_reference.get(role.key(attribute), ()))
        return [self.resources[position] for position in sorted(positions)]

    def rendered(self, key: str):
        """(the document a data source renders, the data source), merged documents read first."""
        if key not in self.documents:
            resource = self.data_sources[key]
            self._rendering.add(key)
            spans = getattr(resource.document.locator, "spans", None)
            document = policy_from_data_source(resource.values, resource.pointer, spans, self._merged)
            self._rendering.discard(key)
            self.documents[key] = (document, resource)
        return self.documents[key]

    def _merged(self, value):
        if isinstance(value, str) and value in self.data_sources and value not in self._rendering:
            return self.rendered(value)[0]
        decoded, known = decode_json_attribute(value)
        return decoded if known and not isinstance(value, Unknown) else Unknown("a policy document known after apply")

    def refers_to(self, value, role: Resource) -> bool | None:
        """Whether value names the role: True, False, or None when it cannot be told (an unknown value)."""
        if isinstance(value, Unknown):
            return None
        if role.names(value):
            return True
        name, arn = _text(role.values.get("name")), _text(role.values.get("arn"))
        if isinstance(value, str) and "${" not in value:
            return value in (name, arn) if (name or arn) else None
        return False

    def read(self, value, location: Location, missing: list | None = None, label: str = "") -> tuple[dict | None, Location]:
        """A policy attribute's document as far as it is known, and where its statements are (the data source, for one).
        Statements left out for actions known only after apply are noted in missing."""
        if isinstance(value, str) and value in self.data_sources:
            document, source = self.rendered(value)
            document, dropped = partial_document(document) if not isinstance(document, Unknown) else (None, 0)
            location = Location(source.document, source.pointer)
        else:
            document, dropped = _document(value)
        if dropped and missing is None:
            return None, location  # a trust policy missing a statement cannot say who may assume the role
        if dropped and document is not None:
            missing.append(f"{dropped} statement{'s' if dropped > 1 else ''} of {label or 'a policy'} (actions known after apply)")
        return document, location

    def policy_for_arn(self, arn, location: Location, missing: list[str]) -> Policy | None:
        if isinstance(arn, str):
            for resource in self.policies.values():
                if resource.names(arn) or (_text(resource.values.get("arn")) == arn):
                    name = _text(resource.values.get("name")) or resource.name
                    document, where = self.read(resource.values.get("policy"), Location(resource.document, resource.at("policy")), missing, f"policy '{quote_text(name)}'")
                    if document is None:
                        break
                    return parse_policy(name, "managed", document, where, arn=_text(resource.values.get("arn")))
            else:
                offline = managed.known(arn)
                if offline is not None:
                    return parse_policy(offline.name, "aws-managed", offline.document, location, locate_statements=False, arn=arn, offline_version=offline.described_version)
        missing.append(arn if isinstance(arn, str) else getattr(arn, "source", "a policy ARN known after apply"))
        return None

    def build(self, role: Resource) -> Role:
        values = role.values
        name = _text(values.get("name")) or role.name
        arn = _text(values.get("arn")) or role.key("arn")
        trust_document, where = self.read(values.get("assume_role_policy"), Location(role.document, role.at("assume_role_policy")))
        trust = parse_policy("trust policy", "trust", trust_document, where) if trust_document else None
        policies: list[Policy] = []
        missing: list[str] = []
        attachments: list[Attachment] = []
        for index, block in enumerate(values.get("inline_policy") or []):
            if not isinstance(block, dict):
                missing.append("an inline policy known after apply")
                continue
            self._inline(block.get("policy"), _text(block.get("name")) or f"inline #{index + 1}", Location(role.document, role.at("inline_policy", index, "policy")), policies, missing)
        arns = values.get("managed_policy_arns")
        for index, policy_arn in enumerate(arns if isinstance(arns, list) else [arns] if arns is not None else []):
            location = Location(role.document, role.at("managed_policy_arns", index))
            self._attach(policy_arn, location, policies, attachments, missing)
        for other in self._attachments_for(role):
            if other.type == "aws_iam_role_policy":
                matches = self.refers_to(other.values.get("role"), role)
                if matches:
                    self._inline(other.values.get("policy"), _text(other.values.get("name")) or other.name, Location(other.document, other.at("policy")), policies, missing)
                elif matches is None:
                    missing.append(f"{quote_text(other.address)} (its role is known after apply)")
            elif other.type == "aws_iam_role_policy_attachments_exclusive":
                matches = self.refers_to(other.values.get("role_name"), role)
                arns = other.values.get("policy_arns")
                if matches:
                    for index, policy_arn in enumerate(arns if isinstance(arns, list) else [arns]):
                        self._attach(policy_arn, Location(other.document, other.at("policy_arns", index) if isinstance(arns, list) else other.at("policy_arns")), policies, attachments, missing)
                elif matches is None:
                    missing.append(f"{quote_text(other.address)} (its role is known after apply)")
            elif other.type in ("aws_iam_role_policy_attachment", "aws_iam_policy_attachment"):
                targets = other.values.get("role") if other.type == "aws_iam_role_policy_attachment" else other.values.get("roles")
                found = [self.refers_to(target, role) for target in (targets if isinstance(targets, list) else [targets])]
                if any(found):
                    self._attach(other.values.get("policy_arn"), Location(other.document, other.at("policy_arn")), policies, attachments, missing)
                elif None in found:
                    missing.append(f"{quote_text(other.address)} (its role is known after apply)")
        boundary, boundary_unknown = None, False
        limit = values.get("permissions_boundary")
        if limit is not None and limit != "":
            policy = self.policy_for_arn(limit, Location(role.document, role.at("permissions_boundary")), missing)
            boundary, boundary_unknown = (PolicySet((policy,)), False) if policy is not None else (None, True)
        return Role(name, arn, Location(role.document, role.pointer), trust, PolicySet(tuple(policies), boundary, boundary_unknown), tuple(attachments), tuple(missing))

    def _inline(self, value, name: str, location: Location, policies: list, missing: list) -> None:
        document, where = self.read(value, location, missing, f"inline policy '{quote_text(name)}'")
        if document is None:
            missing.append(f"inline policy '{quote_text(name)}' (known after apply)")
        else:
            policies.append(parse_policy(name, "inline", document, where))

    def _attach(self, policy_arn, location: Location, policies: list, attachments: list, missing: list) -> None:
        label = policy_arn.rsplit("/", 1)[-1] if isinstance(policy_arn, str) else "policy"
        if isinstance(policy_arn, str):
            attachments.append(Attachment(policy_arn, label, location))
        policy = self.policy_for_arn(policy_arn, location, missing)
        if policy is not None:
            policies.append(policy)


def _looked_up_role(resource: Resource) -> Role:
    """`data "aws_iam_role"`: a role that exists outside the module; its policies are not in sight."""
    name = _text(resource.values.get("name")) or resource.name
    return Role(name, _text(resource.values.get("arn")) or resource.key("arn"), Location(resource.document, resource.pointer), None, PolicySet(()), (), (f"{resource.address} (a role looked up by name: its policies are not in the module)",))


def iam_context(resources: list[Resource], unfollowed: dict | None = None, wanted: set[str] | None = None) -> IamContext:
    """The roles the resources declare, each with the policies attached to it among them; with wanted (the role
    field values the context will be asked about), only the roles IamContext.role could answer them with."""
    builder = _Roles(resources)
    roles = [builder.build(role) for role in builder.roles if wanted is None or _may_answer(role, wanted)]
    roles += [_looked_up_role(resource) for resource in resources if resource.type == "data.aws_iam_role"]
    return IamContext(roles, unfollowed=dict(unfollowed or {}))


def _may_answer(role: Resource, wanted: set[str]) -> bool:
    """Whether IamContext.role(value) may find this role for one of the values: by its ARN, or by its name (a role
    of another name never changes the answer, since a name must be unique among the roles to count)."""
    arn = _text(role.values.get("arn")) or role.key("arn")
    name = (_text(role.values.get("name")) or role.name).casefold()
    return any(value == arn or value.rsplit("/", 1)[-1].casefold() == name for value in wanted)
