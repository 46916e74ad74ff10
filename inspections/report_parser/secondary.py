"""Secondary sources (press releases, news, blogs) and report openings: what they state in prose."""

import re

from inspections.report_parser.counts import read_counts
from inspections.report_parser.documents import RATING, clean, found, normalise_rating, search
from inspections.report_parser.figures import read_case_percentages, read_caseload, read_dates, read_other_facts
from inspections.report_parser.prose import read_prose_ratings
from inspections.report_parser.standards import FIELD_LABELS
from inspections.report_parser.vocabulary import find_standards, vocabulary

PROPER_NAME = r"(?P<name>[A-Z][a-z]+(?:(?:,? (?:&|and)|,)? [A-Z][a-z]+)*)"


def parse_secondary(document, extraction, standards, key_questions=()):
    """A press release, news item or blog: only what it states plainly, each with its line."""
    fields = extraction.fields
    crc = search(document, PROPER_NAME + r" (?:Community Rehabilitation Company|Community Company|CRC)\b")
    if crc:
        fields["provider_name"] = found(document, crc, clean(crc.group("name")), "name")
    read_prose(document, extraction, standards, key_questions)
    for name in ("provider_name", "overall"):
        if name not in fields:
            extraction.missing.append(FIELD_LABELS[name])
    extraction.missing.append("standard ratings not stated in plain words (read the report itself)")


def read_prose(document, extraction, standards, key_questions=()):
    read_dates(document, extraction)
    read_caseload(document, extraction)
    read_other_facts(document, extraction)
    read_counts(document, extraction)
    read_prose_ratings(document, extraction, standards)
    read_area_of_work(document, extraction, standards)
    read_case_percentages(document, extraction, key_questions, standards)


def read_area_of_work(document, extraction, standards):
    """'rated this area of work as Good': the area is the standard named last before it."""
    words = vocabulary(standards)
    for this in re.finditer(r"rated this (?:area|aspect) of (?:its )?work as\s*['‘’\"]?" + RATING, document.text, re.I):
        before = document.text[max(0, this.start() - 500) : this.start()]
        named = [span for span in find_standards(before, words) if not span[3]]  # by its own name only
        if not named:
            extraction.conflicts.append(
                f"a rating of '{this.group(1)}' for an area the text does not name ({found(document, this, 0).location})"
            )
            continue
        code = named[-1][2]
        extraction.ratings.setdefault(
            code,
            found(document, this, normalise_rating(this.group(1)), 1, True, "the text says 'this area of work'"),
        )
