"""Secondary sources (press releases, news, blogs): only what they state plainly."""

import re

from inspections.report_parser.documents import MONTHS, RATING, clean, found, month_value, normalise_rating, search
from inspections.report_parser.standards import FIELD_LABELS

# Plain names a press text uses for a standard. "Staff" and "services" are left out: they are
# everyday words in these texts and would misattribute ratings.
STANDARD_WORDS = [
    ("1.1", "leadership"),
    ("1.4", "information and facilities"),
    ("4.1", "unpaid work"),
    ("4.2", "through the gate"),
]


PROPER_NAME = r"(?P<name>[A-Z][a-z]+(?:(?:,? (?:&|and)|,)? [A-Z][a-z]+)*)"


def parse_secondary(document, extraction, standards):
    """A press release, news item or blog: only what it states plainly, each with its line."""
    fields = extraction.fields
    crc = search(document, PROPER_NAME + r" (?:Community Rehabilitation Company|Community Company|CRC)\b")
    if crc:
        fields["provider_name"] = found(document, crc, clean(crc.group("name")), "name")
    overall = search(document, r"overall rating of\s*['‘’\"]?" + RATING, flags=re.I)
    if overall:
        fields["overall"] = found(document, overall, normalise_rating(overall.group(1)), 1)
    published = search(document, rf"at 00\.01 on (\d{{1,2}}) ({MONTHS}) (\d{{4}})")
    if published:
        fields["published"] = found(
            document,
            published,
            month_value(published.group(2), published.group(3), published.group(1)),
            1,
        )
    fieldwork = search(document, rf"(?:Fieldwork|inspections made|inspected)[^.]{{0,80}}?\bin ({MONTHS}) (\d{{4}})")
    if fieldwork:
        fields["fieldwork_start"] = found(document, fieldwork, month_value(fieldwork.group(1), fieldwork.group(2)), 1)
    supervised = search(document, r"supervised ([\d,]{4,}) people")
    if supervised:
        fact = {
            "metric": "individuals-supervised",
            "label": "People supervised",
            "value": supervised.group(1),
            "unit": "people",
        }
        extraction.facts.append(found(document, supervised, fact, 1))
    for code, words in STANDARD_WORDS:
        match = search(
            document,
            rf"\b{re.escape(words)}\b[^.]{{0,40}}?\b(?:is|was|were) rated (?:as )?['‘’\"]?" + RATING,
            flags=re.I,
        )
        if match:
            extraction.ratings[code] = found(document, match, normalise_rating(match.group(1)), 1)
    for four in re.finditer(r"rated all four (?:aspects|components)[^.]{0,120}?['‘’\"]?" + RATING, document.text, re.I):
        sentence = document.text[max(0, four.start() - 300) : four.end()]
        if re.search(r"case supervision|assessment, planning|assess, plan", sentence, re.I):
            for code in ("2.1", "2.2", "2.3", "2.4"):
                extraction.ratings.setdefault(code, found(document, four, normalise_rating(four.group(1)), 1))
    # "rated this area of work as 'Good'": the area is the standard named last before it.
    for this in re.finditer(r"rated this (?:area|aspect) of (?:its )?work as\s*['‘’\"]?" + RATING, document.text, re.I):
        before = document.text[max(0, this.start() - 500) : this.start()].lower()
        named = [(before.rfind(words), code) for code, words in STANDARD_WORDS]
        position, code = max(named)
        if position < 0:
            extraction.conflicts.append(
                f"a rating of '{this.group(1)}' for an area the text does not name ({found(document, this, 0).location})"
            )
        else:
            extraction.ratings.setdefault(code, found(document, this, normalise_rating(this.group(1)), 1))
    for name in ("provider_name", "overall"):
        if name not in fields:
            extraction.missing.append(FIELD_LABELS[name])
    extraction.missing.append("standard ratings not stated in plain words (read the report itself)")
