import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.report_import import build_plan, write
from inspections.report_parser import ReportImportError


def extracted_values(extraction):
    """Every value read, with where: for secondary sources this is all there is to show."""

    def place(found):
        return {"value": found.value, "location": found.location, "excerpt": found.excerpt}

    return {
        "fields": {name: place(found) for name, found in extraction.fields.items()},
        "ratings": {code: place(found) for code, found in sorted(extraction.ratings.items())},
        "facts": [place(found) for found in extraction.facts],
        "recommendations": [place(found) for found in extraction.recommendations],
    }


class Command(BaseCommand):
    help = (
        "Read an inspection report (text or PDF) and write it as an inspection, in one transaction. "
        "Re-importing the same report updates it in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .txt or .pdf file of the report.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be written; write nothing.")
        parser.add_argument("--json", action="store_true", help="Print the inspection as export_inspections does.")
        parser.add_argument("--provider", help="The provider's slug, when the report's name does not match one.")

    def handle(self, *args, file, dry_run, json: bool, provider, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Nothing was written. {file}: cannot read the file ({error.strerror})") from None
        try:
            plan = build_plan(data, path.name, provider)
            if not plan.extraction.is_report and not dry_run:
                write(plan, path.name)  # refuses, naming the reason
            exported = write(plan, path.name, dry_run=dry_run) if plan.extraction.is_report else []
        except ReportImportError as error:
            raise CommandError(f"Nothing was written. {error}") from None
        if json:
            self.stdout.write(
                self.json_dump(
                    {
                        "kind": plan.extraction.kind,
                        "inspections": exported,
                        "extracted": extracted_values(plan.extraction),
                        "missing": plan.missing,
                        "conflicts": plan.conflicts,
                        "notes": plan.extraction.notes,
                    }
                )
            )
        else:
            self.report(plan, exported)
        verb = "Would write" if dry_run else "Wrote"
        self.stderr.write(f"{verb} {len(exported)} inspection(s) from {path.name}.")

    @staticmethod
    def json_dump(data):
        return json.dumps(data, indent=2, ensure_ascii=False)

    def report(self, plan, exported):
        extraction = plan.extraction
        self.stdout.write(f"{extraction.filename}: {extraction.kind.replace('_', ' ')}")
        for name, found in extraction.fields.items():
            self.stdout.write(f"  {name}: {found.value}  [{found.location}]")
        for code, found in sorted(extraction.ratings.items()):
            self.stdout.write(f"  rating {code}: {found.value}  [{found.location}]")
        for label, items in (
            ("facts", extraction.facts),
            ("recommendations", extraction.recommendations),
            ("findings", extraction.findings),
            ("key-question scores", extraction.scores),
            ("judgements", extraction.judgements),
        ):
            self.stdout.write(f"  {len(items)} {label}")
        for inspection in exported:
            self.stdout.write(
                f"  -> {inspection['provider']} ({inspection['published']}): {inspection['overall_rating']}"
            )
        for title, items in (
            ("Not found", plan.missing),
            ("Conflicts to settle", plan.conflicts),
            ("Notes", extraction.notes),
        ):
            if items:
                self.stdout.write(f"{title}:")
                for item in items:
                    self.stdout.write(f"  - {item}")
