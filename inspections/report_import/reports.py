"""A report file (or a report's opening) as its own report: provider, the report's values, its
joint Quality & Impact values and recommendations, and the slug it is held under."""

from django.db.models import Q
from django.utils.text import slugify

from inspections.models import (
    Framework,
    Inspection,
    Provider,
)
from inspections.report_import.plan import (
    QI_ORGANISATIONS,
    Reading,
    add_joint_values,
    provenance,
    recommendation_entry,
    source_slug,
)
from inspections.report_parser import ReportImportError


def recognised_provider(extraction, filename, plan, include_uncertain):
    found = extraction.fields.get("provider")
    if found is None:
        raise ReportImportError(
            filename,
            f"{extraction.provider_problem}. Nothing was written: pass --provider (or pick one) if you know it",
        )
    if found.uncertain and include_uncertain is not True and "field:provider" not in (include_uncertain or ()):
        plan.missing.append(
            f"provider: read as {found.value} but uncertain ({found.why}, {found.location}); "
            "confirm it with --include-uncertain or pass --provider"
        )
        return None
    return Provider.objects.get(slug=found.value)


def bundle(extraction, plan, raw, filename, include_uncertain=False):
    """The extraction as a bundled-report structure (inspections/data/reports/*.toml)."""
    fields = extraction.fields
    source = source_slug(raw)
    title = fields["title"].value if "title" in fields else filename
    published = fields.get("published").value if "published" in fields else None
    data = {
        "framework": fields["framework"].value if "framework" in fields else Framework.STANDARDS_2018,
        "title": title,
        "document": source,
        "sources": [
            {
                "slug": source,
                "title": f"{title} (imported from {filename})",
                "kind": "report" if extraction.is_report else "news",
                "notes": f"Imported from the file {filename}; locations are its lines and pages.",
            }
        ],
    }
    if published:
        data["published"] = published
    for name in ("fieldwork_start", "lead_inspector", "chief_inspector"):
        if name in fields:
            data[name] = fields[name].value
    data["slug"] = report_slug(extraction, plan, data)
    reading = Reading(extraction, plan, source, include_uncertain)
    inspections = []
    if extraction.kind == "quality_impact_report":
        for organisation in QI_ORGANISATIONS:
            if organisation in plan.providers:
                inspections.append(reading.inspection(plan.providers[organisation], organisation))
        add_joint_values(data, extraction, source)
    elif "provider" in plan.providers:
        inspections.append(reading.inspection(plan.providers["provider"]))
    data["inspections"] = inspections
    tables = [
        {**{key: found.value[key] for key in ("number", "title", "columns", "rows")}, **provenance(found, source)}
        for found in extraction.tables
    ]
    if tables:
        data["tables"] = tables
    recommendations = [recommendation_entry(found, plan, source) for found in extraction.recommendations]
    if recommendations:
        data["recommendations"] = recommendations
    return data


def months_to_look_in(extraction, data):
    """The months the report may have been published in: the one stated, or else its cover's month or the
    month before it (a cover's month is not a publication date: London CRC's 2018 report has 'March 2018'
    on its cover and was published on 8 February 2018). Never written as the publication date."""
    if data.get("published"):
        return [data["published"][:7]]
    cover = extraction.fields.get("cover_date")
    if not cover:
        return []
    year, month = (int(part) for part in cover.value.split("-")[:2])
    before = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    return [cover.value[:7], before]


def report_slug(extraction, plan, data):
    """Re-importing updates in place: reuse the report of the same provider, framework and month."""
    provider = plan.providers.get("provider") or plan.providers.get("CRC") or plan.providers.get("NPS")
    months = months_to_look_in(extraction, data)
    month = months[0] if months else ""
    if provider and months:
        published_in = Q()
        for each in months:
            year, number = (int(part) for part in each.split("-"))
            published_in |= Q(report__published__year=year, report__published__month=number)
        existing = (
            Inspection.objects.filter(published_in, provider=provider, report__framework__slug=data["framework"])
            .select_related("report")
            .first()
        )
        if existing:
            if existing.report.published_precision == "day" and "published" in data:
                # The text gives the month; keep the exact day another source already gave.
                del data["published"]
            return existing.report.slug
    if extraction.kind == "quality_impact_report" and "area" in extraction.fields:
        return slugify(f"{extraction.fields['area'].value} quality impact {month}")
    return slugify(f"{provider.slug if provider else 'unmatched'} {month or 'undated'}")
