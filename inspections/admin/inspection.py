"""The inspection change page: an inspection is edited on one page, with the rule's view beside
it. Every change is recorded as a Correction with old and new values and the editor's reason."""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models.functions import ExtractYear
from django.utils.html import format_html, format_html_join

from inspections.admin.base import EditorAdmin, NoLostUpdateForm
from inspections.admin.guards import year_problem
from inspections.admin.widgets import PreloadedAutocompleteInline
from inspections.models import (
    Correction,
    Fact,
    Finding,
    Inspection,
    KeyQuestionScore,
    Recommendation,
    Report,
    StandardRating,
)


class YearFilter(admin.SimpleListFilter):
    title = "year published"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            Report.objects.exclude(published=None)
            .annotate(year=ExtractYear("published"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("year")
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        problem = year_problem(self.value())
        if problem:
            messages.error(request, problem)
            return queryset.none()
        return queryset.filter(report__published__year=int(self.value()))


class InspectionChildInline(PreloadedAutocompleteInline, admin.StackedInline):
    extra = 0
    autocomplete_fields = ["source"]


class StandardRatingInline(InspectionChildInline):
    model = StandardRating
    fields = [
        ("standard", "rating", "rule_rating"),
        "judgement",
        ("source", "location"),
        "quote",
        "narrative",
        "discretion_note",
    ]
    readonly_fields = ["rule_rating"]
    autocomplete_fields = ["source", "standard"]
    parent_inspection = None  # set per request: the admin makes new inline instances for each

    def get_formset(self, request, obj=None, **kwargs):
        self.parent_inspection = obj
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="Rule-derived rating (our computation)")
    def rule_rating(self, obj):
        if not obj.pk or self.parent_inspection is None:
            return "-"
        assessed = self.parent_inspection.rule_assessment().standards.get(obj.standard_id)
        if assessed is None:
            return "-"
        if assessed.disagreement:
            return format_html("<strong>Differs from the published rating.</strong> {}", assessed.explanation)
        return assessed.explanation


class KeyQuestionScoreInline(PreloadedAutocompleteInline, admin.TabularInline):
    model = KeyQuestionScore
    extra = 0
    fields = ["key_question", "percent", "cases_sufficient", "cases_total", "source", "location"]
    autocomplete_fields = ["key_question", "source"]


class FactInline(InspectionChildInline):
    model = Fact
    fk_name = "inspection"
    fields = [
        ("metric", "standard", "position"),
        "label",
        ("value_text", "qualifier", "value", "unit"),
        "period",
        ("national_text", "national_value", "target_text", "target_value"),
        ("comparator_label", "comparator_text", "is_inverse"),
        ("source", "location"),
        "quote",
    ]
    autocomplete_fields = ["source", "metric", "standard"]


class FindingInline(InspectionChildInline):
    model = Finding
    fk_name = "inspection"
    fields = [("kind", "domain", "standard", "position"), "text", ("source", "location"), "quote"]
    autocomplete_fields = ["source", "domain", "standard"]


class RecommendationInline(InspectionChildInline):
    model = Recommendation
    fk_name = "inspection"
    fields = [("number", "addressee"), "text", ("source", "location"), "standards"]
    autocomplete_fields = ["source", "standards"]


class InspectionAdminForm(NoLostUpdateForm):
    """The admin builds the model fields from InspectionAdmin.fieldsets; this adds the reason."""

    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when editing a published inspection: it is shown in the public changelog and the corrections feed.",
    )

    def clean_change_reason(self):
        reason = self.cleaned_data["change_reason"].strip()
        if self.instance.pk and not reason:
            raise forms.ValidationError(
                "Say why you are changing this inspection (for example, the page of the report)."
            )
        return reason


@admin.register(Inspection)
class InspectionAdmin(EditorAdmin):
    form = InspectionAdminForm
    list_display = ["provider", "kind", "owner", "framework", "published", "overall_rating", "ratings_recorded"]
    list_filter = [
        ("report__framework", admin.RelatedOnlyFieldListFilter),
        "provider__kind",
        ("owner", admin.RelatedOnlyFieldListFilter),
        YearFilter,
        "overall_rating",
    ]
    search_fields = ["provider__name", "provider__short_name", "report__title", "owner__name"]
    autocomplete_fields = ["report", "provider", "owner", "source"]
    list_select_related = ["provider", "owner", "report__framework"]
    readonly_fields = ["rule_check"]
    fieldsets = [
        (None, {"fields": ["report", "provider", ("owner", "owner_text"), "case_sample_size"]}),
        ("Overall rating", {"fields": [("overall_rating", "rule_check"), ("source", "location"), "quote"]}),
        ("Text", {"fields": ["summary", "notes"], "classes": ["collapse"]}),
        ("Reason", {"fields": ["change_reason", "loaded_state"]}),
    ]
    inlines = [StandardRatingInline, KeyQuestionScoreInline, FactInline, FindingInline, RecommendationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_completeness()

    def get_object(self, request, object_id, from_field=None):
        # The change page reads the rule assessment in the overall box and in every rating row:
        # load what it needs once.
        queryset = self.get_queryset(request).with_assessment()
        try:
            return queryset.get(**{from_field or "pk": object_id})
        except (Inspection.DoesNotExist, ValueError, ValidationError):
            return None

    @admin.display(description="kind", ordering="provider__kind")
    def kind(self, obj):
        return obj.provider.kind

    @admin.display(description="framework", ordering="report__framework")
    def framework(self, obj):
        return obj.report.framework.short_name

    @admin.display(description="published", ordering="report__published")
    def published(self, obj):
        return obj.report.published_text

    @admin.display(description="standard ratings")
    def ratings_recorded(self, obj):
        return obj.ratings_recorded

    @admin.display(description="Rule-derived overall rating (our computation, not the inspectorate's)")
    def rule_check(self, obj):
        if not obj.pk:
            return "-"
        assessment = obj.rule_assessment()
        if assessment.rule_set is None:
            return "This framework gives no four-point ratings."
        lines = [
            assessment.overall.reason
            if assessment.overall
            else (
                f"Not derivable: {assessment.score.counted} of {obj.report.framework.standards_per_provider} "
                "standard ratings recorded."
            )
        ]
        lines += [f"Disagreement: {disagreement}" for disagreement in assessment.disagreements]
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines))

    def save_model(self, request, obj, form, change):
        request.correction_reason = form.cleaned_data.get("change_reason", "")
        request.correction_lines = [
            Correction.change_line(form.fields[name].label or name, *changed_pair(form, name))
            for name in form.changed_data
            if name not in ("change_reason", "loaded_state")
        ]
        super().save_model(request, obj, form, change)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if message:  # the admin logs an empty message when nothing changed
            # Old and new values as the import records them (`what: 'old' -> 'new'`), so the
            # inspection page and the feed can say what a value was and what it became.
            lines = getattr(request, "correction_lines", [])
            Correction.objects.create(
                inspection=obj,
                inspection_label=str(obj),
                editor=request.user.get_username(),
                reason=getattr(request, "correction_reason", ""),
                changes="\n".join(lines) or LogEntry(change_message=json.dumps(message)).get_change_message(),
            )
        return entry

    def save_formset(self, request, form, formset, change):
        lines = getattr(request, "correction_lines", None)
        if change and lines is not None:
            lines.extend(formset_change_lines(formset))
        # Findings and recommendations also record their report, which the inspection implies.
        instances = formset.save(commit=False)
        for instance in instances:
            if hasattr(instance, "report_id") and not instance.report_id:
                instance.report = form.instance.report
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


def shown(form, name, value):
    """A form value as a reader would say it: a choice's label, a related object's name."""
    if value in (None, ""):
        return ""
    field = form.fields[name]
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(item) for item in value)
    if isinstance(field, forms.ModelChoiceField):
        if not isinstance(value, field.queryset.model):
            value = field.queryset.model._default_manager.filter(pk=value).first()
        return str(value) if value is not None else ""
    choices = dict(getattr(field, "choices", ()) or ())
    for key, label in choices.items():
        if str(key) == str(value):
            return label
    return value


def changed_pair(form, name):
    """(old, new) of one changed field, from the form's initial data and what the editor saved."""
    return shown(form, name, form.initial.get(name)), shown(form, name, form.cleaned_data.get(name))


def inline_label(instance):
    """What an inline row is about, without its (possibly just edited) value: '2.2 Planning rating'."""
    name = instance._meta.verbose_name
    if getattr(instance, "standard_id", None):
        return f"{instance.standard} {name.replace('standard ', '')}"
    if getattr(instance, "key_question_id", None):
        return f"{instance.key_question.code} {name}"
    if getattr(instance, "metric_id", None):
        return f"{instance.metric} ({name})"
    return f"{name} {instance.pk}" if instance.pk else name


def formset_change_lines(formset):
    """One `what: 'old' -> 'new'` line per changed value of an inline (a rating, a fact...)."""
    lines = []
    for inline_form in formset.forms:
        if not inline_form.has_changed() and not formset.can_delete:
            continue
        label = inline_label(inline_form.instance)
        if inline_form.instance.pk and formset._should_delete_form(inline_form):
            lines.append(Correction.change_line(f"{label} (removed)", label, ""))
            continue
        if not inline_form.has_changed():
            continue
        for name in inline_form.changed_data:
            if name in ("id", "inspection", "DELETE"):
                continue
            field_label = inline_form.fields[name].label or name
            old, new = changed_pair(inline_form, name)
            # "2.2 Planning rating", not "2.2 Planning rating: Rating"
            what = label if label.lower().endswith(str(field_label).lower()) else f"{label}: {field_label}"
            if not inline_form.instance.pk:
                what = f"new {what}"
            lines.append(Correction.change_line(what, old, new))
    return lines
