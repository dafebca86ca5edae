"""`ecslint policy --validate`: the generated policies checked by IAM Access Analyzer's ValidatePolicy (a read-only call).

API: ValidatePolicy (https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ValidatePolicy.html,
verified 2026-11-30): `policyType` IDENTITY_POLICY for a permissions policy; RESOURCE_POLICY with
`validatePolicyResourceType` `AWS::IAM::AssumeRolePolicyDocument` for a trust policy; paginated findings
with `findingType` (ERROR, SECURITY_WARNING, WARNING, SUGGESTION), `issueCode` and `findingDetails`.
"""

from __future__ import annotations

import json

from ecslint.aws import task_definitions as live
from ecslint.aws.task_definitions import LiveError


def _findings(analyzer, document: dict, **kind) -> list[dict]:
    import botocore.exceptions

    found = []
    try:
        for page in analyzer.get_paginator("validate_policy").paginate(policyDocument=json.dumps(document), **kind):
            found.extend(page.get("findings", []))
    except botocore.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Error")
        raise LiveError(f"IAM Access Analyzer ValidatePolicy failed: {code}: {error.response.get('Error', {}).get('Message', '')}") from None
    except botocore.exceptions.BotoCoreError as error:
        raise LiveError(f"IAM Access Analyzer ValidatePolicy failed: {error}") from None
    return found


def validate_plans(session, plans) -> list[str]:
    """One line per finding, `family: execution role policy: WARNING REDUNDANT_ACTION: ...`, sorted as received."""
    analyzer = live.client(session, "accessanalyzer")
    lines = []
    for plan in plans:
        checks = (
            ("policy", plan.policy_document(), {"policyType": "IDENTITY_POLICY"}),
            ("trust policy", plan.trust_document(), {"policyType": "RESOURCE_POLICY", "validatePolicyResourceType": "AWS::IAM::AssumeRolePolicyDocument"}),
        )
        for label, document, kind in checks:
            for finding in _findings(analyzer, document, **kind):
                level = str(finding.get("findingType", "FINDING")).lower().replace("_", " ")
                lines.append(f"{level}: {plan.family}: {plan.kind} role {label}: {finding.get('issueCode', '')}: {finding.get('findingDetails', '')}")
    return lines
