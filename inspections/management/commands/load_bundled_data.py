from django.core.management.base import BaseCommand, CommandError

from inspections.loader import BundledDataError, load_bundled_data


class Command(BaseCommand):
    help = "Load the bundled data files (inspections/data) in one transaction; safe to run again."

    def handle(self, *args, **options):
        try:
            counts = load_bundled_data()
        except BundledDataError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        for key in sorted(counts):
            self.stderr.write(f"{key}: {counts[key]}")
        written = sum(count for key, count in counts.items() if not key.endswith("unchanged"))
        self.stdout.write(f"Bundled data loaded: {written} rows written, {counts.total() - written} unchanged.")
