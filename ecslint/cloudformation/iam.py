"""The IAM roles a template defines, with the policies attached to them in the same template, for the (P) rules.

Sources (CloudFormation user guide, resource reference, verified 2026-11-30): AWS::IAM::Role
(`AssumeRolePolicyDocument`, `Policies`, `ManagedPolicyArns`, `PermissionsBoundary`, `RoleName`, `Path`;
`Ref` returns the role name, `Fn::GetAtt Arn` the ARN), AWS::IAM::Policy (`Roles` takes role names),
AWS::IAM::RolePolicy (`RoleName`), AWS::IAM::ManagedPolicy (`Roles`; `Ref` returns its ARN). Policy
documents may be objects or JSON strings. A policy whose document or ARN cannot be resolved from the
template makes its role "incomplete", so that rules needing everything the role allows skip it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ecslint.documents import pointer as jp
from ecslint.cloudformation.intrinsics import NO_VALUE, Template, Unresolved, is_intrinsic, placeholder
from ecslint.subjects.placeholders import contains_deploy_time_value
from ecslint.iam import managed
from ecslint.iam.context import Attachment, IamContext, Role
from ecslint.iam.evaluator import PolicySet
from ecslint.iam.partial import partial_document
from ecslint.iam.policy import Location, Policy, parse_policy
from ecslint.subjects.quoting import quote_text


@dataclass
class TemplateIamContext(IamContext):
    """Roles defined in one template; also finds a role by what the template's references resolve to."""

    # Resolved reference text (`!GetAtt R.Arn`, `!Ref R`, `${R}`) -> role.
    aliases: dict[str, Role] = field(default_factory=dict)
    # Logical ID -> role.
    by_logical_id: dict[str, Role] = field(default_factory=dict)

    def role(self, reference: str) -> Role | None:
        if isinstance(reference, str) and reference.strip() in self.aliases:
            return self.aliases[reference.strip()]
        if isinstance(reference, str):
            # `!Sub arn:aws:iam::${AWS::AccountId}:role/${Role}` names the role by its generated name.
            last = reference.strip().rsplit("/", 1)[-1]
            if last.startswith("${") and last.endswith("}") and last[2:-1] in self.by_logical_id:
                return self.by_logical_id[last[2:-1]]
        return super().role(reference)


def _document(value) -> tuple[dict | None, bool]:
    """A resolved policy document and whether its statements can be located (written as an object, not text)."""
    if isinstance(value, dict):
        return value, True
    if isinstance(value, str) and not isinstance(value, Unresolved):
        try:
            data = json.loads(value)
        except ValueError:
            return None, False
        return (data, False) if isinstance(data, dict) else (None, False)
    return None, False


def _statements_in_place(raw) -> bool:
    """True when the written statements are where the resolved ones are (no Fn::If or NoValue reshaping the list)."""
    statements = raw.get("Statement") if isinstance(raw, dict) else None
    if isinstance(statements, list):
        return all(isinstance(item, dict) and not is_intrinsic(item) for item in statements)
    return isinstance(statements, dict) and not is_intrinsic(statements)


@dataclass
class _RoleParts:
    logical_id: str
    pointer: str
    trust: Policy | None = None
    policies: list[Policy] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    boundary: PolicySet | None = None
    boundary_unknown: bool = False


class _Builder:
    def __init__(self, template: Template, document):
        self.template = template
        self.document = document
        self.parts: dict[str, _RoleParts] = {}
        # Role name written in the template -> logical ID, for attachments that name roles by text.
        self.names: dict[str, str] = {}

    def location(self, pointer: str) -> Location:
        return Location(self.document, pointer)

    def policy(self, name: str, kind: str, raw, pointer: str, arn: str | None = None, missing: list | None = None) -> Policy | None:
        """The policy as far as the template knows it (see ecslint.iam.partial); statements left out are noted in missing."""
        resolved = _dynamic_references(self.template.resolve(raw))
        data, locatable = _document(resolved)
        data, dropped = partial_document(data) if data is not None else (None, 0)
        if data is None or (dropped and missing is None):
            return None  # a trust policy missing a statement cannot say who may assume the role
        if dropped:
            missing.append(f"{dropped} statement{'s' if dropped > 1 else ''} of policy {quote_text(name)} (actions known at deploy time)")
        locate = locatable and _statements_in_place(raw)
        return parse_policy(name, kind, data, self.location(pointer), locate_statements=locate, arn=arn)

    def build(self) -> TemplateIamContext:
        for logical_id, _ in self.template.resources_of_type("AWS::IAM::Role"):
            self._role(logical_id)
        for logical_id, _ in self.template.resources_of_type("AWS::IAM::Policy"):
            self._attached_policy(logical_id, "inline", "Roles")
        for logical_id, _ in self.template.resources_of_type("AWS::IAM::RolePolicy"):
            self._attached_policy(logical_id, "inline", "RoleName")
        for logical_id, _ in self.template.resources_of_type("AWS::IAM::ManagedPolicy"):
            self._attached_policy(logical_id, "managed", "Roles")
        return self._context()

    def _role(self, logical_id: str) -> None:
        pointer = jp.join("/Resources", logical_id, "Properties")
        properties = self.template.properties(logical_id)
        parts = _RoleParts(logical_id, jp.join("/Resources", logical_id))
        self.parts[logical_id] = parts
        name = self.template.literal_property(logical_id, "RoleName")
        if name:
            self.names[name.casefold()] = logical_id
        if "AssumeRolePolicyDocument" in properties:
            parts.trust = self.policy("trust policy", "trust", properties["AssumeRolePolicyDocument"], jp.join(pointer, "AssumeRolePolicyDocument"))
        inline = self.template.resolve(properties.get("Policies"))
        for index, entry in enumerate(inline if isinstance(inline, list) else []):
            if not isinstance(entry, dict):
                continue
            policy_name = entry.get("PolicyName") if isinstance(entry.get("PolicyName"), str) else f"inline #{index + 1}"
            raw_entries = properties.get("Policies")
            raw = raw_entries[index].get("PolicyDocument") if isinstance(raw_entries, list) and index < len(raw_entries) and isinstance(raw_entries[index], dict) else entry.get("PolicyDocument")
            policy = self.policy(policy_name, "inline", raw, jp.join(pointer, "Policies", index, "PolicyDocument"), missing=parts.missing)
            if policy is None:
                parts.missing.append(f"inline policy {quote_text(policy_name)}")
            else:
                parts.policies.append(policy)
        raw_arns = properties.get("ManagedPolicyArns")
        arns = self.template.resolve(raw_arns)
        for index, arn in enumerate(arns if isinstance(arns, list) else []):
            self._managed(parts, arn, raw_arns[index] if isinstance(raw_arns, list) and index < len(raw_arns) else arn, jp.join(pointer, "ManagedPolicyArns", index))
        if contains_deploy_time_value(arns) and not isinstance(arns, list):
            parts.missing.append("ManagedPolicyArns")
        if "PermissionsBoundary" in properties:
            raw = properties["PermissionsBoundary"]
            resolved = self.template.resolve(raw)
            boundary = None if resolved is NO_VALUE else self._managed_policy(resolved, raw, jp.join(pointer, "PermissionsBoundary"), parts.missing)
            if boundary is not None:
                parts.boundary = PolicySet((boundary,))
            elif resolved is not NO_VALUE:
                parts.boundary_unknown = True
                # `!If [cond, arn, !Ref AWS::NoValue]`: perhaps no boundary at all. A boundary only takes away, so the
                # role stays complete (what its policies do not allow it cannot do); what they allow it only "may" do.
                if not _optional(raw):
                    parts.missing.append("PermissionsBoundary")

    def _managed_policy(self, arn, raw, pointer: str, missing: list) -> Policy | None:
        """The document of a managed policy given by ARN: one defined in this template, or an AWS managed one known offline."""
        if isinstance(raw, dict) and set(raw) == {"Ref"} and self.template.resource_type(raw["Ref"]) == "AWS::IAM::ManagedPolicy":
            logical_id = raw["Ref"]
            properties = self.template.properties(logical_id)
            name = self.template.literal_property(logical_id, "ManagedPolicyName") or logical_id
            return self.policy(name, "managed", properties.get("PolicyDocument"), jp.join("/Resources", logical_id, "Properties", "PolicyDocument"), missing=missing)
        if not isinstance(arn, str):
            return None
        offline = managed.known(arn)
        if offline is None:
            return None
        # Statements of an offline copy are not in the template: point at the attachment instead.
        return parse_policy(offline.name, "aws-managed", offline.document, self.location(pointer), locate_statements=False, arn=offline.arn, offline_version=offline.described_version)

    def _managed(self, parts: _RoleParts, arn, raw, pointer: str) -> None:
        label = arn.rsplit("/", 1)[-1] if isinstance(arn, str) else "policy"
        policy = self._managed_policy(arn, raw, pointer, parts.missing)
        if isinstance(arn, str):
            parts.attachments.append(Attachment(arn, policy.name if policy else label, self.location(pointer)))
        if policy is None:
            parts.missing.append(arn if isinstance(arn, str) else "a managed policy")
        else:
            parts.policies.append(policy)

    def _targets(self, raw) -> list[str]:
        """Logical IDs of the roles a `Roles`/`RoleName` value names (by `!Ref Role` or by a name the template gives)."""
        items = raw if isinstance(raw, list) else [raw]
        found = []
        for item in items:
            if isinstance(item, dict) and set(item) == {"Ref"} and item["Ref"] in self.parts:
                found.append(item["Ref"])
                continue
            value = self.template.resolve(item)
            if isinstance(value, str) and not isinstance(value, Unresolved) and value.casefold() in self.names:
                found.append(self.names[value.casefold()])
        return found

    def _attached_policy(self, logical_id: str, kind: str, roles_property: str) -> None:
        properties = self.template.properties(logical_id)
        name_property = "ManagedPolicyName" if kind == "managed" else "PolicyName"
        name = self.template.literal_property(logical_id, name_property) or logical_id
        pointer = jp.join("/Resources", logical_id, "Properties", "PolicyDocument")
        for target in self._targets(properties.get(roles_property)):
            parts = self.parts[target]
            policy = self.policy(name, kind, properties.get("PolicyDocument"), pointer, missing=parts.missing)
            if policy is None:
                parts.missing.append(f"policy {quote_text(name)}")
                continue
            if kind == "managed":
                parts.attachments.append(Attachment("${" + logical_id + "}", name, self.location(jp.join("/Resources", logical_id))))
                if any(existing.location == policy.location for existing in parts.policies):
                    continue  # attached both ways (ManagedPolicyArns and Roles): count it once
            parts.policies.append(policy)

    def _context(self) -> TemplateIamContext:
        context = TemplateIamContext()
        for logical_id, parts in self.parts.items():
            arn = self.template.role_arn(logical_id)
            name = self.template.literal_property(logical_id, "RoleName") or logical_id
            permissions = PolicySet(tuple(parts.policies), parts.boundary, parts.boundary_unknown)
            role = Role(name, arn, self.location(parts.pointer), parts.trust, permissions, tuple(parts.attachments), tuple(parts.missing))
            context.roles.append(role)
            context.by_logical_id[logical_id] = role
            for alias in (arn, "${" + logical_id + "}", "${" + logical_id + ".Arn}"):
                context.aliases[alias] = role
        return context


def template_iam_context(template: Template, document) -> TemplateIamContext:
    """The roles the template defines, each with every policy the template attaches to it."""
    return _Builder(template, document).build()


_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:[^{}]{0,2048}\}\}")


def _dynamic_references(value):
    """`{{resolve:ssm:/shop/arn}}` (a dynamic reference, read at deploy time) as an unknown: `${resolve.ssm./shop/arn}`."""
    if isinstance(value, str) and "{{resolve:" in value:
        return Unresolved(_DYNAMIC_REFERENCE.sub(lambda match: placeholder(match.group(0)[2:-2]), value))
    if isinstance(value, dict):
        return {key: _dynamic_references(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dynamic_references(item) for item in value]
    return value


def _optional(raw) -> bool:
    """`Fn::If` with an `AWS::NoValue` branch: a property that may not be set at all."""
    branches = raw.get("Fn::If") if isinstance(raw, dict) and len(raw) == 1 else None
    if not isinstance(branches, list) or len(branches) != 3:
        return False
    return any(isinstance(branch, dict) and branch == {"Ref": "AWS::NoValue"} for branch in branches[1:])
