"""How much of the record we hold: standard ratings and key-question scores recorded against what
each framework rates, and the inspections still incomplete (our count, stated on the data page and
in the README)."""

from dataclasses import dataclass

from inspections.models import Inspection


@dataclass(frozen=True)
class Coverage:
    inspections: int
    ratings_recorded: int
    ratings_possible: int
    overall_recorded: int
    scores_recorded: int
    incomplete: list  # inspections with fewer standard ratings than their framework rates


def coverage():
    rated = (
        Inspection.objects.rated()
        .with_completeness()
        .select_related("provider", "report__framework")
        .order_by("report__published", "provider__name")
    )
    rows = list(rated)
    return Coverage(
        inspections=len(rows),
        ratings_recorded=sum(i.ratings_recorded for i in rows),
        ratings_possible=sum(i.report.framework.standards_per_provider for i in rows),
        overall_recorded=sum(1 for i in rows if i.overall_rating is not None),
        scores_recorded=sum(i.scores_recorded for i in rows),
        incomplete=[i for i in rows if i.ratings_recorded < i.report.framework.standards_per_provider],
    )
