"""Whole-page caching that is never stale, and cheap revalidation for browsers and CDNs.

Every key includes the data version that PostgreSQL triggers bump on any write to the data
(inspections.models.DataVersion), so a write makes every cached page unreachable at once; no
invalidation list to keep in step with the pages. One query (the version) is the price of a hit.
ETag and Last-Modified come from the same version, so a browser or CDN revalidating an unchanged
page gets a 304 without the page being rendered.
"""

import datetime
import hashlib
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date

from inspections.models import DataVersion

CACHE_SECONDS = 60 * 60
BROWSER_MAX_AGE = 60
# Response attributes that middleware reads later (embed framing, CSP); kept with the page.
CARRIED_ATTRIBUTES = ("xframe_options_exempt", "_csp_replace")


def cached_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        version, changed_at = DataVersion.current()
        path_hash = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:24]
        # Citations on a page carry today's date as the access date, so a page is kept for a day at most.
        today = datetime.date.today().isoformat()
        etag = f'"v{version}-{today}-{path_hash}"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponseNotModified()
            return decorate(response, etag, changed_at)
        key = f"page:v{version}:{today}:{path_hash}"
        entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.has_header("Content-Disposition"):
                # Errors and downloads are not cached; an error must not be served twice.
                return response
            attributes = {name: getattr(response, name) for name in CARRIED_ATTRIBUTES if hasattr(response, name)}
            cache.set(key, (response.content, response["Content-Type"], attributes), CACHE_SECONDS)
        else:
            content, content_type, attributes = entry
            response = HttpResponse(content, content_type=content_type)
            for name, value in attributes.items():
                setattr(response, name, value)
        return decorate(response, etag, changed_at)

    return wrapper


def decorate(response, etag, changed_at):
    response["ETag"] = etag
    if changed_at:
        response["Last-Modified"] = http_date(changed_at.timestamp())
    response["Cache-Control"] = f"public, max-age={BROWSER_MAX_AGE}"
    return response
