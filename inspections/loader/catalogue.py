"""catalogue.toml: frameworks and their rules, domains, standards with key questions, metrics,
owner groups, providers and ownership periods."""

import datetime
from collections import Counter

from django.db.backends.postgresql.psycopg_any import DateRange

from inspections.loader.values import REQUIRED
from inspections.models import (
    Domain,
    Framework,
    KeyQuestion,
    Metric,
    OwnerGroup,
    Ownership,
    Provider,
    Round,
    Standard,
)
from inspections.rules import Rating

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


def load_catalogue(loader, data):
    load_frameworks(loader, data.get("frameworks", []))
    load_rounds(loader, data.get("rounds", []))
    load_domains(loader, data.get("domains", []))
    load_standards(loader, data.get("standards", []))
    metric_fields = {"name": REQUIRED, "unit": "", "description": "", "higher_is_better": None}
    list(loader.sync_entries(Metric, data.get("metrics", []), "metrics", "slug", metric_fields, position=True))
    owner_fields = {"name": REQUIRED, "description": "", "is_public_sector": False, "aliases": []}
    list(loader.sync_entries(OwnerGroup, data.get("owners", []), "owners", "slug", owner_fields))
    load_providers(loader, data.get("providers", []))


def load_frameworks(loader, entries):
    for index, entry in enumerate(entries):
        where = f"frameworks[{index}]"
        values = {key: entry.get(key, default) for key, default in FRAMEWORK_DEFAULTS.items()}
        for date_field in ("started", "ended"):
            values[date_field] = datetime.date.fromisoformat(values[date_field]) if values[date_field] else None
        loader.sync(Framework, {"slug": loader.field(entry, "slug", where)}, values, where)


def load_rounds(loader, entries):
    for index, entry in enumerate(entries):
        where = f"rounds[{index}]"
        framework = loader.lookup(Framework, where, "framework", slug=loader.field(entry, "framework", where))
        totals = entry.get("totals", {})
        for kind, by_rating in totals.items():
            for label in by_rating:
                loader.rating(label, f"{where}.totals.{kind}")
        values = {
            "framework": framework,
            "name": loader.field(entry, "name", where),
            "short_name": loader.field(entry, "short_name", where),
            "description": entry.get("description", ""),
            "expected_inspections": entry.get("expected", {}),
            "published_totals": {
                kind: {Rating.from_label(k).label: v for k, v in t.items()} for kind, t in totals.items()
            },
            "totals_source": loader.source(entry, where) if totals else None,
            "totals_location": entry.get("location", ""),
            "totals_quote": entry.get("quote", ""),
            "position": index + 1,
        }
        for date_field in ("started", "ended"):
            values[date_field] = datetime.date.fromisoformat(entry[date_field]) if entry.get(date_field) else None
        loader.sync(Round, {"slug": loader.field(entry, "slug", where)}, values, where)


def load_domains(loader, entries):
    positions = Counter()
    for index, entry in enumerate(entries):
        where = f"domains[{index}]"
        framework = loader.lookup(Framework, where, "framework", slug=loader.field(entry, "framework", where))
        positions[framework.pk] += 1
        loader.sync(
            Domain,
            {"framework": framework, "code": loader.field(entry, "code", where)},
            {"name": loader.field(entry, "name", where), "position": positions[framework.pk]},
            where,
        )


def load_standards(loader, entries):
    positions = Counter()
    for index, entry in enumerate(entries):
        where = f"standards[{index}]"
        framework = loader.lookup(Framework, where, "framework", slug=loader.field(entry, "framework", where))
        domain = loader.lookup(Domain, where, "domain", framework=framework, code=loader.field(entry, "domain", where))
        positions[framework.pk] += 1
        standard = loader.sync(
            Standard,
            {"framework": framework, "code": loader.field(entry, "code", where)},
            {
                "domain": domain,
                "name": loader.field(entry, "name", where),
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
                loader.fail(question_where, "expected [code, focus, text]")
            code, focus, text = question
            loader.sync(
                KeyQuestion,
                {"standard": standard, "code": code},
                {"focus": focus, "text": text, "position": number},
                question_where,
            )


def load_providers(loader, entries):
    fields = {"name": REQUIRED, "short_name": "", "kind": REQUIRED, "area": "", "aliases": []}
    for _index, entry, where, provider in loader.sync_entries(Provider, entries, "providers", "slug", fields):
        desired = [
            ownership(loader, provider, period, f"{where}.owners[{number}]")
            for number, period in enumerate(entry.get("owners", []))
        ]
        loader.sync_children(
            Ownership,
            provider.ownerships.all(),
            desired,
            ["owner_id", "period", "source_id", "notes"],
            f"{where}.owners",
        )


def ownership(loader, provider, period, where):
    """An ownership period: [owner, start, end] (end "" while open), or a table that also cites the
    source dating it: {owner, start, end, source, notes}."""
    if isinstance(period, dict):
        owner_slug, start, end = (loader.field(period, name, where) for name in ("owner", "start", "end"))
        source = loader.source(period, where) if period.get("source") else None
        notes = period.get("notes", "")
    else:
        (owner_slug, start, end), source, notes = period, None, ""
    owner = loader.lookup(OwnerGroup, where, "owner", slug=owner_slug)
    try:
        dates = DateRange(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end) if end else None, "[)")
    except ValueError as error:
        loader.fail(where, str(error))
    return Ownership(provider=provider, owner=owner, period=dates, source=source, notes=notes)
