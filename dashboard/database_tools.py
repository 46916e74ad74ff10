"""pg_dump and pg_restore for the configured database (the embedded server's own binaries when
DATABASE_URL is not set, since the client must not be older than the server)."""

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError


def client_binary(name):
    if not os.environ.get("DATABASE_URL"):
        import pgserver

        embedded = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
        if embedded.exists():
            return str(embedded)
    found = shutil.which(name)
    if not found:
        raise CommandError(f"{name} is not installed; install the PostgreSQL client (Debian: postgresql-client)")
    return found


def connection_arguments():
    database = settings.DATABASES["default"]
    arguments = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        arguments += ["--host", database["HOST"]]
    if database.get("PORT"):
        arguments += ["--port", str(database["PORT"])]
    if database.get("USER"):
        arguments += ["--username", database["USER"]]
    environment = {**os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    return arguments, environment
