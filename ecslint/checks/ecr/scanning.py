"""ECS810: repositories whose images nobody scans for vulnerabilities on push.

Facts (verified 2026-12): Security Hub ECR.1 ("ECR private repositories should have image scanning
configured"); ECR user guide, "Scan images for software vulnerabilities" (image-scanning.html): a
registry scanning configuration of type `BASIC` scans on push (`SCAN_ON_PUSH`) or only when asked
(`MANUAL`), `ENHANCED` (Amazon Inspector) on push or continuously, each rule for the repositories
its filters match; with `ENHANCED`, the repository-level `scanOnPush` is not used. Whether a
registry-level `BASIC` configuration also overrides a repository's own `scanOnPush: true` is not
stated clearly: such a repository is taken as scanned (fewer false positives).
"""

from __future__ import annotations

from ecslint.checks import check
from ecslint.report.findings import Finding, Related
from ecslint.subjects.ecr import RegistryScanningConfiguration, Repository
from ecslint.subjects.quoting import quote, quote_text

PUSH_FREQUENCIES = ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")


@check("ECS810", subject=Repository)
def image_scanning_disabled(repository: Repository):
    registry = repository.registry
    if registry is None:
        return  # not judged with its run (a document checked on its own)
    configurations = registry.scanning_for(repository)
    on_push = repository.scan_on_push
    if not configurations:
        if on_push is False:
            scanning = repository.data.get("imageScanningConfiguration")
            where = repository.ptr("imageScanningConfiguration", "scanOnPush") if isinstance(scanning, dict) and "scanOnPush" in scanning else repository.ptr()
            yield Finding(
                "ECS810",
                where,
                f"{repository.label} does not scan images on push, and no registry scanning configuration in this run covers it. "
                "Vulnerable images go unnoticed: set `scanOnPush: true`, or a registry scanning configuration with a rule matching the repository.",
            )
        return
    configuration = configurations[0]
    scan_type, name = configuration.scan_type, repository.name
    if scan_type is None or name is None:
        return
    frequency, rule_pointer = configuration.frequency_for(name)
    if frequency == "?" or frequency in PUSH_FREQUENCIES:
        return
    if scan_type == "BASIC" and on_push is not False:
        return
    where = configuration.source_pointer(rule_pointer or configuration.ptr())
    related = (Related(configuration.document, where, f"{configuration.label} ({quote_text(scan_type)})"),)
    if frequency is None:
        reason = f"no rule of the registry's {quote(scan_type)} scanning configuration has a filter matching '{quote_text(name)}'"
    else:
        reason = f"the registry's {quote(scan_type)} scanning rule matching '{quote_text(name)}' scans only {quote(frequency)}"
    own = " (with `ENHANCED` scanning its own `scanOnPush` is not used)" if scan_type == "ENHANCED" and on_push else ""
    yield Finding("ECS810", repository.ptr(), f"{repository.label} is not scanned on push{own}: {reason}. Add a filter for it to a `SCAN_ON_PUSH` or `CONTINUOUS_SCAN` rule.", related=related)


@check("ECS810", subject=RegistryScanningConfiguration)
def basic_scanning_not_on_push(configuration: RegistryScanningConfiguration):
    if configuration.scan_type != "BASIC":
        return
    for index, rule in configuration.rules:
        frequency = rule.get("scanFrequency")
        if isinstance(frequency, str) and frequency != "SCAN_ON_PUSH" and frequency == frequency.strip() and "$" not in frequency:
            meaning = "scans only when someone asks" if frequency == "MANUAL" else "is not a frequency basic scanning offers (continuous scanning needs `ENHANCED`)"
            yield Finding(
                "ECS810",
                configuration.ptr("rules", index, "scanFrequency"),
                f"{configuration.label}: a `BASIC` rule with `scanFrequency` {quote(frequency)} {meaning}, so the repositories it matches are not scanned on push. Use `SCAN_ON_PUSH`.",
            )
