"""Filters for the league table (django-filter). Invalid values are reported, never a 500."""

import django_filters

from inspections.models import Framework, Inspection, OwnerGroup, ProviderKind, Report, Round
from inspections.rules import Rating

RATING_CHOICES = [(rating.label.lower().replace(" ", "-"), rating.label) for rating in reversed(Rating)]
RATING_BY_SLUG = {slug: rating for (slug, _), rating in zip(RATING_CHOICES, reversed(Rating), strict=True)}
SCOPE_CHOICES = [("latest", "Latest inspection of each provider"), ("all", "All inspections")]


def published_years():
    years = Report.objects.filter(framework__has_four_point_ratings=True).dates("published", "year")
    return [(str(year.year), str(year.year)) for year in years]


class LeagueTableFilter(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(choices=SCOPE_CHOICES, method="filter_scope", empty_label=None, label="Show")
    kind = django_filters.ChoiceFilter(field_name="provider__kind", choices=ProviderKind.choices, label="Kind")
    owner = django_filters.ModelChoiceFilter(
        field_name="owner", to_field_name="slug", queryset=OwnerGroup.objects.order_by("name"), label="Owner"
    )
    framework = django_filters.ModelChoiceFilter(
        field_name="report__framework",
        to_field_name="slug",
        queryset=Framework.objects.filter(has_four_point_ratings=True),
        label="Framework",
    )
    round = django_filters.ModelChoiceFilter(
        field_name="report__round",
        to_field_name="slug",
        queryset=Round.objects.filter(framework__has_four_point_ratings=True),
        label="Round",
    )
    year = django_filters.ChoiceFilter(
        field_name="report__published__year", choices=published_years, label="Year published"
    )
    rating = django_filters.ChoiceFilter(choices=RATING_CHOICES, method="filter_rating", label="Overall rating")

    class Meta:
        model = Inspection
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("scope", "latest")
        super().__init__(data, *args, **kwargs)

    def unfiltered_scope(self):
        """The scope ('latest' or 'all') when nothing else is filtered out, else None."""
        data = self.form.cleaned_data
        if any(data.get(name) for name in self.filters if name != "scope"):
            return None
        return data.get("scope")

    def filter_scope(self, queryset, name, value):
        # A round holds one inspection per provider: within a round, "latest" means all of it.
        if value == "latest" and not self.form.cleaned_data.get("round"):
            return queryset.latest_per_provider()
        return queryset

    def filter_rating(self, queryset, name, value):
        return queryset.filter(overall_rating=RATING_BY_SLUG[value].value)
