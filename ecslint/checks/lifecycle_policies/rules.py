"""ECS801-ECS802: ECR lifecycle policies that `PutLifecyclePolicy` rejects.

Facts: ECR user guide, "Lifecycle policy properties"
(https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html),
"Examples of lifecycle policies" (lifecycle_policy_examples.html), "Archiving an image"
(archive-image.html) and "Automate the cleanup of images" (LifecyclePolicies.html), verified 2026-11-30;
the grammar as ECR published it with archiving in November 2025, where `sinceImagePulled` counts only
for rules that move images to the archive, not for rules that expire them.
"""

from __future__ import annotations

from collections.abc import Iterator

from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.lifecycle_policy import LifecyclePolicy, LifecycleRule, shown, whole_number
from ecslint.subjects.quoting import quote

TAG_STATUSES = ("tagged", "untagged", "any")
COUNT_TYPES = ("imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned")
# Count types that measure age and so need `countUnit: days`; `imageCountMoreThan` must not have one.
AGE_COUNT_TYPES = COUNT_TYPES[1:]
STORAGE_CLASSES = ("standard", "archive")
ACTION_TYPES = ("expire", "transition")
# "There is a maximum limit of four wildcards (*) per string" in `tagPatternList`.
MAX_WILDCARDS = 4
# Count types ECR accepts only with a `transition` action (lifecycle_policy_parameters.html, 2025-11).
TRANSITION_ONLY_COUNT_TYPES = ("sinceImagePulled",)
# Archived images have a 90-day minimum storage duration: no policy may delete them sooner (archive-image.html).
MIN_ARCHIVE_DAYS = 90
TAG_LISTS = ("tagPatternList", "tagPrefixList")


def _choices(values: tuple[str, ...]) -> str:
    return ", ".join(f"{quote(value)}" for value in values[:-1]) + f" or {quote(values[-1])}"


@check("ECS801", subject=LifecyclePolicy)
def invalid_lifecycle_policy(policy: LifecyclePolicy) -> Iterator[Finding]:
    entries = policy.data.get("rules")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict):
            yield Finding("ECS801", policy.ptr("rules", index), f"Rule #{index + 1} is {shown(entry)}, not an object with `rulePriority`, `selection` and `action`.")
    yield from _priorities(policy)
    for rule in policy.rules:
        description = rule.data.get("description")
        if description is not None and not isinstance(description, str):
            yield Finding("ECS801", rule.ptr("description"), f"{rule.label}: `description` must be text, not {shown(description)}.")
        yield from _selection(rule)
        yield from _action(rule)


def _priorities(policy: LifecyclePolicy) -> Iterator[Finding]:
    first_with: dict[int, LifecycleRule] = {}
    for rule in policy.rules:
        if "rulePriority" not in rule.data:
            yield Finding("ECS801", rule.pointer, f"{rule.label} has no `rulePriority`; ECR needs one on every rule to order them.")
            continue
        priority = rule.priority
        if priority is None:
            value = rule.data["rulePriority"]
            yield Finding("ECS801", rule.ptr("rulePriority"), f"{rule.label}: `rulePriority` must be a positive integer, not {shown(value)}.")
        elif priority in first_with:
            earlier = first_with[priority]
            yield Finding("ECS801", rule.ptr("rulePriority"), f"{rule.label}: `rulePriority` {priority} is already used by rule #{earlier.index + 1}; each rule needs a priority of its own.")
        else:
            first_with[priority] = rule


def _selection(rule: LifecycleRule) -> Iterator[Finding]:
    if not isinstance(rule.data.get("selection"), dict):
        where = rule.ptr("selection") if "selection" in rule.data else rule.pointer
        yield Finding("ECS801", where, f"{rule.label} has no `selection` object saying which images it applies to.")
        return
    yield from _tags(rule)
    yield from _count(rule)


def _tags(rule: LifecycleRule) -> Iterator[Finding]:
    selection = rule.selection
    status = selection.get("tagStatus")
    given = [name for name in TAG_LISTS if name in selection]
    if status is None:
        yield Finding("ECS801", rule.ptr("selection"), f"{rule.label} has no `selection.tagStatus`; set it to {_choices(TAG_STATUSES)}.")
    elif status not in TAG_STATUSES:
        yield Finding("ECS801", rule.ptr("selection", "tagStatus"), f"{rule.label}: `tagStatus` must be {_choices(TAG_STATUSES)}, not {shown(status)}.")
    elif status == "tagged" and not given:
        yield Finding("ECS801", rule.ptr("selection", "tagStatus"), f"{rule.label}: `tagStatus: tagged` needs a `tagPatternList` or `tagPrefixList` naming the tags it selects.")
    elif status != "tagged":
        for name in given:
            yield Finding("ECS801", rule.ptr("selection", name), f"{rule.label}: {quote(name)} is allowed only with `tagStatus: tagged`, not {quote(status)}.")
        return
    if len(given) == 2:
        # ECR user guide (LifecyclePolicies.html): a rule may specify either list, but not both; AWS CDK rejects it too.
        yield Finding("ECS801", rule.ptr("selection", "tagPrefixList"), f"{rule.label} sets both `tagPatternList` and `tagPrefixList`; a rule takes one or the other.")
    for name in given:
        yield from _tag_list(rule, name)


def _tag_list(rule: LifecycleRule, name: str) -> Iterator[Finding]:
    values = rule.selection[name]
    if not isinstance(values, list) or not values:
        yield Finding("ECS801", rule.ptr("selection", name), f"{rule.label}: {quote(name)} must be a non-empty list of tag strings, not {shown(values)}.")
        return
    for index, value in enumerate(values):
        if not isinstance(value, str) or not value:
            yield Finding("ECS801", rule.ptr("selection", name, index), f"{rule.label}: {quote(name)} entries must be non-empty text, not {shown(value)}.")
        elif name == "tagPatternList" and value.count("*") > MAX_WILDCARDS:
            yield Finding("ECS801", rule.ptr("selection", name, index), f"{rule.label}: tag pattern {shown(value)} has {value.count('*')} wildcards; ECR allows at most {MAX_WILDCARDS} per pattern.")


def _choice_problem(rule: LifecycleRule, parent: str, key: str, value, choices) -> Finding | None:
    """The finding for a missing field or a value outside its choices, or None when it is one of them."""
    if value is None:
        return Finding("ECS801", rule.ptr(parent), f"{rule.label} has no `{parent}.{key}`; set it to {_choices(choices)}.")
    if value not in choices:
        return Finding("ECS801", rule.ptr(parent, key), f"{rule.label}: `{parent}.{key}` must be {_choices(choices)}, not {shown(value)}.")
    return None


def _count(rule: LifecycleRule) -> Iterator[Finding]:
    selection = rule.selection
    count_type = selection.get("countType")
    if (problem := _choice_problem(rule, "selection", "countType", count_type, COUNT_TYPES)) is not None:
        yield problem
    elif count_type in AGE_COUNT_TYPES and "countUnit" not in selection:
        yield Finding("ECS801", rule.ptr("selection", "countType"), f"{rule.label}: `countType: {count_type}` needs `countUnit: days` to say what `countNumber` counts.")
    elif count_type == "imageCountMoreThan" and "countUnit" in selection:
        yield Finding("ECS801", rule.ptr("selection", "countUnit"), f"{rule.label}: `countUnit` is not allowed with `countType: imageCountMoreThan`, which counts images, not days.")
    unit = selection.get("countUnit")
    if unit is not None and unit != "days" and count_type != "imageCountMoreThan":
        yield Finding("ECS801", rule.ptr("selection", "countUnit"), f"{rule.label}: `countUnit` must be `days`, not {shown(unit)}.")
    number = selection.get("countNumber")
    if number is None:
        yield Finding("ECS801", rule.ptr("selection"), f"{rule.label} has no `selection.countNumber`.")
    elif whole_number(number) is None or whole_number(number) < 1:
        yield Finding("ECS801", rule.ptr("selection", "countNumber"), f"{rule.label}: `countNumber` must be a positive integer, not {shown(number)}.")
    elif count_type == "sinceImageTransitioned" and rule.action.get("type") == "expire" and whole_number(number) < MIN_ARCHIVE_DAYS:
        yield Finding("ECS801", rule.ptr("selection", "countNumber"), f"{rule.label}: archived images must stay {MIN_ARCHIVE_DAYS} days before a policy may expire them; `countNumber` is {whole_number(number)}.")
    yield from _storage_class(rule, count_type)


def _storage_class(rule: LifecycleRule, count_type) -> Iterator[Finding]:
    selection = rule.selection
    storage = selection.get("storageClass")
    if storage is not None and storage not in STORAGE_CLASSES:
        yield Finding("ECS801", rule.ptr("selection", "storageClass"), f"{rule.label}: `storageClass` must be {_choices(STORAGE_CLASSES)}, not {shown(storage)}.")
    elif count_type == "sinceImageTransitioned" and storage != "archive":
        where = rule.ptr("selection", "storageClass") if storage is not None else rule.ptr("selection", "countType")
        yield Finding("ECS801", where, f"{rule.label}: `countType: sinceImageTransitioned` selects archived images and needs `storageClass: archive`.")
    elif count_type in COUNT_TYPES and count_type != "sinceImageTransitioned" and storage == "archive":
        yield Finding("ECS801", rule.ptr("selection", "storageClass"), f"{rule.label}: `storageClass: archive` works only with `countType: sinceImageTransitioned`, not {quote(count_type)}.")


def _action(rule: LifecycleRule) -> Iterator[Finding]:
    if not isinstance(rule.data.get("action"), dict):
        where = rule.ptr("action") if "action" in rule.data else rule.pointer
        yield Finding("ECS801", where, f"{rule.label} has no `action` object; ECR needs `\"action\": {{\"type\": \"expire\"}}` (or `transition`).")
        return
    action = rule.action
    kind = action.get("type")
    if (problem := _choice_problem(rule, "action", "type", kind, ACTION_TYPES)) is not None:
        yield problem
    elif kind == "transition" and action.get("targetStorageClass") != "archive":
        where = rule.ptr("action", "targetStorageClass") if "targetStorageClass" in action else rule.ptr("action", "type")
        yield Finding("ECS801", where, f"{rule.label}: `action.type: transition` needs `targetStorageClass: archive`, the only class images move to.")
    elif kind == "expire" and rule.selection.get("countType") in TRANSITION_ONLY_COUNT_TYPES:
        count_type = rule.selection["countType"]
        yield Finding("ECS801", rule.ptr("action", "type"), f"{rule.label}: `countType: {count_type}` works with `transition` actions only; ECR rejects it with `expire` (use `sinceImagePushed` to expire by age).")
    elif kind == "expire" and "targetStorageClass" in action:
        # ECR's schema rejects it, even as null (cloudposse/terraform-aws-ecr#158, verified 2026-11-30).
        yield Finding("ECS801", rule.ptr("action", "targetStorageClass"), f"{rule.label}: `targetStorageClass` belongs to `transition` actions; ECR rejects it on `expire`.")


@check("ECS802", subject=LifecyclePolicy)
def lifecycle_any_rule_not_last(policy: LifecyclePolicy) -> Iterator[Finding]:
    # "A rule with a tagStatus value of any must have the highest value for rulePriority and be evaluated last."
    # Policies that archive as well as expire are accepted with an `any` rule per storage class
    # (hashicorp/terraform-provider-aws ECR acceptance test `storageClass`, verified 2026-11-30), so
    # the order is compared among the rules that select from the same storage class only.
    ranked = [rule for rule in policy.rules if rule.priority is not None]
    for rule in ranked:
        if rule.tag_status != "any":
            continue
        later = [other for other in ranked if other.storage_class == rule.storage_class and other.priority > rule.priority]
        if later:
            last = max(later, key=lambda other: other.priority)
            message = (
                f"{rule.label} has `tagStatus: any` but `rulePriority` {rule.priority}, lower than rule #{last.index + 1}'s {last.priority}; "
                "ECR requires the `any` rule to have the highest priority so that it is evaluated last."
            )
            yield Finding("ECS802", rule.ptr("rulePriority"), message)
