from django.core.management.base import BaseCommand, CommandError

from inspections.releases import ReleaseError, cut_release, suggested_identifier


class Command(BaseCommand):
    help = "Freeze every dataset as a citable data release (e.g. 2026-11) with a generated changelog."

    def add_arguments(self, parser):
        parser.add_argument("identifier", nargs="?", help="Default: this month, e.g. 2026-11 (2026-11-2 if taken).")
        parser.add_argument("--notes", default="", help="What the release is for; shown on its page.")
        parser.add_argument("--editor", default="", help="Who cut it (kept for the record, not published).")

    def handle(self, *args, identifier=None, notes, editor, **options):
        try:
            release = cut_release(identifier or suggested_identifier(), notes, editor)
        except ReleaseError as error:
            raise CommandError(str(error)) from error
        files = release.files.count()
        self.stdout.write(f"Release {release.identifier}: {files} files. {release.changelog['summary']}")
