"""Writing a plan: the published values it would change (corrections need a reason), and one
transaction through the bundled-data loader."""

from django.db import connection, transaction

from inspections.fingerprint import fingerprint
from inspections.loader import BundledDataError, Loader, search_rebuilt_once
from inspections.models import (
    Correction,
    Fact,
    Finding,
    Inspection,
    KeyQuestionScore,
    Rating,
    Recommendation,
    Report,
    ReportTable,
    StandardRating,
)
from inspections.report_parser import ReportImportError
from inspections.serialise import serialise_inspection


def changes_to_published(data):
    """Values the import would change in inspections already held: [{provider, what, old, new}]."""
    changes = []
    report = Report.objects.filter(slug=data.get("slug")).first()
    if report and report.lead_inspector and data.get("lead_inspector", report.lead_inspector) != report.lead_inspector:
        first = report.inspections.select_related("provider").first()
        if first:
            changes.append(
                {
                    "inspection": first,
                    "provider": first.provider.slug,
                    "what": "lead inspector",
                    "old": report.lead_inspector,
                    "new": data["lead_inspector"],
                }
            )
    for entry in data.get("inspections", []):
        existing = (
            Inspection.objects.filter(report__slug=data.get("slug"), provider__slug=entry.get("provider"))
            .select_related("owner")
            .prefetch_related("ratings__standard", "scores__key_question")
            .first()
        )
        if existing is None:
            continue
        pairs = []
        if entry.get("owner") and existing.owner is not None:
            pairs.append(("owner", existing.owner.slug, entry["owner"]))
        if entry.get("overall") and existing.overall_rating is not None:
            pairs.append(("overall rating", Rating(existing.overall_rating).label, entry["overall"]))
        held = {r.standard.code: r for r in existing.ratings.all()}
        for rating in entry.get("ratings", []):
            old = held.get(rating.get("standard"))
            if rating.get("rating") and old is not None and old.rating is not None:
                pairs.append((f"rating {rating['standard']}", Rating(old.rating).label, rating["rating"]))
        scores = {s.key_question.code: s for s in existing.scores.all()}
        for score in entry.get("scores", []):
            old = scores.get(score.get("key_question"))
            if old is not None and old.percent is not None:
                pairs.append((f"score {score['key_question']}", f"{old.percent.normalize():f}", str(score["percent"])))
        for what, old, new in pairs:
            if normalise_value(old) != normalise_value(new):
                changes.append(
                    {"inspection": existing, "provider": entry["provider"], "what": what, "old": old, "new": new}
                )
    return changes


def report_state(slug):
    """The fingerprint of a report and of every row an import of it may write (none: not held)."""
    return fingerprint(
        Report.objects.filter(slug=slug),
        Inspection.objects.filter(report__slug=slug),
        StandardRating.objects.filter(inspection__report__slug=slug),
        KeyQuestionScore.objects.filter(inspection__report__slug=slug),
        Fact.objects.filter(inspection__report__slug=slug),
        Finding.objects.filter(report__slug=slug),
        Recommendation.objects.filter(report__slug=slug),
        ReportTable.objects.filter(report__slug=slug),
    )


def normalise_value(value):
    text = " ".join(str(value).split()).lower()
    try:
        return f"{float(text):g}"
    except ValueError:
        return text


def write(plan, filename, dry_run=False, reason="", editor=""):
    """Write the plan in one transaction; return the written inspections in the export's JSON shape.

    With dry_run the transaction is rolled back after serialising, so the JSON is exactly what an
    import would produce, and nothing is kept. A value that differs from one already held is a
    correction: it needs a reason, and each one is recorded as a Correction.
    """
    if plan.extraction is not None and not plan.extraction.is_report and plan.target is None and not dry_run:
        raise ReportImportError(
            filename,
            f"this is {plan.extraction.kind_label}, not an inspection report, and it names no inspection we "
            "hold: nothing was written. Name the inspection's report with --report (or pick it in the admin).",
        )
    if not plan.data["inspections"]:
        raise ReportImportError(
            filename,
            "no provider could be matched, so nothing can be written: " + "; ".join(plan.missing + plan.conflicts),
        )
    changes = plan.changes
    if changes and not reason.strip() and not dry_run:
        listed = "; ".join(f"{c['provider']} {c['what']}: '{c['old']}' -> '{c['new']}'" for c in changes)
        raise ReportImportError(
            filename, f"this would change published values ({listed}); give the reason for the correction (--reason)"
        )
    with transaction.atomic():
        # Imports of one report take turns (two editors confirming the same file, a double click).
        # The plan and its corrections were worked out against the report as it was then: if another
        # import or an editor wrote to it since, the second is refused rather than applied blind.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"import:{plan.data['slug']}"])
        if plan.report_state is not None and report_state(plan.data["slug"]) != plan.report_state:
            raise ReportImportError(
                filename,
                f"the report '{plan.data['slug']}' changed after this import was prepared (another import or an "
                "editor saved it first), so nothing was written. Import the file again to see what it would "
                "change now.",
            )
        try:
            with search_rebuilt_once():
                Loader(partial=True, merge=bool(plan.data.get("merge"))).load_report(filename, plan.data)
        except BundledDataError as error:
            raise ReportImportError(filename, f"{error.where}: {error.message}") from None
        for change in changes:
            Correction.objects.create(
                inspection=change["inspection"],
                inspection_label=str(change["inspection"]),
                editor=editor,
                reason=reason.strip(),
                changes=f"{change['what']}: '{change['old']}' -> '{change['new']}' (imported from {filename})",
            )
        inspections = Inspection.objects.filter(
            report__slug=plan.data["slug"], provider__slug__in=[i["provider"] for i in plan.data["inspections"]]
        )
        exported = [
            serialise_inspection(inspection)
            for inspection in inspections.with_details().prefetch_related("report__framework__standards__key_questions")
        ]
        if dry_run:
            transaction.set_rollback(True)
    return exported
