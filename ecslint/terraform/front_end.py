"""Terraform front end: `aws_ecs_task_definition` resources from `.tf` files, `terraform show -json` plans and state,
and `.json.tpl` container templates, as task definitions with the IAM roles declared beside them.

Where findings point:
- `.tf` files: at the attribute in the file (`/resource/aws_ecs_task_definition/app/cpu`), inside `jsonencode(...)`
  and heredoc JSON at the very key; `file()`/`templatefile()` content in the file read, at its own key
  (`containers.json`, `/0/image`: the document's `parts`), with the attribute as a related location.
- plans and state: at the resource's values in the JSON document, reaching into the `container_definitions` and
  policy JSON strings (`/planned_values/root_module/resources/0/values/container_definitions/0/image`). A plan names
  no configuration file or line (its `configuration` section holds expressions only): the resource's address is the
  subject's `address` and its `declaration` (a related location on the plan's `address` key).
Values Terraform only knows at apply time are `Unknown` (ecslint.terraform.template): the `${...}` placeholder
text, so checks handle them as any placeholder, and `TerraformTaskDefinition.keeps(finding)` (in
ecslint.terraform.subjects) tells the engine which findings rest on them, so `cpu = var.cpu` is never "missing cpu".
Modules: documents (parsing), hcl (HCL evaluation), template (placeholders), taskdef (snake_case -> API), iam (roles), resources and subjects (the subjects).
"""

from __future__ import annotations

from ecslint.documents.shapes import is_plan_or_state


def terraform_task_definitions(document) -> list | None:
    """Subjects of a Terraform document (`.tf`, plan or state JSON, container template), or None for other documents."""
    syntax = getattr(document, "syntax", "json")
    if syntax not in ("hcl", "template") and not (syntax == "json" and is_plan_or_state(document.data)):
        return None
    # Imported only for Terraform documents: the rest of the run never pays for it.
    from ecslint.terraform import subjects

    if syntax == "hcl":
        found = subjects.hcl_subjects(document)
        from ecslint.terraform.hcl import release

        # The file's values have been evaluated in its module: other files read this one through their own parse.
        release(document.data)
        return found
    if syntax == "template":
        return subjects.template_subjects(document)
    return subjects.plan_subjects(document)
