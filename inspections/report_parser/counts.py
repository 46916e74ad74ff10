"""Counts a text states of ratings and of the work inspected, as `ratings-summary` facts.

"five out of seven divisions were found to be 'Good'", "it rated ... six probation services as 'Good'",
"Inspectors rated three aspects of work 'Outstanding'", "HMIP inspected all seven NPS divisions". "The
only one out of 21 CRCs to be rated 'Good'" names one provider (prose.py reads it). "Inspectors looked at
10 aspects of the CRC's work" is left out: every inspection of the round rated ten. Each counts providers or aspects of work, never
names one, so none is a rating of any provider: prose.py gives such sentences to no one. Only
the count itself is read; a denominator ("of the seven") stays in the quoted words.
"""

import re

from inspections.quantities import qualified_beside
from inspections.report_parser.documents import MONTHS, found_at
from inspections.report_parser.prose import PREVIOUS, QUOTE, rating_of, sentences_with_offsets

NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
COUNT = r"(?:\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"
PROVIDERS = (
    r"(?P<noun>CRCs|Community Rehabilitation Companies(?:\s+\(CRCs\))?|NPS\s+divisions|divisions(?:\s+of\s+the\s+NPS)?"
    r"|probation\s+services?)"
)
WORK = r"(?P<noun>(?:aspects|areas)(?:\s+of\s+(?:the\s+|its\s+|their\s+)?(?:[\w’']+\s+)?work)?)"
RATED = (
    rf"\s*{QUOTE}?(?P<rating>requires?\s+improvement|requiring\s+improvement|outstanding|good|inadequate)\b{QUOTE}?"
    r"(?:\s+for\s+(?P<what>[^.;,“”\"'‘’()]{3,70}))?"
)
# Each a way to state a count; the fact's label is what it counts ("CRCs"), the rating and what was rated.
COUNTS = [
    re.compile(pattern, re.I)
    for pattern in (
        # "eight out of 10 CRCs inspected since January were rated 'inadequate' for ...", "five of the seven
        # NPS divisions rated 'Good'", "five out of seven divisions were found to be 'Good'"
        rf"(?<!\bonly\s)\b(?P<count>{COUNT})\s+(?:out\s+)?of\s+(?:the\s+)?{COUNT}\s+{PROVIDERS}\b[^.;]{{0,80}}?"
        rf"\b(?:rated|found\s+to\s+be|judged(?:\s+to\s+be)?|assessed\s+as|categorised\s+as"
        rf"|received\s+(?:the\s+|a\s+)?(?:\w+\s+)?rating\s+of){RATED}",
        # the inspectorate's round summaries: "it rated: zero probation services as 'Outstanding'; six
        # probation services as 'Good' (five NPS divisions and one CRC); ..."
        rf"\b(?P<count>{COUNT})\s+(?P<noun>probation\s+services?)\s+as{RATED}",
        rf"\brated\s+(?P<count>{COUNT})\s+{WORK}\s+(?:as\s+)?{RATED}",
        # "five out of seven divisions were found to be 'Good' and none were categorised as 'Inadequate'"
        rf"\b{COUNT}\s+(?:out\s+)?of\s+(?:the\s+)?{COUNT}\s+{PROVIDERS}\b[^.;]{{0,80}}?\band\s+(?P<count>none)\s+"
        rf"(?:were\s+|was\s+)?(?:(?:rated|categorised|found\s+to\s+be|judged(?:\s+to\s+be)?)(?:\s+as)?)?{RATED}",
        # "No NPS division was afforded the highest rating", "no CRC was rated 'Outstanding'"
        rf"\b(?P<count>no)\s+(?P<noun>NPS\s+divisions?|divisions?|CRCs?|probation\s+services?)\s+(?:was|were)\s+"
        rf"(?:rated|given|afforded|awarded|found\s+to\s+be|judged(?:\s+to\s+be)?)"
        rf"(?:{RATED}|\s+(?:the\s+)?(?P<extreme>highest|lowest)\s+(?:possible\s+)?rating)",
        rf"\binspected\s+all\s+(?P<count>{COUNT})\s+(?P<noun>NPS\s+divisions|divisions\s+of\s+the\s+NPS"
        r"|probation\s+services|CRCs)\b",
    )
]


# "CRCs inspected since January last year": the period counted, up to now, not an earlier inspection.
SINCE_LAST_YEAR = re.compile(rf"\bsince (?:(?:{MONTHS}) )?last year\b", re.I)


EXTREMES = {"highest": "Outstanding", "lowest": "Inadequate"}


def number_of(words):
    words = words.lower()
    if words in ("no", "none"):
        return 0
    return NUMBER_WORDS.index(words) if words in NUMBER_WORDS else int(words)


def read_counts(document, extraction):
    for sentence in sentences_with_offsets(document.text):
        if PREVIOUS.search(SINCE_LAST_YEAR.sub("", sentence.text)):
            continue  # "up from three last year": an earlier inspection's count
        for pattern in COUNTS:
            for match in pattern.finditer(sentence.text):
                if qualified_beside(sentence.text[: match.start("count")], ""):
                    continue  # "nearly eight out of 10 CRCs": a count is read only as exact
                fields = {name: " ".join(value.split()) for name, value in match.groupdict().items() if value}
                label = fields["noun"][0].upper() + fields["noun"][1:]
                rating = rating_of(fields["rating"]) if "rating" in fields else EXTREMES.get(fields.get("extreme"))
                label += f" rated {rating}" if rating else " inspected"
                label += f" for {fields['what']}" if "what" in fields else ""
                fact = {
                    "metric": "ratings-summary",
                    "label": label,
                    "value": str(number_of(match["count"])),
                    "qualifier": "exact",
                    "number": number_of(match["count"]),
                    "unit": "",
                    "period": None,
                }
                extraction.facts.append(found_at(document, sentence.start + match.start("count"), fact))
