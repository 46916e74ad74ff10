"""The read-only JSON API under /api/v1/ (django-ninja; why, in docs/api.md).

Every list is paginated with stable links (`page`, `page_size`; `next`/`previous` are absolute
URLs carrying the same filters) and has a fixed number of queries whatever the page size.
A bad parameter is a 400 whose body names the field and the reason; an unknown object is a 404;
both have the same shape: {"status", "error", "detail": [{"field", "reason"}]}.
Responses are cached on the data version like the pages (dashboard/caching.py).
"""

from typing import Literal

from django.db.models import F, Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.decorators import decorate_view
from ninja.errors import ValidationError

from dashboard.caching import cached_page
from dashboard.filters import RATING_BY_SLUG, RATING_CHOICES
from inspections.models import (
    Framework,
    Inspection,
    KeyQuestion,
    OwnerGroup,
    Provider,
    ProviderKind,
    Round,
    Standard,
    StandardRating,
)
from inspections.rules import Rating
from inspections.serialise import serialise_inspection

api = NinjaAPI(
    title="CRC performance dashboard API",
    version="1.0.0",
    description=(
        "HM Inspectorate of Probation's ratings of the Community Rehabilitation Companies and National "
        "Probation Service divisions (2016-2021), each value with its source. Read-only, no key needed. "
        "Values no source states are null, never guessed. `our_computation` blocks are this project's "
        "derivations, not the inspectorate's judgement. Open Government Licence v3.0."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
)

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
RatingSlug = Literal[tuple(slug for slug, _label in RATING_CHOICES)]
RatingLabel = Literal[tuple(rating.label for rating in Rating)]
Kind = Literal[tuple(ProviderKind.values)]


class Problem(Schema):
    field: str | None = Field(None, description="The parameter at fault, if one.")
    reason: str


class ErrorOut(Schema):
    status: int
    error: str
    detail: list[Problem]


ERRORS = {400: ErrorOut, 404: ErrorOut}


def error_response(request, status, error, problems):
    return api.create_response(request, {"status": status, "error": error, "detail": problems}, status=status)


class BadParameter(Exception):
    def __init__(self, field, reason):
        super().__init__(reason)
        self.field, self.reason = field, reason


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    problems = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "filters")]
        problems.append({"field": ".".join(location) or None, "reason": error.get("msg", "invalid value")})
    return error_response(request, 400, "bad_request", problems)


@api.exception_handler(BadParameter)
def bad_parameter(request, exc):
    return error_response(request, 400, "bad_request", [{"field": exc.field, "reason": exc.reason}])


@api.exception_handler(Http404)
def not_found(request, exc):
    return error_response(request, 404, "not_found", [{"field": None, "reason": str(exc) or "Not found."}])


class Page(Schema):
    count: int = Field(description="Items matching the filters, on every page.")
    page: int
    page_size: int
    pages: int
    next: str | None = Field(description="Absolute URL of the next page, with the same filters.")
    previous: str | None


def paginate(request, queryset, page, page_size):
    """(page metadata, the page's items). A page past the last is a 404 naming the last."""
    count = queryset.count()
    pages = max(1, -(-count // page_size))
    if page > pages:
        raise Http404(f"Page {page} does not exist; the last page is {pages}.")
    items = list(queryset[(page - 1) * page_size : page * page_size])

    def link(number):
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    meta = {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": link(page + 1) if page < pages else None,
        "previous": link(page - 1) if page > 1 else None,
    }
    return meta, items


PageNumber = Query(1, ge=1, le=100000, description="Page number, from 1.")
PageSize = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1-{MAX_PAGE_SIZE}.")


def lookup(model, field, slug, what):
    """The object with this slug, or a 400 naming the parameter (a filter, not a path)."""
    if slug is None:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise BadParameter(field, f"No {what} with slug {slug!r}.")
    return found


def absolute(request, name, *args):
    return request.build_absolute_uri(reverse(name, args=args))


# Providers and owners -----------------------------------------------------------------------


class ProviderOut(Schema):
    slug: str
    name: str
    short_name: str | None
    kind: Kind
    area: str | None
    url: str = Field(description="The provider's page on this site.")
    api_url: str


class ProviderList(Page):
    results: list[ProviderOut]


def provider_out(request, provider):
    return {
        "slug": provider.slug,
        "name": provider.name,
        "short_name": provider.short_name or None,
        "kind": provider.kind,
        "area": provider.area or None,
        "url": absolute(request, "dashboard:provider", provider.slug),
        "api_url": absolute(request, "api:provider", provider.slug),
    }


class Endpoint(Schema):
    path: str = Field(description="The endpoint's URL.")
    description: str


class ApiRoot(Schema):
    description: str
    schema_url: str = Field(description="The OpenAPI schema of every endpoint.")
    docs_url: str = Field(description="Interactive documentation.")
    endpoints: list[Endpoint]


@api.get("/", response={200: ApiRoot, **ERRORS}, url_name="root", tags=["about"])
@decorate_view(cached_page)
def api_root(request):
    """What this API offers: its endpoints, its schema and its documentation."""

    def endpoint(name, description, *args):
        return {"path": absolute(request, name, *args), "description": description}

    return {
        "description": api.description,
        "schema_url": absolute(request, "api:openapi-json"),
        "docs_url": absolute(request, "api:openapi-view"),
        "endpoints": [
            endpoint("api:providers", "Providers (CRCs and NPS divisions), with their owners; filter by kind."),
            endpoint("api:owners", "Owner groups and the providers they owned."),
            endpoint(
                "api:inspections",
                "Inspections with overall and standard ratings; filter by provider, owner, framework, round, year, rating.",
            ),
            endpoint("api:standards", "The standards each framework rates."),
            endpoint("api:suggest_inspections", "At most 20 inspections matching words typed, for type-to-find."),
        ],
    }


def without_trailing_slash(request, rest):
    """/api/v1/inspections/ is /api/v1/inspections: a client need not guess the slash."""
    target = f"/api/v1/{rest}"
    try:
        resolve(target)
    except Resolver404:
        raise Http404(f"No API endpoint at /api/v1/{rest}/.") from None
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(target + (f"?{query}" if query else ""))


@api.get("/providers", response={200: ProviderList, **ERRORS}, url_name="providers", tags=["providers"])
@decorate_view(cached_page)
def list_providers(
    request,
    kind: Kind | None = Query(None, description="CRC or NPS."),
    owner: str | None = Query(None, description="Owner group slug: providers it ever owned."),
    page: int = PageNumber,
    page_size: int = PageSize,
):
    """Every CRC and NPS division, by name."""
    providers = Provider.objects.order_by("name", "pk")
    if kind:
        providers = providers.filter(kind=kind)
    owner_group = lookup(OwnerGroup, "owner", owner, "owner group")
    if owner_group:
        providers = providers.filter(ownerships__owner=owner_group).distinct()
    meta, items = paginate(request, providers, page, page_size)
    return {**meta, "results": [provider_out(request, p) for p in items]}


class OwnershipOut(Schema):
    owner: str
    owner_slug: str
    start: str | None
    end: str | None = Field(description="The day after ownership ended; null if open or unknown.")


class InspectionSummaryOut(Schema):
    id: int
    published: str | None = Field(description="As precise as a source states it: YYYY, YYYY-MM or YYYY-MM-DD.")
    framework: str
    overall_rating: RatingLabel | None
    api_url: str


class ProviderDetail(ProviderOut):
    ownerships: list[OwnershipOut]
    inspections: list[InspectionSummaryOut]


def inspection_summary(request, inspection):
    report = inspection.report
    return {
        "id": inspection.pk,
        "published": report.published_iso,
        "framework": report.framework.slug,
        "overall_rating": Rating.label_of(inspection.overall_rating),
        "api_url": absolute(request, "api:inspection", inspection.pk),
    }


@api.get("/providers/{slug}", response={200: ProviderDetail, **ERRORS}, url_name="provider", tags=["providers"])
@decorate_view(cached_page)
def get_provider(request, slug: str):
    """One provider, its owners over time and its inspections."""
    provider = Provider.objects.filter(slug=slug).prefetch_related("ownerships__owner").first()
    if provider is None:
        raise Http404(f"No provider with slug {slug!r}.")
    inspections = provider.inspections.select_related("report__framework").order_by("report__published", "pk")
    return {
        **provider_out(request, provider),
        "ownerships": [
            {
                "owner": o.owner.name,
                "owner_slug": o.owner.slug,
                "start": o.period.lower.isoformat() if o.period.lower else None,
                "end": o.period.upper.isoformat() if o.period.upper else None,
            }
            for o in provider.ownerships.all()
        ],
        "inspections": [inspection_summary(request, i) for i in inspections],
    }


class OwnerOut(Schema):
    slug: str
    name: str
    is_public_sector: bool
    description: str | None
    url: str
    api_url: str


class OwnerList(Page):
    results: list[OwnerOut]


def owner_out(request, owner):
    return {
        "slug": owner.slug,
        "name": owner.name,
        "is_public_sector": owner.is_public_sector,
        "description": owner.description or None,
        "url": absolute(request, "dashboard:owner", owner.slug),
        "api_url": absolute(request, "api:owner", owner.slug),
    }


@api.get("/owners", response={200: OwnerList, **ERRORS}, url_name="owners", tags=["owners"])
@decorate_view(cached_page)
def list_owners(request, page: int = PageNumber, page_size: int = PageSize):
    """The groups that owned CRCs (and the public sector, for the NPS)."""
    meta, items = paginate(request, OwnerGroup.objects.order_by("name", "pk"), page, page_size)
    return {**meta, "results": [owner_out(request, o) for o in items]}


class OwnerDetail(OwnerOut):
    providers: list[ProviderOut]


@api.get("/owners/{slug}", response={200: OwnerDetail, **ERRORS}, url_name="owner", tags=["owners"])
@decorate_view(cached_page)
def get_owner(request, slug: str):
    """One owner group and every provider it owned at some time."""
    owner = OwnerGroup.objects.filter(slug=slug).first()
    if owner is None:
        raise Http404(f"No owner group with slug {slug!r}.")
    providers = Provider.objects.filter(ownerships__owner=owner).distinct().order_by("name")
    return {**owner_out(request, owner), "providers": [provider_out(request, p) for p in providers]}


# Inspections --------------------------------------------------------------------------------


class InspectionListItem(Schema):
    id: int
    provider: str
    provider_slug: str
    kind: Kind
    owner: str | None
    framework: str
    report: str
    published: str | None = Field(description="As precise as a source states it: YYYY, YYYY-MM or YYYY-MM-DD.")
    overall_rating: RatingLabel | None
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


@api.get("/inspections", response={200: InspectionList, **ERRORS}, url_name="inspections", tags=["inspections"])
@decorate_view(cached_page)
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
    page: int = PageNumber,
    page_size: int = PageSize,
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
    meta, items = paginate(request, inspections.order_by(*ORDERINGS[ordering]), page, page_size)
    results = [
        {
            "id": i.pk,
            "provider": i.provider.name,
            "provider_slug": i.provider.slug,
            "kind": i.provider.kind,
            "owner": i.owner.name if i.owner else None,
            "framework": i.report.framework.slug,
            "report": i.report.title,
            "published": i.report.published_iso,
            "overall_rating": Rating.label_of(i.overall_rating),
            "url": absolute(request, "dashboard:inspection", i.pk),
            "api_url": absolute(request, "api:inspection", i.pk),
        }
        for i in items
    ]
    return {**meta, "results": results}


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


@api.get("/inspections/{id}", response={200: InspectionDetail, **ERRORS}, url_name="inspection", tags=["inspections"])
@decorate_view(cached_page)
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
        "url": absolute(request, "dashboard:inspection", inspection.pk),
        "api_url": absolute(request, "api:inspection", inspection.pk),
    }


# Standards and key questions -----------------------------------------------------------------


class KeyQuestionOut(Schema):
    code: str
    text: str
    focus: str


class StandardOut(Schema):
    framework: str
    domain: str
    code: str
    name: str
    statement: str | None
    applies_to: Kind | None = Field(description="null when the standard applies to every provider.")
    rated_from_case_sample: bool
    key_questions: list[KeyQuestionOut]
    url: str
    api_url: str


class StandardList(Page):
    results: list[StandardOut]


def standard_out(request, standard):
    return {
        "framework": standard.framework.slug,
        "domain": f"{standard.domain.code}. {standard.domain.name}",
        "code": standard.code,
        "name": standard.name,
        "statement": standard.statement or None,
        "applies_to": standard.applies_to or None,
        "rated_from_case_sample": standard.rated_from_case_sample,
        "key_questions": [{"code": q.code, "text": q.text, "focus": q.focus} for q in standard.key_questions.all()],
        "url": absolute(request, "dashboard:standard", standard.framework.slug, standard.code),
        "api_url": absolute(request, "api:standard", standard.framework.slug, standard.code),
    }


def standards_queryset():
    return (
        Standard.objects.select_related("framework", "domain")
        .prefetch_related(Prefetch("key_questions", queryset=KeyQuestion.objects.order_by("position")))
        .order_by("framework__started", "position", "pk")
    )


@api.get("/standards", response={200: StandardList, **ERRORS}, url_name="standards", tags=["standards"])
@decorate_view(cached_page)
def list_standards(
    request,
    framework: str | None = Query(None, description="Framework slug."),
    kind: Kind | None = Query(None, description="Only standards that apply to CRCs (or NPS divisions)."),
    page: int = PageNumber,
    page_size: int = PageSize,
):
    """Every standard (and Quality & Impact domain) with its key questions."""
    standards = standards_queryset()
    if framework is not None:
        standards = standards.filter(framework=lookup(Framework, "framework", framework, "framework"))
    if kind:
        standards = standards.for_kind(kind)
    meta, items = paginate(request, standards, page, page_size)
    return {**meta, "results": [standard_out(request, s) for s in items]}


@api.get(
    "/standards/{framework}/{code}", response={200: StandardOut, **ERRORS}, url_name="standard", tags=["standards"]
)
@decorate_view(cached_page)
def get_standard(request, framework: str, code: str):
    """One standard and its key questions."""
    standard = standards_queryset().filter(framework__slug=framework, code=code).first()
    if standard is None:
        raise Http404(f"No standard {code!r} in framework {framework!r}.")
    return standard_out(request, standard)


# The compare chooser's type-to-find endpoint lives in its own module; importing it registers it.
from dashboard import api_suggest  # noqa: E402, F401
