"""The catalogue the parser needs, read from the bundled catalogue.toml (no database): for the
accuracy benchmark and the corpus tests. Imports read the same from the database
(report_import.catalogue)."""

import tomllib
from pathlib import Path

from inspections.report_parser.providers import CatalogueProvider

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.toml"


def bundled_catalogue(path=CATALOGUE):
    """(standards [(code, name)], key questions [(code, text)], providers [CatalogueProvider])."""
    data = tomllib.loads(Path(path).read_text())
    four_point = {f["slug"] for f in data["frameworks"] if f.get("has_four_point_ratings")}
    standards = [(s["code"], s["name"]) for s in data["standards"] if s["framework"] in four_point]
    questions = [(code, text) for s in data["standards"] for code, _aspect, text in s.get("key_questions", [])]
    providers = [
        CatalogueProvider(
            p["slug"],
            p["kind"],
            (p["name"], p.get("short_name", ""), *p.get("aliases", []), p.get("area", "").split("(")[0]),
        )
        for p in data["providers"]
    ]
    return standards, questions, providers


def bundled_owners(path=CATALOGUE):
    """The owner groups as the parser reads them: [(slug, (name, *aliases))], the public NPS left out
    (a division's owner is itself, never stated as an owner)."""
    data = tomllib.loads(Path(path).read_text())
    return [(o["slug"], (o["name"], *o.get("aliases", []))) for o in data["owners"] if not o.get("is_public_sector")]
