import datetime
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dashboard.database_tools import client_binary, connection_arguments


class Command(BaseCommand):
    help = "Dump the database with pg_dump (custom format) to var/backups/ or --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write (default: var/backups/dashboard-<timestamp>.dump).")

    def handle(self, *args, output=None, **options):
        if output is None:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.VAR_DIR) / "backups" / f"dashboard-{stamp}.dump"
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        arguments, environment = connection_arguments()
        command = [
            client_binary("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(output),
            *arguments,
        ]
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        self.stdout.write(str(output))
        self.stderr.write(f"Backed up to {output} ({output.stat().st_size:,} bytes).")
