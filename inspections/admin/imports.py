"""The editors' import page: upload a report file, preview every value beside its line, correct or
confirm, save through report_import.write (the same path as the import_report command)."""

import json

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from inspections.models import Provider, Report
from inspections.report_import import ImportPlan, build_plan, changes_to_published, write
from inspections.report_parser import MAX_BYTES, ReportImportError
from inspections.serialise import slug_of
from inspections.text_guard import control_character_problem


class ReportImportForm(forms.Form):
    file = forms.FileField(help_text="The report as a PDF or a text file (UTF-8), at most 20 MB.")
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.order_by("name"),
        required=False,
        help_text="Only if the report's own name for the provider does not match the catalogue, or to confirm "
        "a provider the preview marks as uncertain.",
    )
    report = forms.ModelChoiceField(
        queryset=Report.objects.order_by("slug"),
        to_field_name="slug",
        required=False,
        help_text="For a press release, news report or blog post: the inspection report it speaks of. Its values "
        "are added to that inspection, citing the text; nothing held is removed.",
    )


# The shape of a report's values as the preview shows them (a bundled report file's structure).
REPORT_TEXT_FIELDS = ("slug", "title", "framework")
MAX_DEPTH = 8


def payload_problem(data, where="data", depth=0):
    """What is wrong with a confirm payload, or "" : the structure of a bundled report file, strings
    without control characters, nesting no deeper than such a file's."""
    if depth == 0:
        if not isinstance(data, dict) or not isinstance(data.get("inspections"), list) or not data["inspections"]:
            return "it must be an object with at least one entry in 'inspections'"
        for name in REPORT_TEXT_FIELDS:
            if not isinstance(data.get(name), str) or not data.get(name):
                return f"'{name}' must be a non-empty text"
        if not all(isinstance(entry, dict) for entry in data["inspections"]):
            return "each entry in 'inspections' must be an object"
    if depth > MAX_DEPTH:
        return f"{where} is nested deeper than a report's values ever are"
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = ((f"[{index}]", value) for index, value in enumerate(data))
    else:
        problem = control_character_problem(data) if isinstance(data, str) else None
        return f"{where}: {problem}" if problem else ""
    for key, value in items:
        place = f"{where}{key}" if str(key).startswith("[") else f"{where}.{key}"
        problem = payload_problem(value, place, depth + 1)
        if problem:
            return problem
    return ""


class ReportConfirmForm(forms.Form):
    filename = forms.CharField(widget=forms.HiddenInput)
    data = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 30, "cols": 120, "spellcheck": "false"}),
        help_text="The values to write, as read from the report. Correct any value here before saving.",
    )
    uncertain = forms.CharField(widget=forms.HiddenInput, required=False)
    # The report as the preview saw it: a confirm after another import or edit of it is refused.
    report_state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    include = forms.MultipleChoiceField(
        label="Uncertain values to save as well",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each was read with doubt (see the preview); tick only those the report really states.",
    )
    reason = forms.CharField(
        label="Reason for the correction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when a value already published would change: shown in the public changelog.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = self.data.get("uncertain") if self.is_bound else self.initial.get("uncertain")
        try:
            self.uncertain_values = json.loads(raw or "{}")
        except json.JSONDecodeError:
            self.uncertain_values = {}
        self.fields["include"].choices = [
            (key, f"{key}: {describe(entry)}") for key, entry in sorted(self.uncertain_values.items())
        ]

    def clean_data(self):
        try:
            data = json.loads(self.cleaned_data["data"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(f"This is not valid JSON: {error.msg} at line {error.lineno}.") from None
        except RecursionError:
            raise forms.ValidationError("This JSON is nested too deeply to be a report's values.") from None
        problem = payload_problem(data)
        if problem:
            raise forms.ValidationError(f"The data cannot be saved: {problem}.")
        return data

    def clean(self):
        cleaned = super().clean()
        data = cleaned.get("data")
        if isinstance(data, dict):
            merge_confirmed(data, self.uncertain_values, cleaned.get("include", []))
            if changes_to_published(data) and not cleaned.get("reason", "").strip():
                self.add_error(
                    "reason", "Published values would change: say why (for example, the page of the report)."
                )
        return cleaned


def describe(entry):
    _provider, section, value = entry
    if section == "overall":
        return f"overall rating '{value}'"
    if section == "owner":
        return f"owner '{value['owner_text']}' ({value['owner_location']}: {value['owner_quote'][:120]})"
    if section == "ratings":
        return f"'{value['rating']}' ({value['location']}: {value['quote'][:120]})"
    return f"{value.get('percent')}% ({value['location']}: {value['quote'][:120]})"


def merge_confirmed(data, uncertain, keys):
    """Add the uncertain values an editor ticked to the inspections they belong to."""
    for key in keys:
        provider, section, value = uncertain[key]
        entry = next((i for i in data["inspections"] if i.get("provider") == provider), None)
        if entry is None:
            continue
        if section == "overall":
            entry["overall"] = value
        elif section == "owner":
            entry.update(value)
        else:
            entry.setdefault(section, []).append(value)


def report_import_view(model_admin, request):
    """Upload -> preview every extracted value beside its source line -> correct or confirm -> save.

    Nothing is written before the editor confirms; the preview is built in a rolled-back transaction.
    """
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import an inspection report",
        "opts": Report._meta,
    }
    if request.method == "POST" and "confirm" in request.POST:
        return confirm(request, context)
    form = ReportImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(MAX_BYTES + 1)
        provider, report = form.cleaned_data["provider"], form.cleaned_data["report"]
        try:
            plan = build_plan(data, upload.name, slug_of(provider), report_slug=slug_of(report))
            exported = write(plan, upload.name, dry_run=True) if plan.writable else []
        except ReportImportError as error:
            form.add_error("file", str(error))
        else:
            confirm_form = ReportConfirmForm(
                initial={
                    "filename": upload.name,
                    "data": json.dumps(plan.data, indent=2, ensure_ascii=False),
                    "uncertain": json.dumps(plan.uncertain, ensure_ascii=False),
                    "report_state": plan.report_state,
                }
            )
            preview = {"plan": plan, "extraction": plan.extraction, "exported": exported, "changes": plan.changes}
            return render(
                request,
                "admin/inspections/report/import_preview.html",
                {**context, **preview, "confirm_form": confirm_form},
            )
    return render(request, "admin/inspections/report/import.html", {**context, "form": form})


def confirm(request, context):
    form = ReportConfirmForm(request.POST)
    if form.is_valid():
        filename, data = form.cleaned_data["filename"], form.cleaned_data["data"]
        try:
            write(
                ImportPlan.confirmed(data, form.cleaned_data["report_state"] or None),
                filename,
                reason=form.cleaned_data["reason"],
                editor=request.user.get_username(),
            )
        except ReportImportError as error:
            form.add_error("data", str(error).removeprefix(f"{filename}: "))
        else:
            report = Report.objects.get(slug=data["slug"])
            LogEntry.objects.log_actions(
                request.user.pk, [report], ADDITION, change_message=f"Imported from {filename}"
            )
            messages.success(request, f"Imported {report.title} ({report.published_text}).")
            return redirect("admin:inspections_report_change", report.pk)
    changes = changes_to_published(form.cleaned_data["data"]) if isinstance(form.cleaned_data.get("data"), dict) else []
    return render(
        request, "admin/inspections/report/import_preview.html", {**context, "confirm_form": form, "changes": changes}
    )
