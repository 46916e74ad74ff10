"""Forms for the public pages that take more than a league-table filter."""

import re
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Prefetch, Q, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from inspections.models import (
    Framework,
    Inspection,
    KeyQuestionScore,
    OwnerGroup,
    Provider,
    Report,
    SearchEntry,
    Standard,
    StandardRating,
    normalise_name,
)


def standard_choices():
    standards = Standard.objects.select_related("framework").order_by("framework__started", "position")
    return [("", "Any standard")] + [
        (f"{standard.framework.slug}/{standard.code}", f"{standard.framework.short_name}: {standard}")
        for standard in standards
    ]


def year_choices():
    years = Report.objects.dates("published", "year")
    return [("", "Any year")] + [(str(year.year), str(year.year)) for year in years]


# Text in the search's provider filter that matches several providers: at most this many named.
MAX_PROVIDERS_NAMED = 10


class ProviderNameField(forms.CharField):
    """A provider by its slug or by (part of) its name, typed: no list of every provider, so the
    search page weighs the same at any number of providers, with or without JavaScript. One query
    when a value is given, none otherwise."""

    widget = forms.TextInput(attrs={"placeholder": "Any provider: type part of a name"})
    # The providers a typed name could mean, when it means more than one: the page offers each.
    candidates = ()

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        exact = Q(slug=text) | Q(name__iexact=text)
        found = list(
            Provider.objects.filter(
                exact
                | Q(name__icontains=text)
                | Q(short_name__iexact=text)
                | Q(match_names__contains=[normalise_name(text)])
            )
            # An exact slug or name first, so that a name others contain is still found.
            .order_by(Case(When(exact, then=0), default=1), "name")[: MAX_PROVIDERS_NAMED + 1]
        )
        named = [p for p in found if p.slug == text or p.name.lower() == text.lower()]
        if len(named) == 1 or len(found) == 1:
            return named[0] if len(named) == 1 else found[0]
        if not found:
            raise ValidationError(f"No provider is called {text!r}: type part of a provider's name.")
        self.candidates = found[:MAX_PROVIDERS_NAMED]
        names = ", ".join(p.name for p in self.candidates)
        more = " and more" if len(found) > MAX_PROVIDERS_NAMED else ""
        raise ValidationError(f"{text!r} names several providers ({names}{more}): type more of the name.")


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the reports' words", required=False, max_length=200, strip=True)
    provider = ProviderNameField(required=False, max_length=200, strip=True)
    owner = forms.ModelChoiceField(
        OwnerGroup.objects.order_by("name"), to_field_name="slug", required=False, empty_label="Any owner"
    )
    standard = forms.ChoiceField(required=False)
    framework = forms.ModelChoiceField(
        Framework.objects.order_by("started"), to_field_name="slug", required=False, empty_label="Any framework"
    )
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(choices=[("", "Any kind of text"), *SearchEntry.Kind.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once: a callable would be evaluated again when the form is drawn.
        self.fields["standard"].choices = standard_choices()
        self.fields["year"].choices = year_choices()

    def clean_provider(self):
        provider = self.cleaned_data["provider"]
        if provider is not None:
            # The box shows the provider found by its name, not the slug or part-name typed.
            self.data = self.data.copy()
            self.data["provider"] = provider.name
        return provider

    def clean_standard(self):
        value = self.cleaned_data["standard"]
        if not value:
            return None
        framework_slug, code = value.split("/", 1)
        return Standard.objects.get(framework__slug=framework_slug, code=code)

    def filters(self):
        data = self.cleaned_data
        return {name: data.get(name) for name in ("provider", "owner", "standard", "framework", "year", "kind")}


# The compare page: at most four inspections side by side, found by typing, never a list of all.
MAX_COMPARED = 4
MAX_MATCHES = 20
MAX_FIND_WORDS = 8
# By provider, then in time: an undated report where its round began (Report.sort_date).
BY_PROVIDER_AND_DATE = (
    "provider__name",
    Coalesce("report__published", "report__round__started").asc(nulls_last=True),
    "pk",
)


def inspections_matching(text):
    """Rated inspections matching every word typed ("purple 2019", "NPS north west", "Thames
    2018-19"): a word matches a provider's name, short name, area or kind, or the owner at the
    time; a year, the year published; a round ("2018-19"), the round. By provider and date;
    unsliced, so callers cap it."""
    words = [word for word in re.findall(r"\d{4}-\d{2}|\w+", text.lower()) if word != "and"][:MAX_FIND_WORDS]
    if not words:
        return Inspection.objects.none()
    inspections = Inspection.objects.rated()
    for word in words:
        if re.fullmatch(r"\d{4}-\d{2}", word):
            inspections = inspections.filter(report__round__short_name=word)
            continue
        matches = (
            Q(provider__name__icontains=word)
            | Q(provider__short_name__iexact=word)
            | Q(provider__area__icontains=word)
            | Q(provider__kind__iexact=word)
            | Q(owner__name__icontains=word)
        )
        if re.fullmatch(r"\d{4}", word):
            matches |= Q(report__published__year=int(word))
        inspections = inspections.filter(matches)
    return inspections.with_catalogue().order_by(*BY_PROVIDER_AND_DATE)


def first_matches(inspections):
    """(the first MAX_MATCHES of these inspections, whether there are more), in one query."""
    found = list(inspections[: MAX_MATCHES + 1])
    return found[:MAX_MATCHES], len(found) > MAX_MATCHES


def compare_url(inspections):
    """The compare page with these inspections chosen, in this order."""
    query = urlencode([("inspection", inspection.pk) for inspection in inspections])
    return reverse("dashboard:compare") + (f"?{query}" if query else "")


class ChosenInspectionsField(forms.ModelMultipleChoiceField):
    """Inspection numbers from the query string (hidden inputs, never a list of every choice);
    too many is refused before the database is asked."""

    widget = forms.MultipleHiddenInput

    def clean(self, value):
        value = list(dict.fromkeys(value or []))  # the same inspection twice is chosen once
        if len(value) > MAX_COMPARED:
            raise ValidationError(
                f"Compare at most {MAX_COMPARED} inspections at once; you chose {len(value)}.", code="too_many"
            )
        return list(super().clean(value))


class CompareForm(forms.Form):
    inspection = ChosenInspectionsField(
        # What the comparison shows, read while the numbers are checked: one query and two prefetches.
        queryset=Inspection.objects.rated()
        .with_catalogue()
        .prefetch_related(
            Prefetch("ratings", queryset=StandardRating.objects.select_related("standard")),
            Prefetch("scores", queryset=KeyQuestionScore.objects.select_related("key_question__standard")),
        )
        .order_by(*BY_PROVIDER_AND_DATE),
        required=False,
        error_messages={
            "invalid_pk_value": "“%(pk)s” is not an inspection number.",
            "invalid_choice": "There is no inspection number %(value)s with four-point ratings to compare.",
        },
    )
    q = forms.CharField(
        label="Find an inspection to add",
        help_text="Part of a provider’s name, its area or owner, and a year if you like: “Dorset”, “Purple Futures 2019”.",
        required=False,
        max_length=100,
        strip=True,
    )

    def chosen(self):
        return self.cleaned_data["inspection"]

    def can_add(self):
        return len(self.chosen()) < MAX_COMPARED

    def matches(self):
        """(up to MAX_MATCHES inspections matching the words typed, whether more match), none
        of them already chosen; ([], False) when nothing was typed or no more can be added."""
        if not self.cleaned_data["q"] or not self.can_add():
            return [], False
        return first_matches(inspections_matching(self.cleaned_data["q"]).exclude(pk__in=[i.pk for i in self.chosen()]))
