"""Providers, owners, sources and the framework catalogue (read-only: the catalogue is data)."""

from django.contrib import admin

from inspections.admin.base import EditorAdmin, ReadOnlyAdmin
from inspections.models import (
    Domain,
    Framework,
    KeyQuestion,
    Metric,
    OwnerGroup,
    Ownership,
    Provider,
    Round,
    SourceDocument,
    Standard,
)


@admin.register(SourceDocument)
class SourceDocumentAdmin(EditorAdmin):
    list_display = ["title", "kind", "publisher", "published"]
    list_filter = ["kind"]
    search_fields = ["title", "url", "publisher", "slug"]
    prepopulated_fields = {"slug": ["title"]}


class OwnershipInline(admin.TabularInline):
    model = Ownership
    extra = 0
    autocomplete_fields = ["owner", "source"]


@admin.register(OwnerGroup)
class OwnerGroupAdmin(EditorAdmin):
    list_display = ["name", "is_public_sector"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Provider)
class ProviderAdmin(EditorAdmin):
    list_display = ["name", "kind", "short_name", "area"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OwnershipInline]


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
class MetricAdmin(EditorAdmin):
    list_display = ["name", "unit", "higher_is_better"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
