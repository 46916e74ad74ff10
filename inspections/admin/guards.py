"""Admin input checked before use: list filters with out-of-range dates, control characters.

An out-of-range year reaches Python's datetime (ValueError for 0, OverflowError for 20 digits)
inside the admin's changelist, which would be a 500; here it is a message or a 400 instead.
"""

from functools import wraps

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


def date_hierarchy_problem(model_admin, query):
    """Why the list's date_hierarchy year, month or day in the query is unusable, or None."""
    for part, low, high in DATE_PARTS:
        name = f"{model_admin.date_hierarchy}__{part}"
        if name in query and not whole_number_in(query[name], low, high):
            return f"{name} must be a whole number from {low} to {high}."
    return None


def check_date_hierarchy(model_admin):
    """Wrap the admin's changelist view: a bad date_hierarchy value is a 400 naming the parameter
    and its range, before Django builds dates from it."""
    view = model_admin.changelist_view
    if not model_admin.date_hierarchy or getattr(view, "checks_dates", False):
        return

    @wraps(view)
    def changelist_view(request, extra_context=None):
        problem = date_hierarchy_problem(model_admin, request.GET)
        if problem:
            return HttpResponseBadRequest(problem, content_type="text/plain")
        return view(request, extra_context)

    changelist_view.checks_dates = True
    model_admin.changelist_view = changelist_view


def refuse_control_characters(form_class):
    """The form class with RefuseControlCharacters mixed in (itself if it already has it)."""
    if issubclass(form_class, RefuseControlCharacters):
        return form_class
    return type(form_class.__name__, (RefuseControlCharacters, form_class), {"__module__": form_class.__module__})


def guard_every_admin(site):
    """For every registered admin (ours, Django's, django-axes'), now or added later: no form or
    inline form accepts a control character, and no date hierarchy a date Python cannot build.
    Run once every admin is registered (the end of inspections/admin.py), before the URLs are."""
    for model_admin in site._registry.values():
        model_admin.form = refuse_control_characters(model_admin.form)
        for inline in model_admin.inlines:
            inline.form = refuse_control_characters(inline.form)
        check_date_hierarchy(model_admin)
