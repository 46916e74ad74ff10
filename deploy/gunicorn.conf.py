"""gunicorn in production (the Dockerfile, and bench/stack.py for the load and fault tests).

Threaded workers (gthread): a client that sends its request slowly holds one thread, not a whole
worker, and a connection that sends nothing waits in the worker's poller, holding no thread at
all. So a handful of slow clients cannot stall the site (tests/test_gunicorn.py); many more than
workers x threads still can, which is why production keeps a buffering proxy in front (nginx in
docker-compose.yml: it reads each request whole before passing it on). docs/security.md.
"""

import os

wsgi_app = "dashboard.wsgi"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
# Each thread may hold a PostgreSQL connection (CONN_MAX_AGE): workers x threads x replicas must
# stay under the server's max_connections (100 by default): 3 x 8 x 3 replicas = 72.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker silent this long is killed and replaced; pages answer in well under a second and the
# database gives up after DB_STATEMENT_TIMEOUT_MS, so only a stuck worker reaches it.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Request line and headers bounded (gunicorn's defaults, said here so they are not lost).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"


def post_worker_init(worker):
    """Once a worker has loaded the app (and its URLconf, so the views are imported), move every
    object allocated so far into the permanent generation: a full garbage collection during a
    request then no longer walks Django's and the app's modules. Such a collection cost a cold page
    about 40 ms (the home page's slowest requests, measured in process: p95 41 -> 35 ms)."""
    import gc

    from django.urls import get_resolver

    get_resolver().check()  # imports the URLconf and with it every view
    gc.collect()
    gc.freeze()
