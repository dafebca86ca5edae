"""Messages show CloudFormation and Terraform expressions as the user wrote them, and say when a parameter default decided."""

from __future__ import annotations

from ecslint.cloudformation.messages import as_written
from tests.helpers import lint_text

TEMPLATE = """
Parameters:
  NetMode:
    Type: String
    Default: bridge
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: !Ref NetMode
      Cpu: "256"
      Memory: "512"
      ContainerDefinitions:
        - Name: web
          Image: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/web:latest"
          Memory: 128
"""


def messages(text: str, filename: str, rule: str) -> list[str]:
    return [f.message for f in lint_text(text, filename, select=[rule])]


def test_pseudo_parameters_keep_their_colons():
    [message] = messages(TEMPLATE, "template.yaml", "ECS601")
    assert message.startswith("Container 'web': image `${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/web:latest` uses the `latest` tag")
    assert "${AWS." not in message


def test_a_value_from_a_parameter_default_says_so_in_the_first_sentence():
    assert messages(TEMPLATE, "template.yaml", "ECS301") == ["Fargate tasks must use `NetworkMode: awsvpc`, not `bridge` (with parameter NetMode at its default `bridge`)."]


def test_other_intrinsics_read_as_short_form():
    assert as_written("image `${ImportValue.api-RepositoryUri}:latest`") == "image `!ImportValue api-RepositoryUri:latest`"
    assert as_written("`${Fn.If.IsProd.a|b}`") == "`!If [IsProd, …]`"
    assert as_written("`${Fn.FindInMap.Images.eu.web}`") == "`!FindInMap [Images, eu, web]`"
    assert as_written("`${Web.Arn}`") == "`${Web.Arn}`"


def test_terraform_expressions_read_as_written():
    tf = """
variable "container_name" {}
resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name   = var.container_name
    image  = "nginx:latest"
    memory = 128
  }])
}
"""
    [message] = messages(tf, "main.tf", "ECS601")
    assert message.startswith("Container 'var.container_name': image `nginx:latest`")
