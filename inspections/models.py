"""The domain: who was inspected, under which framework, what the inspectorate published.

Absent is not a value: a rating, score or fact that no source states has no row (or a null
field), never a default. Every published value carries its source document and where in it.
Invariants live in database constraints; `clean()` repeats the few the admin must explain.
"""

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import (
    Aggregate,
    Count,
    F,
    FilteredRelation,
    Func,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from inspections import rules
from inspections.quantities import Qualifier, describe
from inspections.rules import Rating

PERCENT_RANGE = Q(percent__gte=0) & Q(percent__lte=100)


class DatePrecision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"


ISO_PARTIAL_DATE_FORMATS = {DatePrecision.DAY: "%Y-%m-%d", DatePrecision.MONTH: "%Y-%m", DatePrecision.YEAR: "%Y"}


def iso_partial_date(value, precision):
    """A date to the precision the source states it, for machines: "2020-06" for June 2020."""
    return value.strftime(ISO_PARTIAL_DATE_FORMATS[precision]) if value else None


def format_partial_date(value, precision):
    """A date to the precision the source states it, for people: "June 2020"."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%B %Y}"
    return f"{value.day} {value:%B %Y}"


def related(obj, name):
    """The related object, or None when unset; admin inlines validate against an unsaved parent."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def partial_date_constraints(field, prefix):
    """A month-precise date is stored as the 1st of the month, a year-precise one as 1 January."""
    precision = f"{field}_precision"
    return [
        models.CheckConstraint(
            name=f"{prefix}_{field}_precision_set",
            condition=Q(**{f"{field}__isnull": True, precision: ""})
            | (Q(**{f"{field}__isnull": False}) & ~Q(**{precision: ""})),
        ),
        models.CheckConstraint(
            name=f"{prefix}_{field}_month_is_first_day",
            condition=~Q(**{precision: DatePrecision.MONTH}) | Q(**{f"{field}__day": 1}),
        ),
        models.CheckConstraint(
            name=f"{prefix}_{field}_year_is_first_january",
            condition=~Q(**{precision: DatePrecision.YEAR}) | Q(**{f"{field}__day": 1, f"{field}__month": 1}),
        ),
    ]


class ProviderKind(models.TextChoices):
    CRC = "CRC", "Community Rehabilitation Company"
    NPS = "NPS", "National Probation Service division"

    @property
    def plural(self):
        # Not label + "s": "Companies", not "Companys".
        return {"CRC": "Community Rehabilitation Companies", "NPS": "National Probation Service divisions"}[self.value]


class SourceDocument(models.Model):
    """A document a value was read from: a report, press release, news item or written answer."""

    class Kind(models.TextChoices):
        REPORT = "report", "Inspection report (HMI Probation)"
        PRESS_RELEASE = "press_release", "Press release (HMI Probation)"
        PARLIAMENT = "parliament", "Parliamentary written answer"
        BLOG = "blog", "Blog"
        NEWS = "news", "News report"
        COMPANY = "company", "Company statement"
        REPORT_COPY = "report_copy", "Third-party copy of a report"

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=400)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True, help_text="Where the document can be read, if online.")
    published = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Sourced(models.Model):
    """Provenance shared by every published value."""

    source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="+")
    location = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where in the source: section and/or page, e.g. 'Summary of ratings, p.7'.",
    )
    quote = models.TextField(blank=True, help_text="The source's own words supporting the value.")

    class Meta:
        abstract = True


class OwnerGroup(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text="Members of the group, as sources describe them.")
    is_public_sector = models.BooleanField(default=False)
    aliases = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text="Other names sources give the group itself (not its members or parents), for reading owners on import.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("dashboard:owner", args=[self.slug])


class ProviderQuerySet(models.QuerySet):
    def crcs(self):
        return self.filter(kind=ProviderKind.CRC)

    def nps_divisions(self):
        return self.filter(kind=ProviderKind.NPS)

    def matching_name(self, name):
        """Match a provider by any spelling reports use ('Cheshire & Greater Manchester', 'CGM')."""
        wanted = normalise_name(name)
        return self.filter(Q(match_names__contains=[wanted]))


def normalise_name(name):
    text = str(name).lower().replace("&", " and ")
    for word in ("community rehabilitation company", "national probation service", "division", "the "):
        text = text.replace(word, " ")
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    words = [word for word in text.split() if word not in {"crc", "nps", "and"}]
    return " ".join(words)


class Provider(models.Model):
    """A CRC or an NPS division: the organisation an inspection rates."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True, help_text="Abbreviation used in reports, e.g. CGM.")
    kind = models.CharField(max_length=3, choices=ProviderKind.choices)
    area = models.CharField(max_length=300, blank=True, help_text="The contract package area or division it covers.")
    aliases = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text="Other spellings used in reports and the press, for matching on import.",
    )
    match_names = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        editable=False,
        help_text="Normalised name, short name and aliases; kept current on save.",
    )

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        indexes = [
            # GIN so that matching_name() (array containment) uses an index.
            models.Index(name="provider_match_names_gin", fields=["match_names"], opclasses=["array_ops"])
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        names = [self.name, self.short_name, *self.aliases]
        self.match_names = sorted({normalise_name(name) for name in names if name and normalise_name(name)})
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("dashboard:provider", args=[self.slug])


class Ownership(models.Model):
    """The period an owner group held a provider (Working Links' CRCs passed to Seetec in 2019)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="ownerships")
    owner = models.ForeignKey(OwnerGroup, on_delete=models.PROTECT, related_name="ownerships")
    period = DateRangeField(help_text="From the first day held to the day after it ended; open-ended if unknown.")
    source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["provider", "period"]
        constraints = [
            # The provider id as a one-point range lets GiST compare it without the btree_gist
            # extension, which embedded PostgreSQL builds do not ship.
            ExclusionConstraint(
                name="ownership_periods_do_not_overlap",
                violation_error_message="This provider already has an owner for part of this period.",
                expressions=[
                    (Func(F("provider"), F("provider"), Value("[]"), function="int8range"), RangeOperators.OVERLAPS),
                    ("period", RangeOperators.OVERLAPS),
                ],
            ),
            models.CheckConstraint(
                name="ownership_period_has_start",
                violation_error_message="An ownership period needs a start date.",
                condition=Q(period__startswith__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.owner} owned {self.provider} ({self.period_text})"

    @property
    def period_text(self):
        start = f"{self.period.lower:%b %Y}" if self.period.lower else "?"
        end = f"{self.period.upper:%b %Y}" if self.period.upper else "closure"
        return f"{start} to {end}"


class Framework(models.Model):
    """An inspection framework: its catalogue of domains, standards, key questions, and rules.

    The rule parameters are data so that a corrected or new framework changes rows, not code.
    """

    # The framework of 2018-2021 that reports without a framework statement default to.
    STANDARDS_2018 = "standards-2018"
    QUALITY_IMPACT_2016 = "quality-impact-2016"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40)
    started = models.DateField(null=True, blank=True)
    ended = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    has_four_point_ratings = models.BooleanField(
        help_text="False for Quality & Impact (2016-18), which judged each domain in words."
    )
    standards_per_provider = models.PositiveSmallIntegerField(
        default=0, help_text="How many standards each provider is rated on (10 in the 2018 framework)."
    )
    rating_points = models.JSONField(default=dict, blank=True, help_text='e.g. {"Outstanding": 3, "Good": 2, ...}')
    overall_bands = models.JSONField(
        default=list, blank=True, help_text='Minimum total per rating: [[0, "Inadequate"], ...]'
    )
    key_question_bands = models.JSONField(
        default=list, blank=True, help_text='Minimum percentage per rating: [[0, "Inadequate"], [50, ...], ...]'
    )
    rules_status = models.TextField(blank=True, help_text="Where the rules come from and what of them is confirmed.")

    class Meta:
        ordering = ["started"]
        constraints = [
            models.CheckConstraint(
                name="framework_ends_after_start",
                violation_error_message="A framework cannot end before it starts.",
                condition=Q(ended__isnull=True) | Q(started__isnull=True) | Q(ended__gte=F("started")),
            )
        ]

    def __str__(self):
        return self.name

    def rule_set(self):
        """The RuleSet, or None for a framework without four-point ratings."""
        if not self.has_four_point_ratings or not self.rating_points:
            return None
        return rules.RuleSet.from_framework_data(self.rating_points, self.overall_bands, self.key_question_bands)

    @property
    def maximum_total_score(self):
        """The best possible total over all standards (30 in the 2018 framework); None without rules."""
        rule_set = self.rule_set()
        if rule_set is None:
            return None
        return max(rule_set.points.values()) * self.standards_per_provider

    def clean(self):
        if self.has_four_point_ratings and self.rating_points:
            try:
                self.rule_set()
            except ValueError as error:
                raise ValidationError({"rating_points": str(error)}) from error


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(max_length=10, help_text="e.g. '2' for Case supervision.")
    name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(
                name="domain_code_unique_in_framework",
                violation_error_message="This framework already has a domain with this code.",
                fields=["framework", "code"],
            )
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"


class StandardQuerySet(models.QuerySet):
    def for_kind(self, kind):
        return self.filter(Q(applies_to="") | Q(applies_to=kind))


class Standard(models.Model):
    """A rated standard (2018 framework) or a judged domain (Quality & Impact)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="standards")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="standards")
    code = models.CharField(max_length=10, help_text="As the inspectorate numbers it, e.g. '2.2'.")
    name = models.CharField(max_length=200)
    statement = models.TextField(blank=True, help_text="The standard's one-sentence statement.")
    applies_to = models.CharField(
        max_length=3, choices=ProviderKind.choices, blank=True, help_text="Blank when it applies to every provider."
    )
    rated_from_case_sample = models.BooleanField(
        default=False, help_text="True when the rating follows the key-question scores of a case sample."
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = StandardQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(
                name="standard_code_unique_in_framework",
                violation_error_message="This framework already has a standard with this code.",
                fields=["framework", "code"],
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.domain_id and self.framework_id and self.domain.framework_id != self.framework_id:
            raise ValidationError({"domain": "The domain belongs to another framework."})

    def applies_to_kind(self, kind):
        return self.applies_to in ("", kind)

    @property
    def applies_to_plural(self):
        return ProviderKind(self.applies_to).plural if self.applies_to else ""


class KeyQuestion(models.Model):
    class Focus(models.TextChoices):
        ENGAGING = "engaging", "Engaging the person on probation"
        DESISTANCE = "desistance", "Reducing offending and supporting desistance"
        SAFETY = "safety", "Keeping other people safe"
        NEED = "need", "An assessed need (Quality & Impact)"

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="key_questions")
    code = models.CharField(max_length=20, help_text="e.g. '2.2.3'.")
    text = models.CharField(max_length=400)
    focus = models.CharField(max_length=20, choices=Focus.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["standard", "position"]
        constraints = [
            models.UniqueConstraint(
                name="key_question_code_unique_in_standard",
                violation_error_message="This standard already has a key question with this code.",
                fields=["standard", "code"],
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text}"


class Round(models.Model):
    """An inspection round: the inspectorate's own grouping of one framework's reports (2018-19:
    every CRC and NPS division once; 2019-20: ten CRCs and one division before Covid-19 stopped
    fieldwork). Its published totals by overall rating are kept as the inspectorate stated them,
    so our tally can be set beside them."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="rounds")
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, help_text="As journalists say it: '2018-19'.")
    started = models.DateField(null=True, blank=True, help_text="First fieldwork or publication of the round.")
    ended = models.DateField(null=True, blank=True, help_text="Last publication of the round.")
    description = models.TextField(blank=True)
    expected_inspections = models.JSONField(
        default=dict,
        blank=True,
        help_text='Inspections the inspectorate says the round held, by kind: {"CRC": 21, "NPS": 7}.',
    )
    published_totals = models.JSONField(
        default=dict,
        blank=True,
        help_text='The inspectorate\'s own count by kind and overall rating: {"CRC": {"Good": 1, ...}, "NPS": {...}}.',
    )
    totals_source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    totals_location = models.CharField(max_length=200, blank=True)
    totals_quote = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                name="round_ends_after_start",
                violation_error_message="A round cannot end before it starts.",
                condition=Q(ended__isnull=True) | Q(started__isnull=True) | Q(ended__gte=F("started")),
            ),
            models.CheckConstraint(
                name="round_totals_have_a_source",
                violation_error_message="Published totals need the document that states them.",
                condition=Q(published_totals={}) | Q(totals_source__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("dashboard:round", args=[self.slug])


class Report(models.Model):
    """A published inspection report. One Quality & Impact report covers a CRC and an NPS division."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=400)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="reports")
    published = models.DateField(null=True, blank=True, help_text="Blank when no source states it.")
    published_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    fieldwork_start = models.DateField(null=True, blank=True)
    fieldwork_start_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    fieldwork_text = models.CharField(
        max_length=200, blank=True, help_text="Fieldwork as the source states it, e.g. 'June-August 2018 (window)'."
    )
    lead_inspector = models.CharField(max_length=200, blank=True)
    chief_inspector = models.CharField(max_length=200, blank=True)
    document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="The primary source for this report: the report itself, or the best source we hold.",
    )
    notes = models.TextField(blank=True, help_text="Caveats: what is left blank on purpose and why.")
    round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        related_name="reports",
        null=True,
        blank=True,
        help_text="The inspection round the report belongs to, where a source places it.",
    )

    class Meta:
        ordering = ["published", "title"]
        constraints = [
            *partial_date_constraints("published", "report"),
            *partial_date_constraints("fieldwork_start", "report"),
            models.CheckConstraint(
                name="report_published_after_fieldwork",
                violation_error_message="Publication cannot be before fieldwork started.",
                condition=Q(published__isnull=True)
                | Q(fieldwork_start__isnull=True)
                | Q(published__gte=F("fieldwork_start")),
            ),
        ]
        indexes = [models.Index(name="report_published", fields=["published"])]

    def __str__(self):
        return self.title

    @property
    def published_text(self):
        return format_partial_date(self.published, self.published_precision) or "date not stated"

    @property
    def when_text(self):
        """The publication date, or 'date not stated' with the round that places the report in time
        (load `round` with the report: InspectionQuerySet.with_catalogue does)."""
        if self.published or not self.round_id:
            return self.published_text
        return f"date not stated, {self.round.short_name} round"

    @property
    def sort_date(self):
        """Where the report falls in time: its date, else the start of its round, else last."""
        if self.published:
            return self.published
        if self.round_id and self.round.started:
            return self.round.started
        return datetime.date.max

    @property
    def published_iso(self):
        return iso_partial_date(self.published, self.published_precision)

    @property
    def fieldwork_start_iso(self):
        return iso_partial_date(self.fieldwork_start, self.fieldwork_start_precision)

    @property
    def fieldwork_start_text(self):
        return format_partial_date(self.fieldwork_start, self.fieldwork_start_precision) or self.fieldwork_text

    def clean(self):
        errors = {}
        for field in ("published", "fieldwork_start"):
            value, precision = getattr(self, field), getattr(self, f"{field}_precision")
            if (value is None) != (precision == ""):
                errors[f"{field}_precision"] = "Give a precision exactly when a date is given."
            elif precision == DatePrecision.MONTH and value.day != 1:
                errors[field] = "A month-precise date is stored as the 1st of the month."
            elif precision == DatePrecision.YEAR and (value.day, value.month) != (1, 1):
                errors[field] = "A year-precise date is stored as 1 January."
        if self.published and self.fieldwork_start and self.published < self.fieldwork_start:
            errors["published"] = (
                f"Publication ({self.published_text}) cannot be before fieldwork started ({self.fieldwork_start_text})."
            )
        if self.round_id and self.framework_id and self.round.framework_id != self.framework_id:
            errors["round"] = f"The round {self.round} belongs to another framework ({self.round.framework})."
        if errors:
            raise ValidationError(errors)


class JSONObjectAgg(Aggregate):
    """PostgreSQL's jsonb_object_agg(key, value): one JSON object of a group's pairs."""

    function = "jsonb_object_agg"
    output_field = models.JSONField()


# Our ranking on one standard: the published rating, then the lowest key-question score,
# unrecorded last (InspectionQuerySet.with_standard_rank and ranked_on).
LOWEST_SCORE_FIRST = F("lowest_score").desc(nulls_last=True)
STANDARD_RANK_ORDER = (F("standard_rating").desc(nulls_last=True), LOWEST_SCORE_FIRST, "provider__name", "pk")


class InspectionQuerySet(models.QuerySet):
    def with_listing(self):
        """What a list of inspections shows (provider, owner, framework, the date or the round),
        without the report's source document: each outer join the planner may reorder multiplies
        its work (a league-table page planned in 12 ms with it, under 4 ms without, at scale 1)."""
        return self.select_related("report__framework", "report__round", "provider", "owner")

    def with_catalogue(self):
        return self.with_listing().select_related("report__document")

    def with_details(self):
        details = self.with_catalogue().select_related("owner_source")  # the owner is cited on the page
        return details.prefetch_related(
            Prefetch("ratings", queryset=StandardRating.objects.select_related("standard__domain", "source")),
            Prefetch("scores", queryset=KeyQuestionScore.objects.select_related("key_question__standard", "source")),
            Prefetch("facts", queryset=Fact.objects.select_related("metric", "standard", "source")),
            Prefetch("findings", queryset=Finding.objects.select_related("domain", "standard", "source")),
            Prefetch("recommendations", queryset=Recommendation.objects.select_related("source")),
            Prefetch(
                "report__recommendations",
                queryset=Recommendation.objects.filter(inspection=None).select_related("source"),
                to_attr="joint_recommendations",
            ),
        )

    def with_assessment(self):
        """What rule_assessment() reads, in a fixed number of queries."""
        return self.with_catalogue().prefetch_related(
            "report__framework__standards__key_questions",
            Prefetch("ratings", queryset=StandardRating.objects.select_related("standard")),
            Prefetch("scores", queryset=KeyQuestionScore.objects.select_related("key_question")),
        )

    def rated_on(self, standard):
        """Inspections of providers the standard applies to (4.x for CRCs, 3.x for NPS divisions)."""
        return self.filter(provider__kind=standard.applies_to) if standard.applies_to else self

    def completeness(self):
        """How many standard ratings these inspections have recorded of those their framework rates,
        without per-row subqueries (for any number of inspections)."""
        return self.order_by().aggregate(
            possible=Sum("report__framework__standards_per_provider"),
            inspections=Count("pk"),
            recorded=Coalesce(Sum("standing__ratings_recorded"), 0),
        )

    def rating_counts(self, standards=None):
        """{(standard code, Rating): number of these inspections so rated}, for `standards` or all."""
        # Unordered: the model's ordering would join the inspection, report and provider to every row.
        ratings = StandardRating.objects.filter(
            inspection__in=self.order_by().values("pk"), rating__isnull=False
        ).order_by()
        if standards is not None:
            ratings = ratings.filter(standard__in=standards)
        return {
            (row["standard__code"], Rating(row["rating"])): row["n"]
            for row in ratings.values("standard__code", "rating").annotate(n=Count("pk"))
        }

    def tally(self, standards):
        """A Tally of these inspections, in two queries whatever their number."""
        kinds = (
            self.order_by()
            .values("provider__kind", "report__framework__standards_per_provider")
            .annotate(n=Count("pk"))
            .values_list("provider__kind", "report__framework__standards_per_provider", "n")
        )
        # By standard id (no join to the standards), unordered (the model's ordering would join the
        # inspection, report and provider to every row).
        ratings = (
            StandardRating.objects.filter(inspection__in=self.order_by().values("pk"), rating__isnull=False)
            .order_by()
            .values("standard_id", "rating")
            .annotate(n=Count("pk"))
            .values_list("standard_id", "rating", "n")
        )
        return Tally.of(standards, list(kinds), list(ratings))

    def with_completeness(self):
        return self.annotate(
            ratings_recorded=Count("ratings", filter=Q(ratings__rating__isnull=False), distinct=True),
            scores_recorded=Count("scores", distinct=True),
            facts_recorded=Count("facts", distinct=True),
        )

    def rated(self):
        return self.filter(report__framework__has_four_point_ratings=True)

    def latest_per_provider(self):
        """The most recent inspection of each provider under a rated framework (undated last, then
        the highest id): InspectionStanding.is_latest, kept by the database's triggers."""
        return self.filter(standing__is_latest=True)

    def with_rating_columns(self, standards):
        """Annotate `rating_<code>` (e.g. rating_2_2) with each standard's published rating; the
        standards of one code in two frameworks share a column."""
        ids_by_code = defaultdict(list)
        for standard in standards:
            ids_by_code[standard.code].append(standard.pk)
        annotations = {}
        for code, ids in ids_by_code.items():
            # By id, not code: no join to the standards in each row's subquery. Unordered: one
            # rating per standard per inspection, so the model's ordering would only slow it down.
            rating = (
                StandardRating.objects.filter(inspection=OuterRef("pk"), standard_id__in=ids)
                .order_by()
                .values("rating")[:1]
            )
            annotations[rating_column_name(code)] = Subquery(rating)
        return self.annotate(**annotations)

    def with_ratings_by_standard(self):
        """Annotate `ratings_by_standard`: {standard id as text: published rating or None} of each
        inspection, from one subquery (with_rating_columns runs one per standard: a league-table
        page of 50 inspections read in about half the time this way)."""
        ratings = (
            StandardRating.objects.filter(inspection=OuterRef("pk"))
            .order_by()
            .values("inspection")
            .annotate(ratings=JSONObjectAgg("standard_id", "rating"))
            .values("ratings")
        )
        return self.annotate(ratings_by_standard=Subquery(ratings, output_field=models.JSONField()))

    def with_total_score(self):
        """Annotate `total_score`: points of the published standard ratings, by the framework's
        own points table (our computation), and `ratings_recorded`; both kept by the database's
        triggers (InspectionStanding)."""
        return self.annotate(total_score=F("standing__total_score"), ratings_recorded=F("standing__ratings_recorded"))

    def with_standard_rank(self, standard):
        """Annotate `standard_rating` and `lowest_score` for one standard and order by them: our
        ranking (published rating, then the lowest key-question score; unrecorded last)."""
        rating = (
            StandardRating.objects.filter(inspection=OuterRef("pk"), standard=standard).order_by().values("rating")[:1]
        )
        lowest = (
            KeyQuestionScore.objects.filter(inspection=OuterRef("pk"), key_question__standard=standard)
            .order_by()
            .values("inspection")
            .annotate(lowest=Min("percent"))
            .values("lowest")
        )
        return self.annotate(standard_rating=Subquery(rating), lowest_score=Subquery(lowest)).order_by(
            *STANDARD_RANK_ORDER
        )

    def ranked_on(self, standard):
        """The ranking of with_standard_rank, for ranking every inspection of a framework: the
        rating and the scores joined and grouped once, not two subqueries run for each inspection
        (the narrow ranking of 6,039 inspections at 100x: 57 -> 32 ms)."""
        ranked = self.annotate(
            rated=FilteredRelation("ratings", condition=Q(ratings__standard=standard)),
            standard_rating=F("rated__rating"),
        )
        key_questions = [question.pk for question in standard.key_questions.all()]
        if key_questions:
            scored = FilteredRelation("scores", condition=Q(scores__key_question_id__in=key_questions))
            return ranked.annotate(scored=scored, lowest_score=Min("scored__percent")).order_by(*STANDARD_RANK_ORDER)
        # No key questions, so no scores (and an empty IN list would match no inspection at all).
        ranked = ranked.annotate(lowest_score=Value(None, output_field=models.DecimalField()))
        return ranked.order_by(*(key for key in STANDARD_RANK_ORDER if key != LOWEST_SCORE_FIRST))

    def for_league_table(self, standards):
        """The league table's rows: a column per standard, the score; the downloads add the source
        document (`with_catalogue`)."""
        return self.with_listing().with_rating_columns(standards).with_total_score()


@dataclass(frozen=True)
class Tally:
    """Counts over a set of inspections (InspectionQuerySet.tally)."""

    inspections: int
    possible: int  # standard ratings their frameworks rate, in all
    recorded: int  # standard ratings recorded
    applicable: dict  # {standard code: how many of the inspections the standard applies to}
    ratings: dict  # {(standard code, Rating): how many of the inspections so rated}

    @classmethod
    def of(cls, standards, kinds, ratings):
        """From (provider kind, standards per provider, number of inspections) rows and (standard
        id, rating, number recorded) rows; `ratings` keeps the standards given."""
        by_kind = Counter()
        for kind, _per_provider, n in kinds:
            by_kind[kind] += n
        code_of = {standard.pk: standard.code for standard in standards}
        counts = Counter()
        for standard_id, rating, n in ratings:
            if standard_id in code_of:
                counts[(code_of[standard_id], Rating(rating))] += n
        return cls(
            inspections=sum(by_kind.values()),
            possible=sum((per_provider or 0) * n for _kind, per_provider, n in kinds),
            recorded=sum(n for _standard, _rating, n in ratings),
            applicable={s.code: sum(n for kind, n in by_kind.items() if s.applies_to_kind(kind)) for s in standards},
            ratings=dict(counts),
        )

    def completeness(self):
        """As InspectionQuerySet.completeness() says it."""
        return {"recorded": self.recorded, "possible": self.possible, "inspections": self.inspections}


def standard_ids_by_code(standards):
    """{code: ids of the standards of that code}: one league-table column per code, whatever the
    framework (with_rating_columns, LeagueTable.page_records)."""
    ids_by_code = defaultdict(list)
    for standard in standards:
        ids_by_code[standard.code].append(standard.pk)
    return ids_by_code


def rating_column_name(code):
    return "rating_" + code.replace(".", "_")


class Inspection(Sourced):
    """One provider's inspection within a report, with its overall rating.

    `source`/`location`/`quote` give the provenance of the overall rating.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="inspections")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="inspections")
    owner = models.ForeignKey(
        OwnerGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        help_text="The owner at the time, as a source states it; blank if no source we hold names it.",
    )
    owner_text = models.CharField(max_length=300, blank=True, help_text="The owner as the source words it.")
    # The evidence of the owner, kept as `source`/`location`/`quote` keep the overall rating's (blank: the
    # owner was typed with the bundled data, before owners were imported with their source).
    owner_source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    owner_location = models.CharField(max_length=200, blank=True, help_text="Where in the owner's source.")
    owner_quote = models.TextField(blank=True, help_text="The owner's source's own words stating it.")
    overall_rating = models.PositiveSmallIntegerField(
        choices=Rating.choices, null=True, blank=True, help_text="Blank when no source states it."
    )
    overall_rating_note = models.TextField(
        blank=True,
        help_text="Where no overall rating is recorded: what the public record says instead, citing it "
        "(e.g. 'Not given: the inspection was cut short by the Covid-19 lockdown (BBC News, July 2020)').",
    )
    summary = models.TextField(blank=True, help_text="Overall findings in the report's words.")
    case_sample_size = models.PositiveIntegerField(null=True, blank=True, help_text="Cases inspected, where stated.")
    notes = models.TextField(blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["report__published", "provider__name"]
        constraints = [
            models.UniqueConstraint(
                name="inspection_one_per_provider_per_report",
                violation_error_message="This report already has an inspection of this provider.",
                fields=["report", "provider"],
            ),
            models.CheckConstraint(
                name="inspection_overall_rating_on_scale",
                violation_error_message="The overall rating must be on the four-point scale.",
                condition=Q(overall_rating__isnull=True) | Q(overall_rating__gte=0, overall_rating__lte=3),
            ),
        ]

    def __str__(self):
        return f"{self.provider} ({self.report.published_text})"

    def get_absolute_url(self):
        return reverse("dashboard:inspection", args=[self.pk])

    @property
    def heading(self):
        """'Provider, date' as page and chart titles name it; an undated report by its round."""
        return f"{self.provider.name}, {self.report.when_text}"

    def chart_title(self, what):
        """The title of a chart about this inspection: 'Provider, inspection April 2019: what'."""
        return f"{self.provider.name}, inspection {self.report.when_text}: {what}"

    @property
    def framework(self):
        return self.report.framework

    @property
    def overall(self):
        return Rating(self.overall_rating) if self.overall_rating is not None else None

    @property
    def overall_text(self):
        """The overall rating in words; without one, what the record says instead."""
        if self.overall_rating is not None:
            return self.overall.label
        return self.overall_rating_note or "not published in any source we hold"

    def clean(self):
        errors = {}
        report = related(self, "report")
        if self.overall_rating is not None and report and not report.framework.has_four_point_ratings:
            errors["overall_rating"] = f"{report.framework} gives no four-point rating; leave it blank."
        if self.overall_rating is not None and not self.source_id:
            errors["source"] = "Say where the overall rating was published."
        if errors:
            raise ValidationError(errors)

    def applicable_standards(self):
        return [
            standard
            for standard in self.report.framework.standards.all()
            if standard.applies_to_kind(self.provider.kind)
        ]

    def rule_assessment(self):
        """What the rules give for this inspection (our computation, not the inspectorate's).

        Computed once per loaded object, from prefetched rows where the queryset prefetched them
        (InspectionQuerySet.with_details); reload the object to see later changes.
        """
        if not hasattr(self, "_rule_assessment"):
            self._rule_assessment = InspectionAssessment(self)
        return self._rule_assessment


@dataclass(frozen=True)
class StandardAssessment:
    """One standard of one inspection: its published rating, what the rule gives, and whether they differ."""

    standard: "Standard"
    published: "StandardRating | None"
    derivation: "rules.Derivation | None"
    disagreement: str | None

    @property
    def explanation(self):
        if self.derivation is None:
            return "Not derivable: key-question scores missing or not a case-sample standard."
        return self.derivation.reason


class InspectionAssessment:
    """The rule-derived ratings of one inspection and every disagreement with published ones.

    `standards` maps each applicable standard's id to its StandardAssessment, in framework order.
    """

    def __init__(self, inspection):
        self.inspection = inspection
        framework = inspection.report.framework
        self.rule_set = framework.rule_set()
        self.standards = {}
        self.overall = None
        self.disagreements = []
        if self.rule_set is None:
            return
        ratings = {rating.standard_id: rating for rating in inspection.ratings.all()}
        scores_by_standard = {}
        for score in inspection.scores.all():
            scores_by_standard.setdefault(score.key_question.standard_id, []).append(score)
        applicable = inspection.applicable_standards()
        for standard in applicable:
            published = ratings.get(standard.id)
            derivation = None
            if standard.rated_from_case_sample:
                scores = scores_by_standard.get(standard.id, [])
                expected = len(standard.key_questions.all())
                derivation = rules.derive_standard_rating(
                    standard.name, [(s.key_question.text, s.percent) for s in scores], self.rule_set, expected
                )
            published_rating = published.rating if published else None
            disagreement = rules.check_consistency(published_rating, derivation, str(standard))
            self.standards[standard.id] = StandardAssessment(standard, published, derivation, disagreement)
            if disagreement:
                self.disagreements.append(disagreement)
        published_ratings = [ratings[s.id].rating if s.id in ratings else None for s in applicable]
        self.score = rules.total_score(published_ratings, self.rule_set)
        self.overall = rules.derive_overall_rating(
            published_ratings, self.rule_set, framework.standards_per_provider or len(applicable)
        )
        disagreement = rules.check_consistency(inspection.overall_rating, self.overall, "Overall rating")
        if disagreement:
            self.disagreements.append(disagreement)


class StandardRating(Sourced):
    """A standard's published rating (2018 framework) or domain judgement in words (Q&I)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="ratings")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="ratings")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    judgement = models.TextField(blank=True, help_text="The judgement in the report's words (Quality & Impact).")
    narrative = models.TextField(blank=True, help_text="The report's narrative for this standard.")
    discretion_note = models.TextField(
        blank=True, help_text="Where the report says inspectors departed from the rule, their words."
    )

    class Meta:
        ordering = ["inspection", "standard__position"]
        constraints = [
            models.UniqueConstraint(
                name="rating_one_per_standard_per_inspection",
                violation_error_message="This inspection already has a rating for this standard.",
                fields=["inspection", "standard"],
            ),
            models.CheckConstraint(
                name="rating_on_scale",
                violation_error_message="A rating must be on the four-point scale.",
                condition=Q(rating__isnull=True) | Q(rating__gte=0, rating__lte=3),
            ),
            models.CheckConstraint(
                name="rating_or_judgement_given",
                violation_error_message="Give a rating or the report's judgement.",
                condition=Q(rating__isnull=False) | ~Q(judgement=""),
            ),
        ]
        indexes = [models.Index(name="rating_standard_rating", fields=["standard", "rating"])]

    def __str__(self):
        return f"{self.standard}: {self.get_rating_display() or self.judgement[:60]}"

    def clean(self):
        errors = {}
        inspection, standard = related(self, "inspection"), related(self, "standard")
        report = related(inspection, "report") if inspection else None
        if standard is None or report is None:
            return
        if standard.framework_id != report.framework_id:
            errors["standard"] = (
                f"{standard} belongs to {standard.framework}, but this inspection is under {report.framework}."
            )
        elif not standard.applies_to_kind(inspection.provider.kind):
            errors["standard"] = f"{standard} applies to {standard.get_applies_to_display()}s only."
        if self.rating is not None and not report.framework.has_four_point_ratings:
            errors["rating"] = f"{report.framework} gives judgements in words, not four-point ratings."
        if self.rating is None and not self.judgement:
            errors["rating"] = "Give a rating or the report's judgement."
        if errors:
            raise ValidationError(errors)


class KeyQuestionScore(Sourced):
    """The share of sampled cases judged sufficient on a key question."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="scores")
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="scores")
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Share of sampled cases judged sufficient, 0-100.",
    )
    cases_sufficient = models.PositiveIntegerField(null=True, blank=True)
    cases_total = models.PositiveIntegerField(null=True, blank=True, help_text="Cases the percentage is of, if known.")

    class Meta:
        ordering = ["inspection", "key_question__standard__position", "key_question__position"]
        constraints = [
            models.UniqueConstraint(
                name="score_one_per_key_question_per_inspection",
                violation_error_message="This inspection already has a score for this key question.",
                fields=["inspection", "key_question"],
            ),
            models.CheckConstraint(
                name="score_percent_0_100",
                violation_error_message="A percentage must be between 0 and 100.",
                condition=PERCENT_RANGE,
            ),
            models.CheckConstraint(
                name="score_cases_within_total",
                violation_error_message="Cases judged sufficient cannot exceed the cases inspected.",
                condition=Q(cases_sufficient__isnull=True)
                | Q(cases_total__isnull=True)
                | Q(cases_sufficient__lte=F("cases_total")),
            ),
        ]

    def __str__(self):
        return f"{self.key_question}: {self.percent}%"

    def clean(self):
        if self.percent is not None and not 0 <= self.percent <= 100:
            raise ValidationError({"percent": f"A percentage must be between 0 and 100, not {self.percent}."})
        inspection, question = related(self, "inspection"), related(self, "key_question")
        report = related(inspection, "report") if inspection else None
        if question and report and question.standard.framework_id != report.framework_id:
            raise ValidationError(
                {"key_question": f"{question} belongs to {question.standard.framework}, not to {report.framework}."}
            )


class Metric(models.Model):
    """The catalogue of contextual facts (individuals supervised, proven reoffending, ...)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200, unique=True)
    unit = models.CharField(max_length=40, blank=True, help_text="'%' for percentages, 'people', 'cases', ...")
    description = models.TextField(blank=True)
    higher_is_better = models.BooleanField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Fact(Sourced):
    """A contextual figure as a source states it, with its national figure and target if given.

    It belongs to an inspection where it was published with one; otherwise to a provider or to
    a wider subject ('England & Wales', 'All CRCs').
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="facts", null=True, blank=True)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="facts", null=True, blank=True)
    subject = models.CharField(max_length=200, blank=True, help_text="For facts about no single provider.")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="facts")
    standard = models.ForeignKey(
        Standard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facts",
        help_text="For case-sample figures quoted in the press: the standard they speak to.",
    )
    label = models.CharField(max_length=400, help_text="What the figure is, in the source's words.")
    value_text = models.CharField(max_length=200, help_text="The figure verbatim, e.g. 'more than 6,500'.")
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=60, blank=True)
    period = models.CharField(max_length=200, blank=True, help_text="The period or date the figure describes.")
    national_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    national_text = models.CharField(max_length=200, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target_text = models.CharField(max_length=200, blank=True)
    comparator_label = models.CharField(max_length=200, blank=True, help_text="Any other comparison the source makes.")
    comparator_text = models.CharField(max_length=300, blank=True)
    is_inverse = models.BooleanField(
        default=False, help_text="The figure counts cases that were NOT sufficient (press wording)."
    )
    position = models.PositiveSmallIntegerField(default=0)

    # The figure and what it is compared with, in the order the loader and the download list them.
    FIGURE_FIELDS = [
        "label",
        "value_text",
        "qualifier",
        "value",
        "unit",
        "period",
        "national_text",
        "national_value",
        "target_text",
        "target_value",
    ]

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                name="fact_has_subject",
                violation_error_message="Attach the fact to an inspection or a provider, or name its subject.",
                condition=Q(inspection__isnull=False) | Q(provider__isnull=False) | ~Q(subject=""),
            ),
            models.CheckConstraint(
                name="fact_number_has_qualifier",
                violation_error_message="Say how the source states the number (exactly, about, more than, ...).",
                condition=Q(value__isnull=True) | ~Q(qualifier=""),
            ),
            models.CheckConstraint(
                name="fact_percentages_0_100",
                violation_error_message="A percentage must be between 0 and 100.",
                condition=~Q(unit="%")
                | (
                    (Q(value__isnull=True) | Q(value__gte=0, value__lte=100))
                    & (Q(national_value__isnull=True) | Q(national_value__gte=0, national_value__lte=100))
                    & (Q(target_value__isnull=True) | Q(target_value__gte=0, target_value__lte=100))
                ),
            ),
        ]
        indexes = [models.Index(name="fact_metric", fields=["metric", "inspection"])]

    def __str__(self):
        return f"{self.label}: {self.value_text}"

    @property
    def value_display(self):
        return describe(self.qualifier, self.value, self.unit) or self.value_text

    def clean(self):
        errors = {}
        if not (related(self, "inspection") or self.provider_id or self.subject):
            errors["subject"] = "Attach the fact to an inspection or a provider, or name its subject."
        if self.value is not None and not self.qualifier:
            errors["qualifier"] = "Say how the source states the number (exactly, about, more than, ...)."
        if self.unit == "%":
            for field in ("value", "national_value", "target_value"):
                number = getattr(self, field)
                if number is not None and not 0 <= number <= 100:
                    errors[field] = f"A percentage must be between 0 and 100, not {number}."
        if errors:
            raise ValidationError(errors)


class Finding(Sourced):
    """A strength, area for improvement, key finding, enabler or barrier, in the report's words."""

    class Kind(models.TextChoices):
        KEY_FINDING = "key_finding", "Key finding"
        STRENGTH = "strength", "Strength"
        AREA_FOR_IMPROVEMENT = "improvement", "Area for improvement"
        ENABLER = "enabler", "Enabler"
        BARRIER = "barrier", "Barrier"
        JOINT_JUDGEMENT = "joint", "Working together (CRC and NPS)"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="findings")
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.CASCADE,
        related_name="findings",
        null=True,
        blank=True,
        help_text="Blank when the finding is about the providers of the report together.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="findings")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, null=True, blank=True, related_name="findings")
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report", "position"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:80]}"

    def clean(self):
        if self.inspection_id and self.report_id and self.inspection.report_id != self.report_id:
            raise ValidationError({"inspection": "The inspection belongs to another report."})
        if self.standard_id and self.domain_id and self.standard.domain_id != self.domain_id:
            raise ValidationError({"standard": "The standard is not in the chosen domain."})


class Recommendation(Sourced):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="recommendations")
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recommendations",
        help_text="The inspection whose provider (or owner) it addresses; blank when it addresses the CRC and NPS together.",
    )
    number = models.PositiveSmallIntegerField()
    addressee = models.CharField(max_length=300, help_text="Whom the report addresses, in its words.")
    text = models.TextField()
    standards = models.ManyToManyField(
        Standard,
        blank=True,
        related_name="recommendations",
        help_text="Standards the recommendation concerns, as assigned by editors (the report does not say).",
    )

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(
                name="recommendation_number_unique_in_report",
                violation_error_message="This report already has a recommendation with this number.",
                fields=["report", "number"],
            ),
            models.CheckConstraint(
                name="recommendation_number_positive",
                violation_error_message="Recommendations are numbered from 1.",
                condition=Q(number__gte=1),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"

    def clean(self):
        if self.inspection_id and self.report_id and self.inspection.report_id != self.report_id:
            raise ValidationError({"inspection": "The inspection belongs to another report."})


class ReportTable(Sourced):
    """A table printed in a report (caseloads by cluster, referrals, ...), kept as the report gives it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="tables")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="tables")
    number = models.CharField(max_length=20, help_text="The report's table number, e.g. '2'.")
    title = models.CharField(max_length=400)
    columns = ArrayField(models.CharField(max_length=300))
    rows = models.JSONField(help_text="A list of rows, each a list of cell texts as printed.")
    note = models.TextField(blank=True, help_text="Information source and date as the report states them.")

    class Meta:
        ordering = ["report", "id"]
        constraints = [
            models.UniqueConstraint(
                name="table_number_unique_in_report",
                violation_error_message="This report already has a table with this number.",
                fields=["report", "number"],
            ),
        ]

    def __str__(self):
        return f"Table {self.number}: {self.title}"


class BundleBaseline(models.Model):
    """What the bundled files last wrote to one row, field by field: the loader's memory, so that a
    later load applies a newer bundle's values but keeps a value an editor or an import changed
    since (a three-way comparison: file, database, this baseline). Bookkeeping, not data."""

    key = models.CharField(max_length=64, unique=True, help_text="sha256 of natural_key.")
    natural_key = models.TextField()
    values = models.JSONField(default=dict)

    def __str__(self):
        return self.natural_key


class DataVersion(models.Model):
    """When the data last changed. PostgreSQL triggers on every data table (admin, import, loader,
    even raw SQL or a restore) advance the sequence `inspections_data_version` and stamp this
    row, so caches keyed on the sequence are never stale (migrations 0003 and 0004)."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"data version {self.version}"

    @classmethod
    def current(cls):
        """(version, changed_at), in one query."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_value, (SELECT changed_at FROM inspections_dataversion WHERE id = 1)"
                " FROM inspections_data_version"
            )
            return cursor.fetchone()


class SearchEntry(models.Model):
    """One passage of report text, ready for full-text search (inspections/search.py).

    The table belongs to PostgreSQL: triggers on every table whose text or headings feed it
    rebuild the entries of the affected reports in the same statement (migration 0005), so the
    index is current after an admin edit, an import, the loader or raw SQL. Django never writes
    it, hence no database foreign keys (a delete's cascade is the triggers' job too).
    """

    class Kind(models.TextChoices):
        FINDING = "finding", "Finding"
        RECOMMENDATION = "recommendation", "Recommendation"
        STANDARD = "standard", "Standard narrative or judgement"
        SUMMARY = "summary", "Summary"
        TABLE = "table", "Table"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    source_id = models.BigIntegerField(help_text="The id of the finding, recommendation, ... in its own table.")
    report = models.ForeignKey(Report, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    inspection = models.ForeignKey(
        Inspection, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    link_inspection = models.ForeignKey(
        Inspection,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        help_text="The inspection page that shows the passage (the report's first one for joint text).",
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    owner = models.ForeignKey(OwnerGroup, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+")
    standard = models.ForeignKey(
        Standard, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    framework = models.ForeignKey(Framework, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    year = models.PositiveSmallIntegerField(null=True)
    heading = models.TextField()
    body = models.TextField()
    document = models.GeneratedField(
        expression=SearchVector("heading", config="english", weight="A")
        + SearchVector("body", config="english", weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # Unstemmed words, for prefix queries: 'rehabilitat*' must find 'rehabilitation', whose
    # English stem ('rehabilit') is shorter than the prefix.
    words = models.GeneratedField(
        expression=SearchVector("heading", "body", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(name="search_entry_one_per_passage", fields=["kind", "source_id"]),
        ]
        indexes = [
            GinIndex(name="search_entry_document", fields=["document"]),
            GinIndex(name="search_entry_words", fields=["words"]),
            models.Index(name="search_entry_report", fields=["report"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.heading}"

    def get_absolute_url(self):
        if self.kind == self.Kind.STANDARD and self.standard_id and self.link_inspection_id:
            return reverse("dashboard:inspection_standard", args=[self.link_inspection_id, self.standard.code])
        anchors = {
            self.Kind.FINDING: f"finding-{self.source_id}",
            self.Kind.RECOMMENDATION: f"recommendation-{self.source_id}",
            self.Kind.SUMMARY: "summary-text-heading",
            self.Kind.TABLE: f"report-table-{self.source_id}",
        }
        if self.link_inspection_id is None:
            return ""
        return reverse("dashboard:inspection", args=[self.link_inspection_id]) + "#" + anchors.get(self.kind, "")


class InspectionStanding(models.Model):
    """What the league table ranks by, for one inspection: whether it is its provider's latest
    rated inspection and its score (our computation, not the inspectorate's).

    The table belongs to PostgreSQL, as SearchEntry does: statement-level triggers on inspections,
    standard ratings, reports and frameworks recompute the rows of every provider a statement
    touched (migration 0009), so the values are current after an admin edit, an import, the loader
    or raw SQL. Django never writes it. The rules are those of InspectionQuerySet.latest_per_provider
    and with_total_score: the most recent report (undated last, then the highest id) among the
    provider's inspections under a framework with four-point ratings; the points of each recorded
    rating by the framework's own `rating_points`.
    """

    inspection = models.OneToOneField(
        Inspection, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="standing"
    )
    provider = models.ForeignKey(Provider, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    is_latest = models.BooleanField(help_text="The provider's most recent inspection under a rated framework.")
    total_score = models.IntegerField(null=True, help_text="Points of the recorded ratings; empty without any.")
    ratings_recorded = models.IntegerField(help_text="Standard ratings recorded (the standards counted in the score).")

    class Meta:
        indexes = [models.Index(name="standing_provider", fields=["provider"])]

    def __str__(self):
        return f"{self.inspection_id}: latest {self.is_latest}, score {self.total_score}"


class Correction(models.Model):
    """An editor's change to a published inspection, with their reason: the public changelog
    and the Atom feed are built from these (the admin asks for the reason on every change)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.SET_NULL, null=True, related_name="corrections")
    inspection_label = models.CharField(max_length=400, help_text="The inspection as it was named at the time.")
    made_at = models.DateTimeField(auto_now_add=True)
    editor = models.CharField(max_length=150, blank=True)
    reason = models.TextField()
    changes = models.TextField(help_text="What changed, as the admin's history records it.")

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(name="correction_made_at", fields=["made_at"])]

    def __str__(self):
        return f"{self.inspection_label}: {self.reason[:60]}"

    def changed_values(self):
        """[CorrectionLine(what, old, new, note)], one per line of `changes`.

        Imports and the admin write each changed value as `what: 'old' -> 'new'` (the import
        adds ` (imported from FILE)`); a line in another form (an older admin change message) is
        kept whole in `what`, with no old or new value.
        """
        lines = []
        for line in self.changes.splitlines():
            match = CHANGE_LINE.match(line.strip())
            if match:
                lines.append(CorrectionLine(match["what"], match["old"], match["new"], match["note"] or ""))
            elif line.strip():
                lines.append(CorrectionLine(line.strip(), None, None, ""))
        return lines

    def in_words(self):
        """The changes as sentences: '2.2 Planning rating: Rating changed from Inadequate to Good.'"""
        return " ".join(line.in_words() for line in self.changed_values())

    @staticmethod
    def change_line(what, old, new):
        """One changed value as `changes` records it: on one line, long text shortened."""
        return f"{what}: '{one_line(old)}' -> '{one_line(new)}'"


CHANGE_LINE = re.compile(r"^(?P<what>.+?): '(?P<old>.*)' -> '(?P<new>.*)'(?: \((?P<note>imported from .+)\))?$")


@dataclass(frozen=True)
class CorrectionLine:
    what: str
    old: str | None
    new: str | None
    note: str

    def in_words(self):
        if self.old is None:
            return self.what if self.what.endswith(".") else f"{self.what}."
        old, new = blank_if_none(self.old), blank_if_none(self.new)
        if not old:
            sentence = f"{self.what} set to {new}"
        elif not new:
            sentence = f"{self.what} cleared (was {old})"
        else:
            sentence = f"{self.what} changed from {old} to {new}"
        return f"{sentence} ({self.note})." if self.note else f"{sentence}."

    @property
    def old_shown(self):
        return blank_if_none(self.old) or "blank"

    @property
    def new_shown(self):
        return blank_if_none(self.new) or "blank"


def blank_if_none(value):
    return "" if value in (None, "None") else value


def one_line(value, limit=300):
    text = " ".join(str("" if value is None else value).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


class DataRelease(models.Model):
    """A frozen, citable copy of every dataset, cut by an editor (inspections/releases.py)."""

    identifier = models.SlugField(
        max_length=40, unique=True, help_text="e.g. 2026-11, or 2026-11-2 for a second release."
    )
    released_at = models.DateTimeField()
    released_by = models.CharField(max_length=150, blank=True)
    notes = models.TextField(blank=True, help_text="What this release is for, in the editor's words.")
    changelog = models.JSONField(default=dict, help_text="What changed since the previous release (generated).")

    class Meta:
        ordering = ["-released_at", "-id"]

    def __str__(self):
        return f"Data release {self.identifier}"

    def get_absolute_url(self):
        return reverse("dashboard:release", args=[self.identifier])


class ReleaseFile(models.Model):
    release = models.ForeignKey(DataRelease, on_delete=models.CASCADE, related_name="files")
    dataset = models.CharField(max_length=40)
    format = models.CharField(max_length=10)
    content = models.TextField()
    rows = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["release", "dataset", "format"]
        constraints = [
            models.UniqueConstraint(name="release_file_one_per_dataset_format", fields=["release", "dataset", "format"])
        ]

    def __str__(self):
        return f"{self.release.identifier}/{self.dataset}.{self.format}"
