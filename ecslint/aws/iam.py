"""`--aws-iam`: resolve the roles a task definition names from the live account, read-only.

Each role and managed policy is fetched once per run. A call that is denied becomes a note
on that role (its IAM rules are skipped), never a crash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ecslint.aws.task_definitions import not_an_answer, unreachable
from ecslint.documents.parse import parse
from ecslint.iam.context import IamContext, Role, context_from_documents


@dataclass
class LiveIamContext(IamContext):
    """The roles from `--iam` files first; any other role is fetched from IAM when a rule asks for it."""

    session: object = None
    notes: list[str] = field(default_factory=list)
    _fetched: dict = field(default_factory=dict)
    _policies: dict = field(default_factory=dict)
    _client: object = None
    # Set once IAM could not be reached: no further calls are made, each would wait as long again.
    _unreachable: bool = False

    def role(self, reference: str) -> Role | None:
        known = super().role(reference)
        if known is not None or not isinstance(reference, str):
            return known
        name = reference.strip().rsplit("/", 1)[-1]
        if not name or any(mark in name for mark in "${}<>#"):
            return None  # a template placeholder names no role yet
        if name not in self._fetched:
            self._fetched[name] = None if self._unreachable else self._fetch(name)
        return self._fetched[name]

    def _iam(self):
        if self._client is None:
            from ecslint.aws.task_definitions import client

            self._client = client(self.session, "iam")
        return self._client

    def _fetch(self, name: str) -> Role | None:
        import botocore.exceptions

        operation = "iam:GetRole"
        try:
            iam = self._iam()
            role = iam.get_role(RoleName=name)["Role"]
            operation = "iam:ListRolePolicies"
            inline = [policy for page in iam.get_paginator("list_role_policies").paginate(RoleName=name) for policy in page["PolicyNames"]]
            operation = "iam:GetRolePolicy"
            role_policies = [iam.get_role_policy(RoleName=name, PolicyName=policy) for policy in inline]
            operation = "iam:ListAttachedRolePolicies"
            attached = [policy for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name) for policy in page["AttachedPolicies"]]
            policies = []
            for attachment in attached:
                operation = "iam:GetPolicy"
                policies.append(self._managed_policy(attachment["PolicyArn"]))
        except (botocore.exceptions.BotoCoreError, *not_an_answer()) as error:

            self._unreachable = True
            reason = unreachable(error, "IAM", None) or f"IAM call failed: {type(error).__name__}"
            self.notes.append(f"{reason}; IAM rules skipped for roles not given with --iam")
            return None
        except botocore.exceptions.ClientError as error:
            code = error.response.get("Error", {}).get("Code", "Error")
            if code == "NoSuchEntity" and operation == "iam:GetRole":
                self.notes.append(f"role {name} was not found in the account; IAM rules skipped for it")
            else:
                self.notes.append(f"policies of role {name} could not be read: {code} on {operation}; IAM rules skipped for it")
            return None
        for item in role_policies:
            item.pop("ResponseMetadata", None)
        document = {"Role": role, "RolePolicies": role_policies, "AttachedPolicies": attached, "Policies": policies}
        text = json.dumps(document, indent=2, sort_keys=True, default=str)
        # Reports name the live role by its ARN, as they name live task definitions.
        return context_from_documents([parse(role.get("Arn", f"role/{name}"), text.encode())]).roles[0]

    def _managed_policy(self, arn: str) -> dict:
        """A managed policy as get-account-authorization-details lists it, with its default version only."""
        if arn not in self._policies:
            iam = self._iam()
            policy = iam.get_policy(PolicyArn=arn)["Policy"]
            version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
            self._policies[arn] = {
                "PolicyName": policy["PolicyName"],
                "Arn": arn,
                "DefaultVersionId": policy["DefaultVersionId"],
                "PolicyVersionList": [{"Document": version["Document"], "VersionId": version["VersionId"], "IsDefaultVersion": True}],
            }
        return self._policies[arn]


def live_context(base: IamContext | None, session) -> LiveIamContext:
    return LiveIamContext(roles=list(base.roles) if base is not None else [], session=session)
