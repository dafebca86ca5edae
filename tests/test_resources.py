"""Edge cases for ECS403 (memory), ECS404 (essential), ECS405 (dependsOn) and ECS406 (Windows)."""

from __future__ import annotations

import json

import pytest

from tests.helpers import lint_text


def task(containers, **fields) -> str:
    return json.dumps({"family": "web", **fields, "containerDefinitions": containers})


def container(name="web", **fields) -> dict:
    return {"name": name, "image": "nginx:1.27", **fields}


def findings(text: str, rule: str):
    return lint_text(text, select=[rule])


def pointers(text: str, rule: str) -> list[str]:
    return sorted(f.pointer for f in findings(text, rule))


# ECS401 fargate-invalid-cpu-memory


def fargate(cpu, memory, **fields) -> str:
    return task([container()], requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu=cpu, memory=memory, **fields)


@pytest.mark.parametrize("memory", ["61440", "122880", "249856", "60 GB", "244GB"])
def test_fargate_32_vcpu_sizes(memory):
    assert findings(fargate("32768", memory), "ECS401") == []
    assert findings(fargate("32 vCPU", memory), "ECS401") == []


def test_fargate_32_vcpu_offers_three_sizes_only():
    [finding] = findings(fargate("32768", "65536"), "ECS401")
    assert (finding.pointer, finding.message) == ("/memory", "Fargate does not offer 65536 MiB of memory with 32 vCPU (32768 CPU units); with that `cpu`, `memory` must be 61440, 122880 or 249856 MiB.")


def test_fargate_32_vcpu_is_linux_only():
    windows = {"operatingSystemFamily": "WINDOWS_SERVER_2022_FULL", "cpuArchitecture": "X86_64"}
    [finding] = findings(fargate("32768", "61440", runtimePlatform=windows), "ECS401")
    assert (finding.pointer, finding.message) == ("/cpu", "Fargate offers 32 vCPU (32768 CPU units) to Linux tasks only; this task runs Windows containers.")


def test_fargate_unknown_cpu_lists_every_size():
    [finding] = findings(fargate("65536", "249856"), "ECS401")
    assert finding.message == "Fargate does not offer 65536 CPU units; valid task `cpu` values are 256, 512, 1024, 2048, 4096, 8192, 16384, 32768."


# ECS403 container-memory-exceeds-task


@pytest.mark.parametrize("task_memory", [1024, "1024", "1 GB", "1GB", "1gb"])
def test_container_memory_above_task_memory_in_any_spelling(task_memory):
    found = findings(task([container(memory=2048)], memory=task_memory), "ECS403")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/memory"]
    assert "The 'memory' setting for container 'web' is greater than for the task." in found[0].message


def test_reservation_above_task_memory():
    found = findings(task([container(memoryReservation=600)], memory="512"), "ECS403")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/memoryReservation"]


def test_sum_uses_reservation_before_hard_limit():
    # Hard limits add up to 3072 but the reservations only to 768: that fits.
    fits = [container("a", memory=1024, memoryReservation=256), container("b", memory=1024, memoryReservation=256), container("c", memory=1024, memoryReservation=256)]
    assert findings(task(fits, memory="1024"), "ECS403") == []
    over = [container("a", memory=1024), container("b", memoryReservation=512)]
    found = findings(task(over, memory="1024"), "ECS403")
    assert [f.pointer for f in found] == ["/memory"]
    assert "1536 MiB" in found[0].message and "'a'" in found[0].message


def test_sum_not_repeated_when_one_container_is_already_too_big():
    assert pointers(task([container("a", memory=4096), container("b", memory=512)], memory="1024"), "ECS403") == ["/containerDefinitions/0/memory"]


@pytest.mark.parametrize("compatibilities", [None, ["EC2"], ["EXTERNAL"], ["MANAGED_INSTANCES"]])
def test_no_memory_anywhere_outside_fargate(compatibilities):
    fields = {"requiresCompatibilities": compatibilities} if compatibilities else {}
    text = task([container("a"), container("b", memoryReservation=128), container("c", memory=0)], **fields)
    found = findings(text, "ECS403")
    assert [f.pointer for f in found] == ["/containerDefinitions/0"]
    assert "At least one of 'memory' or 'memoryReservation' must be specified." in found[0].message


def test_no_memory_on_fargate_is_ecs401s_finding():
    assert findings(task([container()], requiresCompatibilities=["FARGATE"]), "ECS403") == []


def test_unknown_task_memory_is_not_judged():
    assert findings(task([container(memory=4096)], memory="{{memory}}"), "ECS403") == []
    assert findings(json.dumps([container(), container("b", memory=99999)]), "ECS403") == []


def test_memory_wrong_types_do_not_crash():
    odd = [container(memory=True, memoryReservation="lots"), container("b", memory=[1]), "x"]
    assert findings(task(odd, memory="512"), "ECS403") == []
    assert findings(json.dumps({"family": "x", "memory": {"a": 1}, "containerDefinitions": "none"}), "ECS403") == []


def test_memory_in_describe_shape():
    inner = json.loads(task([container(memory=2048)], memory="1024"))
    assert pointers(json.dumps({"taskDefinition": inner}), "ECS403") == ["/taskDefinition/containerDefinitions/0/memory"]


# ECS404 no-essential-container


def test_essential_defaults_to_true():
    assert findings(task([container(essential=False), container("b")]), "ECS404") == []
    # A string is not `false` to ECS's default; ECS002 reports its type.
    assert findings(task([container(essential="false")]), "ECS404") == []


def test_no_essential_container_in_a_bare_list_and_describe_shape():
    text = json.dumps([container(essential=False), container("b", essential=False)])
    assert pointers(text, "ECS404") == ["/0/essential"]
    inner = json.loads(task([container(essential=False)]))
    assert pointers(json.dumps({"taskDefinition": inner}), "ECS404") == ["/taskDefinition/containerDefinitions/0/essential"]


def test_no_containers_is_not_this_rules_finding():
    assert findings(task([]), "ECS404") == []


# ECS405 invalid-depends-on


def test_cycle_of_three_is_reported_once_with_its_path():
    containers = [
        container("a", dependsOn=[{"containerName": "b", "condition": "START"}]),
        container("b", dependsOn=[{"containerName": "c", "condition": "START"}]),
        container("c", dependsOn=[{"containerName": "a", "condition": "START"}]),
    ]
    found = findings(task(containers), "ECS405")
    assert [f.pointer for f in found] == ["/containerDefinitions/2/dependsOn/0/containerName"]
    assert "'a' -> 'b' -> 'c' -> 'a'" in found[0].message


def test_self_dependency_is_a_cycle():
    found = findings(task([container("a", dependsOn=[{"containerName": "a", "condition": "START"}])]), "ECS405")
    assert [f.pointer for f in found] == ["/containerDefinitions/0/dependsOn/0/containerName"]
    assert "'a' -> 'a'" in found[0].message


def test_healthy_needs_a_health_check_on_the_target():
    healthy = {"command": ["CMD-SHELL", "exit 0"]}
    ok = [container("a", dependsOn=[{"containerName": "b", "condition": "HEALTHY"}]), container("b", healthCheck=healthy)]
    assert findings(task(ok), "ECS405") == []
    bad = [container("a", dependsOn=[{"containerName": "b", "condition": "HEALTHY"}]), container("b", healthCheck={})]
    assert pointers(task(bad), "ECS405") == ["/containerDefinitions/0/dependsOn/0/condition"]


def test_depends_on_wrong_types_do_not_crash():
    odd = [container("a", dependsOn="b"), container("b", dependsOn=[{"containerName": 3}, "c", None]), container(None, dependsOn=[{"containerName": "a"}])]
    assert findings(task(odd), "ECS405") == []


def test_missing_dependency_in_bare_list():
    text = json.dumps([container("a", dependsOn=[{"containerName": "ghost", "condition": "START"}])])
    found = findings(text, "ECS405")
    assert [f.pointer for f in found] == ["/0/dependsOn/0/containerName"]
    assert "'ghost'" in found[0].message and "'a'" in found[0].message


# ECS406 windows-unsupported-parameter

WINDOWS = {"operatingSystemFamily": "WINDOWS_SERVER_2019_CORE"}


def test_windows_on_ec2_flags_unsupported_fields_only_when_used():
    used = container(user="ContainerAdministrator", linuxParameters={"initProcessEnabled": True}, privileged=True, ulimits=[{"name": "nofile", "softLimit": 1, "hardLimit": 1}])
    unused = container("b", privileged=False, readonlyRootFilesystem=False, dnsServers=[], links=[], linuxParameters={}, user="")
    found = findings(task([used, unused], runtimePlatform=WINDOWS, pidMode="task", ipcMode="none", proxyConfiguration={"containerName": "web"}), "ECS406")
    assert sorted(f.pointer for f in found) == [
        "/containerDefinitions/0/linuxParameters",
        "/containerDefinitions/0/privileged",
        "/containerDefinitions/0/ulimits",
        "/containerDefinitions/0/user",
        "/ipcMode",
        "/pidMode",
        "/proxyConfiguration",
    ]
    assert all("WINDOWS_SERVER_2019_CORE" in f.message for f in found)


def test_windows_user_zero_is_still_a_user():
    assert pointers(task([container(user=0)], runtimePlatform=WINDOWS), "ECS406") == ["/containerDefinitions/0/user"]


def test_fargate_only_limits_do_not_apply_on_ec2_windows():
    text = task(
        [container(logConfiguration={"logDriver": "json-file"}, firelensConfiguration={"type": "fluentbit"})],
        runtimePlatform={**WINDOWS, "cpuArchitecture": "ARM64"},
        cpu="256",
        volumes=[{"name": "efs", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}],
    )
    assert findings(text, "ECS406") == []


def test_windows_on_fargate():
    text = task(
        [
            container(firelensConfiguration={"type": "fluentbit"}),
            container("app", logConfiguration={"logDriver": "awsfirelens", "options": {"Name": "cloudwatch"}}),
            container("ok", logConfiguration={"logDriver": "awslogs"}),
        ],
        requiresCompatibilities=["FARGATE"],
        runtimePlatform={**WINDOWS, "cpuArchitecture": "ARM64"},
        cpu="0.5 vCPU",
        memory="2 GB",
        volumes=[{"name": "efs", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}, {"name": "scratch"}],
    )
    found = findings(text, "ECS406")
    assert sorted(f.pointer for f in found) == [
        "/containerDefinitions/0/firelensConfiguration",
        "/containerDefinitions/1/logConfiguration/logDriver",
        "/cpu",
        "/runtimePlatform/cpuArchitecture",
        "/volumes/0/efsVolumeConfiguration",
    ]
    assert "512" in next(f.message for f in found if f.pointer == "/cpu")


@pytest.mark.parametrize("platform", [{"operatingSystemFamily": "LINUX"}, {}, "WINDOWS_SERVER_2019_CORE", None])
def test_not_windows_is_silent(platform):
    text = task([container(user="root", privileged=True)], runtimePlatform=platform, requiresCompatibilities=["FARGATE"], cpu="256")
    assert findings(text, "ECS406") == []


def test_windows_bare_list_cannot_be_known():
    assert findings(json.dumps([container(user="x", privileged=True)]), "ECS406") == []


def test_windows_describe_shape():
    inner = json.loads(task([container(privileged=True)], runtimePlatform=WINDOWS))
    assert pointers(json.dumps({"taskDefinition": inner}), "ECS406") == ["/taskDefinition/containerDefinitions/0/privileged"]


# ECS407 managed-instances-unsupported, and the network mode Managed Instances default to


def test_managed_instances_without_network_mode_are_not_bridge():
    text = task([container(memory=512, portMappings=[{"containerPort": 80, "hostPort": 8080}])], requiresCompatibilities=["MANAGED_INSTANCES"])
    # bridge-only findings (a static host port) do not apply; awsvpc's own do (hostPort differs from containerPort).
    assert pointers(text, "ECS304") == []
    assert pointers(text, "ECS303") == ["/containerDefinitions/0/portMappings/0/hostPort"]
    assert findings(text, "ECS407") == []


def test_managed_instances_beside_ec2_have_no_single_default():
    text = task([container(memory=512, portMappings=[{"containerPort": 80, "hostPort": 8080}])], requiresCompatibilities=["MANAGED_INSTANCES", "EC2"])
    assert pointers(text, "ECS303") == [] and pointers(text, "ECS304") == []


def test_managed_instances_reject_bridge_and_windows():
    windows = {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}
    found = findings(task([container(memory=512)], requiresCompatibilities=["MANAGED_INSTANCES"], networkMode="bridge", runtimePlatform=windows), "ECS407")
    assert [(f.pointer, f.message) for f in found] == [
        ("/networkMode", "ECS Managed Instances do not offer `networkMode: bridge`; use `awsvpc` (their default), `host` or `none`."),
        ("/runtimePlatform/operatingSystemFamily", "ECS Managed Instances run Linux tasks only, not `WINDOWS_SERVER_2022_CORE`."),
    ]


def test_fargate_beside_managed_instances_still_needs_awsvpc_written():
    [finding] = findings(task([container()], requiresCompatibilities=["FARGATE", "MANAGED_INSTANCES"], cpu="256", memory="512"), "ECS301")
    assert finding.message == "Fargate tasks must use `networkMode: awsvpc`, but `networkMode` is not set."


def test_trusted_execution_needs_managed_instances():
    trusted = {"isolationMode": "CONFIDENTIAL_SANDBOX", "attestationPolicy": "eyJ2IjoxfQ=="}
    assert findings(task([container(memory=512)], requiresCompatibilities=["MANAGED_INSTANCES"], trustedExecutionConfiguration=trusted), "ECS407") == []
    [finding] = findings(task([container(memory=512)], trustedExecutionConfiguration=trusted), "ECS407")
    assert finding.pointer == "/trustedExecutionConfiguration" and finding.message.startswith("`trustedExecutionConfiguration` works on ECS Managed Instances only")


# ECS408 retired-or-misplaced-feature


def test_ephemeral_storage_off_fargate_only_when_compatibilities_say_so():
    storage = {"sizeInGiB": 50}
    assert pointers(task([container(memory=512)], ephemeralStorage=storage), "ECS408") == []
    assert pointers(task([container(memory=512)], requiresCompatibilities=["EC2"], ephemeralStorage=storage), "ECS408") == ["/ephemeralStorage"]
    assert pointers(task([container()], requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512", ephemeralStorage=storage), "ECS408") == []


def test_fault_injection_network_modes_and_windows():
    assert pointers(task([container(memory=512)], enableFaultInjection=True, networkMode="host"), "ECS408") == []
    assert pointers(task([container(memory=512)], enableFaultInjection=True, networkMode="none"), "ECS408") == ["/enableFaultInjection"]
    [finding] = findings(task([container(memory=512)], enableFaultInjection=True, networkMode="awsvpc", runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2019_FULL"}), "ECS408")
    assert finding.message == "Fault injection works on Linux tasks only; this task runs Windows containers."


def test_gpu_options_mixed_between_containers():
    shared = {"type": "GPU", "sharingStrategy": {"nvidiaMps": {"memory": 1024}}}
    text = task([container("a", memory=512, resourceRequirements=[shared]), container("b", memory=512, resourceRequirements=[{"type": "GPU", "value": "1"}])])
    [finding] = findings(text, "ECS408")
    assert (finding.pointer, finding.message) == ("/containerDefinitions/1/resourceRequirements/0", "Container 'b': GPU containers of one task must all ask the same way; this one uses `value`, an earlier one `sharingStrategy`.")


def test_inference_accelerator_requirement_and_volumes_at_launch():
    volumes = [{"name": "a", "configuredAtLaunch": True}, {"name": "b", "configuredAtLaunch": True}, {"name": "c", "configuredAtLaunch": False}]
    text = task([container(memory=512, resourceRequirements=[{"type": "InferenceAccelerator", "value": "eia"}])], volumes=volumes)
    assert pointers(text, "ECS408") == ["/containerDefinitions/0/resourceRequirements/0", "/volumes/1/configuredAtLaunch"]


def test_restart_policy_ranges():
    policy = {"enabled": True, "restartAttemptPeriod": 1801, "ignoredExitCodes": list(range(51))}
    assert pointers(task([container(memory=512, restartPolicy=policy)]), "ECS408") == ["/containerDefinitions/0/restartPolicy/ignoredExitCodes", "/containerDefinitions/0/restartPolicy/restartAttemptPeriod"]
    assert pointers(task([container(memory=512, restartPolicy={"enabled": True, "restartAttemptPeriod": 1800, "ignoredExitCodes": [0]})]), "ECS408") == []
