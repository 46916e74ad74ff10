"""Admin input checked before use: list filters with out-of-range dates, control characters.

An out-of-range year reaches Python's datetime (ValueError for 0, OverflowError for 20 digits)
inside the admin's changelist, which would be a 500; here it is a message or a 400 instead.
"""

from django.http import HttpResponseBadRequest

from inspections.text_guard import RefuseControlCharacters

# Years an admin date filter accepts: wide enough for any report or log entry, narrow enough that
# the bounds Django computes (the next year, the next day) and time-zone conversion never overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2999
DATE_PARTS = (("year", FIRST_YEAR, LAST_YEAR), ("month", 1, 12), ("day", 1, 31))


def whole_number_in(value, low, high):
    return value.isascii() and value.isdigit() and len(value) <= 4 and low <= int(value) <= high


def year_problem(value):
    if whole_number_in(value, FIRST_YEAR, LAST_YEAR):
        return None
    return f"No year {value[:20]!r}: a year is a whole number from {FIRST_YEAR} to {LAST_YEAR}."


class ValidDateHierarchy:
    """ModelAdmin mixin: the date_hierarchy's year, month and day are checked before Django
    builds dates from them; a bad one is a 400 naming the parameter and its range."""

    def changelist_view(self, request, extra_context=None):
        if self.date_hierarchy:
            for part, low, high in DATE_PARTS:
                name = f"{self.date_hierarchy}__{part}"
                if name in request.GET and not whole_number_in(request.GET[name], low, high):
                    return HttpResponseBadRequest(
                        f"{name} must be a whole number from {low} to {high}.", content_type="text/plain"
                    )
        return super().changelist_view(request, extra_context)


def refuse_control_characters(form_class):
    """The form class with RefuseControlCharacters mixed in (itself if it already has it)."""
    if issubclass(form_class, RefuseControlCharacters):
        return form_class
    return type(form_class.__name__, (RefuseControlCharacters, form_class), {"__module__": form_class.__module__})


def guard_every_admin_form(site):
    """Mix RefuseControlCharacters into the form of every registered admin and its inlines, so no
    admin form, now or added later, lets a control character through."""
    for model_admin in site._registry.values():
        model_admin.form = refuse_control_characters(model_admin.form)
        for inline in model_admin.inlines:
            inline.form = refuse_control_characters(inline.form)
