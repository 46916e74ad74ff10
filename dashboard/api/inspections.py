"""Inspections: a filtered, ordered list, and one inspection with every value and its source."""

from typing import Literal

from django.db.models import F
from django.http import Http404
from ninja import Field, Path, Query, Router, Schema

from dashboard.api.base import (
    BadParameter,
    Kind,
    Linked,
    Page,
    Paging,
    RatingLabel,
    RatingOf,
    RatingSlug,
    endpoint,
    links,
    lookup,
    paginate,
)
from dashboard.filters import RATING_BY_SLUG
from inspections.models import Framework, Inspection, OwnerGroup, Provider, Round, Standard, StandardRating
from inspections.serialise import serialise_inspection

router = Router()


PUBLISHED = "As precise as a source states it: YYYY, YYYY-MM or YYYY-MM-DD."


class InspectionFields(Linked):
    """How a schema of inspections (each with its provider, owner and report selected) reads the
    fields it lists: `provider` is the provider's name, `published` the report's date, and so on."""

    resolve_provider = staticmethod(lambda inspection: inspection.provider.name)
    resolve_provider_slug = staticmethod(lambda inspection: inspection.provider.slug)
    resolve_kind = staticmethod(lambda inspection: inspection.provider.kind)
    resolve_owner = staticmethod(lambda inspection: inspection.owner.name if inspection.owner else None)
    resolve_framework = staticmethod(lambda inspection: inspection.report.framework.slug)
    resolve_report = staticmethod(lambda inspection: inspection.report.title)
    resolve_published = staticmethod(lambda inspection: inspection.report.published_iso)


class InspectionListItem(InspectionFields):
    id: int
    provider: str
    provider_slug: str
    kind: Kind
    owner: str | None
    framework: str
    report: str
    published: str | None = Field(description=PUBLISHED)
    overall_rating: RatingOf
    url: str
    api_url: str


class InspectionList(Page):
    results: list[InspectionListItem]


ORDERINGS = {
    "published": [F("report__published").asc(nulls_last=True), "provider__name", "pk"],
    "-published": [F("report__published").desc(nulls_last=True), "provider__name", "pk"],
    "provider": ["provider__name", "report__published", "pk"],
    "-provider": ["-provider__name", "-report__published", "-pk"],
    "overall_rating": [F("overall_rating").asc(nulls_last=True), "provider__name", "pk"],
    "-overall_rating": [F("overall_rating").desc(nulls_last=True), "provider__name", "pk"],
}


@endpoint(router, "/inspections", InspectionList, "inspections", "inspections")
def list_inspections(
    request,
    provider: str | None = Query(None, description="Provider slug."),
    kind: Kind | None = Query(None, description="CRC or NPS."),
    owner: str | None = Query(None, description="Owner group slug (the owner at the time of inspection)."),
    framework: str | None = Query(None, description="Framework slug."),
    year: int | None = Query(None, ge=1900, le=2100, description="Year the report was published."),
    round: str | None = Query(None, description="Inspection round slug, e.g. 2018-19 (see /rounds/)."),
    standard: str | None = Query(
        None, description="A standard's code, e.g. 2.2: inspections with a rating or judgement recorded for it."
    ),
    rating: RatingSlug | None = Query(
        None, description="Overall rating; with `standard`, that standard's rating instead."
    ),
    latest: bool = Query(False, description="Only each provider's most recent rated inspection."),
    ordering: Literal[tuple(ORDERINGS)] = Query("published", description="Sort order; `-` for descending."),
    paging: Paging = Query(...),
):
    """Inspections with their overall rating; details at `api_url`."""
    inspections = Inspection.objects.with_catalogue()
    if latest:
        inspections = inspections.latest_per_provider()
    if provider is not None:
        inspections = inspections.filter(provider=lookup(Provider, "provider", provider, "provider"))
    if kind:
        inspections = inspections.filter(provider__kind=kind)
    if owner is not None:
        inspections = inspections.filter(owner=lookup(OwnerGroup, "owner", owner, "owner group"))
    if framework is not None:
        inspections = inspections.filter(report__framework=lookup(Framework, "framework", framework, "framework"))
    if year is not None:
        inspections = inspections.filter(report__published__year=year)
    if round is not None:
        inspections = inspections.filter(report__round=lookup(Round, "round", round, "round"))
    if standard is not None:
        if not Standard.objects.filter(code=standard).exists():
            raise BadParameter("standard", f"No standard with code {standard!r}.")
        ratings = StandardRating.objects.filter(standard__code=standard)
        if rating:
            ratings = ratings.filter(rating=RATING_BY_SLUG[rating].value)
        inspections = inspections.filter(pk__in=ratings.values("inspection_id"))
    elif rating:
        inspections = inspections.filter(overall_rating=RATING_BY_SLUG[rating].value)
    meta, items = paginate(request, inspections.order_by(*ORDERINGS[ordering]), paging)
    return {**meta, "results": items}


class SourceOut(Schema):
    document: str
    kind: str
    url: str | None
    location: str | None


class RatingOut(Schema):
    standard: str
    rating: RatingLabel | None
    judgement: str | None
    discretion_note: str | None
    source: SourceOut


class ScoreOut(Schema):
    key_question: str
    question: str
    standard: str
    percent: float = Field(ge=0, le=100)
    cases_sufficient: int | None
    cases_total: int | None
    source: SourceOut


class FactOut(Schema):
    metric: str
    label: str
    value_as_stated: str
    qualifier: str | None
    value: float | None = Field(description="Only where the source gives digits.")
    unit: str | None
    period: str | None
    england_and_wales: float | None
    target: float | None
    standard: str | None
    is_inverse_of_key_question: bool
    source: SourceOut


class RecommendationOut(Schema):
    number: int
    addressee: str
    text: str
    source: SourceOut


class FindingOut(Schema):
    kind: str
    domain: str | None
    standard: str | None
    text: str
    source: SourceOut


class ComputationOut(Schema):
    note: str
    total_score: int | None
    standards_counted: int | None
    rule_overall_rating: RatingLabel | None
    rule_overall_reason: str | None
    disagreements: list[str]


class InspectionDetail(Schema):
    id: int
    provider: str
    provider_slug: str
    kind: Kind
    owner: str | None
    owner_as_stated: str | None
    owner_source: SourceOut | None = Field(
        description="Where the owner at the time is stated; null if no source we hold states it."
    )
    framework: str
    report: str
    fieldwork_start: str | None
    fieldwork_as_stated: str | None
    published: str | None
    lead_inspector: str | None
    overall_rating: RatingLabel | None
    overall_rating_source: SourceOut
    case_sample_size: int | None
    ratings: dict[str, RatingOut] = Field(description="Keyed by standard code.")
    case_sample_scores: list[ScoreOut]
    facts: list[FactOut]
    recommendations: list[RecommendationOut]
    findings: list[FindingOut]
    our_computation: ComputationOut
    url: str
    api_url: str


@endpoint(router, "/inspections/{id}", InspectionDetail, "inspection", "inspections")
def get_inspection(request, id: int = Path(..., ge=1, le=2**63 - 1)):
    """One inspection: every rating, key-question score, fact, finding and recommendation, each with its source."""
    inspection = (
        Inspection.objects.with_details()
        .prefetch_related("report__framework__standards__key_questions")
        .filter(pk=id)
        .first()
    )
    if inspection is None:
        raise Http404(f"No inspection with id {id}.")
    return {
        **serialise_inspection(inspection),
        **links(request, "inspection", inspection.pk),
    }
