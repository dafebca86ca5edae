"""What every resource read as an API-shaped view shares: regions through the template, and `Metadata` suppressions."""

from __future__ import annotations

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
