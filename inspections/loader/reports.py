"""inspections/data/reports/*.toml: one file a report, with its inspections, ratings, scores,
facts, findings, recommendations and tables."""

from decimal import Decimal

from inspections.loader.facts import FACT_FIELDS, fact_values, load_context_facts
from inspections.loader.values import parse_partial_date
from inspections.models import (
    Domain,
    Fact,
    Finding,
    Framework,
    Inspection,
    KeyQuestion,
    KeyQuestionScore,
    OwnerGroup,
    Provider,
    Recommendation,
    Report,
    ReportTable,
    Round,
    Standard,
    StandardRating,
)

FINDING_FIELDS = ["kind", "domain_id", "standard_id", "text", "position", "source_id", "location", "quote"]
RATING_FIELDS = ["standard_id", "rating", "judgement", "narrative", "discretion_note", "source_id", "location", "quote"]
SCORE_FIELDS = ["key_question_id", "percent", "cases_sufficient", "cases_total", "source_id", "location", "quote"]
RECOMMENDATION_FIELDS = ["inspection_id", "number", "addressee", "text", "source_id", "location", "quote"]
TABLE_FIELDS = ["inspection_id", "number", "title", "columns", "rows", "note", "source_id", "location", "quote"]


def load_report(loader, path, data):
    """One file of inspections/data/reports/: the report, its inspections, and what it says jointly."""
    loader.sources = {}
    loader.load_sources(data.get("sources", []), "sources")
    loader.path = path
    framework = loader.lookup(Framework, "report", "framework", slug=loader.field(data, "framework", "report"))
    values = {
        "title": loader.field(data, "title", "report"),
        "framework": framework,
        "lead_inspector": data.get("lead_inspector", ""),
        "chief_inspector": data.get("chief_inspector", ""),
        "fieldwork_text": data.get("fieldwork_text", ""),
        "document": loader.source(data, "report", data.get("document")),
        "notes": data.get("notes", ""),
        "round": report_round(loader, data, framework),
    }
    for name in ("published", "fieldwork_start"):
        try:
            value, precision = parse_partial_date(data[name]) if name in data else (None, "")
        except ValueError as error:
            loader.fail(f"report.{name}", str(error))
        values[name], values[f"{name}_precision"] = value, precision
    report = loader.sync(Report, {"slug": loader.field(data, "slug", "report")}, values, "report")

    inspections = {}
    for index, entry in enumerate(data.get("inspections", [])):
        inspection = load_inspection(loader, report, entry, f"inspections[{index}]")
        inspections[inspection.provider.slug] = inspection
    load_findings(loader, report, None, data.get("findings", []), "findings", "findings" in data)
    load_recommendations(loader, report, data, inspections)
    load_tables(loader, report, data, inspections)
    load_context_facts(loader, data.get("facts", []), "facts")


def report_round(loader, data, framework):
    if not data.get("round"):
        return None
    found = loader.lookup(Round, "report", "round", slug=data["round"])
    if found.framework_id != framework.pk:
        loader.fail("report.round", f"the round {found.slug!r} belongs to another framework ({found.framework})")
    return found


def named_inspection(loader, inspections, entry, where):
    """The inspection a joint report's entry names by provider slug; None where it names none."""
    if not entry.get("inspection"):
        return None
    inspection = inspections.get(entry["inspection"])
    if inspection is None:
        loader.fail(f"{where}.inspection", f"no inspection of {entry['inspection']!r} in this report")
    return inspection


def load_findings(loader, report, inspection, entries, where, present):
    """Findings of one inspection, or (inspection None) what a joint report says of both providers."""
    desired = [
        Finding(
            report=report,
            inspection=inspection,
            position=number,
            **finding_values(loader, report.framework, entry, f"{where}[{number}]"),
        )
        for number, entry in enumerate(entries)
    ]
    existing = inspection.findings.all() if inspection else report.findings.filter(inspection=None)
    loader.sync_children(Finding, existing, desired, FINDING_FIELDS, where, present)


def load_recommendations(loader, report, data, inspections):
    desired = []
    only_inspection = next(iter(inspections.values())) if len(inspections) == 1 else None
    for number, entry in enumerate(data.get("recommendations", [])):
        where = f"recommendations[{number}]"
        # A report on one provider addresses its recommendations to that inspection; a joint
        # Quality & Impact report names the inspection, or none for the CRC and NPS together.
        inspection = named_inspection(loader, inspections, entry, where) if "inspection" in entry else only_inspection
        values = required_fields(loader, entry, where, "number", "addressee", "text")
        desired.append(
            Recommendation(report=report, inspection=inspection, **values, **loader.provenance(entry, where))
        )
    present = "recommendations" in data
    existing = report.recommendations.all()
    loader.sync_children(Recommendation, existing, desired, RECOMMENDATION_FIELDS, "recommendations", present)


def load_tables(loader, report, data, inspections):
    desired = []
    for number, entry in enumerate(data.get("tables", [])):
        where = f"tables[{number}]"
        inspection = named_inspection(loader, inspections, entry, where)
        values = required_fields(loader, entry, where, "number", "title", "columns", "rows")
        values["note"] = entry.get("note", "")
        desired.append(ReportTable(report=report, inspection=inspection, **values, **loader.provenance(entry, where)))
    loader.sync_children(ReportTable, report.tables.all(), desired, TABLE_FIELDS, "tables", "tables" in data)


def required_fields(loader, entry, where, *names):
    """The entry's values of `names`, each required: a missing one fails naming it."""
    return {name: loader.field(entry, name, where) for name in names}


def load_inspection(loader, report, entry, where):
    provider = loader.lookup(Provider, where, "provider", slug=loader.field(entry, "provider", where))
    owner = None
    if entry.get("owner"):
        owner = loader.lookup(OwnerGroup, where, "owner", slug=entry["owner"])
    overall = None
    if "overall" in entry:
        overall = loader.rating(entry["overall"], f"{where}.overall")
    inspection = loader.sync(
        Inspection,
        {"report": report, "provider": provider},
        {
            "owner": owner,
            "owner_text": entry.get("owner_text", ""),
            "owner_source": owner_source(loader, entry, where),
            "owner_location": entry.get("owner_location", ""),
            "owner_quote": entry.get("owner_quote", ""),
            "overall_rating": overall,
            "overall_rating_note": entry.get("overall_note", ""),
            "summary": entry.get("summary", ""),
            "case_sample_size": entry.get("case_sample_size"),
            "notes": entry.get("notes", ""),
            **loader.provenance(entry, where),
        },
        where,
    )
    load_standard_ratings(loader, inspection, entry, where)
    load_key_question_scores(loader, inspection, entry, where)
    framework = report.framework
    desired = [
        Fact(inspection=inspection, position=number, **fact_values(loader, framework, fact, f"{where}.facts[{number}]"))
        for number, fact in enumerate(entry.get("facts", []))
    ]
    loader.sync_children(Fact, inspection.facts.all(), desired, FACT_FIELDS, f"{where}.facts", "facts" in entry)

    load_findings(loader, report, inspection, entry.get("findings", []), f"{where}.findings", "findings" in entry)
    return inspection


def load_standard_ratings(loader, inspection, entry, where):
    framework = inspection.report.framework
    standards = {standard.code: standard for standard in framework.standards.all()}

    desired = []
    for number, rating_entry in enumerate(entry.get("ratings", [])):
        rating_where = f"{where}.ratings[{number}]"
        standard = catalogue_entry(
            loader, standards, rating_entry, "standard", rating_where, f"a standard of {framework}"
        )
        rating = rating_entry.get("rating")
        desired.append(
            StandardRating(
                inspection=inspection,
                standard=standard,
                rating=loader.rating(rating, f"{rating_where}.rating") if rating else None,
                judgement=rating_entry.get("judgement", ""),
                narrative=rating_entry.get("narrative", ""),
                discretion_note=rating_entry.get("discretion_note", ""),
                **loader.provenance(rating_entry, rating_where),
            )
        )
    present = "ratings" in entry
    loader.sync_children(StandardRating, inspection.ratings.all(), desired, RATING_FIELDS, f"{where}.ratings", present)


def load_key_question_scores(loader, inspection, entry, where):
    framework = inspection.report.framework
    questions = {q.code: q for q in KeyQuestion.objects.filter(standard__framework=framework)}
    desired = []
    for number, score_entry in enumerate(entry.get("scores", [])):
        score_where = f"{where}.scores[{number}]"
        question = catalogue_entry(
            loader, questions, score_entry, "key_question", score_where, f"a key question of {framework}"
        )
        desired.append(
            KeyQuestionScore(
                inspection=inspection,
                key_question=question,
                percent=Decimal(str(loader.field(score_entry, "percent", score_where))),
                cases_sufficient=score_entry.get("cases_sufficient"),
                cases_total=score_entry.get("cases_total"),
                **loader.provenance(score_entry, score_where),
            )
        )
    present = "scores" in entry
    loader.sync_children(KeyQuestionScore, inspection.scores.all(), desired, SCORE_FIELDS, f"{where}.scores", present)


def catalogue_entry(loader, catalogue, entry, name, where, what):
    """The catalogue's item (standard, key question) whose code the entry gives as `name`."""
    code = loader.field(entry, name, where)
    if code not in catalogue:
        loader.fail(f"{where}.{name}", f"{code!r} is not {what}")
    return catalogue[code]


def finding_values(loader, framework, entry, where):
    domain = standard = None
    if entry.get("domain"):
        domain = loader.lookup(Domain, where, "domain", framework=framework, code=entry["domain"])
    if entry.get("standard"):
        standard = loader.lookup(Standard, where, "standard", framework=framework, code=entry["standard"])
    return {
        "kind": loader.field(entry, "kind", where),
        "domain": domain,
        "standard": standard,
        "text": loader.field(entry, "text", where),
        **loader.provenance(entry, where),
    }


def owner_source(loader, entry, where):
    """The source that states the owner at the time (None: the owner was typed without one)."""
    slug = entry.get("owner_source")
    return loader.source({"source": slug}, f"{where}.owner_source") if slug else None
