import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.report_import import build_plan, write
from inspections.report_parser import ReportImportError


def place(found):
    entry = {"value": found.value, "location": found.location, "excerpt": found.excerpt}
    if found.uncertain:
        entry.update(uncertain=True, why=found.why)
    return entry


def extracted_values(extraction):
    """Every value read, with where and whether it is uncertain: for secondary sources this is all there is."""
    return {
        "fields": {name: place(found) for name, found in extraction.fields.items()},
        "ratings": {code: place(found) for code, found in sorted(extraction.ratings.items())},
        "scores": [place(found) for found in extraction.scores],
        "facts": [place(found) for found in extraction.facts],
        "recommendations": [place(found) for found in extraction.recommendations],
        "previous_ratings": [place(found) for found in extraction.previous_ratings],
        "case_figures": [place(found) for found in extraction.case_figures],
    }


def changes_shown(plan):
    return [{key: change[key] for key in ("provider", "what", "old", "new")} for change in plan.changes]


class Command(BaseCommand):
    help = (
        "Read an inspection report (text or PDF) and write it as an inspection, in one transaction. "
        "Re-importing the same report updates it in place; a value that differs from one held needs --reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .txt or .pdf file of the report.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be written; write nothing.")
        parser.add_argument("--json", action="store_true", help="Print the inspection as export_inspections does.")
        parser.add_argument("--provider", help="The provider's slug, when the report's name does not match one.")
        parser.add_argument(
            "--include-uncertain",
            action="store_true",
            help="Also write the values marked uncertain (left out by default; see --dry-run).",
        )
        parser.add_argument("--reason", default="", help="Why published values change (recorded as corrections).")
        parser.add_argument(
            "--confirm",
            action="append",
            default=[],
            metavar="KEY",
            help="Write this one uncertain value (a key --dry-run lists, e.g. rating:4.2); repeat for more.",
        )
        parser.add_argument(
            "--new",
            metavar="FRAMEWORK",
            help="With --report SLUG for a report we do not hold: create it under this framework's slug "
            "(a press release or news report about an inspection missing from our data).",
        )
        parser.add_argument("--round", help="With --new: the round the new report belongs to.")
        parser.add_argument(
            "--report",
            help="For a press release, news report or blog post: the slug of the held report it speaks of "
            "(found by provider and publication month when the text states them).",
        )

    def handle(self, *args, file, dry_run, json: bool, provider, include_uncertain, reason, report, confirm, **options):
        include_uncertain = include_uncertain or set(confirm)
        new_report = {"framework": options["new"], "round": options["round"]} if options["new"] else None
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Nothing was written. {file}: cannot read the file ({error.strerror})") from None
        try:
            plan = build_plan(
                data,
                path.name,
                provider,
                include_uncertain=include_uncertain,
                report_slug=report,
                new_report=new_report,
            )
            if not plan.writable and not dry_run:
                write(plan, path.name)  # refuses, naming the reason
            exported = []
            # A dry run shows what was read even when nothing could be written (no sure provider).
            if plan.writable and (plan.data["inspections"] or not dry_run):
                exported = write(plan, path.name, dry_run=dry_run, reason=reason, editor="import_report")
        except ReportImportError as error:
            raise CommandError(f"Nothing was written. {error}") from None
        if json:
            self.stdout.write(self.json_dump(self.as_json(plan, exported)))
        else:
            self.report(plan, exported)
        verb = "Would write" if dry_run else "Wrote"
        self.stderr.write(f"{verb} {len(exported)} inspection(s) from {path.name}.")

    @staticmethod
    def as_json(plan, exported):
        return {
            "kind": plan.extraction.kind,
            "inspections": exported,
            "extracted": extracted_values(plan.extraction),
            "uncertain": sorted(plan.uncertain),
            "changes": changes_shown(plan),
            "missing": plan.missing,
            "conflicts": plan.conflicts,
            "notes": plan.extraction.notes,
        }

    @staticmethod
    def json_dump(data):
        return json.dumps(data, indent=2, ensure_ascii=False, default=str)

    def report(self, plan, exported):
        extraction = plan.extraction
        self.stdout.write(f"{extraction.filename}: {extraction.kind.replace('_', ' ')}")
        for name, found in extraction.fields.items():
            self.stdout.write(f"  {name}: {found.shown}  [{found.location}]{self.doubt(found)}")
        for code, found in sorted(extraction.ratings.items()):
            self.stdout.write(f"  rating {code}: {found.value}  [{found.location}]{self.doubt(found)}")
        for found in extraction.scores:
            self.stdout.write(f"  score {found.value['key_question']}: {found.value['percent']}%{self.doubt(found)}")
        for found in extraction.previous_ratings:
            value = found.value
            self.stdout.write(f"  earlier inspection ({value['when']}): {value['subject']} {value['rating']}")
        for label, items in (
            ("facts", extraction.facts),
            ("recommendations", extraction.recommendations),
            ("findings", extraction.findings),
            ("judgements", extraction.judgements),
            ("case figures as worded", extraction.case_figures),
        ):
            self.stdout.write(f"  {len(items)} {label}")
        for inspection in exported:
            self.stdout.write(
                f"  -> {inspection['provider']} ({inspection['published']}): {inspection['overall_rating']}"
            )
        changes = [f"{c['provider']} {c['what']}: {c['old']} -> {c['new']}" for c in changes_shown(plan)]
        uncertain = [f"{key} (add --confirm {key} to write it)" for key in sorted(plan.uncertain)]
        for title, items in (
            ("Changes to published values (need --reason)", changes),
            ("Uncertain, left out", uncertain),
            ("Not found", plan.missing),
            ("Conflicts to settle", plan.conflicts),
            ("Notes", extraction.notes),
        ):
            if items:
                self.stdout.write(f"{title}:")
                for item in items:
                    self.stdout.write(f"  - {item}")

    @staticmethod
    def doubt(found):
        return f"  UNCERTAIN: {found.why}" if found.uncertain else ""
