"""What every resource read as an API-shaped view shares: regions through the template, and `Metadata` suppressions."""

from __future__ import annotations

from dataclasses import dataclass

from ecslint.cloudformation.properties import Converter
from ecslint.documents import pointer as jp
from ecslint.documents.parse import Document

API_ROOTS = ("/taskDefinition", "/tags", "/service")


class ApiLocator:
    """Regions for API pointers (through the template), and the template's duplicate keys inside one resource."""

    def __init__(self, template_document: Document, subject_pointer: str, converter: Converter):
        self._template = template_document
        self._resource = subject_pointer
        self._converter = converter

    def region(self, pointer: str):
        return self._template.locator.region(self._converter.source_pointer(pointer) if pointer.startswith(API_ROOTS) else pointer)

    def duplicate_regions(self):
        return [(pointer, region) for pointer, region in self._template.locator.duplicate_regions() if jp.is_within(pointer, self._resource)]


def metadata_ignores(resource: dict) -> tuple[str, ...]:
    metadata = resource.get("Metadata")
    settings = metadata.get("ecslint") if isinstance(metadata, dict) else None
    ignore = settings.get("ignore") if isinstance(settings, dict) else None
    if isinstance(ignore, str):
        ignore = ignore.replace(",", " ").split()
    if not isinstance(ignore, list):
        return ()
    return tuple(item.strip().upper() for item in ignore if isinstance(item, str) and item.strip())


@dataclass(frozen=True)
class MetadataSuppressions:
    """A subject read from a template resource: its `Metadata: {ecslint: {ignore: [...]}}` joins its own suppressions."""

    logical_id: str = ""
    metadata_ignores: tuple[str, ...] = ()

    def ignore_selectors(self) -> list[str]:
        return list(self.metadata_ignores) + super().ignore_selectors()

    def ignore_entries(self) -> list[tuple[str, str, str]]:
        # Metadata entries point into the template itself; source_pointer leaves such pointers alone.
        where = jp.join("/Resources", self.logical_id, "Metadata", "ecslint", "ignore")
        return [(selector, where, "`Metadata.ecslint.ignore`") for selector in self.metadata_ignores] + super().ignore_entries()
