"""Read an inspection report (text or PDF) into values, each with where it was found.

Plain functions, no database: the catalogue the parser needs (standard names, key questions) is
passed in. The parser never guesses: a value it cannot find is listed in `missing`, and two
readings that disagree are listed in `conflicts` for an editor to settle.

Three kinds of document are recognised:
- a standards-framework report (2018-2021: "Summary of ratings"),
- a Quality & Impact report (2016-2018: per-organisation judgements in words),
- a secondary source (press release, news item, blog) about an inspection: it is read for the
  few values it states plainly, and is never written as a report.
Anything else is refused with ReportImportError.
"""

import re

from inspections.report_parser.attribution import attribute, attribution_for
from inspections.report_parser.documents import (
    MAX_BYTES,
    Document,
    Extraction,
    Found,
    Line,
    ReportImportError,
    read_document,
)
from inspections.report_parser.owners import read_owner
from inspections.report_parser.prose import read_prose_ratings
from inspections.report_parser.providers import CatalogueProvider, recognise_provider
from inspections.report_parser.quality_impact import parse_quality_impact, without_four_point_ratings
from inspections.report_parser.secondary import parse_secondary, read_prose
from inspections.report_parser.standards import parse_standards_report

__all__ = [
    "MAX_BYTES",
    "CatalogueProvider",
    "Document",
    "Extraction",
    "Found",
    "Line",
    "ReportImportError",
    "parse_report",
    "read_document",
]


def add_prose_ratings(document, extraction, standards):
    """A full report's foreword and findings may state a rating its summary table lacks: added, but
    uncertain (read from prose, not from the ratings table), and never over a table's value."""
    prose = Extraction(document.filename, "secondary", attribution=extraction.attribution)
    read_prose_ratings(document, prose, standards)
    for code, found in prose.ratings.items():
        if code not in extraction.ratings:
            found.uncertain, found.why = True, found.why or "read from the report's prose, not its ratings table"
            extraction.ratings[code] = found


def parse_report(document, standards, key_questions=(), providers=(), subject=None, owners=()):
    """Extract what the document states.

    `standards`: [(code, name)] of the catalogue; `key_questions`: [(code, text)]; `providers`:
    [CatalogueProvider] to recognise which provider a standards report or secondary text is about, and
    which provider each value is stated of; `subject`: the slug of the provider an editor chose, whose
    values are kept (by default the one recognised: see attribution.py); `owners`: [(slug, names)] of the
    owner groups, to read the owner the text states for that provider (owners.py).
    """
    text = document.text
    # News names it loosely too: "a watchdog has warned", "Inspector finds problems", or by its chief.
    has_inspectorate = re.search(
        r"Inspectorate of Probation|HMI ?Probation|\binspectorate\b|\binspectors?\b|\bHMIP\b|Chief Inspector"
        r"|\bwatchdog\b|Glenys Stacey|Justin Russell|\binspection report\b",
        text,
        re.I,
    )
    # A news item may name neither the inspectorate nor its inspectors, only a rated probation service.
    rated_service = re.search(r"\bprobation\b", text, re.I) and re.search(r"\b(?:rated|ratings?)\b", text, re.I)
    if not has_inspectorate and not rated_service:
        raise ReportImportError(
            document.filename, "this is not an HM Inspectorate of Probation report: the inspectorate is not named"
        )
    provider, problem = recognise_provider(document, providers) if providers else (None, "")
    if re.search(r"Quality (?:&|and) Impact", text) and re.search(r"(CRC|NPS) effectiveness", text):
        # A joint report: its values are told apart by organisation (CRC, NPS), not by attribution.
        extraction = Extraction(document.filename, "quality_impact_report")
        parse_quality_impact(document, extraction, key_questions)
    else:
        chosen = subject or (provider.value if provider else None)

        def attribution_of(secondary):
            return attribution_for(document, providers, chosen, secondary) if providers else None

        extraction = parse_other(document, standards, key_questions, has_inspectorate, attribution_of)
        read_owner(document, extraction, owners)
        attribute(extraction)
    if providers:
        extraction.fields.pop("provider", None)
        extraction.provider_problem = problem
        if provider:
            extraction.fields["provider"] = provider
    return extraction


def parse_other(document, standards, key_questions, has_inspectorate, attribution_of):
    """A standards-framework report, its opening pages, or a secondary text. `attribution_of(secondary)`
    tells which provider each value is stated of (attribution.py)."""
    text = document.text
    rated = re.search(r"Summary of ratings", text, re.I) or re.search(
        r"is rated as:\s*|Overall rating\s+(?:Requires\s+improvement|Outstanding|Good|Inadequate)", text
    )
    # A copy site's copy of a report's opening pages: the cover and contents, before any rating.
    cover = re.search(r"\bAn inspection of\b|^Inspection of probation services:", text, re.I | re.M)
    if rated or (cover and not re.search(r"\b(rated|rating)\b", text, re.I)):
        extraction = Extraction(document.filename, "standards_report")
        extraction.attribution = attribution_of(False)
        parse_standards_report(document, extraction, standards, key_questions)
        if "overall" not in extraction.fields and not extraction.ratings:
            # The opening pages only (a copy site's extract, or a truncated file): read as prose, never written.
            extraction.kind = "report_extract"
            read_prose(document, extraction, standards, key_questions)
            without_four_point_ratings(document, extraction)
        else:
            add_prose_ratings(document, extraction, standards)
    elif (
        has_inspectorate
        and re.search(r"\b(?:inspection|inspections|report|reports|said|says|warned|examined|found)\b", text, re.I)
    ) or re.search(
        r"\b(rated?|ratings?|ranked|judged|assessed|labelled|inspection report|inspectors found|found by inspectors"
        r"|requir\w+ improvements?|report (?:identified|found|concluded|says|said))\b",
        text,
        re.I,
    ):
        extraction = Extraction(document.filename, "secondary")
        extraction.attribution = attribution_of(True)
        parse_secondary(document, extraction, standards, key_questions)
        without_four_point_ratings(document, extraction)
    else:
        raise ReportImportError(
            document.filename, "no ratings, judgements or 'Summary of ratings' found: this is not an inspection report"
        )
    return extraction
