import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from inspections.report_import import build_plan, write
from inspections.report_parser import ReportImportError


class Command(BaseCommand):
    help = (
        "Import a batch of saved public texts (press releases, news, blog posts, report openings), each into "
        "the inspection a manifest names, with the uncertain values an editor confirmed: all or nothing. "
        "The manifest (e.g. inspections/data/imports.toml) is the record of what was brought in and why."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "manifest",
            help="A TOML file of [[imports]]: file, report, confirm, provider, reason, and `new = {framework, round}` "
            "for a report the text makes known that we do not hold yet.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would be written; write nothing.")

    def handle(self, *args, manifest, dry_run, **options):
        try:
            entries = tomllib.loads(Path(manifest).read_text()).get("imports", [])
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise CommandError(f"Nothing was written. {manifest}: {error}") from None
        written = 0
        with transaction.atomic():
            for index, entry in enumerate(entries):
                written += self.import_one(manifest, index, entry)
            if dry_run:
                transaction.set_rollback(True)
        verb = "Would write" if dry_run else "Wrote"
        self.stderr.write(f"{verb} values from {written} of {len(entries)} texts.")

    def import_one(self, manifest, index, entry):
        where = f"{manifest}: imports[{index}]"
        if "file" not in entry:
            raise CommandError(f"Nothing was written. {where}: missing 'file'")
        path = Path(settings.BASE_DIR) / entry["file"]
        try:
            raw = path.read_bytes()
            plan = build_plan(
                raw,
                path.name,
                entry.get("provider"),
                include_uncertain=set(entry.get("confirm", [])),
                report_slug=entry.get("report"),
                new_report=entry.get("new"),
            )
            if not plan.data.get("inspections"):
                raise ReportImportError(path.name, "; ".join(plan.missing + plan.conflicts) or "nothing to write")
            changes = [f"{c['what']}: {c['old']} -> {c['new']}" for c in plan.changes]
            write(plan, path.name, reason=entry.get("reason", ""), editor="import_texts")
        except OSError as error:
            raise CommandError(
                f"Nothing was written. {where}: cannot read {entry['file']} ({error.strerror})"
            ) from None
        except ReportImportError as error:
            raise CommandError(f"Nothing was written. {where}: {error}") from None
        self.stdout.write(f"{entry['file']} -> {plan.data['slug']}" + (f" ({'; '.join(changes)})" if changes else ""))
        return 1
