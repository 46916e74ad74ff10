from django.core.management.base import BaseCommand, CommandError

from inspections.loader import BundledDataError, load_bundled_data


class Command(BaseCommand):
    help = (
        "Load the bundled data files (inspections/data) in one transaction, one load at a time; safe to run "
        "again. A value an editor or an import changed since the last load is kept and reported."
    )

    def handle(self, *args, **options):
        report = []
        try:
            counts = load_bundled_data(report=report)
        except BundledDataError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        for key in sorted(counts):
            self.stderr.write(f"{key}: {counts[key]}")
        for line in report:
            self.stderr.write(f"kept: {line}")
        tallies = ("conflicts", "kept (changed since the last load)", "BundleBaseline written")
        written = sum(count for key, count in counts.items() if not key.endswith("unchanged") and key not in tallies)
        self.stdout.write(f"Bundled data loaded: {written} rows written, {counts.total() - written} unchanged.")
