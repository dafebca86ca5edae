"""ECS501-ECS506: container hardening, after the Security Hub ECS controls.

Facts: Security Hub controls for Amazon ECS
(https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html: ECS.1, retired in
March 2026 in favour of ECS.4/ECS.17/ECS.20/ECS.21; ECS.3 pidMode; ECS.4 privileged; ECS.5
read-only root filesystem; ECS.20 non-root Linux user), the container definition parameters
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html) and
EFSAuthorizationConfig (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSAuthorizationConfig.html),
verified 2026-11-30.
"""

from __future__ import annotations

from ecslint.checks import check
from ecslint.checks.network import runs_as_root
from ecslint.report.findings import Finding
from ecslint.subjects.image_reference import parse_image
from ecslint.subjects.quoting import quote, quote_text
from ecslint.subjects.task_definition import Container, TaskDefinition

# Capabilities that break the container boundary or reach the host, spelled without `CAP_`:
# ALL (everything), SYS_ADMIN (mount, namespaces: the classic escapes), NET_ADMIN (routing,
# iptables), SYS_MODULE (load kernel code), SYS_PTRACE (trace and inject into processes; the one
# Fargate allows), SYS_RAWIO (raw device and port I/O), DAC_READ_SEARCH (open_by_handle_at, the
# "shocker" escape), SYS_TIME (the host clock is not namespaced), MAC_ADMIN/MAC_OVERRIDE (change or
# bypass AppArmor/SELinux). NET_RAW is left out: Docker grants it by default, so adding it changes nothing.
DANGEROUS_CAPABILITIES = {
    "ALL": "every capability, which is close to `privileged`",
    "SYS_ADMIN": "mounts and namespace operations, the usual way out of a container",
    "NET_ADMIN": "reconfiguring interfaces, routes and firewall rules",
    "SYS_MODULE": "loading kernel modules into the host kernel",
    "SYS_PTRACE": "tracing and injecting code into other processes",
    "SYS_RAWIO": "raw access to devices and I/O ports",
    "DAC_READ_SEARCH": "reading any file by handle, a known container escape",
    "SYS_TIME": "setting the host's clock",
    "MAC_ADMIN": "changing the AppArmor/SELinux policy",
    "MAC_OVERRIDE": "bypassing the AppArmor/SELinux policy",
}
HOST_NAMESPACE_FIELDS = {
    "pidMode": ("process", "see, signal and (with SYS_PTRACE) trace every process on the instance (Security Hub ECS.3)"),
    "ipcMode": ("IPC", "read and write the instance's shared memory segments, semaphores and message queues"),
}


def _is_true(value) -> bool:
    # CloudFormation passes booleans as strings; a JSON string is ECS002's finding, not a reason to guess false.
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def is_windows_container(task: TaskDefinition, container: Container) -> bool:
    """Windows by the task's runtimePlatform, or, when that is unset, by a Windows base image."""
    if task.is_windows:
        return True
    if task.operating_system is not None:
        return False
    image = parse_image(container.data.get("image"))
    return image is not None and image.looks_windows


def _capability_name(value: str) -> str:
    name = value.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


@check("ECS501")
def privileged_container(task: TaskDefinition):
    for container in task.containers:
        # Windows has no privileged mode (ECS406 reports the field there).
        if _is_true(container.data.get("privileged")) and not is_windows_container(task, container):
            message = (
                f"{container.label}: `privileged` is true, which gives the container every capability and access to the "
                "host's devices, as root on the container instance (Security Hub ECS.4); remove it and add only the capabilities it needs."
            )
            yield Finding("ECS501", container.ptr("privileged"), message)


@check("ECS502")
def root_user(task: TaskDefinition):
    host_mode = task.network_mode == "host"
    for container in task.containers:
        if is_windows_container(task, container):
            continue
        user = container.data.get("user")
        if user is None or user == "":
            # Only the image knows its default user: worth a note, not a failed run.
            what = "`user` is not set, so the container runs as the image's default user, which is root unless the image sets `USER`"
            where = ", and the task uses `networkMode: host`" if host_mode else ""
            message = f"{container.label}: {what}{where}; set a non-root `user` such as `\"1000:1000\"` to make sure (Security Hub ECS.20)."
            yield Finding("ECS502", container.ptr("user"), message, level="note")
            continue
        if not runs_as_root(container):
            continue
        what = f"`user` is {quote(user)}, so the container runs as root"
        if host_mode:
            message = f"{container.label}: {what}, and the task uses `networkMode: host`, so that root process shares the instance's network stack; set a non-root `user` such as `\"1000:1000\"`."
            yield Finding("ECS502", container.ptr("user"), message, level="error")
        else:
            message = f"{container.label}: {what} (Security Hub ECS.20); set a non-root `user` such as `\"1000:1000\"`."
            yield Finding("ECS502", container.ptr("user"), message)


@check("ECS503")
def writable_root_filesystem(task: TaskDefinition):
    for container in task.containers:
        if is_windows_container(task, container) or _is_true(container.data.get("readonlyRootFilesystem")):
            continue
        if container.data.get("readonlyRootFilesystem") is False:
            state, level = "false", None
        else:
            # Unset is the API's default, not a choice someone made: a note.
            state, level = "not set", "note"
        message = (
            f"{container.label}: `readonlyRootFilesystem` is {state}, so anything running in the container can change its files "
            "(Security Hub ECS.5); set it to true and mount volumes at the paths that must stay writable."
        )
        yield Finding("ECS503", container.ptr("readonlyRootFilesystem"), message, level=level)


@check("ECS504")
def dangerous_capabilities(task: TaskDefinition):
    for container in task.containers:
        if is_windows_container(task, container):
            continue
        linux = container.get("linuxParameters", dict) or {}
        capabilities = linux.get("capabilities")
        added = capabilities.get("add") if isinstance(capabilities, dict) else None
        for index, value in enumerate(added if isinstance(added, list) else []):
            if not isinstance(value, str):
                continue
            name = _capability_name(value)
            if name in DANGEROUS_CAPABILITIES:
                message = f"{container.label}: adding the {quote(value)} capability allows {DANGEROUS_CAPABILITIES[name]}; drop it unless the container cannot work without it."
                yield Finding("ECS504", container.ptr("linuxParameters", "capabilities", "add", index), message)


@check("ECS505")
def host_namespace(task: TaskDefinition):
    # Windows has neither field (ECS406 reports them there).
    if not task.knows_task_fields or task.is_windows:
        return
    for field, (namespace, risk) in HOST_NAMESPACE_FIELDS.items():
        if task.data.get(field) == "host":
            message = f"`{field}: host` shares the instance's {namespace} namespace with every container in the task, which can then {risk}; use `task` or leave it unset."
            yield Finding("ECS505", task.ptr(field), message)


@check("ECS506")
def efs_transit_encryption_disabled(task: TaskDefinition):
    for index, volume in enumerate(task.get("volumes", list) or []):
        if not isinstance(volume, dict) or not isinstance(volume.get("efsVolumeConfiguration"), dict):
            continue
        efs = volume["efsVolumeConfiguration"]
        setting = efs.get("transitEncryption")
        if isinstance(setting, str) and setting.upper() == "ENABLED":
            continue
        label = f"Volume '{quote_text(volume['name'])}'" if isinstance(volume.get("name"), str) else f"Volume #{index + 1}"
        state = f"is {quote(setting)}" if isinstance(setting, str) else "is not set (it defaults to `DISABLED`)"
        authorization = efs.get("authorizationConfig") if isinstance(efs.get("authorizationConfig"), dict) else {}
        needs = [
            reason
            for reason, present in (
                ("IAM authorization (`authorizationConfig.iam: ENABLED`)", str(authorization.get("iam", "")).upper() == "ENABLED"),
                ("an access point (`authorizationConfig.accessPointId`)", bool(authorization.get("accessPointId"))),
            )
            if present
        ]
        consequence = f"; ECS also requires it whenever a volume uses {' or '.join(needs)}" if needs else ""
        message = f"{label}: EFS `transitEncryption` {state}, so file data crosses the network unencrypted{consequence}; set `transitEncryption: ENABLED`."
        yield Finding("ECS506", task.ptr("volumes", index, "efsVolumeConfiguration", "transitEncryption"), message)
