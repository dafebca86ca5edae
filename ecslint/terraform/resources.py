"""Terraform resources read from a `.tf` module or a `terraform show -json` document, in one shape for the front end."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ecslint.documents import pointer as jp
from ecslint.report.findings import Related
from ecslint.subjects.task_definition import IGNORE_TAG
from ecslint.terraform.template import Unknown
from ecslint.subjects.quoting import quote

_INDEX = re.compile(r"\[[^\[\]]*\]")  # no bracket inside: unclosed `[` runs stay linear


@dataclass
class Resource:
    type: str
    name: str
    # Full address as Terraform prints it (`module.app.aws_ecs_task_definition.this[0]`).
    address: str
    values: dict
    document: object
    # Pointer to `values` (the resource body) in the document.
    pointer: str
    # What `${...}` references to it start with: the address without instance keys.
    base: str = ""
    # Plans: attribute -> the references its configuration expression makes (module-relative).
    references: dict = field(default_factory=dict)
    # Plans: the module the resource is in (`module.app`), to qualify those references.
    module: str = ""

    def __post_init__(self):
        if not self.base:
            self.base = _INDEX.sub("", self.address)

    def at(self, *tokens) -> str:
        return jp.join(self.pointer, *tokens)

    def key(self, attribute: str) -> str:
        """How another resource names this one's attribute: `${aws_iam_role.app.arn}`."""
        return "${" + f"{self.base}.{attribute}" + "}"

    def names(self, value) -> bool:
        """True when value (an attribute of another resource) refers to this resource by reference."""
        return isinstance(value, str) and value in (self.key("arn"), self.key("name"), self.key("id"))


def ignore_from_tags(tags) -> tuple[str, ...]:
    """`tags = { "ecslint:ignore" = "ECS601 ECS602" }`: the resource's inline suppression."""
    value = tags.get(IGNORE_TAG) if isinstance(tags, dict) else None
    return tuple(value.replace(",", " ").upper().split()) if isinstance(value, str) and not isinstance(value, Unknown) else ()


def resource_declaration(resource) -> Related | None:
    """For plans, where a finding's line alone does not say which resource it is: the resource's `address` key."""
    if resource.document.syntax == "hcl":
        return None  # the finding is inside the resource block already
    return Related(resource.document, jp.join(jp.parent(resource.pointer), "address"), f"Resource {quote(resource.address)}")
