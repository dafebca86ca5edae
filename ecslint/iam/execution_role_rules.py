"""ECS103, ECS105, ECS106, ECS113: what the execution role allows, judged against what the ECS agent does with it.

The execution role is used only by the ECS agent (or Fargate) to start the task: pull images, write
awslogs, read `secrets`, `repositoryCredentials`, environment files and FireLens config from S3.
Sources, verified 2026-11-30:
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
- ECR pull through cache needs `ecr:BatchImportUpstreamImage` and `ecr:CreateRepository`:
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html
- ECS Exec (`ssmmessages:*`) uses the task role: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
Every check here is silent without `--iam`, and when the execution role is not in the IAM input.
"""

from __future__ import annotations

from ecslint.report.findings import Finding, Related
from ecslint.iam.evaluator import Outcome, grant_of
from ecslint.iam.messages import ordered, quoted, related, statement_text, where
from ecslint.iam.needs import bootstrap_needs, s3_objects
from ecslint.iam.patterns import Arn, Match, action_matches, has_wildcard, resource_matches
from ecslint.iam.resource_types import mismatch
from ecslint.iam.task_roles import EXECUTION, roles_of
from ecslint.subjects.task_definition import TaskDefinition
from ecslint.subjects.quoting import quote, quote_text

# Calls the agent makes with the execution role (lower-case), beyond which ECS103 reports.
AGENT_ACTIONS = frozenset(
    {
        "ecr:getauthorizationtoken",
        "ecr:batchchecklayeravailability",
        "ecr:getdownloadurlforlayer",
        "ecr:batchgetimage",
        "ecr:batchimportupstreamimage",
        "ecr:createrepository",
        "logs:createlogstream",
        "logs:putlogevents",
        "logs:createloggroup",
        "secretsmanager:getsecretvalue",
        "ssm:getparameters",
        "kms:decrypt",
        "s3:getbucketlocation",
    }
)
# Read-only calls on the services the agent uses are tolerated: they expose no application data
# beyond what the role already reads, and managed policies such as AmazonEC2ContainerRegistryReadOnly
# grant them (fewer false positives).
AGENT_SERVICES = frozenset({"ecr", "logs", "ssm", "secretsmanager", "kms"})
READ_PREFIXES = ("describe", "list", "get", "batchget", "batchcheck")

# ECS106: calls made from inside the task, with the task role, by these users (lower-case action -> who).
SIDECAR_ACTIONS = {
    "ssmmessages:createcontrolchannel": "ECS Exec",
    "ssmmessages:createdatachannel": "ECS Exec",
    "ssmmessages:opencontrolchannel": "ECS Exec",
    "ssmmessages:opendatachannel": "ECS Exec",
    "firehose:putrecordbatch": "the FireLens log router",
    "firehose:putrecord": "the FireLens log router",
    "kinesis:putrecords": "the FireLens log router",
    "kinesis:putrecord": "the FireLens log router",
    "xray:puttracesegments": "the X-Ray daemon",
    "xray:puttelemetryrecords": "the X-Ray daemon",
    "xray:getsamplingrules": "the X-Ray daemon",
    "xray:getsamplingtargets": "the X-Ray daemon",
    "cloudwatch:putmetricdata": "the CloudWatch agent",
}
SIDECAR_SPELLING = {
    "ssmmessages:createcontrolchannel": "ssmmessages:CreateControlChannel",
    "ssmmessages:createdatachannel": "ssmmessages:CreateDataChannel",
    "ssmmessages:opencontrolchannel": "ssmmessages:OpenControlChannel",
    "ssmmessages:opendatachannel": "ssmmessages:OpenDataChannel",
    "firehose:putrecordbatch": "firehose:PutRecordBatch",
    "firehose:putrecord": "firehose:PutRecord",
    "kinesis:putrecords": "kinesis:PutRecords",
    "kinesis:putrecord": "kinesis:PutRecord",
    "xray:puttracesegments": "xray:PutTraceSegments",
    "xray:puttelemetryrecords": "xray:PutTelemetryRecords",
    "xray:getsamplingrules": "xray:GetSamplingRules",
    "xray:getsamplingtargets": "xray:GetSamplingTargets",
    "cloudwatch:putmetricdata": "cloudwatch:PutMetricData",
}
# FireLens outputs that write to CloudWatch Logs with the task role (Fluent Bit `cloudwatch` plugins).
FIRELENS_CLOUDWATCH_OUTPUTS = frozenset({"cloudwatch", "cloudwatch_logs"})

# ECS113: calls that read secret values.
SECRET_ACTIONS = ("secretsmanager:GetSecretValue", "ssm:GetParameters", "kms:Decrypt")


def _agent_uses(action: str) -> bool:
    if action in AGENT_ACTIONS:
        return True
    service, _, name = action.partition(":")
    return service in AGENT_SERVICES and name.startswith(READ_PREFIXES)


def _s3_beyond_task_files(statement, objects: list[str]) -> bool:
    """True when the statement's `s3:GetObject` reaches past this task's environment/FireLens files."""
    if statement.resources is not None and all("${" in pattern for pattern in statement.resources):
        return False  # resources known only at deploy time may be exactly this task's files: no guess
    if statement.resources is None or not objects:
        return True
    for pattern in statement.resources:
        bucket = pattern.split(":::", 1)[1].split("/", 1)[0] if ":::" in pattern else "*"
        if has_wildcard(bucket) or not any(statement_matches(pattern, value) for value in objects):
            return True
    return False


# Grants no application should hold either: ECS103 never advises moving them to the task role.
NEVER_MOVED_SERVICES = ("ecr", "iam")


def _never_moved(policy, statement) -> bool:
    if policy.kind == "aws-managed" and policy.name.endswith("FullAccess"):
        return True
    if statement.not_actions is not None:
        return True
    return any(pattern == "*" or pattern.lower() in {f"{service}:*" for service in NEVER_MOVED_SERVICES} for pattern in statement.actions or ())


def statement_matches(pattern: str, value: str) -> bool:
    return resource_matches(pattern, Arn.parse(value)) is Match.YES


def app_permissions_on_execution_role(task: TaskDefinition):
    roles = roles_of(task)
    # One role for both fields is ECS102's finding; its application permissions are then in use.
    if roles is None or roles.execution is None or roles.execution is roles.task:
        return
    role = roles.execution
    permissions = role.permissions
    objects = [value for _, _, value in s3_objects(task)]
    for policy, statement in permissions.statements():
        if not statement.is_allow:
            continue
        s3_beyond = _s3_beyond_task_files(statement, objects)

        def offends(action: str) -> bool:
            if action == "s3:getobject":
                return s3_beyond and not permissions.denied_everywhere(action)
            if _agent_uses(action) or action in SIDECAR_ACTIONS:
                return False
            return not permissions.denied_everywhere(action) and permissions.boundary_allows_somewhere(action) is not Match.NO

        grant = grant_of(statement, keep=offends)
        unknown = [pattern for pattern in grant.unknown_patterns if pattern.split(":", 1)[0].lower() not in AGENT_SERVICES | {"s3"}]
        if not grant.actions and not unknown:
            continue
        actions = ordered(grant.actions, grant.expanded)
        may = statement.conditional or permissions.boundary_unknown
        verb = "may allow" if may else "allows"
        if statement.not_actions is not None:
            head = f"every action except {quoted(statement.not_actions)}"
        else:
            head = quoted([source for source in grant.sources if source not in grant.unknown_patterns or source in unknown], limit=8)
        detail = ""
        if grant.expanded and grant.actions:
            detail = f", which grants {quoted(actions)}"
        if unknown:
            detail += f"{',' if detail else ''} where {quoted(unknown)} {'is' if len(unknown) == 1 else 'are'} unknown to the action catalogue"
        plural = len(grant.actions) + len(unknown) > 1
        note = " (`s3:GetObject` is needed only on this task's environment files)" if "s3:getobject" in grant.actions else ""
        movable = not _never_moved(policy, statement)
        message = (
            f"Execution role '{quote_text(role.name)}' {verb} {head} ({where(policy, statement)}){detail}; "
            f"the ECS agent never uses {'them' if plural else 'it'}{note}: {roles.scope_down_advice(plural, movable)}."
        )
        context = related(policy, statement, f"{statement_text(policy, statement)} allows {head}")
        yield Finding("ECS103", task.ptr(EXECUTION), message, related=(context,))


def _requirement_text(requirements) -> str:
    """`'ecr:BatchGetImage' and 'ecr:GetDownloadUrlForLayer' on `arn:...`; 'ecr:GetAuthorizationToken' on `*``"""
    groups: dict[str, list[str]] = {}
    for requirement in requirements:
        groups.setdefault(str(requirement.resources[0]), []).append(requirement.action)
    return "; ".join(f"{quoted(actions)} on {quote(resource)}" for resource, actions in groups.items())


def _wrong_type_sentences(role, missing) -> tuple[list[str], list[Related]]:
    """For each Allow statement that names a missing action only on resources of other types: what it allows, and what the action takes."""
    named: dict[tuple[int, int], tuple] = {}
    for requirement in missing:
        for policy, statement in role.permissions.statements():
            if not statement.is_allow or not statement.matches_action(requirement.action):
                continue
            found = mismatch(requirement.action, statement.resources)
            if found is not None:
                entry = named.setdefault((id(policy), statement.number), (policy, statement, [], {}))
                entry[2].append(found.action)
                entry[3].update(found.types)
    sentences, context = [], []
    for policy, statement, actions, types in named.values():
        kinds = " or ".join(quote(kind) for kind in sorted(types))
        formats = " or ".join(quote(types[kind]) for kind in sorted(types))
        resources = ", ".join(quote(resource) for resource in statement.resources)
        plural = len(actions) > 1
        text = f"{quoted(actions)} {'are' if plural else 'is'} allowed only on {resources} ({where(policy, statement)}), which cannot be the {kinds} {'they need' if plural else 'it needs'} ({formats})."
        sentences.append(text[0].upper() + text[1:] if text[0].isalpha() else text)
        context.append(related(policy, statement, f"{statement_text(policy, statement)} allows {quoted(actions)} only on resources of other types"))
    return sentences, context


def execution_role_cannot_bootstrap(task: TaskDefinition):
    roles = roles_of(task)
    if roles is None or roles.execution is None or not roles.execution.complete:
        return
    role = roles.execution
    for need in bootstrap_needs(task, roles.place, deploy_time=True):
        missing, denials = [], []
        for requirement in need.requirements:
            decision = role.permissions.decide(requirement.action, requirement.resources)
            if decision.outcome is Outcome.DENIED:
                denials.append((requirement, decision))
            elif decision.outcome is Outcome.IMPLICIT:
                missing.append(requirement)
        if not missing and not denials:
            continue
        parts, context = [], []
        wrong_types: list[str] = []
        if missing:
            parts.append(f"does not allow {_requirement_text(missing)}")
            count = len(role.permissions.policies)
            context.append(Related(role.location.document, role.location.pointer, f"None of the {count} {'policy' if count == 1 else 'policies'} of role '{quote_text(role.name)}' allows {_requirement_text(missing)}"))
            wrong_types, wrong_context = _wrong_type_sentences(role, missing)
            context += wrong_context
        if denials:
            policy, statement = denials[0][1].denies[0]
            parts.append(f"denies {_requirement_text([requirement for requirement, _ in denials])} ({policy.where(statement)}; an explicit Deny wins over any Allow)")
            context.append(related(policy, statement, f"{statement_text(policy, statement)} denies it"))
        message = f"Execution role '{quote_text(role.name)}' {' and '.join(parts)}, which {need.subject} needs {need.purpose}; the task cannot start until the execution role allows it."
        message = " ".join([message, *wrong_types])
        yield Finding("ECS105", task.ptr(EXECUTION), message, related=tuple(context))


def _uses_awslogs(task: TaskDefinition) -> bool:
    return any((container.get("logConfiguration", dict) or {}).get("logDriver") == "awslogs" for container in task.containers)


def _firelens_cloudwatch(task: TaskDefinition) -> bool:
    for container in task.containers:
        log = container.get("logConfiguration", dict) or {}
        options = log.get("options") if isinstance(log.get("options"), dict) else {}
        if log.get("logDriver") == "awsfirelens" and str(options.get("Name", "")).lower() in FIRELENS_CLOUDWATCH_OUTPUTS:
            return True
    return False


def sidecar_permissions_on_execution_role(task: TaskDefinition):
    roles = roles_of(task)
    if roles is None or roles.execution is None or roles.execution is roles.task:
        return
    role = roles.execution
    permissions = role.permissions
    sidecar = dict(SIDECAR_ACTIONS)
    spelling = dict(SIDECAR_SPELLING)
    # `logs:PutLogEvents` is the agent's for awslogs; it is misplaced only when FireLens needs it on a task role that lacks it.
    if roles.task is not None and roles.task.complete and _firelens_cloudwatch(task):
        if not roles.task.permissions.decide("logs:PutLogEvents", (Arn.build(None, "logs", None, None, "log-group:x"),)).outcome.may_allow:
            sidecar["logs:putlogevents"] = "the FireLens `cloudwatch` output"
            spelling["logs:putlogevents"] = "logs:PutLogEvents"
    for policy, statement in permissions.statements():
        if not statement.is_allow:
            continue
        granted = [
            action
            for action in sidecar
            if statement.matches_action(action) and not permissions.denied_everywhere(action) and permissions.boundary_allows_somewhere(action) is not Match.NO
        ]
        if not granted:
            continue
        users = list(dict.fromkeys(sidecar[action] for action in granted))
        plural = len(granted) > 1
        verb = "may allow" if statement.conditional or permissions.boundary_unknown else "allows"
        if statement.actions is None:
            via = f" through every action except {quoted(statement.not_actions or ())}"
        else:
            sources = [pattern for pattern in statement.actions if any(action_matches(pattern, action) for action in granted)]
            via = "" if all(pattern.lower() in granted for pattern in sources) else f" through {quoted(sources)}"
        # awslogs containers still need `logs:PutLogEvents` on the execution role: the task role needs it as well, not instead.
        also = "logs:putlogevents" in granted and _uses_awslogs(task)
        advice = f"also grant {'them' if plural else 'it'} to the task role" + (f" '{quote_text(roles.task_role_name())}'" if roles.task_role_name() else "") if also else roles.move_to_task_role(plural)
        message = (
            f"Execution role '{quote_text(role.name)}' {verb} {quoted([spelling[action] for action in granted], limit=8)}{via} ({where(policy, statement)}), "
            f"which {' and '.join(users)} {'call' if len(users) > 1 else 'calls'} from inside the task with the task role, never the execution role: "
            f"{advice}."
        )
        context = related(policy, statement, f"{statement_text(policy, statement)} allows {quoted([spelling[action] for action in granted], limit=8)}")
        yield Finding("ECS106", task.ptr(EXECUTION), message, related=(context,))


def unscoped_secret_access(task: TaskDefinition):
    roles = roles_of(task)
    if roles is None or roles.execution is None:
        return
    role = roles.execution
    permissions = role.permissions
    referenced = []
    for need in bootstrap_needs(task, roles.place):
        if need.kind in ("secret", "registry-credentials"):
            referenced += [str(requirement.resources[0]) for requirement in need.requirements]
    for policy, statement in permissions.statements():
        # A Condition often does the scoping (resource tags, kms:ViaService): such statements are left alone.
        if not statement.is_allow or statement.conditional or not statement.on_every_resource:
            continue
        granted = [action for action in SECRET_ACTIONS if statement.matches_action(action) and not permissions.denied_everywhere(action)]
        granted = [action for action in granted if permissions.boundary_allows_somewhere(action) is not Match.NO]
        if not granted:
            continue
        scope = "every resource (`Resource: \"*\"`)" if statement.resources is not None else f"every resource except {quoted(statement.not_resources, noun='resources')} (`NotResource`)"
        if referenced:
            target = f"the secrets this task definition references ({', '.join(quote(arn) for arn in list(dict.fromkeys(referenced))[:3])}{', ...' if len(set(referenced)) > 3 else ''})"
        else:
            target = "the secrets the task definitions using this role reference"
        keys = " and the KMS keys that encrypt them" if "kms:Decrypt" in granted else ""
        message = (
            f"Execution role '{quote_text(role.name)}' allows {quoted(granted)} on {scope} ({where(policy, statement)}), "
            f"so any task using it can read every secret it can reach; limit `Resource` to {target}{keys}."
        )
        context = related(policy, statement, f"{statement_text(policy, statement)} allows {quoted(granted)} on every resource")
        yield Finding("ECS113", task.ptr(EXECUTION), message, related=(context,))
