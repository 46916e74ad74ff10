"""Dates, caseloads and case-sample percentages stated in prose.

A key-question percentage is read only where the text says what was sufficient, of which standard
and which of its three questions ("the assessment of risk of harm was sufficient in only 33 per
cent of cases"). The inverse ("NOT adequately assessed in 48 per cent") is kept as worded, a case
figure, and never turned into a score. Figures keep their qualifier ("more than 3,600").
"""

import re

from inspections.quantities import parse_qualified_number
from inspections.report_parser.documents import MONTHS, found_at, month_value
from inspections.report_parser.prose import PREVIOUS, sentences_with_offsets
from inspections.report_parser.vocabulary import named_standards, vocabulary

PERCENT = re.compile(r"(?P<percent>\d{1,3}(?:\.\d+)?)\s*(?:per ?cent|%)", re.I)
SUFFICIENT = re.compile(r"\bsufficient(?:ly)?\b|\badequate(?:ly)?\b|\beffective(?:ly)?\b", re.I)
NEGATION = re.compile(r"\bnot\b|\bno\b|n't\b|\binsufficient|\binadequate|\bineffective|\bfail|\black", re.I)
ASPECTS = [
    ("1", re.compile(r"\bengag", re.I)),
    ("2", re.compile(r"desistance|reduc\w* (?:re)?offending|factors linked to offending", re.I)),
    ("3", re.compile(r"risks? of harm|(?:other )?people safe|safety of other|public protection", re.I)),
]
SAMPLE = re.compile(r"\b(?:of|in|sample of) (?:the )?(?P<sample>\d{2,4}) (?:cases|case files|inspected cases)\b", re.I)
QUALIFIER = r"(?:more than|over|almost|nearly|around|about|approximately|fewer than|less than|just under|up to)"
CASELOAD = re.compile(
    rf"\b(?:supervis\w*|manag\w*|works with|looking after|responsible for)\s+(?:the\s+)?"
    rf"(?P<figure>(?:{QUALIFIER}\s+)?\d{{1,3}}(?:,\d{{3}})+)\s+"
    r"(?P<who>(?:[\w-]+\s+){0,4}?(?:people|offenders|individuals|service users|cases))\b",
    re.I,
)
PERIOD = re.compile(rf"at the time of (?:the |our )?inspection(?: in ({MONTHS}) (\d{{4}}))?", re.I)
MONTH_YEAR = rf"(?<!published )\bin ({MONTHS}) (\d{{4}})\b"
FIELDWORK = [
    re.compile(
        rf"Fieldwork\b[^.]{{0,80}}?\b(?:took place|started|began|was carried out)\b[^.]{{0,20}}?{MONTH_YEAR}", re.I
    ),
    re.compile(rf"\b(?:conducted|carried out) (?:a|an|its) (?:\w+ )?inspection of [^.]{{0,120}}?{MONTH_YEAR}", re.I),
    re.compile(rf"\bat the time of (?:the|our|its) inspection,? {MONTH_YEAR[len('(?<!published )') :]}", re.I),
    re.compile(rf"\bDuring (?:the|our) inspection of [^.]{{0,80}}?{MONTH_YEAR}", re.I),
    re.compile(rf"\b(?:inspected|visited) [^.]{{0,80}}?{MONTH_YEAR}", re.I),
    re.compile(rf"\binspections? (?:made|carried out|conducted|took place)\b[^.]{{0,20}}?{MONTH_YEAR}", re.I),
    re.compile(rf"\bafter an inspection {MONTH_YEAR[len('(?<!published )') :]}", re.I),
]
PUBLISHED = [
    re.compile(rf"at 00\.01 on (?P<day>\d{{1,2}}) (?P<month>{MONTHS}) (?P<year>\d{{4}})"),
    re.compile(rf"published today \((?:\w+day,? )?(?P<day>\d{{1,2}}) (?P<month>{MONTHS}) (?P<year>\d{{4}})\)"),
    re.compile(rf"Date published: (?P<day>\d{{1,2}}) (?P<month>{MONTHS}) (?P<year>\d{{4}})"),
    re.compile(rf"report published in (?P<month>{MONTHS}) (?P<year>\d{{4}})"),
    re.compile(rf"\bpublished on (?P<day>\d{{1,2}}) (?P<month>{MONTHS}) (?P<year>\d{{4}})"),
]


def read_dates(document, extraction):
    fields, text = extraction.fields, document.text
    for pattern in PUBLISHED:
        match = pattern.search(text)
        if match and "published" not in fields:
            value = month_value(match["month"], match["year"], match.groupdict().get("day"))
            fields["published"] = found_at(document, match.start(), value)
    for sentence in sentences_with_offsets(text):
        if "fieldwork_start" in fields or PREVIOUS.search(sentence.text):
            continue  # "We last inspected X in June 2018" dates an earlier inspection
        match = next(filter(None, (pattern.search(sentence.text) for pattern in FIELDWORK)), None)
        if match:
            fields["fieldwork_start"] = found_at(
                document, sentence.start + match.start(1), month_value(match[1], match[2])
            )


def read_caseload(document, extraction):
    for sentence in sentences_with_offsets(document.text):
        if PREVIOUS.search(sentence.text):
            continue
        for match in CASELOAD.finditer(sentence.text):
            figure = parse_qualified_number(match["figure"])
            period = PERIOD.search(sentence.text)
            fact = {
                "metric": "individuals-supervised",
                "label": f"{match['who'].strip().capitalize()} supervised",
                "value": match["figure"],
                "qualifier": str(figure.qualifier),
                "number": int(figure.value),
                "unit": "people",
                "period": month_value(period[1], period[2]) if period and period[1] else None,
            }
            extraction.facts.append(found_at(document, sentence.start + match.start("figure"), fact))


def read_case_percentages(document, extraction, key_questions=(), standards=()):
    """Key-question percentages where stated as such; every other case-sample percentage as worded."""
    words = vocabulary(standards)
    known = {code for code, _ in key_questions} or None
    for sentence in sentences_with_offsets(document.text):
        for match in PERCENT.finditer(sentence.text):
            offset = sentence.start + match.start("percent")
            code = key_question_of(sentence.text, words)
            if code and (known is None or code in known):
                sample = SAMPLE.search(sentence.text)
                value = {"key_question": code, "percent": match["percent"]}
                if sample:
                    value["sample"] = int(sample["sample"])
                extraction.scores.append(found_at(document, offset, value))
            elif re.search(r"\bcases?\b", sentence.text, re.I):
                value = {"wording": " ".join(sentence.text.split()), "percent": match["percent"]}
                extraction.case_figures.append(found_at(document, offset, value))


def key_question_of(text, words):
    """'2.1.3' when the sentence says which work was sufficient and for what; else None."""
    if not SUFFICIENT.search(text) or NEGATION.search(text) or len(PERCENT.findall(text)) != 1:
        return None
    named = [code for code, _ in named_standards(text, words) or [] if code.startswith("2.")]
    aspects = [number for number, pattern in ASPECTS if pattern.search(text)]
    if len(named) != 1 or len(aspects) != 1:
        return None
    return f"{named[0]}.{aspects[0]}"
