"""The least-privilege execution role of a task definition: one statement per need, a guarded trust policy, notes.

Built from what the ECS agent does for the task (ecslint.iam.needs), on every launch type. Sources, verified 2026-11-30:
- ECR: `ecr:GetAuthorizationToken` takes no resource (`*`) and no `aws:SourceVpc`/`aws:SourceVpce` condition
  may narrow it; `ecr:BatchCheckLayerAvailability`, `ecr:GetDownloadUrlForLayer` and `ecr:BatchGetImage` on the
  repository (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html,
  https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html).
- pull through cache: `ecr:BatchImportUpstreamImage` and `ecr:CreateRepository` on the cached repository
  (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html).
- awslogs: `logs:CreateLogStream`, `logs:PutLogEvents` (and `logs:CreateLogGroup` with `awslogs-create-group`)
  on `log-group:NAME:*` (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).
- Secrets Manager: a secret's ARN ends with `-` and six random characters; a policy naming a secret by name
  matches it with `-??????` (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_iam-policies.html).
- environment files and FireLens config from S3: `s3:GetObject` on the object and `s3:GetBucketLocation` on its
  bucket (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html).
- trust: `ecs-tasks.amazonaws.com` with `aws:SourceAccount` and `aws:SourceArn`
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html, "confused deputy").
- `kms:Decrypt` is needed only for a customer managed key; the AWS managed keys' key policies already let the
  service decrypt on the caller's behalf (secrets-envvar-secrets-manager.html, "Required IAM permissions").

Nothing here is ever `*` except `ecr:GetAuthorizationToken`: a part that cannot be known is a visible placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ecslint.checks.roles import NO_INSTANCE_ROLE_LAUNCH_TYPES, role_value
from ecslint.iam.deploy_time_place import ACCOUNT, PARTITION, PARTITION_STAND_IN, REGION, REGION_STAND_IN, STAND_INS, Expressions, restore, with_stand_ins
from ecslint.iam.needs import Need, Place, bootstrap_needs, partition_of_region, task_place
from ecslint.iam.patterns import Arn
from ecslint.subjects.quoting import quote
from ecslint.subjects.image_reference import is_placeholder_free, parse_image
from ecslint.subjects.task_definition import TaskDefinition

POLICY_VERSION = "2012-10-17"
ECS_TASKS = "ecs-tasks.amazonaws.com"
# The parts of an ARN the task definition does not tell, by ARN segment.
UNKNOWN_PARTS = {1: PARTITION, 3: REGION, 4: ACCOUNT}
KMS_KEY = "<KMS_KEY_ID>"

ECR_PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
ECR_CACHE_ACTIONS = ("ecr:BatchImportUpstreamImage", "ecr:CreateRepository")
# Prefixes the ECR console proposes for pull through cache rules (ECR user guide, "Creating a pull through
# cache rule", verified 2026-11-30). A rule may use any prefix: only these are recognised by name.
PULL_THROUGH_CACHE_PREFIXES = frozenset({"ecr-public", "docker-hub", "quay", "k8s", "github", "azure", "gitlab", "chainguard"})
# A full secret ARN ends with the six random characters Secrets Manager appends (`-AbCdEf`).
_SECRET_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")
_WORD = re.compile(r"[A-Za-z0-9]+")
# Statement order in the policy: authorization first, then pulls, logs, secrets, files.
_ORDER = ("ecr-auth", "image", "pull-through-cache", "logs", "secret", "parameter", "registry-credentials", "kms", "environment-file", "firelens-config", "bucket")


@dataclass(frozen=True)
class PolicyStatement:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    kind: str
    # Which containers need it ("Container 'web'"), for --diff and the notes.
    subjects: tuple[str, ...] = ()
    condition: dict | None = None

    def document(self) -> dict:
        document = {
            "Sid": self.sid,
            "Effect": "Allow",
            "Action": list(self.actions) if len(self.actions) > 1 else self.actions[0],
            "Resource": list(self.resources) if len(self.resources) > 1 else self.resources[0],
        }
        if self.condition:
            document["Condition"] = self.condition
        return document


@dataclass
class RolePlan:
    """A role one task definition needs (its execution role, or a task-role skeleton), before any output format is chosen."""

    family: str
    role_name: str
    # `executionRoleArn` as written, when it is a literal ARN; the iam format carries it.
    role_arn: str | None
    place: Place
    statements: list[PolicyStatement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Secrets or parameters read whose KMS key is not known: writers that can show a commented-out
    # statement do so.
    kms_unknown: bool = False
    # "execution" or "task"
    kind: str = "execution"
    # token -> the Terraform expression the input wrote for it, for the Terraform writer.
    expressions: Expressions = field(default_factory=Expressions)
    # References to resources the input defines (`${DbSecret}`, `${aws_kms_key.db.arn}`), written in the
    # input's syntax ("cloudformation" or "terraform"); a writer of another syntax shows them as `<...>`.
    own_expressions: tuple[str, ...] = ()
    expression_syntax: str | None = None
    # The document leaves some of partition, Region and account to deployment (pseudo parameters, data sources).
    deploy_time: bool = False

    def foreign(self, text: str, syntax: str) -> str:
        """The text with references of another syntax than the writer's made visible placeholders."""
        if self.expression_syntax == syntax:
            return text
        for expression in self.own_expressions:
            for reference in re.findall(r"\$\{[^}]*\}", expression):
                text = text.replace(reference, f"<{reference[2:-1]}>")
        return text

    @property
    def needed(self) -> bool:
        return bool(self.statements)

    @property
    def placeholders(self) -> list[str]:
        text = " ".join(" ".join(s.resources) for s in self.statements) + " " + " ".join(str(v) for v in self.trust_condition().values())
        return [token for token in (PARTITION, REGION, ACCOUNT) if token in text]

    def policy_document(self) -> dict:
        return {"Version": POLICY_VERSION, "Statement": [statement.document() for statement in self.statements]}

    def source_arn(self) -> str | None:
        """`arn:<partition>:ecs:<region>:<account>:*`, when all three are known (else only aws:SourceAccount)."""
        if None in (self.place.partition, self.place.region, self.place.account):
            return None
        return f"arn:{self.place.partition}:ecs:{self.place.region}:{self.place.account}:*"

    @property
    def all_notes(self) -> list[str]:
        """The notes, with which placeholders to replace (for formats that print them as they are)."""
        note = placeholder_note(self)
        return self.notes + ([note] if note else [])

    def trust_condition(self) -> dict:
        condition = {"StringEquals": {"aws:SourceAccount": self.place.account or ACCOUNT}}
        if self.source_arn():
            condition["ArnLike"] = {"aws:SourceArn": self.source_arn()}
        return condition

    def trust_document(self) -> dict:
        statement = {
            "Sid": "AllowEcsTasksToAssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": ECS_TASKS},
            "Action": "sts:AssumeRole",
            "Condition": self.trust_condition(),
        }
        return {"Version": POLICY_VERSION, "Statement": [statement]}


def camel(text: str, limit: int = 48) -> str:
    """`/ecs/orders-api` -> `EcsOrdersApi`: a name for a Sid, which takes letters and digits only."""
    words = _WORD.findall(text)
    # An all-capitals word (`DB_PASSWORD`) reads better as `DbPassword`.
    return "".join(word[:1].upper() + (word[1:].lower() if word.isupper() else word[1:]) for word in words)[:limit] or "Resource"


def _resource(arn: Arn) -> str:
    return arn.filled(UNKNOWN_PARTS)


def _secret_arn(arn: Arn) -> str:
    """The secret's ARN as a policy names it: a full ARN as is, a partial one with `-??????` for the random suffix."""
    text = _resource(arn)
    return text if _SECRET_SUFFIX.search(text.rsplit(":", 1)[-1]) else text + "-??????"


def _name(arn: Arn, prefix: str) -> str:
    resource = arn.segments[5] or ""
    return resource[len(prefix) :] if resource.startswith(prefix) else resource


class _Statements:
    """Statements keyed by (actions, resources): two containers with one need share a statement."""

    def __init__(self):
        self.entries: dict[tuple, PolicyStatement] = {}

    def add(self, kind: str, sid: str, actions, resources, subject: str) -> None:
        key = (kind, tuple(actions), tuple(resources))
        found = self.entries.get(key)
        if found is not None:
            if subject not in found.subjects:
                self.entries[key] = PolicyStatement(found.sid, found.actions, found.resources, kind, found.subjects + (subject,))
            return
        self.entries[key] = PolicyStatement(sid, tuple(actions), tuple(resources), kind, (subject,))

    def merged(self) -> list[PolicyStatement]:
        """Sorted statements, the actions of one kind on one resource in one statement, with unique Sids."""
        by_resource: dict[tuple, PolicyStatement] = {}
        for statement in self.entries.values():
            key = (statement.kind, statement.resources)
            found = by_resource.get(key)
            if found is None:
                by_resource[key] = statement
            else:
                actions = tuple(sorted(set(found.actions) | set(statement.actions)))
                by_resource[key] = PolicyStatement(found.sid, actions, found.resources, found.kind, tuple(dict.fromkeys(found.subjects + statement.subjects)))
        ordered = sorted(by_resource.values(), key=lambda s: (_ORDER.index(s.kind), s.sid, s.resources))
        seen: dict[str, int] = {}
        unique = []
        for statement in ordered:
            count = seen.get(statement.sid, 0) + 1
            seen[statement.sid] = count
            sid = statement.sid if count == 1 else f"{statement.sid}{count}"
            unique.append(PolicyStatement(sid, tuple(sorted(statement.actions)), statement.resources, statement.kind, statement.subjects))
        return unique


def _add_need(statements: _Statements, need: Need, plan: RolePlan) -> None:
    for requirement in need.requirements:
        action, arn = requirement.action, requirement.resources[0]
        if action == "ecr:GetAuthorizationToken":
            statements.add("ecr-auth", "GetEcrAuthorizationToken", [action], ["*"], need.subject)
        elif need.kind == "image":
            repository = _name(arn, "repository/")
            statements.add("image", f"PullImagesFrom{camel(repository)}Repository", ECR_PULL_ACTIONS, [_resource(arn)], need.subject)
            prefix = repository.split("/", 1)[0]
            if "/" in repository and prefix in PULL_THROUGH_CACHE_PREFIXES:
                statements.add("pull-through-cache", f"CacheUpstreamImagesIn{camel(repository)}", ECR_CACHE_ACTIONS, [_resource(arn)], need.subject)
                note = (
                    f"{need.subject} pulls {quote(repository)}, whose prefix {quote(prefix + '/')} is a usual pull through cache prefix: "
                    f"the statement {_cache_sid(repository)} lets the first pull create the cached repository; drop it if {quote(prefix + '/')} is no pull through cache rule."
                )
                if note not in plan.notes:
                    plan.notes.append(note)
        elif need.kind == "logs":
            group = _name(arn, "log-group:")
            statements.add("logs", f"WriteLogsTo{camel(group)}", [action], [_resource(arn) + ":*"], need.subject)
        elif action == "secretsmanager:GetSecretValue":
            kind = "registry-credentials" if need.kind == "registry-credentials" else "secret"
            label = "ReadRegistryCredentials" if kind == "registry-credentials" else "ReadSecret"
            statements.add(kind, f"{label}{camel(_SECRET_SUFFIX.sub('', _name(arn, 'secret:')))}", [action], [_secret_arn(arn)], need.subject)
            plan.kms_unknown = True
        elif action == "ssm:GetParameters":
            statements.add("parameter", f"ReadParameter{camel(_name(arn, 'parameter/'))}", [action], [_resource(arn)], need.subject)
            plan.kms_unknown = True
        elif action == "s3:GetObject":
            text = str(arn)
            bucket, _, key = text.split(":::", 1)[1].partition("/")
            label = "ReadFireLensConfig" if need.kind == "firelens-config" else "ReadEnvironmentFile"
            statements.add(need.kind, f"{label}{camel(key or bucket)}", [action], [text], need.subject)
            statements.add("bucket", f"LocateBucket{camel(bucket)}", ["s3:GetBucketLocation"], [f"{text.split(':::', 1)[0]}:::{bucket}"], need.subject)


def _defined_secrets(task: TaskDefinition):
    """(container, secret name, ARN text, KMS key ARN text or None) for each secret the document itself defines.

    A front end that knows its own resources (CloudFormation) answers `defined_secret`; their ARNs are
    deploy-time expressions, which only that front end's writer can print as such."""
    lookup = getattr(task, "defined_secret", None)
    if lookup is None:
        return
    for container in task.containers:
        for _, entry in container.items("secrets"):
            found = lookup(entry.get("valueFrom"))
            if found is not None:
                yield container, entry.get("name"), *found


def _add_defined_secrets(statements: _Statements, task: TaskDefinition, plan: RolePlan) -> None:
    for container, name, arn, key in _defined_secrets(task):
        plan.expression_syntax = getattr(task, "expression_syntax", None)
        plan.own_expressions += tuple(text for text in (arn, key) if text and text not in plan.own_expressions)
        # `${Secret}` (CloudFormation) or `${aws_secretsmanager_secret.db.arn}` (Terraform): the resource's name.
        parts = arn.strip("${}").split(".")
        label = camel(parts[-2] if len(parts) >= 3 else parts[0])
        statements.add("secret", f"ReadSecret{label}", ["secretsmanager:GetSecretValue"], [arn], container.label)
        if key is not None:
            statements.add("kms", f"DecryptSecret{label}", ["kms:Decrypt"], [key], container.label)
        else:
            plan.kms_unknown = True
        note = f"{quote(arn)} is the ARN of the secret the template defines (`Ref`); in JSON it stays as written."
        if note not in plan.notes:
            plan.notes.append(note)


def _cache_sid(repository: str) -> str:
    return f"CacheUpstreamImagesIn{camel(repository)}"


def _deploy_time_notes(task: TaskDefinition) -> list[str]:
    """What the policy cannot cover because the task definition leaves it to deployment."""
    notes = []
    defined = {arn for _, _, arn, _ in _defined_secrets(task)}
    for container in task.containers:
        image = parse_image(container.get("image", str))
        if image is not None and _image_unknown(image):
            notes.append(f"{container.label} takes its `image` at deploy time ({quote(image.raw)}): if it is a private ECR image, add a pull statement for its repository.")
        log = container.get("logConfiguration", dict) or {}
        options = log.get("options") if isinstance(log.get("options"), dict) else {}
        group = options.get("awslogs-group")
        if log.get("logDriver") == "awslogs" and isinstance(group, str) and not is_placeholder_free(group):
            notes.append(f"{container.label} takes its `awslogs-group` at deploy time ({quote(group)}): add a statement for that log group.")
        for _, entry in container.items("secrets"):
            value = entry.get("valueFrom")
            if isinstance(value, str) and not is_placeholder_free(value) and value not in defined:
                notes.append(f"{container.label} takes the secret {quote(entry.get('name', '?'))} from a value set at deploy time ({quote(value)}): add a statement for it.")
        credentials = container.get("repositoryCredentials", dict) or {}
        value = credentials.get("credentialsParameter")
        if isinstance(value, str) and not is_placeholder_free(value):
            notes.append(f"{container.label} takes `repositoryCredentials.credentialsParameter` at deploy time ({quote(value)}): add a statement for that secret.")
        for _, entry in container.items("environmentFiles"):
            value = entry.get("value")
            if isinstance(value, str) and not is_placeholder_free(value):
                notes.append(f"{container.label} takes an environment file at deploy time ({quote(value)}): add `s3:GetObject` on it and `s3:GetBucketLocation` on its bucket.")
    return notes


def _image_unknown(image) -> bool:
    """A registry or repository set at deploy time, which could be a private ECR repository."""
    if image.registry is not None and not is_placeholder_free(image.registry):
        return True
    return not is_placeholder_free(image.repository) and (image.ecr is not None or image.registry is None or ".dkr" in image.registry)


def default_role_name(family: str) -> str:
    """`<family>-execution`, within IAM's 64 characters and its name alphabet."""
    cleaned = re.sub(r"[^\w+=,.@-]", "-", family)[:54] or "task"
    return f"{cleaned}-execution"


def _role(task: TaskDefinition, family: str) -> tuple[str, str | None]:
    value = role_value(task, "executionRoleArn")
    # A role the template or module defines goes by the name it gives it.
    known = task.iam.role(value) if value and task.iam is not None and hasattr(task.iam, "role") else None
    if known is not None and is_placeholder_free(known.name):
        return known.name, value if value and is_placeholder_free(value) else None
    if value and is_placeholder_free(value) and value.startswith("arn:") and ":role/" in value:
        return value.rsplit("/", 1)[-1], value
    if value and is_placeholder_free(value) and not value.startswith("arn:") and "/" not in value:
        return value, None
    return default_role_name(family), None


def family_of(task: TaskDefinition, fallback: str) -> str:
    family = task.get("family", str)
    return family if family and is_placeholder_free(family) else fallback


def place_of(task: TaskDefinition) -> Place:
    """Where the task runs, deploy-time parts as tokens (`<ACCOUNT_ID>`), unknown parts None."""
    arns = [role_value(task, "executionRoleArn"), role_value(task, "taskRoleArn")]
    place = task_place(task, arns)
    partition = place.partition
    # A partition guessed from a Region only deployment knows is not known either.
    if place.region == REGION_STAND_IN and partition == "aws" and not any((arn or "").startswith("arn:aws:") for arn in arns + [task.get("taskDefinitionArn", str)]):
        partition = PARTITION_STAND_IN
    # A literal Region tells the partition better than a template's `${AWS::Partition}`: they agree once deployed.
    if partition == PARTITION_STAND_IN:
        regions = {place.region} - {None, REGION_STAND_IN}
        regions |= {image.ecr.region for image in (parse_image(c.get("image", str)) for c in task.containers) if image and image.ecr and image.ecr.region != REGION_STAND_IN}
        partitions = {partition_of_region(region) for region in regions}
        partition = partitions.pop() if len(partitions) == 1 else partition
    return Place(partition, place.region, place.account)


def restored(place: Place) -> Place:
    return Place(*(STAND_INS.get(part, part) if part is not None else None for part in (place.partition, place.region, place.account)))


def plan_execution_role(task: TaskDefinition, family: str | None = None) -> RolePlan:
    """The execution role this task definition needs (an empty plan when it needs none)."""
    family = family or family_of(task, "task")
    original = task
    task, expressions = with_stand_ins(task)
    role_name, role_arn = _role(task, family)
    place = place_of(task)
    plan = RolePlan(family, restore(role_name), restore(role_arn) if role_arn else None, restored(place), expressions=expressions, deploy_time=task is not original)
    statements = _Statements()
    needs = bootstrap_needs(task, place, every_launch_type=True)
    for need in needs:
        _add_need(statements, need, plan)
    _add_defined_secrets(statements, task, plan)
    plan.statements = [replace(statement, resources=tuple(restore(resource) for resource in statement.resources)) for statement in statements.merged()]
    plan.notes = [restore(note) for note in _deploy_time_notes(task) + plan.notes]
    on_instances = not any(kind in task.requires_compatibilities for kind in NO_INSTANCE_ROLE_LAUNCH_TYPES)
    if on_instances and any(need.kind in ("image", "logs") for need in needs):
        plan.notes.append(
            "On the EC2 launch type the container instance role may already pull these images and write these logs; "
            "the execution role is still the right place for them, so that the task starts on any instance."
        )
    if plan.kms_unknown:
        where = plan.place
        plan.notes.append(
            f"Secrets and parameters encrypted with the AWS managed key need nothing more; for a customer managed key add "
            f"`kms:Decrypt` on that key only (`arn:{where.partition or PARTITION}:kms:{where.region or REGION}:{where.account or ACCOUNT}:key/{KMS_KEY}`), never on `*`."
        )
    if not plan.statements:
        plan.notes.insert(0, "This task definition needs no execution role: nothing in it is pulled, logged or read by the ECS agent with one.")
    return plan


def placeholder_note(plan: RolePlan) -> str | None:
    """For outputs that show tokens as they are (JSON): which ones to replace."""
    tokens = plan.placeholders
    if not tokens:
        return None
    if plan.deploy_time:
        return f"Replace {', '.join(quote(token) for token in tokens)}: the template leaves {_which(tokens, 'and')} to deployment (`--format cloudformation` and `--format terraform` write them as pseudo parameters and data sources)."
    return f"Replace {', '.join(quote(token) for token in tokens)}: the task definition does not say {_which(tokens)}."


def _which(tokens: list[str], conjunction: str = "or") -> str:
    words = {PARTITION: "the partition", REGION: "the Region", ACCOUNT: "the account"}
    names = [words[token] for token in tokens]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {conjunction} " + names[-1]
