"""The inspectorate's rating rules as pure functions (no database access).

Source and status of the rules: see docs/methodology.md, "The rating rules (2018 standards framework)". The four-point scale and a rating per standard plus an overall rating are confirmed
by HM Inspectorate of Probation ("Our standards and ratings"). The points (Outstanding 3, Good 2,
Requires improvement 1, Inadequate 0), the overall bands (0-5, 6-15, 16-25, 26-30) and the
key-question bands (<50, 50-64, 65-79, >=80 per cent) are as commonly described and consistent
with every published result we checked, but not yet confirmed word for word from the
inspectorate's guidance manual. That is why the parameters are data on each Framework row
(see RuleSet.from_framework_data) and never literals in this module: a confirmed correction or a
new framework (the 27-point PDU scale from 2021) changes data, not code.

Inspectors may depart from the rule using professional discretion. These functions say what the
rule gives and why; they never replace a published rating.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models


class Rating(models.IntegerChoices):
    """The inspectorate's four-point scale, ordered so that a higher value is a better rating."""

    INADEQUATE = 0, "Inadequate"
    REQUIRES_IMPROVEMENT = 1, "Requires improvement"
    GOOD = 2, "Good"
    OUTSTANDING = 3, "Outstanding"

    @classmethod
    def from_label(cls, label):
        wanted = " ".join(str(label).split()).lower()
        for rating in cls:
            if rating.label.lower() == wanted:
                return rating
        raise ValueError(f"unknown rating {label!r}; expected one of: {', '.join(cls.labels)}")

    @classmethod
    def label_of(cls, value, missing=None):
        """The label of a stored rating value; `missing` where no rating is recorded."""
        return cls(value).label if value is not None else missing

    def is_worse_than(self, other):
        return self.value < Rating(other).value


@dataclass(frozen=True)
class Band:
    minimum: Decimal
    rating: Rating


@dataclass(frozen=True)
class RuleSet:
    points: dict  # Rating -> points
    overall_bands: tuple  # of Band, ascending by minimum
    key_question_bands: tuple  # of Band, ascending by minimum (percentages)

    @classmethod
    def from_framework_data(cls, rating_points, overall_bands, key_question_bands):
        """Build from the JSON kept on a Framework: points keyed by rating label, bands as
        [minimum, rating label] pairs."""
        if not rating_points or not overall_bands:
            raise ValueError("this framework has no rating rules")
        points = {Rating.from_label(label): int(value) for label, value in rating_points.items()}
        return cls(
            points=points,
            overall_bands=_bands(overall_bands),
            key_question_bands=_bands(key_question_bands or []),
        )

    def band_for_total(self, total):
        return _band_for(Decimal(total), self.overall_bands, "total score")

    def band_for_percent(self, percent):
        percent = Decimal(str(percent))
        if not Decimal(0) <= percent <= Decimal(100):
            raise ValueError(f"a percentage must be between 0 and 100, not {percent}")
        return _band_for(percent, self.key_question_bands, "percentage")


def _bands(pairs):
    bands = tuple(Band(Decimal(str(minimum)), Rating.from_label(label)) for minimum, label in pairs)
    minimums = [band.minimum for band in bands]
    if minimums != sorted(minimums) or len(set(minimums)) != len(minimums):
        raise ValueError("rating bands must be listed with strictly increasing minimums")
    return bands


def _band_for(value, bands, what):
    if not bands:
        raise ValueError(f"no bands are defined for a {what}")
    chosen = None
    for band in bands:
        if value >= band.minimum:
            chosen = band
    if chosen is None:
        raise ValueError(f"{what} {value} is below the lowest band ({bands[0].minimum})")
    return chosen.rating


@dataclass(frozen=True)
class Derivation:
    """What the rule gives, and a sentence saying why."""

    rating: Rating
    reason: str


def derive_standard_rating(standard_name, scores, rules, expected_questions):
    """A case-supervision standard follows its lowest key-question score.

    `scores` is a list of (question text, percentage). Returns None when fewer than
    `expected_questions` scores are known: an unrecorded lower score could decide the band.
    """
    if not scores or len(scores) < expected_questions:
        return None
    question, percent = min(scores, key=lambda item: Decimal(str(item[1])))
    rating = rules.band_for_percent(percent)
    return Derivation(
        rating=rating,
        reason=(
            f"{standard_name}: {rating.label}, because its lowest key-question score, "
            f"'{question}', was {_percent(percent)}, {_band_phrase(percent, rules.key_question_bands)}."
        ),
    )


def _percent(percent):
    return f"{Decimal(str(percent)).normalize():f}%"


def _band_phrase(value, bands):
    value = Decimal(str(value))
    for index, band in enumerate(bands):
        upper = bands[index + 1].minimum if index + 1 < len(bands) else None
        if value >= band.minimum and (upper is None or value < upper):
            if upper is None:
                return f"at or above {band.minimum.normalize():f}%"
            if index == 0:
                return f"below {upper.normalize():f}%"
            return f"in the {band.minimum.normalize():f}-{(upper - 1).normalize():f}% band"
    return "outside every band"


@dataclass(frozen=True)
class Score:
    total: int
    maximum: int
    counted: int


def total_score(ratings, rules):
    """Sum of points over the ratings given (None entries are skipped and not counted)."""
    known = [Rating(rating) for rating in ratings if rating is not None]
    best = max(rules.points.values())
    return Score(
        total=sum(rules.points[rating] for rating in known),
        maximum=best * len(known),
        counted=len(known),
    )


def derive_overall_rating(ratings, rules, expected_standards):
    """The overall rating is the band of the sum of points over every standard.

    Returns None unless all `expected_standards` ratings are known: a missing standard could
    move the total across a band edge.
    """
    known = [rating for rating in ratings if rating is not None]
    if len(known) < expected_standards:
        return None
    score = total_score(known, rules)
    rating = rules.band_for_total(score.total)
    low, high = _total_range(rating, rules, maximum=max(rules.points.values()) * expected_standards)
    return Derivation(
        rating=rating,
        reason=(
            f"Overall: {rating.label}, because the {score.counted} standard ratings score "
            f"{score.total} of {score.maximum} points ({low}-{high} gives {rating.label})."
        ),
    )


def _total_range(rating, rules, maximum):
    bands = rules.overall_bands
    for index, band in enumerate(bands):
        if band.rating == rating:
            upper = bands[index + 1].minimum - 1 if index + 1 < len(bands) else maximum
            return int(band.minimum), int(upper)
    return 0, maximum  # pragma: no cover - every band's rating is in the list


@dataclass(frozen=True)
class Disagreement:
    subject: str
    published: Rating
    derived: Rating
    reason: str

    def __str__(self):
        return f"{self.subject}: published {self.published.label}, the rule gives {self.derived.label}. {self.reason}"


def check_consistency(published, derivation, subject):
    """Compare a published rating with the rule. Returns a Disagreement or None.

    A disagreement is shown to readers, not fixed: inspectors may use professional discretion.
    """
    if published is None or derivation is None:
        return None
    published = Rating(published)
    if published == derivation.rating:
        return None
    return Disagreement(subject=subject, published=published, derived=derivation.rating, reason=derivation.reason)
