import json

from django.core.management.base import BaseCommand

from inspections.serialise import export_inspections
from inspections.models import Inspection


class Command(BaseCommand):
    help = "Print every inspection as JSON on standard output (logs go to standard error)."

    def add_arguments(self, parser):
        parser.add_argument("--provider", help="Only inspections of the provider with this slug.")

    def handle(self, *args, provider=None, **options):
        queryset = Inspection.objects.all()
        if provider:
            queryset = queryset.filter(provider__slug=provider)
        data = export_inspections(queryset)
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        self.stderr.write(f"Exported {len(data)} inspections.")
