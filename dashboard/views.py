"""Public pages. Views look up, validate and render; the rules live in inspections/."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from inspections.models import Inspection, OwnerGroup, Provider, Standard, StandardRating


def home(request):
    latest = (
        Inspection.objects.latest_per_provider()
        .with_catalogue()
        .prefetch_related(Prefetch("ratings", queryset=StandardRating.objects.select_related("standard")))
    )
    inspections = sorted(latest, key=lambda inspection: (inspection.provider.kind, inspection.provider.name))
    standards = list(Standard.objects.filter(framework__slug="standards-2018").order_by("position"))
    rows = []
    for inspection in inspections:
        by_code = {rating.standard.code: rating for rating in inspection.ratings.all()}
        rows.append((inspection, [by_code.get(standard.code) for standard in standards]))
    return render(request, "dashboard/home.html", {"rows": rows, "standards": standards})


def provider_detail(request, slug):
    provider = get_object_or_404(Provider.objects.prefetch_related("ownerships__owner"), slug=slug)
    inspections = provider.inspections.with_details().order_by("report__published")
    return render(request, "dashboard/provider.html", {"provider": provider, "inspections": inspections})


def owner_detail(request, slug):
    owner = get_object_or_404(OwnerGroup, slug=slug)
    providers = Provider.objects.filter(ownerships__owner=owner).distinct().order_by("name")
    return render(request, "dashboard/owner.html", {"owner": owner, "providers": providers})


def inspection_detail(request, pk):
    inspection = get_object_or_404(
        Inspection.objects.with_details().prefetch_related("report__framework__standards__key_questions"), pk=pk
    )
    return render(
        request,
        "dashboard/inspection.html",
        {"inspection": inspection, "assessment": inspection.rule_assessment()},
    )
