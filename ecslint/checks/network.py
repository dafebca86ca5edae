"""ECS301-ECS307: network modes and port mappings.

Facts: ECS API reference, PortMapping and ContainerDefinition
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html) and the
developer guide's task networking page
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html), verified 2026-11-30.
"""

from __future__ import annotations

from typing import NamedTuple


from ecslint.checks import check
from ecslint.checks.intervals import FirstClaims
from ecslint.report.findings import Finding
from ecslint.subjects.task_definition import Container, TaskDefinition
from ecslint.subjects.quoting import quote, quote_text

# Host ports the ECS agent reserves on every container instance: SSH, Docker, the agent itself.
RESERVED_HOST_PORTS = frozenset({22, 2375, 2376, 51678, 51679, 51680})
# Dynamic host ports come from here; a static port inside it can collide with them.
EPHEMERAL_RANGE_LINUX = (32768, 65535)
EPHEMERAL_RANGE_WINDOWS = (49152, 65535)

# Network modes in which every container shares one network namespace (and port space).
SHARED_NAMESPACE_MODES = ("awsvpc", "host")
# Modes that bind host ports through Docker's NAT (Windows `default` behaves like bridge here).
NAT_MODES = ("bridge", "default")
ROOT_USERS = ("root", "0")


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class PortMapping(NamedTuple):
    container: Container
    index: int
    data: dict

    @property
    def container_port(self) -> int | None:
        return _int(self.data.get("containerPort"))

    @property
    def host_port(self) -> int | None:
        return _int(self.data.get("hostPort"))

    @property
    def protocol(self) -> str:
        protocol = self.data.get("protocol")
        return protocol.lower() if isinstance(protocol, str) else "tcp"

    @property
    def container_port_range(self) -> tuple[int, int] | None:
        text = self.data.get("containerPortRange")
        if not isinstance(text, str):
            return None
        low, _, high = text.partition("-")
        try:
            return int(low), int(high or low)
        except ValueError:
            return None

    def ptr(self, *tokens) -> str:
        return self.container.ptr("portMappings", self.index, *tokens)

    @property
    def path(self) -> str:
        return f"portMappings[{self.index}]"


def port_mappings(task: TaskDefinition) -> list[PortMapping]:
    return [PortMapping(c, index, data) for c in task.containers for index, data in c.items("portMappings")]


def _claimed_host_ports(mapping: PortMapping, mode: str) -> tuple[tuple[int, int], str] | None:
    """The host port range a mapping binds in this mode, and the field that sets it."""
    if mode in NAT_MODES:
        port = mapping.host_port
        return ((port, port), "hostPort") if port else None
    if mapping.container_port_range:
        return mapping.container_port_range, "containerPortRange"
    port = mapping.container_port or mapping.host_port
    return ((port, port), "containerPort" if mapping.container_port else "hostPort") if port else None


def _describe_ports(low: int, high: int, protocol: str) -> str:
    return f"{low}/{protocol}" if low == high else f"{low}-{high}/{protocol}"


@check("ECS301")
def fargate_requires_awsvpc(task: TaskDefinition):
    if not task.is_fargate:
        return
    if task.get("networkMode") is None:
        # Fargate wants `awsvpc` written out, even beside Managed Instances, whose default it is.
        default = "" if task.network_mode == "awsvpc" else " (it then defaults to `bridge`)"
        yield Finding("ECS301", task.ptr("requiresCompatibilities"), f"Fargate tasks must use `networkMode: awsvpc`, but `networkMode` is not set{default}.")
    elif task.network_mode != "awsvpc":
        yield Finding("ECS301", task.ptr("networkMode"), f"Fargate tasks must use `networkMode: awsvpc`, not {quote(task.network_mode)}.")


@check("ECS302")
def host_port_clash(task: TaskDefinition):
    mode = task.network_mode
    if mode not in NAT_MODES + SHARED_NAMESPACE_MODES:
        return
    claimed = [(mapping, claim) for mapping in port_mappings(task) if (claim := _claimed_host_ports(mapping, mode)) is not None]
    # One index of earlier claims per protocol: each mapping is compared in logarithmic time, not with every other.
    by_protocol: dict[str, FirstClaims] = {}
    for protocol in {mapping.protocol for mapping, _ in claimed}:
        by_protocol[protocol] = FirstClaims([span for mapping, (span, _) in claimed if mapping.protocol == protocol])
    for order, (mapping, ((low, high), field)) in enumerate(claimed):
        earlier = by_protocol[mapping.protocol].claim(low, high, order)
        if earlier is None:
            continue
        other, ((other_low, other_high), _) = claimed[earlier]
        owner = "the same container" if other.container is mapping.container else other.container.label.replace("Container", "container", 1)
        ports = _describe_ports(max(low, other_low), min(high, other_high), mapping.protocol)
        message = f"{mapping.container.label}: {quote(mapping.path)} claims host port {ports}, already claimed by {owner} ({quote(other.path)}); the task cannot start with both."
        yield Finding("ECS302", mapping.ptr(field), message)


@check("ECS303")
def host_port_mismatch(task: TaskDefinition):
    mode = task.network_mode
    if mode not in SHARED_NAMESPACE_MODES:
        return
    for mapping in port_mappings(task):
        # hostPort 0 means "unset" to the API; only a different, non-zero port is rejected.
        if mapping.host_port and mapping.container_port and mapping.host_port != mapping.container_port:
            message = (
                f"{mapping.container.label}: `{mapping.path}.hostPort` is {mapping.host_port} but `containerPort` is {mapping.container_port}; "
                f"in {quote(mode)} mode the host port must equal the container port or be left out."
            )
            yield Finding("ECS303", mapping.ptr("hostPort"), message)


@check("ECS304")
def static_host_port(task: TaskDefinition):
    if task.network_mode != "bridge":
        return
    for mapping in port_mappings(task):
        if mapping.host_port:
            message = (
                f"{mapping.container.label}: `{mapping.path}.hostPort` is fixed at {mapping.host_port} in `bridge` mode, so only one copy of this task fits "
                "on an instance and rolling deployments stall; use `hostPort: 0` (or leave it out) for dynamic port mapping."
            )
            yield Finding("ECS304", mapping.ptr("hostPort"), message)


def runs_as_root(container: Container) -> bool:
    """True for an unset user (images default to root), `root`, `0`, or `0:<group>`."""
    user = container.data.get("user")
    if user is None:
        return True
    return isinstance(user, (str, int)) and str(user).split(":", 1)[0] in ROOT_USERS


@check("ECS305")
def host_network_mode(task: TaskDefinition):
    if task.get("networkMode") != "host":
        return
    root = [c for c in task.containers if runs_as_root(c)]
    if root:
        names = ", ".join(f"'{quote_text(c.name or c.index + 1)}'" for c in root)
        message = (
            f"`networkMode: host` shares the instance's network stack with containers running as root ({names}); "
            "set a non-root `user` or use `awsvpc` (Security Hub ECS.1)."
        )
        yield Finding("ECS305", task.ptr("networkMode"), message, level="error")
    else:
        message = "`networkMode: host` shares the instance's network stack with the containers and allows one such task per instance per port; prefer `awsvpc` or `bridge`."
        yield Finding("ECS305", task.ptr("networkMode"), message)


@check("ECS306")
def reserved_host_port(task: TaskDefinition):
    mode = task.network_mode
    # In awsvpc each task has its own network interface: the instance's reserved ports do not apply.
    if mode not in NAT_MODES + ("host",):
        return
    low, high = EPHEMERAL_RANGE_WINDOWS if task.is_windows else EPHEMERAL_RANGE_LINUX
    for mapping in port_mappings(task):
        field = "hostPort" if mapping.host_port or mode != "host" else "containerPort"
        port = mapping.host_port if field == "hostPort" else mapping.container_port
        if not port:
            continue
        if port in RESERVED_HOST_PORTS:
            reason = "is reserved by ECS on every container instance (22 SSH, 2375-2376 Docker, 51678-51680 the ECS agent)"
        elif low <= port <= high:
            reason = f"lies in the ephemeral range ({low}-{high}) that dynamic port mapping draws from, so it can collide with other tasks"
        else:
            continue
        message = f"{mapping.container.label}: host port {port} (`{mapping.path}.{field}`) {reason}; choose another port."
        yield Finding("ECS306", mapping.ptr(field), message)


@check("ECS307")
def unsupported_in_network_mode(task: TaskDefinition):
    mode = task.network_mode
    if mode is None:
        return
    for container in task.containers:
        if container.get("links", list) and mode != "bridge":
            yield Finding("ECS307", container.ptr("links"), f"{container.label}: `links` only works in `bridge` network mode, not {quote(mode)}; use service discovery or localhost instead.")
        if mode == "awsvpc":
            for field in ("hostname", "extraHosts"):
                if container.data.get(field):
                    yield Finding("ECS307", container.ptr(field), f"{container.label}: {quote(field)} is not supported in `awsvpc` network mode.")
        if mode == "none" and container.get("portMappings", list):
            yield Finding("ECS307", container.ptr("portMappings"), f"{container.label}: `portMappings` cannot be used with `networkMode: none`; the containers have no external connectivity.")
