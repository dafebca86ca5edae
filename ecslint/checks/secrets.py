"""ECS201-ECS204 and ECS111: secrets and credentials written where anyone who can read the task definition sees them.

Environment variables, commands and labels are returned in full by
`DescribeTaskDefinition` ("Pass an individual environment variable to an Amazon ECS
container", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html,
verified 2026-11-30). Ownership between rules, so that one value is reported once: an AWS
key in `environment` is ECS201's; every other secret in `environment` is ECS202's;
`command`, `entryPoint`, `healthCheck.command` and `dockerLabels` are ECS203's. ECS111 is
about the AWS credential variables being passed at all, so it may fire beside ECS201.
Messages show a secret only through `mask()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecslint.lazy_regex import LazyPattern
from ecslint.documents import pointer as jp
from ecslint.checks import check
from ecslint.report.findings import Finding
from ecslint.subjects.task_definition import Container, TaskDefinition
from ecslint.subjects.secret_patterns import (
    SecretMatch,
    access_key_ids,
    embedded_credentials,
    find_secrets,
    is_inert_value,
    is_secret_access_key_name,
    mask,
    placeholder_kind,
    private_keys,
    secret_access_keys,
    secret_name_term,
    service_tokens,
)
from ecslint.subjects.quoting import quote, quote_text

# The variables the AWS SDKs read static credentials from. They come before the container
# credentials provider (the task role) in the default chain: "AWS SDKs and Tools
# standardized credential providers"
# (https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html), verified 2026-11-30.
AWS_CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")

# Container fields ECS203 reads, each a list of strings except the labels map.
COMMAND_FIELDS = (("command",), ("entryPoint",), ("healthCheck", "command"))

# ECS204 formats. Secret.valueFrom: "either the full ARN of the Secrets Manager secret or the
# full ARN of the parameter in the SSM Parameter Store"; a parameter in the task's Region may
# be named without an ARN (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Secret.html).
# A Secrets Manager ARN may carry `:json-key:version-stage:version-id`
# (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html).
# SSM parameter names: letters, digits, `_.-`, `/` for hierarchies, which must then start
# with `/`, at most 15 levels and 1011 characters
# (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
# RepositoryCredentials.credentialsParameter: a Secrets Manager secret ARN, or its name in the
# task's Region (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RepositoryCredentials.html);
# secret names allow letters, digits and `/_+=.@-`
# (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html). All verified 2026-11-30.
_PARTITION = re.compile(r"^aws(?:-[a-z]+)*$")
_SSM_NAME = LazyPattern(r"^[A-Za-z0-9_.\-/]+$")
# GetParameters also takes `name:version` and `name:label`.
_SSM_SELECTOR = LazyPattern(r":[A-Za-z0-9_.\-]+$")
_SSM_MAX_LEVELS = 15
_SSM_MAX_LENGTH = 1011
_SECRET_NAME = LazyPattern(r"^[A-Za-z0-9/_+=.@\-]+$")
# secret:<name>[:json-key[:version-stage[:version-id]]]
_SECRETS_MANAGER_MAX_PARTS = 10


@dataclass(frozen=True)
class EnvironmentEntry:
    container: Container
    index: int
    name: str | None
    value: str | None

    @property
    def where(self) -> str:
        return f"`environment[{self.index}]`" + (f" ({quote(self.name)})" if self.name else "")

    def ptr(self, field: str) -> str:
        return self.container.ptr("environment", self.index, field)


def environment(container: Container) -> list[EnvironmentEntry]:
    entries = []
    for index, item in container.items("environment"):
        name, value = item.get("name"), item.get("value")
        entries.append(EnvironmentEntry(container, index, name if isinstance(name, str) else None, value if isinstance(value, str) else None))
    return entries


def _unique(matches: list[SecretMatch]) -> list[SecretMatch]:
    seen, unique = set(), []
    for match in matches:
        if (match.kind, match.secret) not in seen:
            seen.add((match.kind, match.secret))
            unique.append(match)
    return unique


def _describe(matches: list[SecretMatch]) -> str:
    parts = [f"{match.description} ({quote(match.masked)})" for match in matches]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def aws_keys_in_environment(container: Container) -> dict[int, list[SecretMatch]]:
    """ECS201's detections by environment index; ECS202 skips these entries."""
    entries = [entry for entry in environment(container) if entry.value is not None]
    key_id_nearby = any(access_key_ids(entry.value) for entry in entries)
    found: dict[int, list[SecretMatch]] = {}
    for entry in entries:
        matches = [SecretMatch("aws-access-key-id", key_id, placeholder_kind(key_id) == "example") for key_id in access_key_ids(entry.value)]
        key_name = bool(entry.name) and is_secret_access_key_name(entry.name)
        for secret_key in secret_access_keys(entry.value, key_name=key_name, key_id_nearby=key_id_nearby):
            matches.append(SecretMatch("aws-secret-access-key", secret_key, placeholder_kind(secret_key) == "example"))
        if matches:
            found[entry.index] = _unique(matches)
    return found


@check("ECS201")
def aws_access_key_in_environment(task: TaskDefinition):
    for container in task.containers:
        entries = {entry.index: entry for entry in environment(container)}
        for index, matches in aws_keys_in_environment(container).items():
            entry = entries[index]
            if all(match.example for match in matches):
                message = (
                    f"{container.label}: {entry.where} holds what looks like a documentation example or placeholder: {_describe(matches)}. "
                    "If a real key goes here, use a task role instead of static keys."
                )
                yield Finding("ECS201", entry.ptr("value"), message, level="note")
                continue
            message = (
                f"{container.label}: {entry.where} holds {_describe(matches)} in plain text, readable by anyone who can describe the task definition. "
                "Deactivate and rotate the key, give the task a task role (`taskRoleArn`) instead of static keys, "
                "and if a key is unavoidable pass it through `secrets`."
            )
            yield Finding("ECS201", entry.ptr("value"), message)


def _environment_secret(entry: EnvironmentEntry) -> tuple[str, str | None] | None:
    """(message tail, level override) for an entry ECS202 reports, or None."""
    value = entry.value or ""
    matches = [SecretMatch("private-key", block, example) for block, example in private_keys(value)]
    matches += [SecretMatch("embedded-credentials", password, placeholder_kind(password) == "example", scheme) for scheme, password in embedded_credentials(value)]
    matches += service_tokens(value)
    matches = _unique(matches)
    if matches:
        if all(match.example for match in matches):
            return f"holds {_describe(matches)} that looks like a placeholder; if real credentials go here, pass them through `secrets`.", "note"
        return f"holds {_describe(matches)} in plain text; move the value to `secrets` (Secrets Manager or SSM Parameter Store).", None
    term = secret_name_term(entry.name) if entry.name else None
    if not term or is_inert_value(value):
        return None
    kind = placeholder_kind(value)
    if kind == "example":
        return f"looks like a secret by its name ({quote(term)}) but holds a placeholder ({quote(mask(value))}); if the real secret goes here, pass it through `secrets`.", "note"
    if kind is None:
        return f"looks like a secret by its name ({quote(term)}) and holds a literal value ({quote(mask(value))}) in plain text; move it to `secrets` (Secrets Manager or SSM Parameter Store).", None
    return None


@check("ECS202")
def secret_in_environment(task: TaskDefinition):
    for container in task.containers:
        owned_by_ecs201 = aws_keys_in_environment(container)
        for entry in environment(container):
            # AWS credential variables are ECS111's (and their key values ECS201's).
            if entry.value is None or entry.index in owned_by_ecs201 or entry.name in AWS_CREDENTIAL_VARIABLES:
                continue
            result = _environment_secret(entry)
            if result:
                tail, level = result
                yield Finding("ECS202", entry.ptr("value"), f"{container.label}: {entry.where} {tail}", level=level)


def _command_texts(container: Container) -> list[tuple[str, list[tuple[str, str]]]]:
    """(field label, [(pointer, text)]) for each field ECS203 reads."""
    fields = []
    for path in COMMAND_FIELDS:
        value = container.data
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        label = ".".join(path)
        if isinstance(value, str):
            fields.append((label, [(container.ptr(*path), value)]))
        elif isinstance(value, list):
            fields.append((label, [(container.ptr(*path, index), item) for index, item in enumerate(value) if isinstance(item, str)]))
    labels = container.get("dockerLabels", dict)
    if labels:
        fields.append(("dockerLabels", [(container.ptr("dockerLabels", key), item) for key, item in labels.items() if isinstance(item, str)]))
    return fields


def _subscript(label: str, pointer: str, container: Container) -> str:
    """`[2]` for a list entry, `["com.example.key"]` for a label, nothing for a whole (malformed string) field."""
    if pointer == container.ptr(*label.split(".")):
        return ""
    token = jp.split(pointer)[-1]
    return f'["{quote_text(token)}"]' if label == "dockerLabels" else f"[{token}]"


@check("ECS203")
def credentials_in_command(task: TaskDefinition):
    for container in task.containers:
        for label, texts in _command_texts(container):
            # A key ID anywhere in the field makes a 40-character token elsewhere in it a secret key.
            key_id_nearby = any(access_key_ids(text) for _, text in texts)
            for pointer, text in texts:
                matches = _unique(find_secrets(text, key_id_nearby=key_id_nearby))
                if not matches:
                    continue
                where = quote(label + _subscript(label, pointer, container))
                if all(match.example for match in matches):
                    message = f"{container.label}: {where} contains {_describe(matches)} that looks like a placeholder; if real credentials go here, pass them through `secrets`."
                    yield Finding("ECS203", pointer, message, level="note")
                    continue
                message = (
                    f"{container.label}: {where} contains {_describe(matches)} in plain text, readable by anyone who can describe the task "
                    "definition or inspect the container. Rotate the exposed credentials, pass them through `secrets` as environment variables and refer to those instead."
                )
                yield Finding("ECS203", pointer, message)


def _arn_problem(value: str, allow_ssm: bool) -> str | None:
    parts = value.split(":")
    if len(parts) < 6 or not _PARTITION.match(parts[1]):
        return "is not a well-formed ARN (`arn:<partition>:<service>:<region>:<account>:<resource>`)"
    service, region, account = parts[2], parts[3], parts[4]
    if service == "secretsmanager":
        if parts[5] != "secret" or len(parts) < 7 or not parts[6]:
            return "is a Secrets Manager ARN without a `secret:<name>` resource"
        if len(parts) > _SECRETS_MANAGER_MAX_PARTS:
            return "has more fields after the secret name than `:json-key:version-stage:version-id`"
    elif service == "ssm" and allow_ssm:
        resource = ":".join(parts[5:])
        if not resource.startswith("parameter/") or resource == "parameter/":
            return "is an SSM ARN without a `parameter/<name>` resource"
    else:
        wanted = "Secrets Manager or SSM Parameter Store" if allow_ssm else "Secrets Manager (private registry credentials cannot come from SSM)"
        return f"is an ARN for {quote(service)}, not for {wanted}"
    if not region or not account:
        return "lacks the Region or the account ID a full ARN needs"
    return None


def secret_reference_problem(value: str) -> str | None:
    """Why `secrets[].valueFrom` cannot be resolved, or None when it can (or cannot be known)."""
    kind = placeholder_kind(value)
    if kind == "template":
        return None
    if not value.strip():
        return "is empty"
    if value.startswith("arn:"):
        return _arn_problem(value, allow_ssm=True)
    name = _SSM_SELECTOR.sub("", value) if value.count(":") == 1 else value
    if not _SSM_NAME.match(name):
        return "is neither an ARN nor an SSM parameter name (parameter names hold only letters, digits, `_`, `.`, `-` and `/`)"
    if "/" in name and not name.startswith("/"):
        return "is a hierarchical SSM parameter name without the leading `/` that hierarchies require (a Secrets Manager secret needs its full ARN)"
    if name.count("/") > _SSM_MAX_LEVELS:
        return f"is an SSM parameter name deeper than {_SSM_MAX_LEVELS} levels"
    if len(name) > _SSM_MAX_LENGTH:
        return f"is an SSM parameter name longer than {_SSM_MAX_LENGTH} characters"
    return None


def credentials_parameter_problem(value: str) -> str | None:
    """Why `repositoryCredentials.credentialsParameter` cannot name a Secrets Manager secret, or None."""
    # Console-exported task definitions carry `"credentialsParameter": ""` when private registry
    # authentication is off; no documentation says ECS rejects that, so it is not flagged.
    if placeholder_kind(value) == "template" or not value.strip():
        return None
    if value.startswith("arn:"):
        return _arn_problem(value, allow_ssm=False)
    if not _SECRET_NAME.match(value):
        return "is neither an ARN nor a Secrets Manager secret name (names hold only letters, digits and `/_+=.@-`)"
    return None


def _shown(value: str) -> str:
    # Masked even though references are not secrets: a secret pasted here by mistake is one.
    return f" {quote(mask(value))}" if value.strip() else ""


def _reference_findings(container: Container):
    for index, item in container.items("secrets"):
        value = item.get("valueFrom")
        problem = secret_reference_problem(value) if isinstance(value, str) else None
        if problem:
            name = item.get("name")
            which = f"`secrets[{index}].valueFrom`" + (f" ({quote(name)})" if isinstance(name, str) else "")
            message = f"{container.label}: {which}{_shown(value)} {problem}; the task will fail to start when ECS cannot fetch it."
            yield Finding("ECS204", container.ptr("secrets", index, "valueFrom"), message)
    log_configuration = container.get("logConfiguration", dict) or {}
    options = log_configuration.get("secretOptions")
    for index, item in enumerate(options if isinstance(options, list) else []):
        value = item.get("valueFrom") if isinstance(item, dict) else None
        problem = secret_reference_problem(value) if isinstance(value, str) else None
        if problem:
            message = f"{container.label}: `logConfiguration.secretOptions[{index}].valueFrom`{_shown(value)} {problem}; the task will fail to start when ECS cannot fetch it."
            yield Finding("ECS204", container.ptr("logConfiguration", "secretOptions", index, "valueFrom"), message)
    credentials = container.get("repositoryCredentials", dict) or {}
    value = credentials.get("credentialsParameter")
    problem = credentials_parameter_problem(value) if isinstance(value, str) else None
    if problem:
        message = f"{container.label}: `repositoryCredentials.credentialsParameter`{_shown(value)} {problem}; the image pull will fail."
        yield Finding("ECS204", container.ptr("repositoryCredentials", "credentialsParameter"), message)


def _named(container: Container, field: str) -> list[tuple[int, str]]:
    return [(index, item["name"]) for index, item in container.items(field) if isinstance(item.get("name"), str)]


def _duplicate_findings(container: Container):
    secret_names: dict[str, int] = {}
    for index, name in _named(container, "secrets"):
        if name in secret_names:
            message = f"{container.label}: `secrets[{index}]` sets {quote(name)} again (first in `secrets[{secret_names[name]}]`); only one value can reach the container."
            yield Finding("ECS204", container.ptr("secrets", index, "name"), message)
        else:
            secret_names[name] = index
    environment_names: dict[str, int] = {}
    for index, name in _named(container, "environment"):
        if name in environment_names:
            message = f"{container.label}: `environment[{index}]` sets {quote(name)} again (first in `environment[{environment_names[name]}]`); only one value can reach the container."
            yield Finding("ECS204", container.ptr("environment", index, "name"), message)
            continue
        environment_names[name] = index
        if name in secret_names:
            message = (
                f"{container.label}: {quote(name)} is set both in `environment[{index}]` and in `secrets[{secret_names[name]}]`; "
                "only one value can reach the container: remove the plain-text one."
            )
            yield Finding("ECS204", container.ptr("environment", index, "name"), message)


@check("ECS204")
def invalid_secret_reference(task: TaskDefinition):
    for container in task.containers:
        yield from _reference_findings(container)
        yield from _duplicate_findings(container)


def _credential_variables(container: Container):
    """(field, index, name) of each AWS credential variable the container is given."""
    for entry in environment(container):
        # An empty value leaves the SDKs' chain to fall through to the task role.
        if entry.name in AWS_CREDENTIAL_VARIABLES and (entry.value is None or entry.value.strip()):
            yield "environment", entry.index, entry.name
    for index, name in _named(container, "secrets"):
        if name in AWS_CREDENTIAL_VARIABLES:
            yield "secrets", index, name


@check("ECS111")
def credentials_instead_of_task_role(task: TaskDefinition):
    for container in task.containers:
        for field, index, name in _credential_variables(container):
            given = f"{container.label} is given AWS credentials through `{field}[{index}]` ({quote(name)}) instead of a task role."
            if not task.knows_task_fields:
                advice = "Use a task role (`taskRoleArn`): static keys do not rotate, and where a task role exists they silently override it."
            elif task.data.get("taskRoleArn"):
                advice = (
                    "The AWS SDKs read these variables before the task role's credentials, so these static keys silently override `taskRoleArn`: "
                    "remove them and grant the permissions to the task role."
                )
            else:
                advice = "This task definition has no `taskRoleArn`: create a task role with the permissions the application needs and remove the static keys."
            yield Finding("ECS111", container.ptr(field, index, "name"), f"{given} {advice}")
