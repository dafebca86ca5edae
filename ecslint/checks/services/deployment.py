"""ECS910-ECS914: how a service rolls out a new revision: rolling updates and their circuit breaker,
ECS-native blue/green, linear and canary deployments, CodeDeploy, health-check grace periods.

Facts: botocore ECS model 1.44.8 (DeploymentConfiguration, DeploymentCircuitBreaker,
LinearConfiguration, CanaryConfiguration, DeploymentLifecycleHook, DeploymentEarlySuccessCriteria,
AdvancedConfiguration, CreateServiceRequest.healthCheckGracePeriodSeconds documentation), then the
ECS developer guide ("Deploy Amazon ECS services by replacing tasks", "Amazon ECS blue/green
deployments", "Amazon ECS linear deployments", "Amazon ECS canary deployments",
"How the Amazon ECS deployment circuit breaker detects failures"), 2026-12.
"""

from __future__ import annotations

from collections.abc import Iterator

from ecslint.checks import check
from ecslint.documents import pointer as jp
from ecslint.report.findings import Finding, Related
from ecslint.subjects.placeholders import is_templated
from ecslint.subjects.quoting import quote, quote_text
from ecslint.subjects.service import Service, get, known
from ecslint.subjects.task_definition import dict_entries

TRAFFIC_SHIFTING = ("BLUE_GREEN", "LINEAR", "CANARY")
# DeploymentLifecycleHook.lifecycleStages: "PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT stages."
PAUSE_FORBIDDEN_STAGES = ("TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT")
# LinearConfiguration / CanaryConfiguration: percent ranges and bake times of 0 to 1440 minutes.
STEP_PERCENT, CANARY_PERCENT, BAKE_MINUTES = (3.0, 100.0), (0.1, 100.0), (0, 1440)


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _enabled(block) -> bool:
    return isinstance(block, dict) and block.get("enable") is True and block.get("rollback") is True


@check("ECS910", subject=Service)
def deployment_circuit_breaker(service: Service) -> Iterator[Finding]:
    if not service.is_service:
        return
    deployment = service.deployment
    breaker = deployment.get("deploymentCircuitBreaker")
    at = service.ptr("deploymentConfiguration", "deploymentCircuitBreaker")
    controller, strategy = service.controller, service.strategy
    if isinstance(breaker, dict) and breaker.get("enable") is True:
        if controller in ("CODE_DEPLOY", "EXTERNAL"):
            message = f"{service.label} turns on the deployment circuit breaker with the {quote(controller)} controller; \"The deployment circuit breaker can only be used for services using the rolling update (ECS) deployment type.\""
            yield Finding("ECS910", at, message, level="error")
        elif strategy in TRAFFIC_SHIFTING:
            # The model ties the breaker to the ECS controller, not to a strategy: said as a warning, not an error.
            message = f"{service.label} turns on the deployment circuit breaker with the {quote(strategy)} strategy, which rolls back through its own lifecycle stages and bake time; check that the breaker is honoured there."
            yield Finding("ECS910", at, message, level="warning")
        return
    if not service.complete or controller != "ECS" or strategy != "ROLLING" or _enabled(deployment.get("alarms")):
        return
    where = at if isinstance(breaker, dict) else service.ptr("deploymentConfiguration") if "deploymentConfiguration" in service.data else service.pointer
    message = (
        f"{service.label} rolls out without the deployment circuit breaker (`deploymentConfiguration.deploymentCircuitBreaker` with `enable` and `rollback` true); "
        "a revision that never gets healthy keeps replacing tasks and is never rolled back."
    )
    yield Finding("ECS910", where, message)


@check("ECS911", subject=Service)
def invalid_deployment_configuration(service: Service) -> Iterator[Finding]:
    if not service.is_service:
        return
    deployment = service.deployment
    at = service.ptr("deploymentConfiguration")
    minimum, maximum = get(deployment, "minimumHealthyPercent", int), get(deployment, "maximumPercent", int)
    if minimum is not None and maximum is not None and minimum >= maximum and service.controller == "ECS":
        message = (
            f"{service.label} has `minimumHealthyPercent` {minimum} and `maximumPercent` {maximum}: a deployment may neither stop an old task "
            "nor start a new one, so it never progresses; keep `minimumHealthyPercent` below `maximumPercent`."
        )
        yield Finding("ECS911", jp.join(at, "minimumHealthyPercent"), message)
    strategy = service.strategy
    if strategy == "BLUE_GREEN" and "bakeTimeInMinutes" not in deployment:
        yield Finding("ECS911", jp.join(at, "strategy"), f"{service.label} uses `strategy: BLUE_GREEN` without `bakeTimeInMinutes`; \"You must provide this parameter when you use the BLUE_GREEN deployment strategy.\"")
    for key, wanted, percent_key, percent_range in (("linearConfiguration", "LINEAR", "stepPercent", STEP_PERCENT), ("canaryConfiguration", "CANARY", "canaryPercent", CANARY_PERCENT)):
        block = get(deployment, key, dict)
        if block is None:
            continue
        if strategy is not None and strategy != wanted:
            yield Finding("ECS911", jp.join(at, key), f"{service.label} sets {quote(key)}, which only the {quote(wanted)} strategy reads, with `strategy: {quote_text(strategy)}`.")
        percent = _number(block.get(percent_key))
        if percent is not None and not percent_range[0] <= percent <= percent_range[1]:
            yield Finding("ECS911", jp.join(at, key, percent_key), f"{quote(percent_key)} must be from {percent_range[0]} to {percent_range[1]}, not {quote(block[percent_key])}.")
        for bake_key in (name for name in block if name.endswith("BakeTimeInMinutes")):
            bake = _number(block.get(bake_key))
            if bake is not None and not BAKE_MINUTES[0] <= bake <= BAKE_MINUTES[1]:
                yield Finding("ECS911", jp.join(at, key, bake_key), f"{quote(bake_key)} must be from 0 to 1440 minutes, not {quote(block[bake_key])}.")
    if strategy in TRAFFIC_SHIFTING and service.controller == "ECS":
        for index, balancer in service.load_balancers:
            if "targetGroupArn" in balancer and not isinstance(balancer.get("advancedConfiguration"), dict):
                message = (
                    f"{service.label} uses `strategy: {quote_text(strategy)}` behind load balancer #{index + 1} without `advancedConfiguration` "
                    "(`alternateTargetGroupArn`, `productionListenerRule`, `roleArn`): ECS has no second target group to shift traffic to."
                )
                yield Finding("ECS911", service.ptr("loadBalancers", index), message)
            elif "targetGroupArn" in balancer:
                yield from _advanced_configuration(service, index, balancer, strategy)
    for index, hook in dict_entries(deployment.get("lifecycleHooks")):
        where = jp.join(at, "lifecycleHooks", index)
        target = hook.get("targetType", "AWS_LAMBDA")
        stages = hook.get("lifecycleStages") if isinstance(hook.get("lifecycleStages"), list) else []
        if target == "PAUSE":
            for stage_index, stage in enumerate(stages):
                if stage in PAUSE_FORBIDDEN_STAGES:
                    yield Finding("ECS911", jp.join(where, "lifecycleStages", stage_index), f"\"PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT stages\"; lifecycle hook #{index + 1} pauses at {quote(stage)}.")
        elif target == "AWS_LAMBDA" and not hook.get("hookTargetArn"):
            yield Finding("ECS911", where, f"Lifecycle hook #{index + 1} invokes a Lambda function (`AWS_LAMBDA`, the default) but has no `hookTargetArn`; the API requires it.")
    early = get(deployment, "earlySuccessCriteria", dict)
    if early is not None and early.get("enable") is True and strategy not in ("ROLLING", None):
        yield Finding("ECS911", jp.join(at, "earlySuccessCriteria"), f"\"You can use early success criteria only with rolling deployment strategy\"; {service.label} uses `strategy: {quote_text(strategy)}`.")


def _advanced_configuration(service: Service, index: int, balancer: dict, strategy: str) -> Iterator[Finding]:
    """A traffic-shifting load balancer's `advancedConfiguration`, with the target groups and listener rules it names
    when they are declared beside the service."""
    advanced = balancer["advancedConfiguration"]
    at = service.ptr("loadBalancers", index, "advancedConfiguration")
    which = f"Load balancer #{index + 1} of {service.label}"
    if "alternateTargetGroupArn" not in advanced:
        # AWS::ECS::Service AdvancedConfiguration: AlternateTargetGroupArn "Required: Yes" (CloudFormation template reference, 2026-12).
        yield Finding("ECS911", at, f"{which} has `advancedConfiguration` without `alternateTargetGroupArn`; a {quote_text(strategy)} deployment starts the new revision in that second target group.")
    # The API reference marks the role and the production listener rule optional; the developer guide's
    # "Required resources for Amazon ECS blue/green deployments" lists both: warnings, not errors.
    for key, why in (("productionListenerRule", "the listener rule (ALB) or listener (NLB) whose traffic ECS shifts"), ("roleArn", "the role ECS uses to call Elastic Load Balancing")):
        if key not in advanced:
            yield Finding("ECS911", at, f"{which} has `advancedConfiguration` without {quote(key)}, {why}.", level="warning")
    primary = service.balancing(balancer.get("targetGroupArn"))
    named = {key: service.balancing(advanced.get(key)) for key in ("alternateTargetGroupArn", "productionListenerRule", "testListenerRule")}
    for key, found in named.items():
        wanted = ("target-group",) if key == "alternateTargetGroupArn" else ("listener", "listener-rule")
        if found is not None and found.kind not in wanted:
            expected = "a target group" if key == "alternateTargetGroupArn" else "a listener rule or listener"
            yield Finding("ECS911", jp.join(at, key), f"{quote(key)} of load balancer #{index + 1} names {_kind_text(found)} '{quote_text(found.name)}', not {expected}.")
        elif found is not None and found.kind == "listener" and found.balancer_type == "application":
            # AdvancedConfiguration: a listener rule "in the case of an Application Load Balancer", a listener for a
            # Network Load Balancer (botocore ECS model 1.44.8); whether ECS refuses an ALB listener is not documented.
            message = (
                f"{quote(key)} of load balancer #{index + 1} names listener '{quote_text(found.name)}' of an Application Load Balancer; "
                "with an ALB, ECS shifts traffic through a listener rule (a listener is what a Network Load Balancer takes)."
            )
            yield Finding("ECS911", jp.join(at, key), message, level="warning")
    alternate = named["alternateTargetGroupArn"]
    groups = [item for item in (primary, alternate) if item is not None and item.kind == "target-group"]
    if len(groups) == 2 and primary.name == alternate.name:
        message = f"`alternateTargetGroupArn` of load balancer #{index + 1} names target group '{quote_text(primary.name)}', the same as `targetGroupArn`; ECS needs a second target group to start the new revision in."
        yield Finding("ECS911", jp.join(at, "alternateTargetGroupArn"), message)
        return
    names = {item.name for item in groups}
    for key in ("productionListenerRule", "testListenerRule"):
        rule = named[key]
        if names and rule is not None and rule.kind in ("listener", "listener-rule") and rule.forwards and not names & set(rule.forwards):
            # Uncertain how ECS treats a rule forwarding elsewhere (it rewrites the rule's weights): a warning.
            forwarded = ", ".join(f"'{quote_text(name)}'" for name in rule.forwards)
            ours = " or ".join(f"'{quote_text(name)}'" for name in sorted(names))
            message = (
                f"{_kind_text(rule).capitalize()} '{quote_text(rule.name)}' ({quote(key)} of load balancer #{index + 1}) forwards to {forwarded}, not to target group {ours}; "
                "ECS shifts traffic by changing the weights of the service's two target groups in that rule."
            )
            yield Finding("ECS911", jp.join(at, key), message, level="warning")


def _kind_text(resource) -> str:
    return {"target-group": "target group", "listener": "listener", "listener-rule": "listener rule"}[resource.kind]


@check("ECS912", subject=Service)
def code_deploy_controller(service: Service) -> Iterator[Finding]:
    if not service.is_service or not service.complete or service.controller != "CODE_DEPLOY":
        return
    if not any("targetGroupArn" in balancer for _, balancer in service.load_balancers):
        message = (
            f"{service.label} uses the `CODE_DEPLOY` deployment controller without an Application or Network Load Balancer target group in `loadBalancers`; "
            "CodeDeploy blue/green shifts traffic between two target groups and cannot deploy it."
        )
        yield Finding("ECS912", service.ptr("deploymentController", "type"), message)
        return
    spec = service.appspec()
    if spec is not None:
        yield from _against_appspec(service, spec)


def _against_appspec(service: Service, spec) -> Iterator[Finding]:
    """The AppSpec CodeDeploy deploys the service with, against the service: the family and the container that takes traffic.

    A warning, not an error: the AppSpec's values are the ones CodeDeploy deploys, and a new revision may mean
    to change them; but a different family or container usually means the AppSpec of another service."""
    from ecslint.subjects.appspec import family_of as deployed_family

    where = f"the AppSpec {quote_text(spec.document.path.rsplit('/', 1)[-1])}"
    reference = spec.find("TaskDefinition")
    family, deployed = service.family, deployed_family(reference.value) if reference is not None else None
    if family is not None and deployed is not None and family != deployed:
        message = f"{service.label} runs task definition family '{quote_text(family)}', but {where} deploys family '{quote_text(deployed)}'; CodeDeploy would replace its tasks with another application's."
        at = service.ptr("taskDefinition") if "taskDefinition" in service.data else service.pointer
        yield Finding("ECS912", at, message, level="warning", related=(Related(spec.document, reference.pointer, "The AppSpec's `TaskDefinition`"),))
        return
    name, port = spec.find("LoadBalancerInfo", "ContainerName"), spec.find("LoadBalancerInfo", "ContainerPort")
    if name is None or not isinstance(name.value, str) or not name.value or is_templated(name.value):
        return
    targets = [(index, balancer) for index, balancer in service.load_balancers if "targetGroupArn" in balancer]
    names = [balancer.get("containerName") for _, balancer in targets]
    if not names or not all(isinstance(item, str) and item and not is_templated(item) for item in names):
        return
    related = (Related(spec.document, name.pointer, "The AppSpec's `LoadBalancerInfo`"),)
    if name.value not in names:
        listed = ", ".join(f"'{quote_text(item)}'" for item in sorted(set(names)))
        index = targets[0][0]
        message = f"{where[0].upper() + where[1:]} routes traffic to container '{quote_text(name.value)}', but load balancer #{index + 1} of {service.label} targets {listed}; CodeDeploy registers the AppSpec's container with the target groups."
        yield Finding("ECS912", service.ptr("loadBalancers", index, "containerName"), message, level="warning", related=related)
        return
    number = _whole(port.value) if port is not None else None
    ports = [(index, _whole(balancer.get("containerPort"))) for index, balancer in targets if balancer.get("containerName") == name.value]
    if number is None or any(value is None for _, value in ports) or any(value == number for _, value in ports):
        return
    index, value = ports[0]
    message = f"{where[0].upper() + where[1:]} routes traffic to port {number} of container '{quote_text(name.value)}', but load balancer #{index + 1} of {service.label} targets port {value}; CodeDeploy registers the AppSpec's port with the target groups."
    yield Finding("ECS912", service.ptr("loadBalancers", index, "containerPort"), message, level="warning", related=(Related(spec.document, port.pointer, "The AppSpec's `ContainerPort`"),))


def _whole(value) -> int | None:
    """A port as a number, also when written as text (`"80"`); None otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


@check("ECS913", subject=Service)
def unused_health_check_grace_period(service: Service) -> Iterator[Finding]:
    grace = service.get("healthCheckGracePeriodSeconds", int)
    if not service.is_service or not service.complete or not grace:
        return
    # A gateway connector has a health check of its own, which the model does not say the grace period
    # leaves out: silent there (fewer false positives).
    if service.load_balancers or service.items("vpcLatticeConfigurations") or service.items("gatewayConnectors"):
        return
    task = service.task_definition()
    if task is None or not getattr(task, "containers_complete", True) or any(isinstance(container.data.get("healthCheck"), dict) for container in task.containers):
        return
    message = (
        f"{service.label} sets `healthCheckGracePeriodSeconds` but has no load balancer, no VPC Lattice and no container `healthCheck`; "
        "\"If you do not use any of the health checks, then healthCheckGracePeriodSeconds is unused.\""
    )
    yield Finding("ECS913", service.ptr("healthCheckGracePeriodSeconds"), message)


@check("ECS914", subject=Service)
def deployment_downtime(service: Service) -> Iterator[Finding]:
    if not service.is_service or not service.complete or service.scheduling != "REPLICA" or service.controller != "ECS" or service.strategy != "ROLLING":
        return
    desired = service.get("desiredCount")
    if desired is None:
        desired = service.default_desired_count
    minimum = get(service.deployment, "minimumHealthyPercent", int)
    if desired != 1 or minimum is None or minimum >= 100 or not known(service.get("desiredCount", object) or "1"):
        return
    message = (
        f"{service.label} runs one task with `minimumHealthyPercent` {minimum}: each deployment stops that task before its replacement is healthy, "
        "so the service is down meanwhile; use `minimumHealthyPercent: 100` (with `maximumPercent` 200) or run two tasks."
    )
    yield Finding("ECS914", service.ptr("deploymentConfiguration", "minimumHealthyPercent"), message)
