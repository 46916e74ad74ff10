"""The loader's state for one run, and the primitives every file kind writes through."""

import datetime
import hashlib
import json
import tomllib
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError

from inspections.loader.catalogue import load_catalogue
from inspections.loader.facts import load_context_facts
from inspections.loader.reports import load_report
from inspections.loader.values import REQUIRED
from inspections.models import BundleBaseline, SourceDocument
from inspections.rules import Rating
from inspections.text_guard import control_character_problem

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class BundledDataError(Exception):
    def __init__(self, path, where, message):
        self.path, self.where, self.message = path, where, message
        super().__init__(f"{path}: {where}: {message}")


# A child row's parent: the foreign keys that place it (an inspection's rating, a report's table:
# a table's number is unique in its report, whichever inspection it is about).
PARENT_FIELDS = ("provider_id", "report_id", "inspection_id")
PARENTS = {"ReportTable": ("report_id",)}

# The natural key of each kind of child row. A load matches rows by their place in the file
# (findings and facts by position), so an editor's rewording keeps the row and is kept as a changed
# value; an import merging a secondary source matches by content (what the text states).
CHILD_KEYS = {
    "StandardRating": ["standard_id"],
    "KeyQuestionScore": ["key_question_id"],
    "Fact": ["metric_id", "position"],
    "Finding": ["kind", "position"],
    "Recommendation": ["inspection_id", "number"],
    "ReportTable": ["number"],
    "Ownership": ["owner_id", "period"],
}
MERGE_KEYS = {**CHILD_KEYS, "Fact": ["metric_id", "label", "period"], "Finding": ["kind", "text"]}


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
        # A full load compares file, database and what the bundle last wrote (the baseline) so that a
        # value changed since by an editor or an import is kept and reported, never overwritten.
        # Imports (partial) are editors' acts: they change the database, not the baseline.
        self.baselines = None if self.partial else {}
        self.new_baselines = {}
        self.new_baselines_seen = set()
        self.kept = []  # values an editor or import changed since the last load, kept
        self.conflicts = []  # values both the file and the database changed since: the database's kept

    def run(self):
        self.baselines = {row.key: row.values for row in BundleBaseline.objects.all()}
        catalogue = self.read(self.data_dir / "catalogue.toml")
        self.load_sources(self.read(self.data_dir / "sources.toml").get("sources", []), "sources")
        self.path = self.data_dir / "catalogue.toml"
        load_catalogue(self, catalogue)
        for path in sorted((self.data_dir / "reports").glob("*.toml")):
            self.load_report(path, self.read(path))
        load_context_facts(self, self.read(self.data_dir / "context.toml").get("facts", []), "facts")
        self.save_baselines()
        return self.counts

    def save_baselines(self):
        changed = {
            key: values
            for key, values in self.new_baselines.items()
            if self.baselines.get(key) != {name: value for name, value in values.items() if name != "__key__"}
        }
        BundleBaseline.objects.bulk_create(
            [
                BundleBaseline(key=key, natural_key=values.pop("__key__"), values=values)
                for key, values in changed.items()
            ],
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["natural_key", "values"],
        )
        self.counts["BundleBaseline written"] += len(changed)

    def three_way(self, obj, values, natural_key, where):
        """The fields of `obj` to set to the file's `values`: those the database still holds as the
        bundle last wrote them. A field changed since is kept (and reported as a conflict when the
        file changed it too)."""
        key = baseline_key(natural_key)
        base = self.baselines.get(key)
        apply, recorded = [], {"__key__": natural_key}
        for name, value in values.items():
            in_file, in_db = plain(value), plain(getattr(obj, name))
            held = base.get(name, in_db) if base is not None else in_db
            if in_db == held or in_file == in_db:
                if in_file != in_db:
                    apply.append(name)
                recorded[name] = in_file
                continue
            recorded[name] = held
            if in_file == held:
                self.kept.append(f"{self.path.name}: {where}: {name} kept as changed since the last load ({in_db!r})")
            else:
                self.conflicts.append(
                    f"{self.path.name}: {where}: {name}: the file says {in_file!r}, the database holds {in_db!r} "
                    "(changed since the last load): kept the database's value"
                )
        self.new_baselines[key] = recorded
        return apply

    def record_baseline(self, obj, names, natural_key):
        if self.baselines is not None:
            values = {name: plain(getattr(obj, name)) for name in names}
            self.new_baselines[baseline_key(natural_key)] = {"__key__": natural_key, **values}

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
        for field in obj._meta.concrete_fields:
            problem = control_character_problem(getattr(obj, field.attname))
            if problem:
                self.fail(f"{where}.{field.name}", problem)
        # A link the loader set to a row it looked up exists: validating it again would cost a query
        # per link (PostgreSQL's foreign key still guards it).
        looked_up = [
            field.name
            for field in obj._meta.concrete_fields
            if field.is_relation and field.is_cached(obj) and field.get_cached_value(obj) is not None
        ]
        try:
            obj.full_clean(exclude=looked_up, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            details = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
            self.fail(where, details)

    def sync(self, model, lookup, values, where):
        """Create or update one row by natural key; save only when something changed."""
        obj = model.objects.filter(**lookup).first()
        natural_key = f"{model.__name__}:{plain(sorted(lookup.items()))}"
        if obj is None:
            obj = model(**lookup, **values)
            self.check(obj, where)
            obj.save()
            self.record_baseline(obj, values, natural_key)
            self.counts[f"{model.__name__} created"] += 1
            return obj
        if self.baselines is not None:
            changed = self.three_way(obj, values, natural_key, where)
        else:
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
        """Make a collection of child rows hold `desired` (a list of unsaved objects), matching rows
        by natural key and updating them in place, so every row keeps its id (and every permalink
        and anchor to it holds). A row the file no longer lists is removed only if it is as the
        bundle last wrote it; a row an editor or an import added or changed is kept."""

        if self.partial and not present:
            return
        if self.merge:
            self.merge_children(model, existing, desired, fields, where)
            return
        held = {}
        for obj in existing.order_by("pk"):
            held.setdefault(child_key(model, obj), obj)
        for index, obj in enumerate(desired):
            natural_key = child_key(model, obj)
            while natural_key in self.new_baselines_seen:
                natural_key += "+"  # the same key twice in one file: the next occurrence
            self.new_baselines_seen.add(natural_key)
            match = held.pop(natural_key, None)
            self.sync_child(model, match, obj, fields, natural_key, f"{where}[{index}]")
        for natural_key, obj in held.items():
            self.leave_or_remove(model, obj, fields, natural_key, where)

    def sync_child(self, model, match, obj, fields, natural_key, where):
        if match is None:
            if self.baselines and baseline_key(natural_key) in self.baselines:
                self.kept.append(
                    f"{self.path.name}: {where}: a {model.__name__} removed since the last load stays removed"
                )
                self.new_baselines[baseline_key(natural_key)] = {
                    "__key__": natural_key,
                    **self.baselines[baseline_key(natural_key)],
                }
                return
            self.check(obj, where)
            obj.save()
            self.record_baseline(obj, fields, natural_key)
            self.counts[f"{model.__name__} created"] += 1
            return
        values = {name: getattr(obj, name) for name in fields}
        if self.baselines is not None:
            changed = self.three_way(match, values, natural_key, where)
        else:
            changed = [name for name in fields if plain(getattr(match, name)) != plain(values[name])]
        for name in changed:
            setattr(match, name, values[name])
        if changed:
            self.check(match, where)
            match.save()
        self.counts[f"{model.__name__} {'updated' if changed else 'unchanged'}"] += 1

    def leave_or_remove(self, model, obj, fields, natural_key, where):
        """A held row the file does not list: an import's report is the authority for its own
        collections; a full load removes only what it wrote itself and nobody changed since."""
        base = self.baselines.get(baseline_key(natural_key)) if self.baselines is not None else None
        if self.baselines is None or (base is not None and all(plain(getattr(obj, n)) == base.get(n) for n in fields)):
            obj.delete()
            self.counts[f"{model.__name__} removed"] += 1
        elif base is not None:
            self.conflicts.append(
                f"{self.path.name}: {where}: a {model.__name__} the file no longer lists was changed since the "
                "last load: kept"
            )
        else:
            self.counts[f"{model.__name__} kept (added since the last load)"] += 1

    def merge_children(self, model, existing, desired, fields, where):
        """Add `desired` rows to a collection, updating in place (same id) the row with the same
        natural key; remove nothing."""
        key_fields = MERGE_KEYS[model.__name__]
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


def plain(value):
    """A field value as JSON, for comparing file, database and baseline: rows by id, dates as ISO,
    numbers without trailing zeros."""
    if hasattr(value, "_meta"):
        return value.pk
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if hasattr(value, "lower") and hasattr(value, "upper") and not isinstance(value, str):
        return f"{plain(value.lower)}|{plain(value.upper)}"
    return value


def child_key(model, obj):
    parent = [getattr(obj, name) for name in PARENTS.get(model.__name__, PARENT_FIELDS) if hasattr(obj, name)]
    own = [getattr(obj, name) for name in CHILD_KEYS[model.__name__]]
    return f"{model.__name__}:{json.dumps(plain(parent))}:{json.dumps(plain(own), ensure_ascii=False)}"


def baseline_key(natural_key):
    return hashlib.sha256(natural_key.encode()).hexdigest()
