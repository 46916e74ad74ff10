import subprocess
from pathlib import Path

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from dashboard.database_tools import client_binary, connection_arguments


class Command(BaseCommand):
    help = "Restore a pg_dump backup over the current database, in one transaction (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup written by `manage.py backup`.")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such backup file")
        connections.close_all()  # our own open session would block dropping the tables
        arguments, environment = connection_arguments()
        command = [
            client_binary("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
            "--single-transaction", "--exit-on-error", *arguments, str(path),
        ]  # fmt: skip
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed, nothing was changed: {result.stderr.strip()}")
        # The restored data version may be lower than versions already cached: start clean.
        cache.clear()
        self.stderr.write(f"Restored {path}.")
