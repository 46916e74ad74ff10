"""A round's tally from our data, set beside the inspectorate's published totals.

The tally is our computation (a count of the overall ratings we hold); the totals are the
inspectorate's. Where they differ, `compare_with_published` says why in words a reader can check:
an inspection of the round we do not hold, or one whose overall rating no source we hold states.
"""

from collections import Counter
from dataclasses import dataclass, field

from inspections.models import Inspection, ProviderKind
from inspections.rules import Rating

KIND_WORDS = {ProviderKind.CRC: ("CRC", "CRCs"), ProviderKind.NPS: ("NPS division", "NPS divisions")}


def plural(count, kind):
    singular, many = KIND_WORDS.get(kind, (kind, f"{kind}s"))
    return f"{count} {singular if count == 1 else many}"


@dataclass
class RoundTally:
    """What our data holds for one round, by provider kind."""

    held: Counter = field(default_factory=Counter)  # kind -> inspections held
    by_rating: dict = field(default_factory=dict)  # kind -> Counter(rating label -> n)
    unrated: list = field(default_factory=list)  # inspections held with no overall rating

    @classmethod
    def of(cls, inspections):
        tally = cls()
        for inspection in inspections:
            kind = inspection.provider.kind
            tally.held[kind] += 1
            counts = tally.by_rating.setdefault(kind, Counter())
            if inspection.overall_rating is None:
                tally.unrated.append(inspection)
            else:
                counts[Rating(inspection.overall_rating).label] += 1
        return tally


def compare_with_published(published, expected, tally):
    """Sentences on every difference between the inspectorate's totals and our tally; empty when
    they agree. `published` and `expected` are a round's published_totals and expected_inspections."""
    gaps = []
    for kind in sorted(set(expected) | set(published)):
        held = tally.held.get(kind, 0)
        if kind in expected and held < expected[kind]:
            gaps.append(
                f"The inspectorate counts {plural(expected[kind], kind)} inspected in this round; our data holds "
                f"{held}, so {expected[kind] - held} {'is' if expected[kind] - held == 1 else 'are'} not in our data."
            )
        ours = tally.by_rating.get(kind, Counter())
        for rating in reversed(Rating):
            stated = published.get(kind, {}).get(rating.label)
            if stated is not None and stated != ours[rating.label]:
                gaps.append(
                    f"The inspectorate rated {plural(stated, kind)} {rating.label}; our data records {ours[rating.label]}."
                )
    for inspection in tally.unrated:
        note = (inspection.overall_rating_note or "no source we hold states it").rstrip(".")
        gaps.append(f"{inspection}: no overall rating recorded ({note}).")
    return gaps


def round_inspections(rounds):
    """The inspections of the given rounds, in one query."""
    return (
        Inspection.objects.filter(report__round__in=rounds)
        .select_related("provider", "report", "owner")
        .order_by("report__published", "provider__name")
    )
