import subprocess
from pathlib import Path

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from dashboard.database_tools import client_binary, connection_arguments


class Command(BaseCommand):
    help = "Restore a pg_dump backup over the current database, in one transaction (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup written by `manage.py backup`.")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such backup file")
        version_before = current_version()
        connections.close_all()  # our own open session would block dropping the tables
        arguments, environment = connection_arguments()
        command = [
            client_binary("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
            "--single-transaction", "--exit-on-error", *arguments, str(path),
        ]  # fmt: skip
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed, nothing was changed: {result.stderr.strip()}")
        # The dump brings back the data version it was taken at, lower than versions already handed
        # out as ETags and cache keys: move it past every version this database has used, so no
        # version ever stands for two different states of the data (a browser or CDN holding an
        # old ETag would otherwise get a 304 for changed content).
        version = advance_version_past(version_before)
        cache.clear()
        self.stderr.write(f"Data version {version} (was {version_before} before the restore).")
        self.stderr.write(f"Restored {path}.")


def current_version():
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM inspections_data_version")
        return cursor.fetchone()[0]


def advance_version_past(version_before):
    """Set the data version above both its value before the restore and the restored one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval('inspections_data_version', GREATEST(last_value, %s) + 1) FROM inspections_data_version",
            [version_before],
        )
        return cursor.fetchone()[0]
