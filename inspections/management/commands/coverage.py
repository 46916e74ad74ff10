from django.core.management.base import BaseCommand

from inspections.coverage import coverage


class Command(BaseCommand):
    help = "How much of the record the data holds, as Markdown (the README's 'Data coverage' section)."

    def handle(self, *args, **options):
        held = coverage()
        self.stdout.write(
            f"- {held.inspections} inspections under a rated framework; an overall rating recorded for "
            f"{held.overall_recorded}.\n"
            f"- {held.ratings_recorded} of {held.ratings_possible} standard ratings recorded "
            f"({100 * held.ratings_recorded / max(held.ratings_possible, 1):.0f}%); "
            f"{held.scores_recorded} key-question scores.\n"
            f"- Incomplete ({len(held.incomplete)} inspections): "
            + "; ".join(
                f"{i} {i.ratings_recorded} of {i.report.framework.standards_per_provider}" for i in held.incomplete
            )
            + ".\n"
        )
