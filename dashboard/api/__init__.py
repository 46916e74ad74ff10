"""The read-only JSON API under /api/v1/ (django-ninja; why, in docs/api.md).

Every list is paginated with stable links (`page`, `page_size`; `next`/`previous` are absolute
URLs carrying the same filters) and has a fixed number of queries whatever the page size.
A bad parameter is a 400 whose body names the field and the reason; an unknown object is a 404;
both have the same shape: {"status", "error", "detail": [{"field", "reason"}]}.
Responses are cached on the data version like the pages (dashboard/caching.py).
"""

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve

from dashboard.api import about, inspections, providers, standards, suggest
from dashboard.api.base import api

# Mounted in this order, which is the order of the paths in the OpenAPI schema.
api.add_router("", about.router)
api.add_router("", providers.router)
api.add_router("", inspections.router)
api.add_router("", standards.router)
api.add_router("", suggest.router)


def without_trailing_slash(request, rest):
    """/api/v1/inspections/ is /api/v1/inspections: a client need not guess the slash."""
    target = f"/api/v1/{rest}"
    try:
        resolve(target)
    except Resolver404:
        raise Http404(f"No API endpoint at /api/v1/{rest}/.") from None
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(target + (f"?{query}" if query else ""))
