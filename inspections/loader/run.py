"""The loader's state for one run, and the primitives every file kind writes through."""

import datetime
import tomllib
from collections import Counter
from pathlib import Path

from django.core.exceptions import ValidationError

from inspections.loader.catalogue import load_catalogue
from inspections.loader.facts import load_context_facts
from inspections.loader.reports import load_report
from inspections.loader.values import REQUIRED
from inspections.models import SourceDocument
from inspections.rules import Rating

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class BundledDataError(Exception):
    def __init__(self, path, where, message):
        self.path, self.where, self.message = path, where, message
        super().__init__(f"{path}: {where}: {message}")


# The natural key of each kind of child row: what an import that adds to a collection matches on.
CHILD_KEYS = {
    "StandardRating": ["standard_id"],
    "KeyQuestionScore": ["key_question_id"],
    "Fact": ["metric_id", "label", "period"],
    "Finding": ["kind", "text"],
    "Recommendation": ["inspection_id", "number"],
    "ReportTable": ["number"],
    "Ownership": ["owner_id", "period"],
}


class Loader:
    def __init__(self, data_dir=DATA_DIR, partial=False, merge=False):
        # partial: an import of one report. It fills and corrects values but never erases one the
        # report did not yield, and leaves alone the collections it found nothing for.
        # merge: an import of a secondary source (a press release, a news report) into an
        # inspection already held: it adds rows and corrects those with the same natural key, and
        # never removes a row the source does not mention.
        self.partial = partial or merge
        self.merge = merge
        self.data_dir = Path(data_dir)
        self.counts = Counter()
        self.path = None  # the file being read, for error messages
        self.sources = {}  # slug -> SourceDocument, per report file
        self.metrics = {}  # slug -> Metric, for the whole run

    def run(self):
        catalogue = self.read(self.data_dir / "catalogue.toml")
        self.load_sources(self.read(self.data_dir / "sources.toml").get("sources", []), "sources")
        self.path = self.data_dir / "catalogue.toml"
        load_catalogue(self, catalogue)
        for path in sorted((self.data_dir / "reports").glob("*.toml")):
            self.load_report(path, self.read(path))
        load_context_facts(self, self.read(self.data_dir / "context.toml").get("facts", []), "facts")
        return self.counts

    def load_report(self, path, data):
        load_report(self, path, data)

    def fail(self, where, message):
        raise BundledDataError(self.path, where, message)

    def read(self, path):
        self.path = path
        try:
            with open(path, "rb") as handle:
                return tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            self.fail("file", f"not valid TOML: {error}")

    def field(self, entry, name, where, required=True, default=""):
        if name in entry:
            return entry[name]
        if required:
            self.fail(where, f"missing required field '{name}'")
        return default

    def lookup(self, model, where, field_name, **filters):
        try:
            return model.objects.get(**filters)
        except model.DoesNotExist:
            wanted = ", ".join(f"{key}={value!r}" for key, value in filters.items())
            self.fail(f"{where}.{field_name}", f"no {model._meta.verbose_name} with {wanted}")

    def check(self, obj, where):
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            details = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
            self.fail(where, details)

    def sync(self, model, lookup, values, where):
        """Create or update one row by natural key; save only when something changed."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self.check(obj, where)
            obj.save()
            self.counts[f"{model.__name__} created"] += 1
            return obj
        changed = [
            name
            for name, value in values.items()
            if getattr(obj, name) != value and not (self.partial and value in ("", None))
        ]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            self.check(obj, where)
            obj.save()
            self.counts[f"{model.__name__} updated"] += 1
        else:
            self.counts[f"{model.__name__} unchanged"] += 1
        return obj

    def sync_entries(self, model, entries, prefix, key, fields, position=False):
        """sync() each entry of a list whose fields map one to one onto the model's: `key` names the
        natural-key field, `fields` maps each other field to its default (REQUIRED if none);
        `position` numbers the rows from 1 in file order. Yields (index, entry, where, row)."""
        for index, entry in enumerate(entries):
            where = f"{prefix}[{index}]"
            values = {
                name: self.field(entry, name, where) if default is REQUIRED else entry.get(name, default)
                for name, default in fields.items()
            }
            if position:
                values["position"] = index + 1
            yield index, entry, where, self.sync(model, {key: self.field(entry, key, where)}, values, where)

    def sync_children(self, model, existing, desired, fields, where, present=True):
        """Make a collection of child rows equal `desired` (a list of unsaved objects).

        When the collection already holds the same values in the same order nothing is written,
        so reloading changes nothing; otherwise the collection is replaced as a whole.
        """

        if self.partial and not present:
            return
        if self.merge:
            self.merge_children(model, existing, desired, fields, where)
            return

        def row(obj):
            return tuple(getattr(obj, name) for name in fields)

        current = list(existing.order_by("pk"))
        if [row(obj) for obj in current] == [row(obj) for obj in desired]:
            self.counts[f"{model.__name__} unchanged"] += len(current)
            return
        existing.delete()
        for index, obj in enumerate(desired):
            self.check(obj, f"{where}[{index}]")
            obj.save()
        self.counts[f"{model.__name__} replaced"] += len(desired)

    def merge_children(self, model, existing, desired, fields, where):
        """Add `desired` rows to a collection, updating in place (same id) the row with the same
        natural key; remove nothing."""
        key_fields = CHILD_KEYS[model.__name__]
        current = list(existing.order_by("pk"))
        held = {tuple(getattr(obj, name) for name in key_fields): obj for obj in current}
        next_position = max((getattr(obj, "position", 0) for obj in current), default=-1) + 1
        for index, obj in enumerate(desired):
            match = held.get(tuple(getattr(obj, name) for name in key_fields))
            if match is None:
                if "position" in fields:
                    obj.position, next_position = next_position, next_position + 1
                self.check(obj, f"{where}[{index}]")
                obj.save()
                self.counts[f"{model.__name__} created"] += 1
                continue
            # As in sync(): a value the source does not state is not an erasure.
            changed = [
                name
                for name in fields
                if name != "position"
                and getattr(obj, name) not in ("", None)
                and getattr(match, name) != getattr(obj, name)
            ]
            for name in changed:
                setattr(match, name, getattr(obj, name))
            if changed:
                self.check(match, f"{where}[{index}]")
                match.save()
            self.counts[f"{model.__name__} {'updated' if changed else 'unchanged'}"] += 1

    def load_sources(self, entries, prefix):
        for index, entry in enumerate(entries):
            where = f"{prefix}[{index}]"
            published = entry.get("published")
            self.sync(
                SourceDocument,
                {"slug": self.field(entry, "slug", where)},
                {
                    "title": self.field(entry, "title", where),
                    "kind": self.field(entry, "kind", where),
                    "publisher": entry.get("publisher", ""),
                    "url": entry.get("url", ""),
                    "published": datetime.date.fromisoformat(published) if published else None,
                    "notes": entry.get("notes", ""),
                },
                where,
            )

    def source(self, entry, where, default=None):
        slug = entry.get("source", default)
        if not slug:
            self.fail(where, "missing required field 'source'")
        cached = self.sources.get(slug)
        if cached is None:
            cached = self.sources[slug] = self.lookup(SourceDocument, where, "source", slug=slug)
        return cached

    def provenance(self, entry, where, default=None):
        return {
            "source": self.source(entry, where, default),
            "location": entry.get("location", ""),
            "quote": entry.get("quote", ""),
        }

    def rating(self, label, where):
        try:
            return Rating.from_label(label).value
        except ValueError as error:
            self.fail(where, str(error))
