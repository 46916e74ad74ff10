"""Data releases (cut once, never edited) and the log of recent changes."""

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied

from inspections.admin.base import ReadOnlyAdmin
from inspections.models import (
    DataRelease,
    ReleaseFile,
)
from inspections.releases import IDENTIFIER, ReleaseError, cut_release, suggested_identifier


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
