"""An `aws_ecs_task_definition` resource's snake_case attributes and blocks -> RegisterTaskDefinition's camelCase input.

Attribute names and block shapes: the AWS provider's `aws_ecs_task_definition` documentation
(https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_task_definition), verified 2026-11-30.
Every value produced remembers where it came from, so findings (which speak the API's names) point at the
Terraform source. Attributes only Terraform knows (`skip_destroy`, `track_latest`, `arn`, `tags_all`...) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecslint.documents import pointer as jp
from ecslint.terraform.hcl import Encoded
from ecslint.terraform.template import Unknown, parse_template_json


@dataclass(frozen=True)
class Block:
    """A nested block: its API name, its members' renames, and whether the API wants one object (MaxItems 1)."""

    name: str
    members: dict
    single: bool = False


_AUTHORIZATION = Block("authorizationConfig", {"access_point_id": "accessPointId", "iam": "iam"}, single=True)
_FSX_AUTHORIZATION = Block("authorizationConfig", {"credentials_parameter": "credentialsParameter", "domain": "domain"}, single=True)
_VOLUME = Block(
    "volumes",
    {
        "name": "name",
        "host_path": "host",  # the API nests it: {"host": {"sourcePath": ...}}
        "configure_at_launch": "configuredAtLaunch",
        "docker_volume_configuration": Block(
            "dockerVolumeConfiguration",
            {"scope": "scope", "autoprovision": "autoprovision", "driver": "driver", "driver_opts": "driverOpts", "labels": "labels"},
            single=True,
        ),
        "efs_volume_configuration": Block(
            "efsVolumeConfiguration",
            {
                "file_system_id": "fileSystemId",
                "root_directory": "rootDirectory",
                "transit_encryption": "transitEncryption",
                "transit_encryption_port": "transitEncryptionPort",
                "authorization_config": _AUTHORIZATION,
            },
            single=True,
        ),
        "fsx_windows_file_server_volume_configuration": Block(
            "fsxWindowsFileServerVolumeConfiguration",
            {"file_system_id": "fileSystemId", "root_directory": "rootDirectory", "authorization_config": _FSX_AUTHORIZATION},
            single=True,
        ),
    },
)

TASK_ATTRIBUTES: dict = {
    "family": "family",
    "network_mode": "networkMode",
    "requires_compatibilities": "requiresCompatibilities",
    "cpu": "cpu",
    "memory": "memory",
    "execution_role_arn": "executionRoleArn",
    "task_role_arn": "taskRoleArn",
    "pid_mode": "pidMode",
    "ipc_mode": "ipcMode",
    "enable_fault_injection": "enableFaultInjection",
    "volume": _VOLUME,
    "placement_constraints": Block("placementConstraints", {"type": "type", "expression": "expression"}),
    "inference_accelerator": Block("inferenceAccelerators", {"device_name": "deviceName", "device_type": "deviceType"}),
    "ephemeral_storage": Block("ephemeralStorage", {"size_in_gib": "sizeInGiB"}, single=True),
    "runtime_platform": Block("runtimePlatform", {"operating_system_family": "operatingSystemFamily", "cpu_architecture": "cpuArchitecture"}, single=True),
    "proxy_configuration": Block("proxyConfiguration", {"type": "type", "container_name": "containerName", "properties": "properties"}, single=True),
}


def _single_blocks(members: dict, found: set) -> set:
    """Provider names of blocks that take one object (parsed HCL holds them as lists of one)."""
    for terraform_name, target in members.items():
        if isinstance(target, Block):
            if target.single:
                found.add(terraform_name)
            _single_blocks(target.members, found)
    return found


def _terraform_names(members: dict, found: dict) -> dict:
    """API field -> the provider's argument or block name, over every block (the names do not clash)."""
    for terraform_name, target in members.items():
        if isinstance(target, Block):
            found.setdefault(target.name, terraform_name)
            _terraform_names(target.members, found)
        else:
            found.setdefault(target, terraform_name)
    return found


SINGLE_BLOCKS = frozenset(_single_blocks(TASK_ATTRIBUTES, set()))
TERRAFORM_NAMES = _terraform_names(TASK_ATTRIBUTES, {"containerDefinitions": "container_definitions", "host": "host_path", "sourcePath": "host_path"})
# Terraform takes these as strings and converts numbers (`cpu = 256`); the API's type is string too.
_STRING_ATTRIBUTES = frozenset({"cpu", "memory"})


@dataclass
class MappedTask:
    """The API-shaped task definition, and for each API pointer the source pointer it came from."""

    data: dict
    # API pointer -> source pointer, for every value produced (containers map as a whole: their keys are the API's).
    sources: dict = field(default_factory=dict)
    # Whether container_definitions could be read at all (False: Unknown, or not JSON).
    containers_known: bool = True

    def source_pointer(self, pointer: str) -> str:
        candidate = pointer
        while candidate not in self.sources:
            if not candidate:
                return self.sources.get("", pointer)
            candidate = jp.parent(candidate)
        rest = pointer[len(candidate) :]
        if rest and not jp.is_within(pointer, "/containerDefinitions"):
            # A field the resource does not write (a required one): named as the provider names it.
            rest = jp.join("", *(TERRAFORM_NAMES.get(token, token) for token in jp.split(rest)))
        return self.sources[candidate] + rest


def _empty(value) -> bool:
    return value is None or (isinstance(value, (list, dict)) and not value)


def _kept_block(mapped) -> bool:
    """A block written empty (`efs_volume_configuration {}`) is still there: its missing arguments are findings."""
    return mapped is not None and mapped != []


def _map_block(value, block: Block, api: str, source: str, out: MappedTask):
    if isinstance(value, Unknown):
        out.sources[api] = source
        return value
    if not isinstance(value, list):
        value = [value] if isinstance(value, dict) else value
    if not isinstance(value, list):
        out.sources[api] = source
        return value
    if block.single:
        if len(value) != 1:
            return None if not value else _map_object(value[0], block, api, jp.join(source, 0), out)
        return _map_object(value[0], block, api, jp.join(source, 0), out)
    out.sources[api] = source
    items = []
    for index, item in enumerate(value):
        mapped = _map_object(item, block, jp.join(api, len(items)), jp.join(source, index), out)
        if mapped is not None:
            items.append(mapped)
    return items


def _map_object(value, block: Block, api: str, source: str, out: MappedTask):
    out.sources[api] = source
    if not isinstance(value, dict):
        return value
    result: dict = {}
    for key, item in value.items():
        target = block.members.get(key)
        if target is None or _empty(item):
            continue
        if isinstance(target, Block):
            mapped = _map_block(item, target, jp.join(api, target.name), jp.join(source, key), out)
            if _kept_block(mapped):
                result[target.name] = mapped
        elif key == "host_path":
            out.sources[jp.join(api, "host")] = jp.join(source, key)
            out.sources[jp.join(api, "host", "sourcePath")] = jp.join(source, key)
            result["host"] = {"sourcePath": item}
        elif key == "properties" and isinstance(item, dict):
            # The provider takes a map; the API a list of {name, value}.
            out.sources[jp.join(api, "properties")] = jp.join(source, key)
            entries = []
            for name, entry in item.items():
                out.sources[jp.join(api, "properties", len(entries))] = jp.join(source, key, name)
                entries.append({"name": name, "value": entry})
            result["properties"] = entries
        else:
            out.sources[jp.join(api, target)] = jp.join(source, key)
            result[target] = item
    return result


def decode_json_attribute(value):
    """container_definitions / policy value -> (decoded value, known). Strings are JSON text; Encoded came from jsonencode."""
    if isinstance(value, Encoded):
        return value.value, True
    if isinstance(value, Unknown):
        return value, False
    if isinstance(value, str):
        parsed = parse_template_json(value)
        if parsed is not None:
            return parsed.data, True
    if isinstance(value, (list, dict)):
        return value, True
    return Unknown("a JSON document Terraform renders at apply time"), False


def map_task(values: dict, source: str) -> MappedTask:
    """Map an `aws_ecs_task_definition` resource's values (at `source` in the document) to the API shape."""
    out = MappedTask({})
    out.sources[""] = source
    data: dict = {}
    for key, item in values.items():
        if key == "container_definitions":
            decoded, known = decode_json_attribute(item)
            out.sources["/containerDefinitions"] = jp.join(source, key)
            out.containers_known = known
            data["containerDefinitions"] = decoded
            continue
        target = TASK_ATTRIBUTES.get(key)
        if target is None or _empty(item):
            continue
        if isinstance(target, Block):
            mapped = _map_block(item, target, "/" + jp.escape(target.name), jp.join(source, key), out)
            if _kept_block(mapped):
                data[target.name] = mapped
            continue
        if key in _STRING_ATTRIBUTES and isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(int(item)) if float(item).is_integer() else str(item)
        out.sources["/" + jp.escape(target)] = jp.join(source, key)
        data[target] = item
    out.data = data
    return out
