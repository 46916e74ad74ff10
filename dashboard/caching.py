"""Whole-page caching that is never stale, and cheap revalidation for browsers and CDNs.

Every key includes the data version that PostgreSQL triggers bump on any write to the data
(inspections.models.DataVersion), so a write makes every cached page unreachable at once; no
invalidation list to keep in step with the pages. A process reads the version at most once per
DATA_VERSION_SECONDS (1 s by default), so a hit usually costs no query at all: another process's
change shows within that second, and a write this process commits shows at once.
ETag and Last-Modified come from the same version, so a browser or CDN revalidating an unchanged
page gets a 304 without the page being rendered.

A page is keyed on the host (pages write absolute links) and on the query parameters it reads,
in a canonical order. Any other parameter (utm_source, fbclid, an attacker's random string) is
dropped before the page is rendered, so it shares the canonical entry instead of rendering the
page again, and can never appear in what is cached for everyone.

The cache is an optimisation, never a dependency: when Redis is unreachable the page is rendered
from the database and the fault is logged (once per back-off period, not once per request).
"""

import datetime
import hashlib
import inspect
import logging
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.utils.http import http_date

from inspections.models import DataVersion

CACHE_SECONDS = 60 * 60
# Browsers revalidate every view (a cheap 304 while nothing changed), so an editor's correction is
# seen on the next view rather than after a copy kept for a minute expires.
BROWSER_CACHE_CONTROL = "public, no-cache"
# Response attributes that middleware reads later (embed framing, CSP); kept with the page.
CARRIED_ATTRIBUTES = ("xframe_options_exempt", "_csp_replace")
# After a cache error, skip the cache for this long: a dead Redis costs one failed connection
# per process per period, not one per request.
CACHE_RETRY_SECONDS = 5.0

log = logging.getLogger("dashboard.cache")

# Every chart page reads ?embed=<chart id> (dashboard.views.render_page).
EMBED = ("embed",)
# The query parameters each page reads, for pages declared with a bare @cached_page. Keyed by the
# view's module and name; a view may instead say it with @cached_page(params=[...]).
PAGE_PARAMETERS = {
    "dashboard.views.home": (
        *("scope", "kind", "owner", "framework", "round", "year", "rating"),  # LeagueTableFilter
        *("sort", "page", "per_page", "_export"),  # RequestConfig, the export
        *EMBED,
    ),
    "dashboard.views.about": (),
    "dashboard.views.accessibility": (),
    "dashboard.views.provider_detail": EMBED,
    "dashboard.views.owner_list": EMBED,
    "dashboard.views.owner_detail": ("page", "providers_page", *EMBED),
    "dashboard.views.inspection_detail": EMBED,
    "dashboard.views.inspection_standard": EMBED,
    "dashboard.views.standard_detail": ("page", *EMBED),
    "dashboard.views.standard_list": (),
    "dashboard.views.compare": ("inspection", "with", "q", *EMBED),
    "dashboard.views.provider_list": ("page",),
    "dashboard.views.search_page": ("q", "provider", "owner", "standard", "framework", "year", "kind", "page"),
    "dashboard.round_views.round_list": EMBED,
    "dashboard.round_views.round_detail": EMBED,
}


def view_parameters(view):
    """The query parameters a view reads, or None if not known (then every parameter counts)."""
    operation = getattr(view, "__self__", None)
    if operation is not None and hasattr(operation, "view_func"):
        # A django-ninja operation (decorate_view): its function's signature is its parameters,
        # a schema's fields standing for the schema (e.g. the lists' `paging`).
        names = []
        for name, parameter in inspect.signature(operation.view_func).parameters.items():
            fields = getattr(parameter.annotation, "model_fields", None)
            names.extend(fields or ([] if name == "request" else [name]))
        return tuple(names)
    return PAGE_PARAMETERS.get(f"{view.__module__}.{getattr(view, '__qualname__', '')}")


def canonical_query(query, params):
    """The query string of the parameters a page reads, sorted by name (each name's values in
    their given order: the order of compared inspections is meaningful)."""
    canonical = QueryDict(mutable=True)
    for name in sorted(query if params is None else set(params) & set(query)):
        canonical.setlist(name, query.getlist(name))
    canonical._mutable = False
    return canonical


class PageCache:
    """The shared cache, skipped for a few seconds after it fails (Redis down or unreachable), in
    front of it the pages this process served most recently.

    A key names the data version, so a page kept in memory is as fresh as the shared copy: the
    memory only saves the round trip to Redis (about half of a cache hit's time in a profile) on
    the pages read most, up to `settings.PAGE_MEMORY_BYTES` per process.
    """

    def __init__(self):
        self.down_until = 0.0
        self.lock = threading.Lock()
        self.memory = OrderedDict()  # key -> (value, size), least recently used first
        self.memory_bytes = 0

    def remembered(self, key):
        with self.lock:
            found = self.memory.get(key)
            if found is not None:
                self.memory.move_to_end(key)
                return found[0]
        return None

    def remember(self, key, value):
        """Keep a whole page (content, content type, attributes) in this process's memory."""
        size = len(value[0])
        limit = settings.PAGE_MEMORY_BYTES
        if size > limit:
            return
        with self.lock:
            if key in self.memory:
                return
            self.memory[key] = (value, size)
            self.memory_bytes += size
            while self.memory_bytes > limit:
                _key, (_value, dropped) = self.memory.popitem(last=False)
                self.memory_bytes -= dropped

    def forget(self):
        with self.lock:
            self.memory.clear()
            self.memory_bytes = 0

    def available(self):
        return time.monotonic() >= self.down_until

    def failed(self, operation, error):
        with self.lock:
            first = self.available()
            self.down_until = time.monotonic() + CACHE_RETRY_SECONDS
        if first:
            log.warning("page cache unavailable (%s: %s); rendering pages from the database", operation, error)

    def get(self, key, page=False):
        """The cached value or None; `page`: a whole page, looked for in memory first."""
        value = self.remembered(key) if page else None
        if value is not None or not self.available():
            return value
        try:
            value = cache.get(key)
        except Exception as error:  # any cache backend failure: render from the database
            self.failed("get", error)
            return None
        if page and value is not None:
            self.remember(key, value)
        return value

    def set(self, key, value, timeout, page=False):
        if page:
            self.remember(key, value)
        if not self.available():
            return
        try:
            cache.set(key, value, timeout)
        except Exception as error:
            self.failed("set", error)


page_cache = PageCache()


class VersionClock:
    """The data version, read from PostgreSQL at most once per `settings.DATA_VERSION_SECONDS`
    per process: a cache hit then runs no query. A write this process commits through the ORM
    (an editor's save) forgets the version at once; any other write (another process, an import,
    raw SQL) is seen within the period."""

    def __init__(self):
        self.lock = threading.Lock()
        self.forget()

    def forget(self):
        with self.lock:
            self.value, self.read_at = None, 0.0

    def current(self):
        """(version, changed_at)."""
        with self.lock:
            value, read_at = self.value, self.read_at
        now = time.monotonic()
        if value is not None and now - read_at < settings.DATA_VERSION_SECONDS:
            return value
        value = DataVersion.current()
        with self.lock:
            self.value, self.read_at = value, now
        return value


data_version = VersionClock()


def once_per_version(request, name, compute):
    """A value derived from the data (a national distribution, say), computed once per data version
    and shared by every page and process that asks for it by `name` (the page cache holds it).
    The version is the one the cached page is keyed on, so page and value always agree."""
    key = f"value:v{request.data_version}:{name}"
    value = page_cache.get(key)
    if value is None:
        value = compute()
        page_cache.set(key, value, CACHE_SECONDS)
    return value


def forget_version_on_commit(sender, **kwargs):
    # After the commit, so a request racing the write cannot keep the old version for a second.
    transaction.on_commit(data_version.forget)


post_save.connect(forget_version_on_commit, dispatch_uid="page-cache-version-save")
post_delete.connect(forget_version_on_commit, dispatch_uid="page-cache-version-delete")


def cache_status():
    """'ok', or why the shared cache is not usable (for /readyz)."""
    try:
        cache.set("readyz:probe", "1", 10)
        if cache.get("readyz:probe") != "1":
            return "degraded: the page cache does not keep values"
    except Exception as error:
        page_cache.failed("probe", error)
        return f"degraded: page cache unavailable ({type(error).__name__}); pages are rendered from the database"
    return "ok"


def cached_page(view=None, *, params=None):
    """Cache a GET view's 200 responses. `params`: the query parameters the view reads (default:
    PAGE_PARAMETERS or the API operation's signature; if neither knows, every parameter counts)."""
    if view is None:
        return lambda view: cached_page(view, params=params)
    reads = tuple(params) if params is not None else view_parameters(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        query = canonical_query(request.GET, reads)
        # The page sees only what it reads, so what is cached never carries anyone's junk.
        request.GET = query
        request.META["QUERY_STRING"] = query.urlencode()
        version, changed_at = data_version.current()
        request.data_version = version
        identity = f"{request.get_host()}\n{request.path}\n{request.META['QUERY_STRING']}"
        path_hash = hashlib.sha256(identity.encode()).hexdigest()[:24]
        # Citations on a page carry today's date as the access date, so a page is kept for a day at most.
        today = datetime.date.today().isoformat()
        etag = f'"v{version}-{today}-{path_hash}"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponseNotModified()
            if request.GET.get("embed"):
                # A browser applies a 304's headers to the copy it holds: an embed's 304 must keep
                # its framing, or the iframe shown a minute before is refused.
                allow_framing(response)
            return decorate(response, etag, changed_at)
        key = f"page:v{version}:{today}:{path_hash}"
        entry = page_cache.get(key, page=True)
        if entry is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.has_header("Content-Disposition"):
                # Errors and downloads are not cached; an error must not be served twice.
                return response
            attributes = {name: getattr(response, name) for name in CARRIED_ATTRIBUTES if hasattr(response, name)}
            page_cache.set(key, (response.content, response["Content-Type"], attributes), CACHE_SECONDS, page=True)
        else:
            content, content_type, attributes = entry
            response = HttpResponse(content, content_type=content_type)
            for name, value in attributes.items():
                setattr(response, name, value)
        return decorate(response, etag, changed_at)

    wrapper.page_parameters = reads
    return wrapper


def decorate(response, etag, changed_at):
    response["ETag"] = etag
    if changed_at:
        response["Last-Modified"] = http_date(changed_at.timestamp())
    response["Cache-Control"] = BROWSER_CACHE_CONTROL
    return response


def allow_framing(response):
    """Embeds are meant to be framed by other sites; every other page refuses framing."""
    response.xframe_options_exempt = True
    response._csp_replace = {"frame-ancestors": ["*"]}
    return response
