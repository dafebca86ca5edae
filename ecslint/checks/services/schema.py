"""ECS002 for services: what CreateService (UpdateService, RunTask, CreateTaskSet) itself would reject, against the
schema generated from botocore's ECS model (schemas/service.schema.json)."""

from __future__ import annotations

from functools import cache

from ecslint.checks import check
from ecslint.checks.schema_validator import SchemaValidator, service_schema
from ecslint.documents import pointer as jp
from ecslint.report.findings import Finding
from ecslint.subjects.service import Service
from ecslint.subjects.quoting import quote_text

# The shape each kind of service document is checked against.
ROOTS = {"create": "CreateServiceRequest", "update": "UpdateServiceRequest", "describe": "Service", "run-task": "RunTaskRequest", "task-set": "CreateTaskSetRequest"}
# Fields a front end fills in itself: CloudFormation generates a service name; a task set's service and cluster
# are its resource's own; ecspresso and ecs-deploy take `serviceName` from their own configuration.
GENERATED = frozenset({"serviceName", "service", "cluster", "taskDefinition"})


@cache
def _validator() -> SchemaValidator:
    return SchemaValidator(service_schema(), lambda pointer: False)


@check("ECS002", subject=Service)
def service_schema_violation(service: Service):
    validator = _validator()
    # Values only deployment decides are `${...}` placeholders, which the validator does not judge.
    for violation in validator.validate(service.data, validator.definition(ROOTS[service.shape]), service.pointer):
        if violation.problem == "is required" and jp.parent(violation.pointer) == service.pointer and jp.split(violation.pointer)[-1] in GENERATED:
            continue
        path = jp.to_path(violation.pointer[len(service.pointer):])
        yield Finding("ECS002", violation.pointer, f"{service.label}: '{quote_text(path)}' {violation.problem}.")
