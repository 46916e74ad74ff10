"""Request logging, the request body limit, the Permissions-Policy header, the client's address
behind proxies, and a 503 page when PostgreSQL is unavailable."""

import io
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
                # The API's error shape (dashboard/api/base.py), so clients parse one format.
                body = {"status": 400, "error": "bad_request", "detail": [{"field": None, "reason": reason}]}
                return JsonResponse(body, status=400)
            return HttpResponseBadRequest(reason, content_type="text/plain")
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """Refuse a request body over MAX_REQUEST_BODY_BYTES before anything reads it.

    It runs before sessions, CSRF and login: without it an anonymous POST of any size to any
    address is parsed (uploads spooled to disk) by the CSRF check before it can be refused. A
    declared Content-Length over the limit is refused unread; a chunked body (no length) is read
    here, counted, and refused as soon as it passes the limit, so what the app reads is bounded too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BODY_BYTES
        length = request.META.get("CONTENT_LENGTH", "")
        if length:
            if not (length.isascii() and length.isdigit()):
                return HttpResponseBadRequest("Content-Length must be a number of bytes.", content_type="text/plain")
            if int(length) > limit:
                return self.too_large(limit)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = read_at_most(request.META["wsgi.input"], limit + 1)
            if len(body) > limit:
                return self.too_large(limit)
            # Django reads only a body with a declared length: give it the one just counted.
            request._stream = io.BytesIO(body)
            request.META["CONTENT_LENGTH"] = str(len(body))
        return self.get_response(request)

    @staticmethod
    def too_large(limit):
        return HttpResponse(
            f"The request body is over the limit of {limit // (1024 * 1024)} MB.", status=413, content_type="text/plain"
        )


def read_at_most(stream, size, chunk=64 * 1024):
    parts, total = [], 0
    while total < size:
        data = stream.read(min(chunk, size - total))
        if not data:
            break
        parts.append(data)
        total += len(data)
    return b"".join(parts)


def client_ip(request):
    """The client's address for django-axes (AXES_CLIENT_IP_CALLABLE).

    With TRUSTED_PROXY_COUNT proxies in front, each appends the address it received the request
    from to X-Forwarded-For and the last one is REMOTE_ADDR: the client is the TRUSTED_PROXY_COUNT-th
    entry from the right. Entries further left are whatever the client sent, never trusted. With no
    proxy (or a header too short to hold the client), REMOTE_ADDR is the client.
    """
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-count] if len(forwarded) >= count else remote


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
