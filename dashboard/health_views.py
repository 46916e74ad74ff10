"""Probes for an orchestrator: /healthz/ (the process is alive) and /readyz/ (send traffic here)."""

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse

from dashboard.caching import cache_status


def healthz(request):
    """The process is alive. Touches nothing else, so an orchestrator can tell a hung process."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request):
    """The database answers: send traffic here. Without the page cache (Redis) pages still render
    from the database, so that is reported as degraded, still 200, not a reason to stop traffic."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError):
        connection.close_if_unusable_or_obsolete()
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    status = cache_status()
    response = HttpResponse(status, content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response
