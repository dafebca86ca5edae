"""The shapes a parsed document can have, and the loop that asks each recogniser in turn.

A recogniser takes a parsed document and returns the subjects found in it (task definitions, or other
kinds of subject with checks of their own), or None when the document is not of its kind. The first
recogniser that answers wins. Which recognisers exist is the front ends' business (ecslint.front_ends).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

# (module, recogniser, cheap test): the module is imported only when its cheap test passes.
Recogniser = tuple[str, str, Callable[[object], bool]]


def has_resources(document) -> bool:
    """A CloudFormation template's shape: a `Resources` object."""
    return isinstance(document.data, dict) and isinstance(document.data.get("Resources"), dict)


def is_plan_or_state(data) -> bool:
    """`terraform show -json` output: a plan (`planned_values`) or state (`values`) with a `format_version`."""
    return isinstance(data, dict) and "format_version" in data and isinstance(data.get("planned_values", data.get("values")), dict)


# Keys of which a service, describe-services output or run-task input has at least one (see ecslint.subjects.service).
_SERVICE_MARKERS = frozenset({"services", "service", "serviceName", "taskDefinition", "desiredCount", "loadBalancers", "launchType", "networkConfiguration", "deploymentConfiguration", "capacityProviderStrategy", "schedulingStrategy", "placementStrategy", "deploymentController"})


def may_be_service(document) -> bool:
    """Cheap test before the service recogniser is imported: a mapping with a key services have."""
    return isinstance(document.data, dict) and not _SERVICE_MARKERS.isdisjoint(document.data)


# Top-level keys only `aws ecr` outputs have: describe-repositories, get-lifecycle-policy, get-repository-policy,
# describe-registry, get-registry-scanning-configuration, describe-pull-through-cache-rules (botocore ECR model).
ECR_OUTPUT_KEYS = ("repositories", "lifecyclePolicyText", "policyText", "replicationConfiguration", "scanningConfiguration", "pullThroughCacheRules")


def is_ecr_output(document) -> bool:
    """A JSON object with a top-level key of an `aws ecr` output."""
    data = document.data
    return isinstance(data, dict) and getattr(document, "syntax", "json") == "json" and any(key in data for key in ECR_OUTPUT_KEYS)


def any_document(document) -> bool:
    return True


def recognise(document, recognisers: Sequence[Recogniser]) -> list | None:
    for module, name, applies in recognisers:
        if applies(document):
            subjects = getattr(importlib.import_module(module), name)(document)
            if subjects is not None:
                return subjects
    return None
