"""Request logging, the Permissions-Policy header, and a 503 page when PostgreSQL is unavailable."""

import json
import logging
import time
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string

request_log = logging.getLogger("dashboard.requests")


class RequestLogMiddleware:
    """Give each request an id (or keep the proxy's X-Request-ID) and log one JSON line for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        response = self.get_response(request)
        duration = (time.perf_counter() - started) * 1000
        response["X-Request-ID"] = request.id
        request_log.info(
            json.dumps(
                {
                    "request_id": request.id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(duration, 1),
                }
            )
        )
        return response


class RejectNulMiddleware:
    """A NUL character cannot be stored or searched in PostgreSQL text: refuse it up front."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
        ):
            reason = "Addresses may not contain NUL characters."
            if request.path.startswith("/api/"):
                # The API's error shape (dashboard/api.py), so clients parse one format.
                body = {"status": 400, "error": "bad_request", "detail": [{"field": None, "reason": reason}]}
                return JsonResponse(body, status=400)
            return HttpResponseBadRequest(reason, content_type="text/plain")
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """When PostgreSQL is down or too slow, answer 503 with a plain page, never a stack trace.

    The broken connection is closed so the next request reconnects: the site recovers by itself
    when the database returns.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logging.getLogger("dashboard.database").warning(
            "database unavailable for %s (request %s): %s", request.path, getattr(request, "id", "-"), exception
        )
        connection.close_if_unusable_or_obsolete()
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "10"
        response["Cache-Control"] = "no-store"
        return response
