from django.core.management.base import BaseCommand, CommandError

from inspections.loader.writer import write_report_files
from inspections.models import Report


class Command(BaseCommand):
    help = (
        "Write reports from the database back to their files in inspections/data/reports/, so that an "
        "import or an editor's correction reaches the bundled data. Review the change with git diff."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="report slugs (default: every report)")

    def handle(self, *args, slugs, **options):
        unknown = sorted(set(slugs) - set(Report.objects.filter(slug__in=slugs).values_list("slug", flat=True)))
        if unknown:
            raise CommandError(f"No report with slug: {', '.join(unknown)}")
        for path in write_report_files(slugs):
            self.stdout.write(str(path))
