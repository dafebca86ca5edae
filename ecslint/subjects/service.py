"""ECS services (and run-task and task-set input, which share their placement and network fields) as
read-only views, and the task definition each one runs when the run has it.

Fields are the CreateService API's; describe-services output names the service role `roleArn`, and
is read through the same accessors. Values only known at deploy time are `${...}` placeholders, and
checks stay silent on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import PurePosixPath
from typing import ClassVar, NamedTuple

from ecslint.documents import pointer as jp
from ecslint.documents.parse import Document
from ecslint.subjects.placeholders import is_templated
from ecslint.subjects.quoting import quote_text
from ecslint.subjects.task_definition import IGNORE_TAG, Subject, dict_entries

# `family`, `family:revision` or `arn:aws:ecs:region:account:task-definition/family:revision`: the forms
# CreateService's `taskDefinition` takes (botocore ECS model, CreateServiceRequest.taskDefinition, 2026-12).
TASK_DEFINITION_REFERENCE = re.compile(r"^(?:arn:[a-z0-9-]+:ecs:[a-z0-9-]*:\d*:task-definition/)?([A-Za-z0-9_-]{1,255})(?::\d+)?$")

# Capacity providers that run tasks on Fargate (ECS developer guide, "Fargate capacity providers", 2026-12).
FARGATE_PROVIDERS = frozenset({"FARGATE", "FARGATE_SPOT"})

# The task-definition rules a Fargate service makes apply to the task definition it runs.
FARGATE_TASK_RULES = ("ECS301", "ECS401", "ECS402")

# Keys of CreateService input (botocore ECS model, CreateServiceRequest, 2026-12) that no task
# definition or other document ecslint reads has; two of them mark an object as a service definition
# (ecspresso's and ecs-deploy's files leave `serviceName` to their own configuration).
SERVICE_KEYS = frozenset(
    {
        "desiredCount",
        "loadBalancers",
        "serviceRegistries",
        "deploymentConfiguration",
        "deploymentController",
        "schedulingStrategy",
        "healthCheckGracePeriodSeconds",
        "networkConfiguration",
        "launchType",
        "capacityProviderStrategy",
        "placementStrategy",
        "placementConstraints",
        "platformVersion",
        "serviceConnectConfiguration",
        "volumeConfigurations",
        "vpcLatticeConfigurations",
        "enableExecuteCommand",
        "propagateTags",
        "enableECSManagedTags",
        "availabilityZoneRebalancing",
    }
)
# Keys only RunTaskRequest has (botocore ECS model, 2026-12).
RUN_TASK_KEYS = frozenset({"count", "overrides", "startedBy", "group", "referenceId"})
# Shapes that describe a whole service (or a whole run-task request), where a missing field is absent rather
# than "unchanged" (update-service).
COMPLETE_SHAPES = frozenset({"create", "describe", "run-task"})
SERVICE_SHAPES = frozenset({"create", "update", "describe"})


class BalancingResource(NamedTuple):
    """A target group, listener or listener rule declared beside the service, as far as the rules need it."""

    # `target-group`, `listener` or `listener-rule`
    kind: str
    # How messages name it: a CloudFormation logical ID or a Terraform address.
    name: str
    # Target groups: `instance`, `ip`, ... (`instance` when unset); None when not known.
    target_type: str | None = None
    # Listeners and rules: the names of the target groups their `forward` actions send traffic to;
    # None when one of them is not a target group of the same template or module.
    forwards: tuple[str, ...] | None = None
    # Listeners: the type of their load balancer (`application`, `network`, ...) when it is declared beside them.
    balancer_type: str | None = None


def family_of(reference) -> str | None:
    """The family a `taskDefinition` value names; None for placeholders and anything else."""
    if not isinstance(reference, str) or is_templated(reference):
        return None
    match = TASK_DEFINITION_REFERENCE.match(reference)
    return match.group(1) if match else None


def get(mapping, key: str, kind: type | tuple = object):
    """mapping[key] when it is of the kind asked for (booleans are never integers), else None."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, kind) and not (kind is int and isinstance(value, bool)) else None


def known(value) -> bool:
    """Set, and not a value only deployment decides."""
    return value is not None and not (isinstance(value, str) and is_templated(value))


@dataclass(frozen=True)
class Service(Subject):
    """One service (or run-task / task-set input) found in a document, in the API's shape."""

    document: Document
    data: dict
    # Pointer to the service object; "" for create-service input.
    pointer: str
    # create | update | describe | run-task | task-set
    shape: str
    # How messages name it when the data does not (a CloudFormation logical ID, a Terraform address).
    label_hint: str = ""
    # (folder or document path, key): the task definition the service names in its own template or
    # module, by logical ID or address (set by the front end); None when it names none there.
    task_definition_key: tuple[str, str] | None = None
    # What an unset `desiredCount` means where it is read (CloudFormation: 1; Terraform: 0; the API: required).
    default_desired_count: int | None = None
    # Target groups, listeners and listener rules of the same template or module, by the value a reference
    # to one resolves to (`${TargetGroup}`, `${aws_lb_target_group.blue.arn}`): see `balancing`.
    load_balancing: dict = field(default_factory=dict, compare=False, repr=False)
    # Every task definition of the run, set by ecslint.engine.run's second pass; None until then.
    run_task_definitions: tuple | None = field(default=None, compare=False, repr=False)
    # The whole run (ecslint.subjects.run.Run), for the AppSpec files beside the service; None until then.
    run: object | None = field(default=None, compare=False, repr=False)
    # Asks ecslint.engine.run to check this subject once every document of the run has been read.
    needs_run_task_definitions: ClassVar[bool] = True
    needs_run: ClassVar[bool] = True
    kind: ClassVar[str] = "service"
    # Where its checks live (ecslint.checks.checks_for imports them only when a service turns up).
    check_package: ClassVar[str] = "ecslint.checks.services"

    def with_run_task_definitions(self, task_definitions) -> Service:
        # One tuple for every service of the run, so that they share one index (see `_index`).
        shared = task_definitions if isinstance(task_definitions, tuple) else _as_tuple(task_definitions)
        return replace(self, run_task_definitions=shared)

    def with_run(self, run) -> Service:
        tasks = run.shared("task-definitions", lambda whole: tuple(whole.task_definitions))
        return replace(self, run_task_definitions=tasks, run=run)

    def ptr(self, *tokens: str | int) -> str:
        return jp.join(self.pointer, *tokens)

    def get(self, key: str, kind: type | tuple = object):
        return get(self.data, key, kind)

    def items(self, key: str) -> list[tuple[int, dict]]:
        return dict_entries(self.data.get(key))

    @property
    def name(self) -> str | None:
        for key in ("serviceName", "service"):
            value = self.get(key, str)
            if value and not is_templated(value):
                return value.rsplit("/", 1)[-1]
        return None

    @property
    def label(self) -> str:
        """How messages name it: `Service 'web'`, or the run-task input."""
        if self.shape == "run-task":
            return "This run-task input"
        if self.shape == "task-set":
            return f"Task set '{quote_text(self.label_hint)}'" if self.label_hint else "This task set"
        name = self.name or self.label_hint
        return f"Service '{quote_text(name)}'" if name else "This service"

    @property
    def is_service(self) -> bool:
        return self.shape in SERVICE_SHAPES

    @property
    def complete(self) -> bool:
        """False for update-service input, where a field left out keeps its current value (and for task sets, whose
        fields are read only as far as the rules on them need)."""
        return self.shape in COMPLETE_SHAPES

    # -- where and how tasks run ------------------------------------------------------------------

    @property
    def launch_type(self) -> str | None:
        value = self.get("launchType", str)
        return value if known(value) else None

    @property
    def capacity_providers(self) -> list[str] | None:
        """The providers of `capacityProviderStrategy`; None when unset or not all known."""
        entries = self.items("capacityProviderStrategy")
        if not entries:
            return None
        names = [get(entry, "capacityProvider", str) for _, entry in entries]
        return names if all(known(name) for name in names) else None

    @property
    def is_fargate(self) -> bool:
        """Known to run on Fargate: `launchType: FARGATE`, or a strategy of Fargate capacity providers only.

        With neither, the cluster's default strategy decides, which the file does not say."""
        if self.launch_type is not None:
            return self.launch_type == "FARGATE"
        providers = self.capacity_providers
        return bool(providers) and all(name in FARGATE_PROVIDERS for name in providers)

    @property
    def is_ec2(self) -> bool:
        """Known to use the EC2 launch type (only `launchType: EC2` says so: a custom capacity provider may be Managed Instances)."""
        return self.launch_type == "EC2"

    @property
    def controller(self) -> str | None:
        """The deployment controller; `ECS` when unset (botocore ECS model, DeploymentController, 2026-12)."""
        controller = self.get("deploymentController", dict)
        if controller is None or "type" not in controller:
            return "ECS"
        value = get(controller, "type", str)
        return value if known(value) else None

    @property
    def deployment(self) -> dict:
        return self.get("deploymentConfiguration", dict) or {}

    @property
    def strategy(self) -> str | None:
        """The deployment strategy; `ROLLING` when unset (botocore ECS model, DeploymentConfiguration.strategy, 2026-12)."""
        if "strategy" not in self.deployment:
            return "ROLLING"
        value = get(self.deployment, "strategy", str)
        return value if known(value) else None

    @property
    def scheduling(self) -> str | None:
        """`REPLICA` when unset (botocore ECS model, CreateServiceRequest.schedulingStrategy, 2026-12)."""
        if "schedulingStrategy" not in self.data:
            return "REPLICA"
        value = self.get("schedulingStrategy", str)
        return value if known(value) else None

    @property
    def load_balancers(self) -> list[tuple[int, dict]]:
        return self.items("loadBalancers")

    def balancing(self, value) -> BalancingResource | None:
        """The target group, listener or listener rule of the service's own template or module that a value names."""
        return self.load_balancing.get(value) if isinstance(value, str) else None

    @property
    def awsvpc_configuration(self):
        network = self.get("networkConfiguration", dict)
        return get(network, "awsvpcConfiguration", dict) if network is not None else None

    @property
    def role_key(self) -> str | None:
        """`role` (create-service input) or `roleArn` (describe-services output), whichever is set."""
        return next((key for key in ("role", "roleArn") if self.get(key) is not None), None)

    # -- judged together with the task definition -------------------------------------------------

    def task_definition(self):
        """The run's task definition this service runs, or None when there is not exactly one candidate.

        In order: the one its own template or module names (logical ID, address); else, when
        `taskDefinition` names a family (`family`, `family:rev`, an ARN), the run's task definitions of
        that family (the ones in the same folder if several); else, when `taskDefinition` is absent or a
        placeholder, the one task definition in the same folder. Several candidates: None (no guess)."""
        if not self.run_task_definitions:
            return None
        return self._paired[0]

    @cached_property
    def _paired(self) -> tuple:
        index = _index(self.run_task_definitions)
        path = self.document.path
        here = str(PurePosixPath(path).parent)
        if self.task_definition_key is not None:
            scope, key = self.task_definition_key
            found = [task for task in index.by_key.get(key, ()) if scope in (task.document.path, str(PurePosixPath(task.document.path).parent))]
            # The same file first: another file of the folder declaring the same address belongs to another module.
            found = [task for task in found if task.document.path == path] or found
            return (found[0] if len(found) == 1 else None,)
        reference = self.data.get("taskDefinition")
        family = family_of(reference)
        if family is not None:
            found = index.by_family.get(family, [])
            if len(found) > 1:
                found = [task for task in found if str(PurePosixPath(task.document.path).parent) == here]
            return (found[0] if len(found) == 1 else None,)
        if reference is not None and not (isinstance(reference, str) and is_templated(reference)):
            return (None,)  # a value of the wrong form: ECS002's finding, and nothing to pair with
        found = index.by_folder.get(here, [])
        return (found[0] if len(found) == 1 else None,)

    @property
    def family(self) -> str | None:
        """The task definition family the service runs: from `taskDefinition`, else from the task definition it is paired with."""
        family = family_of(self.data.get("taskDefinition"))
        if family is None and (task := self.task_definition()) is not None:
            family = task.get("family", str)
            family = family if family and not is_templated(family) else None
        return family

    def appspec(self):
        """The AppSpec file of the run that deploys this service, or None when there is not exactly one.

        The one AppSpec of the run whose `TaskDefinition` ARN names the service's family; else, when the
        service's folder holds one AppSpec and one `CODE_DEPLOY` service (this one), that AppSpec."""
        if self.run is None or not self.run.has("appspec"):
            return None
        index = self.run.shared("service-appspecs", _appspec_index)
        family = self.family
        found = index.by_family.get(family, []) if family is not None else []
        if len(found) == 1:
            return found[0]
        here = str(PurePosixPath(self.document.path).parent)
        beside, deployed = index.by_folder.get(here, []), index.code_deploy_services.get(here, 0)
        return beside[0] if not found and len(beside) == 1 and deployed == 1 and self.controller == "CODE_DEPLOY" else None

    def partner_checks(self):
        """(task definition, its view, rules, note): the Fargate rules on the task definition of a Fargate service."""
        task = self.task_definition() if self.is_fargate else None
        if task is None or task.is_fargate:
            return []
        note = f"{self.label} runs this task definition on Fargate."
        return [(task, replace(task, fargate_service=self.label), FARGATE_TASK_RULES, note)]

    def ignore_selectors(self) -> list[str]:
        """Rule IDs or prefixes from an `ecslint:ignore` tag on the service (`tags`, as create-service takes them)."""
        return [selector.upper() for selector, _, _ in self._tag_entries()]

    def ignore_entries(self) -> list[tuple[str, str, str]]:
        return self._tag_entries()

    def _tag_entries(self) -> list[tuple[str, str, str]]:
        entries = []
        for index, tag in self.items("tags"):
            if tag.get("key") == IGNORE_TAG and isinstance(tag.get("value"), str):
                pointer = self.ptr("tags", index, "value")
                entries += [(word, pointer, "The `ecslint:ignore` tag") for word in tag["value"].replace(",", " ").split()]
        return entries


_TUPLES: dict[int, tuple[list, int, tuple]] = {}


def _as_tuple(tasks: list) -> tuple:
    """The same tuple for the same (unchanged) list of the run's task definitions."""
    cached = _TUPLES.get(id(tasks))
    if cached is not None and cached[0] is tasks and cached[1] == len(tasks):
        return cached[2]
    _TUPLES.clear()
    made = tuple(tasks)
    _TUPLES[id(tasks)] = (tasks, len(tasks), made)
    return made


class _Index(NamedTuple):
    by_key: dict
    by_family: dict
    by_folder: dict


_INDEXES: dict[int, tuple[tuple, _Index]] = {}


def _index(tasks: tuple) -> _Index:
    """The run's task definitions by key, family and folder: built once per run, so pairing stays linear."""
    cached = _INDEXES.get(id(tasks))
    if cached is not None and cached[0] is tasks:
        return cached[1]
    index = _Index({}, {}, {})
    for task in tasks:
        if (key := _key_of(task)) is not None:
            index.by_key.setdefault(key, []).append(task)
        family = task.get("family", str)
        if family:
            index.by_family.setdefault(family, []).append(task)
        index.by_folder.setdefault(str(PurePosixPath(task.document.path).parent), []).append(task)
    _INDEXES.clear()  # one run at a time: keep only the newest
    _INDEXES[id(tasks)] = (tasks, index)
    return index


class _AppSpecIndex(NamedTuple):
    by_family: dict
    by_folder: dict
    code_deploy_services: dict


def _appspec_index(run) -> _AppSpecIndex:
    """The run's AppSpec files by the family they deploy and by folder, and its CODE_DEPLOY services per folder."""
    from ecslint.subjects.appspec import family_of as deployed_family

    index = _AppSpecIndex({}, {}, {})
    for spec in run.of_kind("appspec"):
        reference = spec.find("TaskDefinition")
        family = deployed_family(reference.value) if reference is not None else None
        if family is not None:
            index.by_family.setdefault(family, []).append(spec)
        index.by_folder.setdefault(str(PurePosixPath(spec.document.path).parent), []).append(spec)
    for service in run.of_kind("service"):
        if service.is_service and service.controller == "CODE_DEPLOY":
            folder = str(PurePosixPath(service.document.path).parent)
            index.code_deploy_services[folder] = index.code_deploy_services.get(folder, 0) + 1
    return index


def _key_of(task) -> str | None:
    """A task definition's name in its own template or module (CloudFormation logical ID, Terraform address)."""
    return getattr(task, "logical_id", None) or getattr(task, "address", None) or None


def _is_service_object(data) -> bool:
    if not isinstance(data, dict) or "containerDefinitions" in data or "family" in data:
        return False
    if isinstance(data.get("serviceName"), str):
        return True
    return len(SERVICE_KEYS & data.keys()) >= 2 and not RUN_TASK_KEYS & data.keys()


def _is_run_task(data) -> bool:
    if not isinstance(data, dict) or "containerDefinitions" in data or "family" in data or "serviceName" in data:
        return False
    return "taskDefinition" in data and bool(RUN_TASK_KEYS & data.keys() or {"launchType", "placementStrategy", "placementConstraints", "networkConfiguration", "capacityProviderStrategy"} & data.keys())


def services(document: Document) -> list[Service] | None:
    """Recogniser (ecslint.documents.shapes): describe-services output, create-/update-service input
    (ecspresso and ecs-deploy service definitions too), and run-task input; None for other documents."""
    data = document.data
    if isinstance(data, dict) and isinstance(data.get("services"), list) and data["services"] and all(
        isinstance(item, dict) and ("serviceName" in item or "serviceArn" in item) for item in data["services"]
    ):
        return [Service(document, item, jp.join("/services", index), "describe") for index, item in enumerate(data["services"])]
    if isinstance(data, dict) and isinstance(data.get("service"), dict) and "serviceArn" in data["service"]:
        return [Service(document, data["service"], "/service", "describe")]  # create-service / update-service output
    if isinstance(data, dict) and isinstance(data.get("service"), str) and len(SERVICE_KEYS & data.keys() | ({"taskDefinition", "forceNewDeployment"} & data.keys())) >= 1 and "serviceName" not in data:
        return [Service(document, data, "", "update")]
    if _is_service_object(data):
        return [Service(document, data, "", "describe" if "serviceArn" in data else "create")]
    if _is_run_task(data):
        return [Service(document, data, "", "run-task")]
    return None
