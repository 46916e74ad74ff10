"""Inspection rounds: each round's tally beside the inspectorate's published totals, the ratings
per standard within the round, and every inspection of it."""

from collections import defaultdict

from django.shortcuts import get_object_or_404

from dashboard import charts
from dashboard.caching import cached_page
from dashboard.views import rated_standards, render_page
from inspections.models import Round
from inspections.rounds import RoundTally, compare_with_published, round_inspections
from inspections.rules import Rating


def totals_rows(round_, tally):
    """One row per kind: (kind, [(rating label, ours, the inspectorate's), ...])."""
    kinds = sorted(set(tally.held) | set(round_.published_totals) | set(round_.expected_inspections))
    return [
        (
            kind,
            [
                (rating.label, tally.by_rating.get(kind, {}).get(rating.label, 0), round_.published_totals.get(kind, {}).get(rating.label))
                for rating in reversed(Rating)
            ],
            tally.held.get(kind, 0),
            round_.expected_inspections.get(kind),
        )
        for kind in kinds
    ]  # fmt: skip


@cached_page
def round_list(request):
    rounds = list(Round.objects.select_related("framework", "totals_source").order_by("position"))
    by_round = defaultdict(list)
    for inspection in round_inspections(rounds):
        by_round[inspection.report.round_id].append(inspection)
    summaries = []
    for round_ in rounds:
        tally = RoundTally.of(by_round[round_.pk])
        gaps = compare_with_published(round_.published_totals, round_.expected_inspections, tally)
        summaries.append({"round": round_, "rows": totals_rows(round_, tally), "gaps": gaps})
    return render_page(request, "dashboard/rounds.html", {"summaries": summaries, "title": "Inspection rounds"})


@cached_page
def round_detail(request, slug):
    round_ = get_object_or_404(Round.objects.select_related("framework", "totals_source"), slug=slug)
    inspections = list(round_inspections([round_]))
    tally = RoundTally.of(inspections)
    gaps = compare_with_published(round_.published_totals, round_.expected_inspections, tally)
    chart_list = []
    if round_.framework.has_four_point_ratings:
        standards = [s for s in rated_standards() if s.framework_id == round_.framework_id]
        held = round_inspections([round_]).tally(standards)
        chart_list.append(
            charts.rating_distribution(
                "round-ratings-by-standard",
                f"Ratings by standard in the {round_.short_name} round (number of providers)",
                standards,
                held.ratings,
                held.applicable,
                f"the {held.inspections} inspections of the {round_.short_name} round we hold",
            )
        )
    return render_page(
        request,
        "dashboard/round.html",
        {
            "round": round_,
            "rows": totals_rows(round_, tally),
            "gaps": gaps,
            "inspections": inspections,
            "title": round_.name,
        },
        chart_list,
    )
