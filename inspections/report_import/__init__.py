"""Import a report file: parse it, match it to the catalogue, and write it through the same loader
as the bundled data, in one transaction.

The parsed report becomes the same structure as a bundled report file (docs/data-model.md), so an
import and a bundled file are written by one code path. Re-importing updates in place: the natural
key is provider + framework + publication month.

`plan.py` holds the plan and the value entries; `reports.py` a report as its own report;
`secondary.py` a press release or news report merged into the inspection it speaks of; `write.py`
the corrections and the transaction.
"""

from inspections.models import Provider, Report
from inspections.report_import.plan import ImportPlan, extract, extraction_for, match_provider
from inspections.report_import.reports import bundle, recognised_provider
from inspections.report_import.secondary import new_report_data, secondary_data, target_report
from inspections.report_import.write import changes_to_published, report_state, write
from inspections.report_parser import ReportImportError


def build_plan(data, filename, provider_slug=None, include_uncertain=False, report_slug=None, new_report=None):
    """What an import of the file would write, and the report's state it was worked out against.
    The arguments are parsed_plan's."""
    plan = parsed_plan(data, filename, provider_slug, include_uncertain, report_slug, new_report)
    plan.report_state = report_state(plan.data.get("slug"))
    return plan


def parsed_plan(data, filename, provider_slug, include_uncertain, report_slug, new_report):
    """Parse a file into what an import would write. Uncertain values are left out unless
    `include_uncertain` (True, or the keys of the ones an editor confirmed).

    A report becomes (or updates) its own report. A secondary source adds what it states to an
    inspection already held: the one `report_slug` names, or the one of the recognised provider
    published in the month the text states. With `new_report` ({"framework": slug, "round": slug}) a
    secondary source about an inspection we do not hold yet creates it under `report_slug`."""
    held = bool(report_slug) and Report.objects.filter(slug=report_slug).exists()
    if report_slug and not held and not new_report:
        raise ReportImportError(filename, f"--report: no report with the slug '{report_slug}'")
    override = None
    if provider_slug:
        override = Provider.objects.filter(slug=provider_slug).first()
        if override is None:
            raise ReportImportError(filename, f"--provider: no provider with the slug '{provider_slug}'")
    # Only what the text states of the provider chosen (or recognised) is read as its values.
    extraction = extract(data, filename, provider_slug)
    plan = ImportPlan(extraction, {}, {}, list(extraction.missing), list(extraction.conflicts))
    fields = extraction.fields
    if extraction.kind == "quality_impact_report":
        for organisation, key, kind in (("CRC", "crc_name", "CRC"), ("NPS", "nps_name", "NPS")):
            if key in fields:
                provider = match_provider(fields[key].value, plan, f"{organisation} provider", kind)
                if provider:
                    plan.providers[organisation] = provider
        if override:
            plan.providers[override.kind] = override
    elif not extraction.is_report and report_slug and not held:
        plan.data = new_report_data(
            extraction, plan, data, filename, override, include_uncertain, report_slug, new_report
        )
        plan.target = report_slug
        return plan
    elif not extraction.is_report:
        plan.target = target_report(extraction, data, filename, plan, override, include_uncertain, report_slug)
        if plan.target is not None:
            extraction = extraction_for(plan, plan.providers["provider"], data, filename)
            plan.data = secondary_data(extraction, plan, data, filename, include_uncertain)
            return plan
    else:
        provider = override or recognised_provider(extraction, filename, plan, include_uncertain)
        if provider:
            plan.providers["provider"] = provider
    plan.data = bundle(extraction, plan, data, filename, include_uncertain)
    return plan


__all__ = ["ImportPlan", "build_plan", "changes_to_published", "write"]
