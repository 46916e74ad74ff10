"""Reports (with their import page), facts and corrections."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html

from inspections.admin.base import EditorAdmin, ReadOnlyAdmin
from inspections.admin.imports import report_import_view
from inspections.models import (
    Correction,
    Fact,
    Finding,
    Inspection,
    Report,
    ReportTable,
)


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
class ReportAdmin(EditorAdmin):
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
class FactAdmin(EditorAdmin):
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
