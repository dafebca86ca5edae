"""Terraform front end: `aws_ecs_task_definition` resources from `.tf` files, `terraform show -json` plans and state,
and `.json.tpl` container templates, as task definitions with the IAM roles declared beside them.

Where findings point:
- `.tf` files: at the attribute in the file (`/resource/aws_ecs_task_definition/app/cpu`), inside `jsonencode(...)`
  and heredoc JSON at the very key; `file()`/`templatefile()` content at the `container_definitions` attribute.
- plans and state: at the resource's values in the JSON document, reaching into the `container_definitions` and
  policy JSON strings (`/planned_values/root_module/resources/0/values/container_definitions/0/image`). A plan names
  no configuration file or line (its `configuration` section holds expressions only): the resource's address is the
  subject's `address` and its `declaration` (a related location on the plan's `address` key).
Values Terraform only knows at apply time are `Unknown` (ecslint.terraform_template): the `${...}` placeholder
text, so checks handle them as any placeholder, and `TerraformTaskDefinition.keeps(finding)` (in
ecslint.terraform_subjects) tells the engine which findings rest on them, so `cpu = var.cpu` is never "missing cpu".
Modules: terraform_documents (parsing), terraform_hcl (HCL evaluation), terraform_template (placeholders),
terraform_locate (positions inside a plan's JSON strings), terraform_taskdef (snake_case -> API), terraform_iam
(roles), terraform_resources and terraform_subjects (the subjects).
"""

from __future__ import annotations

TASK_TYPE = "aws_ecs_task_definition"


def is_plan_or_state(data) -> bool:
    return isinstance(data, dict) and "format_version" in data and isinstance(data.get("planned_values", data.get("values")), dict)


def terraform_task_definitions(document) -> list | None:
    """Subjects of a Terraform document (`.tf`, plan or state JSON, container template), or None for other documents."""
    syntax = getattr(document, "syntax", "json")
    if syntax not in ("hcl", "template") and not (syntax == "json" and is_plan_or_state(document.data)):
        return None
    # Imported only for Terraform documents: the rest of the run never pays for it.
    from ecslint import terraform_subjects as subjects

    if syntax == "hcl":
        return subjects.hcl_subjects(document)
    if syntax == "template":
        return subjects.template_subjects(document)
    return subjects.plan_subjects(document)
