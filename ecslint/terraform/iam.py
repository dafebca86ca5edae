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


def policy_from_data_source(body: dict, pointer: str, spans: dict | None) -> dict | Unknown:
    """The JSON an `aws_iam_policy_document` renders; Unknown when it merges other documents. Aliases the
    statements' positions (`Statement/0` -> `statement/0`) in spans so that findings land on the blocks."""
    if any(key in body for key in ("source_policy_documents", "override_policy_documents", "source_json", "override_json")):
        return Unknown("a merged policy document")
    statements = []
    for index, block in enumerate(body.get("statement") or []):
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
        for condition in block.get("condition") or []:
            if not isinstance(condition, dict):
                return Unknown("a dynamic condition")
            values = condition.get("values")
            statement.setdefault("Condition", {}).setdefault(condition.get("test"), {})[condition.get("variable")] = values
        statements.append(statement)
        if spans is not None and jp.join(pointer, "statement", index) in spans:
            spans[jp.join(pointer, "Statement", index)] = spans[jp.join(pointer, "statement", index)]
    document = {"Version": body.get("version", "2012-10-17"), "Statement": statements}
    if "policy_id" in body:
        document["Id"] = body["policy_id"]
    return document


def _document(value) -> dict | None:
    """A policy document when its JSON and every value in it are known."""
    decoded, known = decode_json_attribute(value)
    if not known or not isinstance(decoded, dict) or contains_deploy_time_value(decoded):
        return None
    return decoded


def _text(value) -> str | None:
    return value if isinstance(value, str) and value and "${" not in value else None


class _Roles:
    def __init__(self, resources: list[Resource]):
        self.resources = resources
        # `${data.aws_iam_policy_document.x.json}` -> (its rendered document, where the data source is).
        self.documents = {}
        for resource in resources:
            if resource.type == "data.aws_iam_policy_document":
                spans = getattr(resource.document.locator, "spans", None)
                self.documents[resource.key("json")] = (policy_from_data_source(resource.values, resource.pointer, spans), resource)
        self.policies = {resource.base: resource for resource in resources if resource.type == "aws_iam_policy"}
        self.roles = [resource for resource in resources if resource.type == "aws_iam_role"]

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

    def read(self, value, location: Location) -> tuple[dict | None, Location]:
        """A policy attribute's document and where its statements are (the data source, for one)."""
        if isinstance(value, str) and value in self.documents:
            document, source = self.documents[value]
            known = isinstance(document, dict) and not contains_deploy_time_value(document)
            return (document if known else None), Location(source.document, source.pointer)
        return _document(value), location

    def policy_for_arn(self, arn, location: Location, missing: list[str]) -> Policy | None:
        if isinstance(arn, str):
            for resource in self.policies.values():
                if resource.names(arn) or (_text(resource.values.get("arn")) == arn):
                    document, where = self.read(resource.values.get("policy"), Location(resource.document, resource.at("policy")))
                    if document is None:
                        break
                    name = _text(resource.values.get("name")) or resource.name
                    return parse_policy(name, "managed", document, where, arn=_text(resource.values.get("arn")))
            else:
                offline = managed.known(arn)
                if offline is not None:
                    return parse_policy(offline.name, "aws-managed", offline.document, location, locate_statements=False, arn=arn, offline_version=offline.version_id)
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
        for other in self.resources:
            if other.type == "aws_iam_role_policy":
                matches = self.refers_to(other.values.get("role"), role)
                if matches:
                    self._inline(other.values.get("policy"), _text(other.values.get("name")) or other.name, Location(other.document, other.at("policy")), policies, missing)
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
        document, where = self.read(value, location)
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


def iam_context(resources: list[Resource]) -> IamContext:
    """The roles the resources declare, each with the policies attached to it among them."""
    builder = _Roles(resources)
    return IamContext([builder.build(role) for role in builder.roles])
