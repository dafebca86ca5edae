"""Which front end reads which syntax and which document shapes: the one place the engine learns of them.

`documents/` parses JSON and YAML itself and takes the readers of other syntaxes from here; each front
end's module is imported only when a document needs it, so linting one JSON task definition never loads
the CloudFormation or Terraform code (python-hcl2 alone costs ~100 ms).
"""

from __future__ import annotations

from ecslint.documents import parse as _parse
from ecslint.documents import shapes


def _terraform_reader(path: str, text: str, syntax: str):
    from ecslint.terraform.documents import parse_terraform

    return parse_terraform(path, text, syntax)


READERS = {"hcl": _terraform_reader, "template": _terraform_reader}

RECOGNISERS: list[shapes.Recogniser] = [
    ("ecslint.terraform.front_end", "terraform_task_definitions", shapes.any_document),  # .tf, templates, plans
    ("ecslint.subjects.task_definition", "task_definitions", shapes.any_document),
    ("ecslint.cloudformation.template", "cloudformation_task_definitions", shapes.has_resources),
    ("ecslint.subjects.ecr_outputs", "ecr_outputs", shapes.is_ecr_output),  # aws ecr describe-repositories, get-*-policy, ...
    ("ecslint.subjects.lifecycle_policy", "lifecycle_policies", shapes.any_document),
    ("ecslint.subjects.appspec", "appspec_files", shapes.any_document),
    ("ecslint.subjects.service", "services", shapes.may_be_service),
]

# A YAML (or other non-JSON) file found by walking is parsed only if its text holds one of
# these: YAML parsing is slow, and most YAML in a repository is CI config or Kubernetes.
WALK_MARKERS: list[str] = ["aws_ecs_task_definition", "AWS::ECS::TaskDefinition", "rulePriority", "TargetService", "AWS::ECS::Service", "AWS::ECS::TaskSet", "aws_ecs_service", "aws_ecs_task_set", "AWS::ECR::", "aws_ecr_"]


def parse(path: str, raw: bytes):
    """A document of any syntax ecslint reads, or the Unparsable saying why not."""
    return _parse.parse(path, raw, READERS)


def recognise(document) -> list | None:
    """The subjects in a parsed document, or None when no front end reads it."""
    return shapes.recognise(document, RECOGNISERS)
