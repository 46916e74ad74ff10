"""Load the bundled data files (inspections/data/*.toml) into the database.

Plain functions, all-or-nothing in one transaction, idempotent by natural key: loading the same
files twice changes no row. A bad value raises BundledDataError naming the file, the entry and
the field. The files are described in docs/data-model.md.
"""

import datetime
import tomllib
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.backends.postgresql.psycopg_any import DateRange

from inspections.models import (
    DatePrecision,
    Domain,
    Fact,
    Finding,
    Framework,
    Inspection,
    KeyQuestion,
    KeyQuestionScore,
    Metric,
    OwnerGroup,
    Ownership,
    Provider,
    Recommendation,
    Report,
    ReportTable,
    SourceDocument,
    Standard,
    StandardRating,
)
from inspections.quantities import Qualifier, parse_qualified_number
from inspections.rules import Rating

DATA_DIR = Path(__file__).resolve().parent / "data"


class BundledDataError(Exception):
    def __init__(self, path, where, message):
        self.path, self.where, self.message = path, where, message
        super().__init__(f"{path}: {where}: {message}")


def parse_partial_date(text):
    """'2019-04-03' -> day precision; '2019-04' -> month; '2019' -> year. Returns (date, precision)."""
    text = str(text).strip()
    parts = text.split("-")
    try:
        if len(parts) == 3:
            return datetime.date.fromisoformat(text), DatePrecision.DAY
        if len(parts) == 2:
            return datetime.date(int(parts[0]), int(parts[1]), 1), DatePrecision.MONTH
        if len(parts) == 1:
            return datetime.date(int(parts[0]), 1, 1), DatePrecision.YEAR
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)")


def parse_exact_number(text):
    figure = parse_qualified_number(text)
    if figure.value is None or figure.qualifier != Qualifier.EXACT:
        raise ValueError(f"{text!r} is not an exact number")
    return figure.value


class Loader:
    def __init__(self, data_dir=DATA_DIR, partial=False):
        # partial: an import of one report. It fills and corrects values but never erases one the
        # report did not yield, and leaves alone the collections it found nothing for.
        self.partial = partial
        self.data_dir = Path(data_dir)
        self.counts = Counter()
        self.path = None

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

    def sync_children(self, model, existing, desired, fields, where, present=True):
        """Make a collection of child rows equal `desired` (a list of unsaved objects).

        When the collection already holds the same values in the same order nothing is written,
        so reloading changes nothing; otherwise the collection is replaced as a whole.
        """

        if self.partial and not present:
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

    def run(self):
        catalogue = self.read(self.data_dir / "catalogue.toml")
        self.load_sources(self.read(self.data_dir / "sources.toml").get("sources", []), "sources")
        self.path = self.data_dir / "catalogue.toml"
        self.load_catalogue(catalogue)
        for path in sorted((self.data_dir / "reports").glob("*.toml")):
            self.load_report(path, self.read(path))
        context_path = self.data_dir / "context.toml"
        self.load_context_facts(self.read(context_path).get("facts", []), "facts")
        return self.counts

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

    def load_catalogue(self, data):
        for index, entry in enumerate(data.get("frameworks", [])):
            where = f"frameworks[{index}]"
            values = {key: entry.get(key, default) for key, default in FRAMEWORK_DEFAULTS.items()}
            for date_field in ("started", "ended"):
                values[date_field] = datetime.date.fromisoformat(values[date_field]) if values[date_field] else None
            self.sync(Framework, {"slug": self.field(entry, "slug", where)}, values, where)
        positions = Counter()
        for index, entry in enumerate(data.get("domains", [])):
            where = f"domains[{index}]"
            framework = self.lookup(Framework, where, "framework", slug=self.field(entry, "framework", where))
            positions[framework.pk] += 1
            self.sync(
                Domain,
                {"framework": framework, "code": self.field(entry, "code", where)},
                {"name": self.field(entry, "name", where), "position": positions[framework.pk]},
                where,
            )
        positions.clear()
        for index, entry in enumerate(data.get("standards", [])):
            where = f"standards[{index}]"
            framework = self.lookup(Framework, where, "framework", slug=self.field(entry, "framework", where))
            domain = self.lookup(Domain, where, "domain", framework=framework, code=self.field(entry, "domain", where))
            positions[framework.pk] += 1
            standard = self.sync(
                Standard,
                {"framework": framework, "code": self.field(entry, "code", where)},
                {
                    "domain": domain,
                    "name": self.field(entry, "name", where),
                    "statement": entry.get("statement", ""),
                    "applies_to": entry.get("applies_to", ""),
                    "rated_from_case_sample": entry.get("rated_from_case_sample", False),
                    "position": positions[framework.pk],
                },
                where,
            )
            for number, question in enumerate(entry.get("key_questions", []), start=1):
                question_where = f"{where}.key_questions[{number - 1}]"
                if len(question) != 3:
                    self.fail(question_where, "expected [code, focus, text]")
                code, focus, text = question
                self.sync(
                    KeyQuestion,
                    {"standard": standard, "code": code},
                    {"focus": focus, "text": text, "position": number},
                    question_where,
                )
        for index, entry in enumerate(data.get("metrics", [])):
            where = f"metrics[{index}]"
            self.sync(
                Metric,
                {"slug": self.field(entry, "slug", where)},
                {
                    "name": self.field(entry, "name", where),
                    "unit": entry.get("unit", ""),
                    "description": entry.get("description", ""),
                    "higher_is_better": entry.get("higher_is_better"),
                    "position": index + 1,
                },
                where,
            )
        for index, entry in enumerate(data.get("owners", [])):
            where = f"owners[{index}]"
            self.sync(
                OwnerGroup,
                {"slug": self.field(entry, "slug", where)},
                {
                    "name": self.field(entry, "name", where),
                    "description": entry.get("description", ""),
                    "is_public_sector": entry.get("is_public_sector", False),
                },
                where,
            )
        for index, entry in enumerate(data.get("providers", [])):
            where = f"providers[{index}]"
            provider = self.sync(
                Provider,
                {"slug": self.field(entry, "slug", where)},
                {
                    "name": self.field(entry, "name", where),
                    "short_name": entry.get("short_name", ""),
                    "kind": self.field(entry, "kind", where),
                    "area": entry.get("area", ""),
                    "aliases": entry.get("aliases", []),
                },
                where,
            )
            desired = []
            for number, (owner_slug, start, end) in enumerate(entry.get("owners", [])):
                owner = self.lookup(OwnerGroup, f"{where}.owners[{number}]", "owner", slug=owner_slug)
                period = DateRange(
                    datetime.date.fromisoformat(start), datetime.date.fromisoformat(end) if end else None, "[)"
                )
                desired.append(Ownership(provider=provider, owner=owner, period=period))
            self.sync_children(Ownership, provider.ownerships.all(), desired, ["owner_id", "period"], f"{where}.owners")

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

    def load_report(self, path, data):
        self.sources = {}
        self.load_sources(data.get("sources", []), "sources")
        self.path = path
        framework = self.lookup(Framework, "report", "framework", slug=self.field(data, "framework", "report"))
        values = {
            "title": self.field(data, "title", "report"),
            "framework": framework,
            "lead_inspector": data.get("lead_inspector", ""),
            "chief_inspector": data.get("chief_inspector", ""),
            "fieldwork_text": data.get("fieldwork_text", ""),
            "document": self.source(data, "report", data.get("document")),
            "notes": data.get("notes", ""),
        }
        for name in ("published", "fieldwork_start"):
            try:
                value, precision = parse_partial_date(data[name]) if name in data else (None, "")
            except ValueError as error:
                self.fail(f"report.{name}", str(error))
            values[name], values[f"{name}_precision"] = value, precision
        report = self.sync(Report, {"slug": self.field(data, "slug", "report")}, values, "report")

        inspections = {}
        for index, entry in enumerate(data.get("inspections", [])):
            inspection = self.load_inspection(report, entry, f"inspections[{index}]")
            inspections[inspection.provider.slug] = inspection

        desired = [
            Finding(
                report=report,
                inspection=None,
                position=number,
                **self.finding_values(framework, entry, f"findings[{number}]"),
            )
            for number, entry in enumerate(data.get("findings", []))
        ]
        self.sync_children(
            Finding, report.findings.filter(inspection=None), desired, FINDING_FIELDS, "findings", "findings" in data
        )
        desired = []
        only_inspection = next(iter(inspections.values())) if len(inspections) == 1 else None
        for number, entry in enumerate(data.get("recommendations", [])):
            where = f"recommendations[{number}]"
            # A report on one provider addresses its recommendations to that inspection; a joint
            # Quality & Impact report names the inspection, or none for the CRC and NPS together.
            inspection = only_inspection
            if "inspection" in entry:
                inspection = inspections.get(entry["inspection"]) if entry["inspection"] else None
                if entry["inspection"] and inspection is None:
                    self.fail(f"{where}.inspection", f"no inspection of {entry['inspection']!r} in this report")
            desired.append(
                Recommendation(
                    report=report,
                    inspection=inspection,
                    number=self.field(entry, "number", where),
                    addressee=self.field(entry, "addressee", where),
                    text=self.field(entry, "text", where),
                    **self.provenance(entry, where),
                )
            )
        self.sync_children(
            Recommendation,
            report.recommendations.all(),
            desired,
            ["inspection_id", "number", "addressee", "text", "source_id", "location", "quote"],
            "recommendations",
            "recommendations" in data,
        )
        desired = []
        for number, entry in enumerate(data.get("tables", [])):
            where = f"tables[{number}]"
            inspection = None
            if entry.get("inspection"):
                inspection = inspections.get(entry["inspection"])
                if inspection is None:
                    self.fail(f"{where}.inspection", f"no inspection of {entry['inspection']!r} in this report")
            desired.append(
                ReportTable(
                    report=report,
                    inspection=inspection,
                    number=self.field(entry, "number", where),
                    title=self.field(entry, "title", where),
                    columns=self.field(entry, "columns", where),
                    rows=self.field(entry, "rows", where),
                    note=entry.get("note", ""),
                    **self.provenance(entry, where),
                )
            )
        self.sync_children(
            ReportTable,
            report.tables.all(),
            desired,
            ["inspection_id", "number", "title", "columns", "rows", "note", "source_id", "location", "quote"],
            "tables",
            "tables" in data,
        )
        self.load_context_facts(data.get("facts", []), "facts")

    def load_inspection(self, report, entry, where):
        provider = self.lookup(Provider, where, "provider", slug=self.field(entry, "provider", where))
        owner = None
        if entry.get("owner"):
            owner = self.lookup(OwnerGroup, where, "owner", slug=entry["owner"])
        overall = None
        if "overall" in entry:
            overall = self.rating(entry["overall"], f"{where}.overall")
        inspection = self.sync(
            Inspection,
            {"report": report, "provider": provider},
            {
                "owner": owner,
                "owner_text": entry.get("owner_text", ""),
                "overall_rating": overall,
                "summary": entry.get("summary", ""),
                "case_sample_size": entry.get("case_sample_size"),
                "notes": entry.get("notes", ""),
                **self.provenance(entry, where),
            },
            where,
        )
        framework = report.framework
        standards = {standard.code: standard for standard in framework.standards.all()}

        desired = []
        for number, rating_entry in enumerate(entry.get("ratings", [])):
            rating_where = f"{where}.ratings[{number}]"
            code = self.field(rating_entry, "standard", rating_where)
            if code not in standards:
                self.fail(f"{rating_where}.standard", f"{code!r} is not a standard of {framework}")
            rating = rating_entry.get("rating")
            desired.append(
                StandardRating(
                    inspection=inspection,
                    standard=standards[code],
                    rating=self.rating(rating, f"{rating_where}.rating") if rating else None,
                    judgement=rating_entry.get("judgement", ""),
                    narrative=rating_entry.get("narrative", ""),
                    discretion_note=rating_entry.get("discretion_note", ""),
                    **self.provenance(rating_entry, rating_where),
                )
            )
        self.sync_children(
            StandardRating,
            inspection.ratings.all(),
            desired,
            ["standard_id", "rating", "judgement", "narrative", "discretion_note", "source_id", "location", "quote"],
            f"{where}.ratings",
            "ratings" in entry,
        )

        questions = {q.code: q for q in KeyQuestion.objects.filter(standard__framework=framework)}
        desired = []
        for number, score_entry in enumerate(entry.get("scores", [])):
            score_where = f"{where}.scores[{number}]"
            code = self.field(score_entry, "key_question", score_where)
            if code not in questions:
                self.fail(f"{score_where}.key_question", f"{code!r} is not a key question of {framework}")
            desired.append(
                KeyQuestionScore(
                    inspection=inspection,
                    key_question=questions[code],
                    percent=Decimal(str(self.field(score_entry, "percent", score_where))),
                    cases_sufficient=score_entry.get("cases_sufficient"),
                    cases_total=score_entry.get("cases_total"),
                    **self.provenance(score_entry, score_where),
                )
            )
        self.sync_children(
            KeyQuestionScore,
            inspection.scores.all(),
            desired,
            ["key_question_id", "percent", "cases_sufficient", "cases_total", "source_id", "location", "quote"],
            f"{where}.scores",
            "scores" in entry,
        )

        desired = [
            Fact(
                inspection=inspection, position=number, **self.fact_values(framework, fact, f"{where}.facts[{number}]")
            )
            for number, fact in enumerate(entry.get("facts", []))
        ]
        self.sync_children(Fact, inspection.facts.all(), desired, FACT_FIELDS, f"{where}.facts", "facts" in entry)

        desired = [
            Finding(
                report=report,
                inspection=inspection,
                position=number,
                **self.finding_values(framework, finding, f"{where}.findings[{number}]"),
            )
            for number, finding in enumerate(entry.get("findings", []))
        ]
        self.sync_children(
            Finding, inspection.findings.all(), desired, FINDING_FIELDS, f"{where}.findings", "findings" in entry
        )
        return inspection

    def rating(self, label, where):
        try:
            return Rating.from_label(label).value
        except ValueError as error:
            self.fail(where, str(error))

    def finding_values(self, framework, entry, where):
        domain = standard = None
        if entry.get("domain"):
            domain = self.lookup(Domain, where, "domain", framework=framework, code=entry["domain"])
        if entry.get("standard"):
            standard = self.lookup(Standard, where, "standard", framework=framework, code=entry["standard"])
        return {
            "kind": self.field(entry, "kind", where),
            "domain": domain,
            "standard": standard,
            "text": self.field(entry, "text", where),
            **self.provenance(entry, where),
        }

    def fact_values(self, framework, entry, where):
        metric_slug = self.field(entry, "metric", where)
        metric = self.metrics.get(metric_slug) if hasattr(self, "metrics") else None
        if metric is None:
            metric = self.lookup(Metric, where, "metric", slug=metric_slug)
            self.metrics = getattr(self, "metrics", {})
            self.metrics[metric_slug] = metric
        try:
            figure = parse_qualified_number(self.field(entry, "value", where))
        except ValueError as error:
            self.fail(f"{where}.value", str(error))
        values = {
            "metric": metric,
            "label": self.field(entry, "label", where),
            "value_text": figure.text,
            "qualifier": figure.qualifier,
            "value": figure.value,
            "unit": entry.get("unit", ""),
            "period": entry.get("period", ""),
            "national_text": entry.get("national", ""),
            "target_text": entry.get("target", ""),
            "national_value": None,
            "target_value": None,
            "comparator_label": entry.get("comparator_label", ""),
            "comparator_text": entry.get("comparator_text", ""),
            "is_inverse": entry.get("is_inverse", False),
            "standard": None,
            **self.provenance(entry, where),
        }
        for name in ("national", "target"):
            if entry.get(name):
                try:
                    values[f"{name}_value"] = parse_exact_number(entry[name])
                except ValueError as error:
                    self.fail(f"{where}.{name}", str(error))
        if entry.get("standard"):
            if framework is None:
                framework = Framework.objects.get(slug=Framework.STANDARDS_2018)
            values["standard"] = self.lookup(Standard, where, "standard", framework=framework, code=entry["standard"])
        return values

    def load_context_facts(self, entries, prefix):
        """Facts about a provider outside an inspection, or about a wider subject, by natural key."""
        self.sources = getattr(self, "sources", {})
        for index, entry in enumerate(entries):
            where = f"{prefix}[{index}]"
            provider = None
            if entry.get("provider"):
                provider = self.lookup(Provider, where, "provider", slug=entry["provider"])
            values = self.fact_values(None, entry, where)
            key = {
                "inspection": None,
                "provider": provider,
                "subject": entry.get("subject", ""),
                "label": values.pop("label"),
                "period": values.pop("period"),
            }
            self.sync(Fact, key, {**values, "position": index}, where)


FRAMEWORK_DEFAULTS = {
    "name": "",
    "short_name": "",
    "started": None,
    "ended": None,
    "description": "",
    "has_four_point_ratings": False,
    "standards_per_provider": 0,
    "rating_points": {},
    "overall_bands": [],
    "key_question_bands": [],
    "rules_status": "",
}
FINDING_FIELDS = ["kind", "domain_id", "standard_id", "text", "position", "source_id", "location", "quote"]
FACT_FIELDS = [
    "metric_id",
    "label",
    "value_text",
    "qualifier",
    "value",
    "unit",
    "period",
    "national_text",
    "national_value",
    "target_text",
    "target_value",
    "comparator_label",
    "comparator_text",
    "is_inverse",
    "standard_id",
    "position",
    "source_id",
    "location",
    "quote",
]


def load_bundled_data(data_dir=DATA_DIR):
    """Load every bundled file in one transaction. Returns a Counter of rows created/updated/unchanged."""
    with transaction.atomic():
        counts = Loader(data_dir).run()
        refresh_planner_statistics()
        return counts


def refresh_planner_statistics():
    """ANALYZE the data tables after a bulk write. Until autovacuum gets round to it, the planner
    would otherwise plan for the tables as they were (empty, on a new database) and nest
    sequential scans that are slow once the rows are there. Inside a transaction ANALYZE counts
    the transaction's own new rows."""
    tables = [model._meta.db_table for model in apps.get_app_config("inspections").get_models()]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables))
