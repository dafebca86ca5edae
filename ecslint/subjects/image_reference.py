"""Container image references split into registry, repository, tag and digest, with deploy-time placeholders kept apart.

Grammar: Docker's reference format `[registry[:port]/]path[:tag][@algorithm:hex]`
(https://github.com/distribution/reference, reference.go), verified 2026-11-30. A first path
component is a registry host only when it holds a `.` or `:` or is `localhost`; otherwise the
image comes from Docker Hub (`docker.io`), and a one-component name lives under `library/`.

Many task definitions are templates rendered at deploy time: `repo:${TAG}`, `{{ image }}`,
`<IMAGE>`, `#{Octopus.Var}`, `$IMAGE`. Separators inside such a placeholder are not separators
of the reference, and a part holding a placeholder is known to be set but not to what.
"""

from __future__ import annotations

from typing import NamedTuple

import re
from dataclasses import dataclass
from functools import cached_property

from ecslint.subjects.placeholders import ANYWHERE, is_templated

DOCKER_HUB = "docker.io"


# Private ECR registry hosts, by endpoint family (ECR user guide, "Amazon ECR endpoints and
# quotas", and amazon-ecr-credential-helper's ecrPattern; verified 2026-11-30):
#   <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]          IPv4
#   <account>.dkr-ecr[-fips].<region>.on.aws                      dual-stack
#   <account>.dkr-ecr.<region>.on.amazonwebservices.com.cn        dual-stack, China
_ECR_HOST = re.compile(
    r"^(?P<account>\d{12})\."
    r"(?:dkr\.ecr(?P<fips>-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?P<china>\.cn)?"
    r"|dkr-ecr(?P<fips_dual>-fips)?\.(?P<region_dual>[a-z0-9-]+)\.on\.aws"
    r"|dkr-ecr\.(?P<region_dual_cn>[a-z0-9-]+)\.on\.amazonwebservices\.com\.cn)$"
)
ECR_PUBLIC = "public.ecr.aws"

# Names AWS documentation uses for made-up accounts: comparing them to anything says nothing.
EXAMPLE_ACCOUNTS = frozenset({"123456789012", "111122223333", "444455556666", "777788889999", "000000000000", "012345678901", "012345678910"})
# A region name as AWS spells it (us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1).
_REGION = re.compile(r"^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$")

# Markers of Windows base images: a path segment (mcr.microsoft.com/windows/servercore/iis) or a tag
# naming the base (dotnet/framework/aspnet:4.8-windowsservercore-ltsc2019, ...:nanoserver-ltsc2022).
_WINDOWS_SEGMENTS = frozenset({"windows", "servercore", "nanoserver"})
_WINDOWS_TAG = re.compile(r"windowsservercore|servercore|nanoserver|ltsc20\d\d", re.I)


def is_placeholder_free(text: str) -> bool:
    # A literal image reference holds no `$`; anything else templated is caught by the shared vocabulary.
    return "$" not in text and not is_templated(text)


def is_region(text: object) -> bool:
    return isinstance(text, str) and bool(_REGION.match(text))


def is_real_account(text: object) -> bool:
    """A literal 12-digit account ID that is not one of the documentation's examples."""
    return isinstance(text, str) and len(text) == 12 and text.isdigit() and text not in EXAMPLE_ACCOUNTS


class EcrRegistry(NamedTuple):
    account: str
    region: str
    fips: bool
    china: bool


def _mask(text: str) -> str:
    """The text with every placeholder replaced by as many `x`, so that offsets still line up."""
    return ANYWHERE.sub(lambda match: "x" * len(match.group()), text)


@dataclass(frozen=True)
class ImageReference:
    """One `image` value, parsed. Parts are None when absent; they may contain placeholders."""

    raw: str
    registry: str | None  # explicit registry host (with port), None for Docker Hub
    repository: str  # path without registry, tag or digest, as written
    tag: str | None
    digest: str | None

    @property
    def registry_host(self) -> str:
        return self.registry or DOCKER_HUB

    @property
    def is_docker_hub(self) -> bool:
        return self.registry in (None, DOCKER_HUB, "index.docker.io", "registry-1.docker.io")

    @property
    def has_placeholder(self) -> bool:
        return not is_placeholder_free(self.raw)

    @property
    def tag_is_placeholder(self) -> bool:
        return self.tag is not None and not is_placeholder_free(self.tag)

    @property
    def version_is_unknown(self) -> bool:
        """No tag or digest is visible, but a placeholder could supply one (`${IMAGE}`, `repo${SUFFIX}`)."""
        return self.tag is None and self.digest is None and self.has_placeholder

    @property
    def is_pinned(self) -> bool:
        """Pinned by a content digest: the tag, if any, is then ignored by the pull."""
        return self.digest is not None

    @cached_property
    def ecr(self) -> EcrRegistry | None:
        """The private ECR registry this image lives in, when its host is a literal ECR host."""
        match = _ECR_HOST.match(self.registry or "")
        if not match:
            return None
        region = match.group("region") or match.group("region_dual") or match.group("region_dual_cn")
        china = bool(match.group("china") or match.group("region_dual_cn"))
        return EcrRegistry(match.group("account"), region, bool(match.group("fips") or match.group("fips_dual")), china)

    @property
    def is_ecr_public(self) -> bool:
        return self.registry == ECR_PUBLIC

    @property
    def looks_windows(self) -> bool:
        """A Windows base image by its name or tag (a heuristic for task definitions without runtimePlatform)."""
        segments = {segment.lower() for segment in self.repository.split("/")}
        return bool(segments & _WINDOWS_SEGMENTS or (self.tag and _WINDOWS_TAG.search(self.tag)))


def parse_image(value: object) -> ImageReference | None:
    """Parse an `image` value; None for a non-string or blank value, which names no image at all."""
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    masked = _mask(raw)
    # The digest follows the first `@` outside placeholders; the tag follows the last `:` after the last `/`.
    at = masked.find("@")
    name_end = at if at >= 0 else len(raw)
    digest = raw[at + 1 :] if at >= 0 else None
    last_slash = masked.rfind("/", 0, name_end)
    colon = masked.rfind(":", last_slash + 1, name_end)
    tag = raw[colon + 1 : name_end] if colon >= 0 else None
    path_end = colon if colon >= 0 else name_end
    first_slash = masked.find("/", 0, path_end)
    registry = None
    path_start = 0
    if first_slash >= 0:
        first = masked[:first_slash]
        if "." in first or ":" in first or first == "localhost" or first != raw[:first_slash]:
            registry = raw[:first_slash]
            path_start = first_slash + 1
    return ImageReference(raw, registry, raw[path_start:path_end], tag if tag != "" else None, digest or None)
