"""The inverse of reports.py: a report as the database holds it, written back to its file in
inspections/data/reports/, so that what editors import or correct reaches a fresh clone.

Loading a written file changes nothing (tests/test_writer.py). What the database cannot say is
kept from the existing file: its leading comment, the sources it defines, and the context facts
it lists (context facts belong to no report in the database).
"""

import tomllib
from pathlib import Path

import tomli_w

from inspections.loader.run import DATA_DIR
from inspections.models import Report, SourceDocument
from inspections.rules import Rating
from inspections.serialise import code_of, slug_of


def non_empty(**values):
    """The fields a file states: an empty string, None or False is the loader's default."""
    return {name: value for name, value in values.items() if value not in ("", None, False, [], {})}


def number(value):
    """A Decimal as the file writes it: 70, not 70.00; 66.5 stays 66.5."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def attributes(row, *names):
    """The row's attributes of these names, each written under its own name."""
    return {name: getattr(row, name) for name in names}


def provenance(row):
    return non_empty(source=row.source.slug, **attributes(row, "location", "quote"))


def rating_data(rating):
    return non_empty(
        standard=rating.standard.code,
        rating=Rating.label_of(rating.rating),
        **attributes(rating, "judgement", "narrative", "discretion_note"),
    ) | provenance(rating)


def score_data(score):
    return non_empty(
        key_question=score.key_question.code,
        percent=number(score.percent),
        **attributes(score, "cases_sufficient", "cases_total"),
    ) | provenance(score)


def fact_data(fact):
    return non_empty(
        metric=fact.metric.slug,
        label=fact.label,
        value=fact.value_text,
        **attributes(fact, "unit", "period"),
        national=fact.national_text,
        target=fact.target_text,
        **attributes(fact, "comparator_label", "comparator_text", "is_inverse"),
        standard=code_of(fact.standard),
    ) | provenance(fact)


def finding_data(finding):
    return non_empty(
        kind=finding.kind,
        domain=code_of(finding.domain),
        standard=code_of(finding.standard),
        text=finding.text,
    ) | provenance(finding)


def inspection_data(inspection):
    data = non_empty(
        provider=inspection.provider.slug,
        owner=slug_of(inspection.owner),
        owner_text=inspection.owner_text,
        owner_source=slug_of(inspection.owner_source),
        **attributes(inspection, "owner_location", "owner_quote"),
        overall=Rating.label_of(inspection.overall_rating),
        overall_note=inspection.overall_rating_note,
        **attributes(inspection, "summary", "case_sample_size", "notes"),
    ) | provenance(inspection)
    # The loader compares child rows in primary-key order: write them in that order.
    children = {
        "ratings": [rating_data(r) for r in inspection.ratings.order_by("pk")],
        "scores": [score_data(s) for s in inspection.scores.order_by("pk")],
        "facts": [fact_data(f) for f in inspection.facts.order_by("pk")],
        "findings": [finding_data(f) for f in inspection.findings.order_by("pk")],
    }
    return data | non_empty(**children)


def source_data(source):
    return non_empty(
        **attributes(source, "slug", "title", "kind", "publisher", "url"),
        published=source.published.isoformat() if source.published else None,
        notes=source.notes,
    )


def shared_source_slugs(data_dir, except_file):
    """Sources defined in sources.toml or in another report file: this file need not define them."""
    slugs = {s["slug"] for s in tomllib.loads((data_dir / "sources.toml").read_text()).get("sources", [])}
    for path in (data_dir / "reports").glob("*.toml"):
        if path != except_file:
            slugs |= {s["slug"] for s in tomllib.loads(path.read_text()).get("sources", [])}
    return slugs


def report_file_data(report, existing, shared_sources):
    inspections = list(report.inspections.select_related("provider", "owner", "source", "owner_source").order_by("pk"))
    providers = {i.pk: i.provider.slug for i in inspections}
    data = non_empty(
        **attributes(report, "slug", "title"),
        framework=report.framework.slug,
        round=slug_of(report.round),
        published=report.published_iso,
        fieldwork_start=report.fieldwork_start_iso,
        **attributes(report, "fieldwork_text", "lead_inspector", "chief_inspector"),
        document=slug_of(report.document),
        notes=report.notes,
    )
    inspection_entries = [inspection_data(i) for i in inspections]
    used = {report.document.slug} if report.document else set()
    used |= {entry["source"] for entry in walk(inspection_entries)}
    used |= {entry["owner_source"] for entry in inspection_entries if "owner_source" in entry}
    joint = {
        "findings": [finding_data(f) for f in report.findings.filter(inspection=None).order_by("pk")],
        "recommendations": [
            non_empty(
                inspection=providers.get(r.inspection_id, "") if len(inspections) > 1 else None,
                number=r.number,
                addressee=r.addressee,
                text=r.text,
            )
            | provenance(r)
            for r in report.recommendations.order_by("pk")
        ],
        "tables": [
            non_empty(inspection=providers.get(t.inspection_id), number=t.number, title=t.title, note=t.note)
            | {"columns": t.columns, "rows": t.rows}
            | provenance(t)
            for t in report.tables.order_by("pk")
        ],
    }
    used |= {entry["source"] for entry in walk(list(joint.values()))}
    defined = {s["slug"] for s in existing.get("sources", [])}
    own_sources = SourceDocument.objects.filter(slug__in=(used - shared_sources) | defined).order_by("slug")
    data["sources"] = [source_data(s) for s in own_sources]
    data["inspections"] = inspection_entries
    data |= non_empty(**joint)
    if existing.get("facts"):
        data["facts"] = existing["facts"]
    return {name: value for name, value in data.items() if value != []}


def walk(entries):
    """Every dict with a 'source' in nested lists of entries."""
    for entry in entries:
        if isinstance(entry, list):
            yield from walk(entry)
        elif isinstance(entry, dict):
            if "source" in entry:
                yield entry
            for value in entry.values():
                if isinstance(value, list):
                    yield from walk(value)


def leading_comment(text):
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines) + "\n" if lines else ""


def write_report_file(report, data_dir=DATA_DIR):
    """Write `report` to data_dir/reports/<slug>.toml. Returns the path."""
    data_dir = Path(data_dir)
    path = data_dir / "reports" / f"{report.slug}.toml"
    old_text = path.read_text() if path.exists() else ""
    existing = tomllib.loads(old_text) if old_text else {}
    data = report_file_data(report, existing, shared_source_slugs(data_dir, path))
    path.write_text(leading_comment(old_text) + tomli_w.dumps(data, multiline_strings=False))
    return path


def write_report_files(slugs=None, data_dir=DATA_DIR):
    reports = Report.objects.select_related("framework", "document", "round").order_by("slug")
    if slugs:
        reports = reports.filter(slug__in=slugs)
    return [write_report_file(report, data_dir) for report in reports]
