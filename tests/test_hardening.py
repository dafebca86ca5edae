"""Edge cases for the container-hardening rules: ECS501-ECS506."""

from __future__ import annotations

import json

import pytest

from tests.helpers import container, findings, lint_text, pointers, task

HARDENING = ["ECS501", "ECS502", "ECS503", "ECS504", "ECS505", "ECS506"]
WINDOWS = {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE", "cpuArchitecture": "X86_64"}




# Robustness: every rule on malformed input


MALFORMED = [
    {"family": "x", "containerDefinitions": "web"},
    {"family": "x", "containerDefinitions": [1, "web", None, []]},
    {"family": "x", "pidMode": ["host"], "ipcMode": 3, "volumes": {"name": "v"}, "containerDefinitions": []},
    {"family": "x", "volumes": ["v", {"name": 1, "efsVolumeConfiguration": "fs-1"}, {"efsVolumeConfiguration": {"transitEncryption": 1, "authorizationConfig": "x"}}], "containerDefinitions": []},
    {
        "family": "x",
        "runtimePlatform": "LINUX",
        "containerDefinitions": [
            {
                "name": 5,
                "image": 7,
                "user": ["root"],
                "privileged": "yes",
                "readonlyRootFilesystem": "no",
                "linuxParameters": {"capabilities": {"add": "SYS_ADMIN"}},
            },
            {"name": "b", "image": "x", "linuxParameters": {"capabilities": {"add": [None, 3, {"a": 1}]}}},
            {"name": "c", "image": "x", "linuxParameters": ["SYS_ADMIN"]},
            {"name": "d", "image": "x", "linuxParameters": {"capabilities": ["ALL"]}},
        ],
    },
]


@pytest.mark.parametrize("document", MALFORMED)
def test_malformed_input_never_crashes(document):
    # lint_text asserts that no check raised.
    lint_text(json.dumps(document), select=HARDENING)


def test_wrong_types_are_not_guessed_at():
    text = task([container(user=["root"], privileged="yes", readonlyRootFilesystem="true")])
    assert pointers(text, "ECS501") == []
    assert pointers(text, "ECS502") == []  # a list is not a user name: ECS002's finding
    assert pointers(text, "ECS503") == []  # "true" is how CloudFormation writes true


# ECS501 privileged-container


@pytest.mark.parametrize("value", [True, "true", "TRUE"])
def test_privileged_true_in_any_spelling(value):
    found = findings(task([container(privileged=value)]), "ECS501")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/privileged"]
    assert found[0].level == "error"
    assert found[0].message.startswith("Container 'web': `privileged` is true")
    assert "ECS.4" in found[0].message


def test_privileged_false_or_absent_passes():
    assert pointers(task([container(privileged=False), container(name="b")]), "ECS501") == []


def test_privileged_windows_is_left_to_ecs406():
    assert pointers(task([container(privileged=True)], runtimePlatform=WINDOWS), "ECS501") == []


# ECS502 root-user


@pytest.mark.parametrize("user", ["root", "0", 0, "0:0", "root:root", "0:1000"])
def test_root_users(user):
    found = findings(task([container(user=user)], networkMode="awsvpc"), "ECS502")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/user"]
    assert found[0].level == "warning"
    assert "ECS.20" in found[0].message


@pytest.mark.parametrize("user", [None, ""])
def test_unset_user_is_a_note_since_only_the_image_knows(user):
    fields = {} if user is None else {"user": user}
    for mode in ("awsvpc", "host"):
        found = findings(task([container(**fields)], networkMode=mode), "ECS502")
        assert [(f.pointer, f.level) for f in found] == [("/containerDefinitions/0/user", "note")]


@pytest.mark.parametrize("user", ["1000", "1000:1000", "nginx", "app:app", "${APP_USER}", "10:0"])
def test_non_root_users(user):
    assert pointers(task([container(user=user)]), "ECS502") == []


def test_unset_user_message_says_the_image_decides():
    message = findings(task(), "ECS502")[0].message
    assert message.startswith("Container 'web': `user` is not set")
    assert "unless the image sets `USER`" in message


def test_host_network_mode_makes_it_an_error_per_container():
    text = task([container(), container(name="sidecar", user="1000"), container(name="agent", user="root")], networkMode="host")
    found = findings(text, "ECS502")
    assert [(f.pointer, f.level) for f in found] == [("/containerDefinitions/0/user", "note"), ("/containerDefinitions/2/user", "error")]
    assert "`networkMode: host`" in found[0].message
    assert "`networkMode: host`" in found[1].message and "`user` is `root`" in found[1].message


def test_windows_task_is_exempt_by_runtime_platform():
    assert pointers(task(runtimePlatform=WINDOWS), "ECS502") == []


def test_windows_image_without_runtime_platform_is_exempt():
    image = "mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2019"
    assert pointers(task([container(image=image)]), "ECS502") == []
    assert pointers(task([container(image=image)]), "ECS503") == []


def test_linux_runtime_platform_wins_over_an_image_name():
    text = task([container(image="mcr.microsoft.com/windows/servercore:ltsc2022")], runtimePlatform={"operatingSystemFamily": "LINUX"})
    assert pointers(text, "ECS502") == ["/containerDefinitions/0/user"]


@pytest.mark.parametrize("image", ["mcr.microsoft.com/windows/servercore/iis", "mcr.microsoft.com/windows/nanoserver:ltsc2022", "example/app:1.0-nanoserver-1809"])
def test_windows_base_images_are_recognised(image):
    assert pointers(task([container(image=image)]), "ECS503") == []


@pytest.mark.parametrize("image", ["example/windows-exporter-builder:1.0", "example/server:core", "nginx:1.27"])
def test_other_images_are_linux(image):
    assert pointers(task([container(image=image)]), "ECS503") == ["/containerDefinitions/0/readonlyRootFilesystem"]


def test_bare_container_list():
    text = json.dumps([container(), container(name="b", user="1000", readonlyRootFilesystem=True)])
    assert pointers(text, "ECS502") == ["/0/user"]
    assert pointers(text, "ECS503") == ["/0/readonlyRootFilesystem"]


def test_describe_shape_pointers():
    text = json.dumps({"taskDefinition": {"family": "web", "networkMode": "host", "containerDefinitions": [container()]}})
    found = findings(text, "ECS502")
    assert [(f.pointer, f.level) for f in found] == [("/taskDefinition/containerDefinitions/0/user", "note")]


# ECS503 writable-root-filesystem


def test_writable_root_filesystem_states():
    text = task([container(), container(name="b", readonlyRootFilesystem=False), container(name="c", readonlyRootFilesystem=True)])
    found = findings(text, "ECS503")
    assert [(f.pointer, f.level) for f in found] == [("/containerDefinitions/0/readonlyRootFilesystem", "note"), ("/containerDefinitions/1/readonlyRootFilesystem", "warning")]
    assert "is not set" in found[0].message and "is false" in found[1].message
    assert all("ECS.5" in f.message for f in found)


def test_writable_root_filesystem_windows_exempt():
    assert pointers(task(runtimePlatform=WINDOWS), "ECS503") == []


def test_ecs503_docs_explain_ecs_exec_and_writable_mounts():
    from ecslint.rulebook import all_rules

    rule = all_rules()["ECS503"]
    assert "ECS Exec" in rule.what
    assert "/tmp" in rule.fix and "mountPoints" in rule.fix


# ECS504 dangerous-capabilities


def test_dangerous_capabilities_in_any_spelling():
    added = ["SYS_ADMIN", "cap_net_admin", "CAP_SYS_MODULE", "NET_BIND_SERVICE", "sys_ptrace", "NET_RAW", "All", "CHOWN", "DAC_READ_SEARCH"]
    found = findings(task([container(linuxParameters={"capabilities": {"add": added, "drop": ["ALL"]}})]), "ECS504")
    base = "/containerDefinitions/0/linuxParameters/capabilities/add/"
    assert [f.pointer for f in found] == [base + str(index) for index in (0, 1, 2, 4, 6, 8)]
    assert "`cap_net_admin`" in found[1].message


def test_dropped_capabilities_are_not_flagged():
    assert pointers(task([container(linuxParameters={"capabilities": {"drop": ["SYS_ADMIN", "ALL"]}})]), "ECS504") == []


def test_capabilities_on_windows_are_left_to_ecs406():
    text = task([container(linuxParameters={"capabilities": {"add": ["SYS_ADMIN"]}})], runtimePlatform=WINDOWS)
    assert pointers(text, "ECS504") == []


# ECS505 host-namespace


def test_host_namespaces():
    found = findings(task(pidMode="host", ipcMode="host"), "ECS505")
    assert [f.pointer for f in found] == ["/pidMode", "/ipcMode"]
    assert "ECS.3" in found[0].message


@pytest.mark.parametrize("fields", [{"pidMode": "task"}, {"ipcMode": "none"}, {"ipcMode": "task"}, {}])
def test_non_host_namespaces_pass(fields):
    assert pointers(task(**fields), "ECS505") == []


def test_host_namespace_windows_and_describe_shape():
    assert pointers(task(pidMode="host", runtimePlatform=WINDOWS), "ECS505") == []
    text = json.dumps({"taskDefinition": {"family": "x", "pidMode": "host", "containerDefinitions": [container()]}})
    assert pointers(text, "ECS505") == ["/taskDefinition/pidMode"]


# ECS506 efs-transit-encryption-disabled


def efs_volume(**config) -> dict:
    return {"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-0123456789abcdef0", **config}}


def test_efs_without_transit_encryption():
    found = findings(task(volumes=[efs_volume()]), "ECS506")
    assert [f.pointer for f in found] == ["/volumes/0/efsVolumeConfiguration/transitEncryption"]
    assert found[0].message.startswith("Volume 'data': EFS `transitEncryption` is not set")
    assert "IAM" not in found[0].message


def test_efs_disabled_with_iam_and_access_point_says_it_is_required():
    volume = efs_volume(transitEncryption="DISABLED", authorizationConfig={"iam": "ENABLED", "accessPointId": "fsap-1"})
    found = findings(task(volumes=[volume]), "ECS506")
    assert [f.pointer for f in found] == ["/volumes/0/efsVolumeConfiguration/transitEncryption"]
    assert "is `DISABLED`" in found[0].message
    assert "IAM authorization" in found[0].message and "access point" in found[0].message


def test_efs_enabled_and_other_volumes_pass():
    volumes = [efs_volume(transitEncryption="ENABLED"), {"name": "tmp"}, {"name": "host", "host": {"sourcePath": "/data"}}]
    assert pointers(task(volumes=volumes), "ECS506") == []
