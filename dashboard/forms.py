"""Forms for the public pages that take more than a league-table filter."""

from django import forms

from inspections.models import Framework, Inspection, OwnerGroup, Provider, Report, SearchEntry, Standard


def standard_choices():
    standards = Standard.objects.select_related("framework").order_by("framework__started", "position")
    return [("", "Any standard")] + [
        (f"{standard.framework.slug}/{standard.code}", f"{standard.framework.short_name}: {standard}")
        for standard in standards
    ]


def year_choices():
    years = Report.objects.dates("published", "year")
    return [("", "Any year")] + [(str(year.year), str(year.year)) for year in years]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the reports' words", required=False, max_length=200, strip=True)
    provider = forms.ModelChoiceField(
        Provider.objects.order_by("name"), to_field_name="slug", required=False, empty_label="Any provider"
    )
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

    def clean_standard(self):
        value = self.cleaned_data["standard"]
        if not value:
            return None
        framework_slug, code = value.split("/", 1)
        return Standard.objects.get(framework__slug=framework_slug, code=code)

    def filters(self):
        data = self.cleaned_data
        return {name: data.get(name) for name in ("provider", "owner", "standard", "framework", "year", "kind")}


class CompareForm(forms.Form):
    inspection = forms.ModelMultipleChoiceField(
        queryset=Inspection.objects.rated()
        .select_related("provider", "report")
        .order_by("provider__name", "report__published"),
        label="Inspections to compare (2 to 4)",
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].label_from_instance = str

    def clean_inspection(self):
        chosen = self.cleaned_data["inspection"]
        if not 2 <= len(chosen) <= 4:
            raise forms.ValidationError(f"Choose between 2 and 4 inspections; you chose {len(chosen)}.")
        return chosen
