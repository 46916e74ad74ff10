"""Filters for the league table (django-filter). Invalid values are reported, never a 500."""

import django_filters
from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from inspections.models import Framework, Inspection, OwnerGroup, ProviderKind, Report, Round
from inspections.rules import Rating

RATING_CHOICES = [(rating.label.lower().replace(" ", "-"), rating.label) for rating in reversed(Rating)]
RATING_BY_SLUG = {slug: rating for (slug, _), rating in zip(RATING_CHOICES, reversed(Rating), strict=True)}
SCOPE_CHOICES = [("latest", "Latest inspection of each provider"), ("all", "All inspections")]


class QuickSelect(forms.Select):
    """A select written in Python, byte for byte what Django's select templates write: they
    include a template per option, and the filter form's options took about a fifth of a cold
    league-table page's time at scale 1. Grouped choices go to Django's templates."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _group, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            format_html(
                '\n  <option value="{}"{}>{}</option>\n',
                str(option["value"]),
                html_attributes(option["attrs"]),
                option["label"],
            )  # fmt: skip
            for _group_name, group, _index in widget["optgroups"]
            for option in group
        )
        opening = format_html('<select name="{}"{}>', widget["name"], html_attributes(widget["attrs"]))
        return mark_safe(opening + options + "\n</select>")


def html_attributes(attrs):
    """As django/forms/widgets/attrs.html writes them: ` name="value"`, a bare name for True, none for False."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


def published_years():
    years = Report.objects.filter(framework__has_four_point_ratings=True).dates("published", "year")
    return [(str(year.year), str(year.year)) for year in years]


def chosen_by_slug(field_name, queryset, label, empty_label):
    """A filter on a catalogue object named by its slug in the URL."""
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        to_field_name="slug",
        queryset=queryset,
        label=label,
        empty_label=empty_label,
        widget=QuickSelect,
    )


class LeagueTableFilter(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(
        choices=SCOPE_CHOICES, method="filter_scope", empty_label=None, label="Show", widget=QuickSelect
    )
    # Each empty choice says what choosing nothing means, not Django's "---------".
    kind = django_filters.ChoiceFilter(
        field_name="provider__kind",
        choices=ProviderKind.choices,
        label="Kind",
        empty_label="CRCs and NPS",
        widget=QuickSelect,
    )
    owner = chosen_by_slug("owner", OwnerGroup.objects.order_by("name"), "Owner", "Any owner")
    framework = chosen_by_slug(
        "report__framework", Framework.objects.filter(has_four_point_ratings=True), "Framework", "Any framework"
    )
    round = chosen_by_slug(
        "report__round", Round.objects.filter(framework__has_four_point_ratings=True), "Round", "Any round"
    )
    year = django_filters.ChoiceFilter(
        field_name="report__published__year",
        choices=published_years,
        label="Year published",
        empty_label="Any year",
        widget=QuickSelect,
    )
    rating = django_filters.ChoiceFilter(
        choices=RATING_CHOICES,
        method="filter_rating",
        label="Overall rating",
        empty_label="Any rating",
        widget=QuickSelect,
    )

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
