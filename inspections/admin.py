"""Django admin for editors: an inspection is edited on one page, with the rule's view beside it.

Validation messages come from model clean() and the named constraints' violation messages.
Every change is recorded by the admin's LogEntry (the History button; Recent changes below).
"""

import hashlib
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import ExtractYear
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from inspections.admin_guards import guard_every_admin, year_problem
from inspections.admin_import import report_import_view
from inspections.models import (
    Correction,
    DataRelease,
    Domain,
    Fact,
    Finding,
    Framework,
    Inspection,
    KeyQuestion,
    KeyQuestionScore,
    Metric,
    OwnerGroup,
    Ownership,
    Provider,
    Recommendation,
    ReleaseFile,
    Report,
    ReportTable,
    Round,
    SourceDocument,
    Standard,
    StandardRating,
)
from inspections.releases import IDENTIFIER, ReleaseError, cut_release, suggested_identifier

admin.site.site_header = "CRC performance dashboard: editors"
admin.site.site_title = "Editors"
admin.site.index_title = "Inspection data"


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


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "publisher", "published"]
    list_filter = ["kind"]
    search_fields = ["title", "url", "publisher", "slug"]
    prepopulated_fields = {"slug": ["title"]}


class OwnershipInline(admin.TabularInline):
    model = Ownership
    extra = 0
    autocomplete_fields = ["owner", "source"]


@admin.register(OwnerGroup)
class OwnerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "is_public_sector"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "short_name", "area"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OwnershipInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Editors read; superusers alone write, and only where the class allows it."""

    superusers_may_add = True
    superusers_may_change = True

    def superuser(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return self.superusers_may_add and self.superuser(request)

    def has_change_permission(self, request, obj=None):
        return self.superusers_may_change and self.superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self.superusers_may_change and self.superuser(request)


class ReadOnlyCatalogueAdmin(ReadOnlyAdmin):
    """The framework catalogue is data, changed by migrations of the bundled files, not by editors."""


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyCatalogueAdmin):
    list_display = ["name", "started", "ended", "has_four_point_ratings", "standards_per_provider"]
    search_fields = ["name"]


@admin.register(Round)
class RoundAdmin(ReadOnlyCatalogueAdmin):
    list_display = ["name", "framework", "started", "ended"]
    search_fields = ["name", "slug"]


@admin.register(Domain)
class DomainAdmin(ReadOnlyCatalogueAdmin):
    list_display = ["__str__", "framework"]
    list_filter = ["framework"]
    search_fields = ["name", "code"]


class KeyQuestionInline(admin.TabularInline):
    model = KeyQuestion
    extra = 0


@admin.register(Standard)
class StandardAdmin(ReadOnlyCatalogueAdmin):
    list_display = ["code", "name", "framework", "applies_to", "rated_from_case_sample"]
    list_filter = ["framework", "applies_to"]
    search_fields = ["code", "name"]
    inlines = [KeyQuestionInline]


@admin.register(KeyQuestion)
class KeyQuestionAdmin(ReadOnlyCatalogueAdmin):
    list_display = ["code", "text", "standard"]
    list_filter = ["standard__framework"]
    search_fields = ["code", "text"]


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "higher_is_better"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PreloadedAutocompleteMixin:
    """Label the selected option(s) from objects the row already holds, not one query per field per row."""

    preloaded = None  # the selected objects, set by InlineRowForm

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.preloaded is None or {str(obj.pk) for obj in self.preloaded} != selected:
            return super().optgroups(name, value, attr)
        options = (
            [] if self.is_required or self.allow_multiple_selected else [self.create_option(name, "", "", False, 0)]
        )
        for obj in self.preloaded:
            options.append(
                self.create_option(name, obj.pk, self.choices.field.label_from_instance(obj), True, len(options))
            )
        return [(None, options, 0)]


class PreloadedAutocompleteSelect(PreloadedAutocompleteMixin, AutocompleteSelect):
    pass


class PreloadedAutocompleteSelectMultiple(PreloadedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class InlineRowForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PreloadedAutocompleteMixin):
                continue
            if isinstance(widget, AutocompleteSelectMultiple):
                widget.preloaded = list(getattr(self.instance, name).all())
            elif name in self.instance._state.fields_cache:
                related = self.instance._state.fields_cache[name]
                widget.preloaded = [related] if related is not None else None


class PreloadedAutocompleteInline:
    """Inline rows whose related objects come with the row (select_related/prefetch_related)."""

    form = InlineRowForm

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        many = {field.name for field in self.model._meta.many_to_many}
        single = [name for name in self.autocomplete_fields if name not in many]
        return queryset.select_related(*single).prefetch_related(*(set(self.autocomplete_fields) & many))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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


def inspection_state(pk):
    """A fingerprint of an inspection as the database holds it (its row and every row that belongs
    to it): what an editor's form was built from, compared again when the form is saved."""
    rows = [list(Inspection.objects.filter(pk=pk).values())]
    for model in (StandardRating, KeyQuestionScore, Fact, Finding, Recommendation):
        rows.append(list(model.objects.filter(inspection_id=pk).order_by("pk").values()))
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()


class InspectionAdminForm(forms.ModelForm):
    """The admin builds the model fields from InspectionAdmin.fieldsets; this adds the reason, and
    refuses a save made on a page older than someone else's save (no lost update)."""

    loaded_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Also when bound: a save from an up-to-date page then changes nothing in this field, so
            # no change message or correction names it.
            self.fields["loaded_state"].initial = inspection_state(self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        # The fingerprint __init__ took of the database as this save began: the state to compare with.
        if self.instance.pk and cleaned.get("loaded_state") != self.fields["loaded_state"].initial:
            # A form-wide error: the admin shows it above the form, where a hidden field's would not be.
            raise forms.ValidationError(
                "Someone else saved this inspection after you opened it, so saving now would undo their "
                "change. Nothing was saved: open the inspection again to see what changed, then make your "
                "correction."
            )
        return cleaned

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
class InspectionAdmin(admin.ModelAdmin):
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


class ReportInspectionInline(admin.TabularInline):
    model = Inspection
    fields = ["provider", "overall_rating", "source", "location", "edit_link"]
    readonly_fields = ["edit_link"]
    autocomplete_fields = ["provider", "source"]
    extra = 0
    show_change_link = True

    @admin.display(description="")
    def edit_link(self, obj):
        if not obj.pk:
            return ""
        url = reverse("admin:inspections_inspection_change", args=[obj.pk])
        return format_html('<a href="{}">Edit ratings, scores, facts</a>', url)


class JointFindingInline(admin.StackedInline):
    model = Finding
    verbose_name_plural = "Findings about the providers together"
    fields = [("kind", "domain", "standard", "position"), "text", ("source", "location")]
    autocomplete_fields = ["source", "domain", "standard"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).filter(inspection=None)


class ReportTableInline(admin.StackedInline):
    model = ReportTable
    fields = [("number", "title", "inspection"), "columns", "rows", "note", ("source", "location")]
    autocomplete_fields = ["source", "inspection"]
    extra = 0


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["title", "framework", "round", "published_text", "lead_inspector"]
    list_filter = ["framework", "round"]
    search_fields = ["title", "slug", "lead_inspector"]
    autocomplete_fields = ["document"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        ("framework", "round"),
        ("published", "published_precision"),
        ("fieldwork_start", "fieldwork_start_precision", "fieldwork_text"),
        ("lead_inspector", "chief_inspector"),
        "document",
        "notes",
    ]
    inlines = [ReportInspectionInline, JointFindingInline, ReportTableInline]

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(lambda request: report_import_view(self, request)),
                name="inspections_report_import",
            )
        ]
        return urls + super().get_urls()


@admin.register(Fact)
class FactAdmin(admin.ModelAdmin):
    list_display = ["label", "value_text", "unit", "provider", "subject", "inspection"]
    list_filter = ["metric"]
    search_fields = ["label", "subject", "provider__name"]
    autocomplete_fields = ["inspection", "provider", "metric", "standard", "source"]


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    """Editors' corrections with their reasons, as the public changelog shows them. Made by saving an
    inspection, never added here; a superuser may fix a reason or remove a correction made in error."""

    superusers_may_add = False
    list_display = ["made_at", "inspection_label", "editor", "reason", "changes"]
    search_fields = ["inspection_label", "reason", "changes"]
    date_hierarchy = "made_at"


class DataReleaseForm(forms.ModelForm):
    class Meta:
        model = DataRelease
        fields = ["identifier", "notes"]

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"]
        if not IDENTIFIER.match(identifier):
            raise forms.ValidationError("Use the year and month, e.g. 2026-11 (or 2026-11-2 for a second release).")
        return identifier


class ReleaseFileInline(admin.TabularInline):
    model = ReleaseFile
    fields = ["dataset", "format", "rows", "sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DataRelease)
class DataReleaseAdmin(admin.ModelAdmin):
    """Cutting a release: "Add data release" freezes every dataset now. Releases are never edited."""

    form = DataReleaseForm
    list_display = ["identifier", "released_at", "released_by", "summary"]
    inlines = [ReleaseFileInline]

    def get_changeform_initial_data(self, request):
        return {"identifier": suggested_identifier()}

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_readonly_fields(self, request, obj=None):
        return ["identifier", "notes", "released_at", "released_by", "summary"] if obj else []

    def get_fields(self, request, obj=None):
        return ["identifier", "notes", "released_at", "released_by", "summary"] if obj else ["identifier", "notes"]

    @admin.display(description="changes since the previous release")
    def summary(self, obj):
        return obj.changelog.get("summary", "")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            release = cut_release(obj.identifier, obj.notes, request.user.get_username())
        except ReleaseError as error:
            raise PermissionDenied(str(error)) from error
        obj.pk = release.pk
        obj.released_at = release.released_at

    def save_related(self, request, form, formsets, change):
        pass  # cut_release wrote the files


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    """Recent changes: who changed what, and when. Read-only, for superusers too. Editors see
    their own entries only, so the list is not a directory of every staff username."""

    superusers_may_add = superusers_may_change = False
    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change_message"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["object_repr", "change_message", "user__username"]
    date_hierarchy = "action_time"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)


# Last, once every admin is registered: no admin form accepts a control character, and no date
# hierarchy an impossible date.
guard_every_admin(admin.site)
