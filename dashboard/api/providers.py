"""Providers (CRCs and NPS divisions) and the groups that owned them."""

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from dashboard.api.base import ERRORS, Kind, Page, PageNumber, PageSize, RatingLabel, absolute, links, lookup, paginate
from dashboard.caching import cached_page
from inspections.models import OwnerGroup, Provider
from inspections.rules import Rating

router = Router()


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
        **links(request, "provider", provider.slug),
    }


@router.get("/providers", response={200: ProviderList, **ERRORS}, url_name="providers", tags=["providers"])
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


@router.get("/providers/{slug}", response={200: ProviderDetail, **ERRORS}, url_name="provider", tags=["providers"])
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
        **links(request, "owner", owner.slug),
    }


@router.get("/owners", response={200: OwnerList, **ERRORS}, url_name="owners", tags=["owners"])
@decorate_view(cached_page)
def list_owners(request, page: int = PageNumber, page_size: int = PageSize):
    """The groups that owned CRCs (and the public sector, for the NPS)."""
    meta, items = paginate(request, OwnerGroup.objects.order_by("name", "pk"), page, page_size)
    return {**meta, "results": [owner_out(request, o) for o in items]}


class OwnerDetail(OwnerOut):
    providers: list[ProviderOut]


@router.get("/owners/{slug}", response={200: OwnerDetail, **ERRORS}, url_name="owner", tags=["owners"])
@decorate_view(cached_page)
def get_owner(request, slug: str):
    """One owner group and every provider it owned at some time."""
    owner = OwnerGroup.objects.filter(slug=slug).first()
    if owner is None:
        raise Http404(f"No owner group with slug {slug!r}.")
    providers = Provider.objects.filter(ownerships__owner=owner).distinct().order_by("name")
    return {**owner_out(request, owner), "providers": [provider_out(request, p) for p in providers]}
