"""Providers (CRCs and NPS divisions) and the groups that owned them."""

from urllib.parse import urlencode

from django.db.models import Count, Window
from django.http import Http404
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from dashboard.api.base import (
    BlankAsNull,
    Kind,
    Linked,
    Page,
    Paging,
    RatingOf,
    endpoint,
    lookup,
    paginate,
)
from dashboard.api.inspections import PUBLISHED, InspectionFields
from inspections.models import OwnerGroup, Ownership, Provider

router = Router()


class ProviderOut(Linked):
    slug: str
    name: str
    short_name: BlankAsNull
    kind: Kind
    area: BlankAsNull
    url: str = Field(description="The provider's page on this site.")
    api_url: str


class ProviderList(Page):
    results: list[ProviderOut]


class ProviderFilters(Schema):
    kind: Kind | None = Field(None, description="CRC or NPS.")
    owner: str | None = Field(None, description="Owner group slug: providers it ever owned.")


@endpoint(router, "/providers", ProviderList, "providers", "providers")
def list_providers(request, filters: ProviderFilters = Query(...), paging: Paging = Query(...)):
    """Every CRC and NPS division, by name."""
    providers = Provider.objects.order_by("name", "pk")
    if filters.kind:
        providers = providers.filter(kind=filters.kind)
    owner_group = lookup(OwnerGroup, "owner", filters.owner, "owner group")
    if owner_group:
        providers = providers.filter(ownerships__owner=owner_group).distinct()
    meta, items = paginate(request, providers, paging)
    return {**meta, "results": items}


def iso_or_null(day):
    return day.isoformat() if day else None


class OwnershipOut(Schema):
    owner: str = Field(alias="owner.name")
    owner_slug: str = Field(alias="owner.slug")
    start: str | None
    end: str | None = Field(description="The day after ownership ended; null if open or unknown.")

    @staticmethod
    def resolve_start(ownership):
        return iso_or_null(ownership.period.lower)

    @staticmethod
    def resolve_end(ownership):
        return iso_or_null(ownership.period.upper)


class InspectionSummaryOut(InspectionFields):
    id: int
    published: str | None = Field(description=PUBLISHED)
    framework: str
    overall_rating: RatingOf
    api_url: str


class ProviderDetail(ProviderOut):
    ownerships: list[OwnershipOut]
    inspections: list[InspectionSummaryOut]

    @staticmethod
    def resolve_ownerships(provider):
        return provider.ownerships.all()

    @staticmethod
    def resolve_inspections(provider):
        return provider.inspections.select_related("report__framework").order_by("report__published", "pk")


@endpoint(router, "/providers/{slug}", ProviderDetail, "provider", "providers")
def get_provider(request, slug: str):
    """One provider, its owners over time and its inspections."""
    provider = Provider.objects.filter(slug=slug).prefetch_related("ownerships__owner").first()
    if provider is None:
        raise Http404(f"No provider with slug {slug!r}.")
    return provider


class OwnerOut(Linked):
    slug: str
    name: str
    is_public_sector: bool
    description: BlankAsNull
    url: str
    api_url: str


class OwnerList(Page):
    results: list[OwnerOut]


@endpoint(router, "/owners", OwnerList, "owners", "owners")
def list_owners(request, paging: Paging = Query(...)):
    """The groups that owned CRCs (and the public sector, for the NPS)."""
    meta, items = paginate(request, OwnerGroup.objects.order_by("name", "pk"), paging)
    return {**meta, "results": items}


# An owner's detail names at most this many providers (the first by name), so its size does not
# grow with the data; `providers_url` pages through all of them.
PROVIDERS_PER_OWNER = 20


class OwnerDetail(OwnerOut):
    providers: list[ProviderOut] = Field(
        description=f"The first {PROVIDERS_PER_OWNER} providers it owned at some time, by name; "
        "`providers_url` lists every one, paginated."
    )
    provider_count: int = Field(description="How many providers it owned at some time.")
    providers_url: str = Field(description="Every provider it owned, paginated: /api/v1/providers?owner=<slug>.")

    @staticmethod
    def resolve_providers(owner):
        return owner.first_providers

    @staticmethod
    def resolve_provider_count(owner):
        return owner.first_providers[0].owned_total if owner.first_providers else 0

    @staticmethod
    def resolve_providers_url(owner, context):
        query = urlencode({"owner": owner.slug})
        return context["request"].build_absolute_uri(f"{reverse('api:providers')}?{query}")


@endpoint(router, "/owners/{slug}", OwnerDetail, "owner", "owners")
def get_owner(request, slug: str):
    """One owner group and the providers it owned at some time (the first 20; `providers_url`
    lists them all)."""
    owner = OwnerGroup.objects.filter(slug=slug).first()
    if owner is None:
        raise Http404(f"No owner group with slug {slug!r}.")
    # The total rides on every row (a window count), so the capped list and its count are one query.
    owned = Ownership.objects.filter(owner=owner).values("provider_id")
    owner.first_providers = list(
        Provider.objects.filter(pk__in=owned)
        .annotate(owned_total=Window(Count("pk")))
        .order_by("name", "pk")[:PROVIDERS_PER_OWNER]
    )
    return owner
