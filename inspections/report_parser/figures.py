"""Dates, caseloads and case-sample percentages stated in prose.

A key-question percentage is read only where the text says what was sufficient, of which standard
and which of its three questions ("the assessment of risk of harm was sufficient in only 33 per
cent of cases"). The inverse ("NOT adequately assessed in 48 per cent") is kept as worded, a case
figure, and never turned into a score. Figures keep their qualifier ("more than 3,600").
"""

import re

from inspections.quantities import QUALIFIER_PATTERN, parse_qualified_number, qualified_beside
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
QUALIFIER = QUALIFIER_PATTERN
CASELOAD = re.compile(
    rf"\b(?:supervis\w*|manag\w*|works with|looks? after|looking after|responsible for)\s+(?:the\s+)?(?:a total of\s+)?"
    rf"(?P<figure>(?:{QUALIFIER}\s+)?\d{{1,3}}(?:,\d{{3}})+)\s+"
    r"(?P<who>(?:[\w-]+\s+){0,4}?(?:people|offenders|individuals|service users|cases|criminals|convicts))\b",
    re.I,
)
PERIOD = re.compile(rf"at the time of (?:the |our )?inspection(?: in ({MONTHS}) (\d{{4}}))?", re.I)
DAY_MONTH_YEAR = rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?P<month>{MONTHS}),? (?P<year>\d{{4}})"
MONTH_YEAR = rf"(?<!published )\bin ({MONTHS}) (\d{{4}})\b"
# Each a way a text says when this inspection's fieldwork was: the month and year are groups 1 and 2.
FIELDWORK = [
    re.compile(pattern, re.I)
    for pattern in (
        rf"Fieldwork\b[^.]{{0,80}}?\b(?:took place|started|began|was carried out)\b[^.]{{0,20}}?{MONTH_YEAR}",
        rf"\b(?:conducted|carried out) (?:a|an|its) (?:\w+ )?inspection of [^.]{{0,120}}?{MONTH_YEAR}",
        rf"\bat the time of (?:the|our|its) inspection,? {MONTH_YEAR[len('(?<!published )') :]}",
        rf"\bDuring (?:the|our) inspection of [^.]{{0,80}}?{MONTH_YEAR}",
        rf"\b(?:inspected|visited) [^.]{{0,80}}?{MONTH_YEAR}",
        rf"\binspections? (?:made|carried out|conducted|took place)\b[^.]{{0,20}}?{MONTH_YEAR}",
        rf"\b(?:after|following) an inspection {MONTH_YEAR[len('(?<!published )') :]}",
        rf"\bfieldwork for (?:the|this|our) inspection\b[^.]{{0,40}}?{MONTH_YEAR}",
        rf"\bfieldwork (?:was )?(?:undertaken|conducted)\b[^.]{{0,20}}?{MONTH_YEAR}",
    )
]
# "The fieldwork for this inspection started on 06 January 2020": the day too.
FIELDWORK_DAY = re.compile(
    rf"\bfieldwork\b[^.]{{0,60}}?\b(?:started|began|commenced|took place)\s+on\s+(?:\w+day,?\s+)?{DAY_MONTH_YEAR}", re.I
)
# "the DDC inspection in November 2018", "the November 2018 inspection", "issues identified by inspectors
# in August 2018": most likely this inspection's fieldwork, but the words could mean an earlier one.
# Uncertain, and only where the month is not after publication and at most a year before it.
FIELDWORK_LOOSE = [
    re.compile(rf"\b[Tt]he (?:[A-Z]{{2,5}} )?inspection {MONTH_YEAR[len('(?<!published )') :]}"),
    re.compile(rf"\b[Tt]he ({MONTHS}) (\d{{4}}) inspection\b"),
    re.compile(rf"\b(?:identified|found|seen) by (?:the )?inspectors {MONTH_YEAR[len('(?<!published )') :]}"),
]
# The day (or month) a text says the report was published.
PUBLISHED = [
    re.compile(pattern, re.I)
    for pattern in (
        rf"at 00\.01 on {DAY_MONTH_YEAR}",
        # "published today (3 May 2019)", "published earlier today (12 January 2017)", "published earlier this
        # month (6 October 2016)": the date in brackets is the day of publication.
        rf"published (?:earlier |later )?(?:today|yesterday|this (?:morning|week|month)|last week),? "
        rf"\((?:\w+day,? )?{DAY_MONTH_YEAR}\)",
        # "the HMI Probation report of 15 December 2016"
        rf"\breport (?:of|dated) {DAY_MONTH_YEAR}",
        # "Date published: 04 April 2019"; an action plan's "Report Published: 14 January 2020"
        rf"(?:Date|Report) published: {DAY_MONTH_YEAR}",
        rf"report published in (?P<month>{MONTHS}) (?P<year>\d{{4}})",
        rf"\bpublished on (?:the )?{DAY_MONTH_YEAR}",
        # "Today's (29 June 2017) probation inspectors' report on South Yorkshire"
        rf"\bToday[’']s \((?:\w+day,? )?{DAY_MONTH_YEAR}\)[^.]{{0,60}}\breport\b",
    )
]
# A report's cover: "HM Inspectorate of Probation APRIL 2019", "HMI Probation, July 2020", "An inspection
# by HM Inspectorate of Probation April 2017". The month printed on a cover is not the day of
# publication (London CRC's 2018 report: cover March 2018, published 8 February 2018): it is kept as
# `cover_date`, never as `published`.
COVER = re.compile(
    r"(?:Inspectorate of Probation|HMI Probation|National Probation Service|Community Rehabilitation Company),?"
    rf"\s+(?P<month>{MONTHS.upper()}|{MONTHS}) (?P<year>\d{{4}})\b(?!\s*(?:inspection|report|round))"
)


def read_dates(document, extraction):
    fields, text = extraction.fields, document.text
    for match in (match for pattern in PUBLISHED for match in pattern.finditer(text)):
        value = month_value(match["month"], match["year"], match.groupdict().get("day"))
        if "published" not in fields and extraction.keeps(published := found_at(document, match.start(), value)):
            fields["published"] = published  # the first date stated of this inspection's report
    if "published" not in fields:
        read_dateline_today(document, extraction)
    read_cover_date(document, fields)
    for sentence in sentences_with_offsets(text):
        if "fieldwork_start" in fields or PREVIOUS.search(sentence.text):
            continue  # "We last inspected X in June 2018" dates an earlier inspection
        day = FIELDWORK_DAY.search(sentence.text)
        if day:
            value = month_value(day["month"], day["year"], day["day"])
            fields["fieldwork_start"] = found_at(document, sentence.start + day.start("day"), value)
            continue
        match = next(filter(None, (pattern.search(sentence.text) for pattern in FIELDWORK)), None)
        if match:
            fields["fieldwork_start"] = found_at(
                document, sentence.start + match.start(1), month_value(match[1], match[2])
            )
    if "fieldwork_start" not in fields:
        read_loose_fieldwork(document, fields)


# A news page's dateline, a line of its own near the top: "Thursday, 20th April 2017, 12:00 pm", "22 Sep 2016".
DATELINE = re.compile(
    r"^\s*(?:[A-Z][a-z]+day,?\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Z][a-z]{2,8})\.?,?\s+"
    r"(?P<year>20\d\d)(?:,?\s+\d{1,2}[:.]\d{2}\s*(?:am|pm)?)?\s*$",
    re.M,
)
# "has today released its findings", "the inspection report ... published today (Thursday 22 September)"
TODAY = re.compile(
    r"\b(?:published|released)\s+(?:earlier\s+)?today\b(?:\s*\((?:\w+day,?\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    rf"\s+(?P<month>{MONTHS})\))?|\b(?:has|have)\s+today\s+(?:published|released)\b",
    re.I,
)
FULL_MONTHS = {name[:3].lower(): name for name in MONTHS.split("|")}


def read_dateline_today(document, extraction):
    """A report a news page says came out 'today': the day is the page's dateline (among its first lines,
    never an 'Updated' one), and a day and month the text gives in brackets must agree with it. Uncertain:
    the page's date, not the report's own."""
    text = document.text
    dateline = DATELINE.search(text, 0, len(text) if text.count("\n") < 12 else document.starts[12])
    month = FULL_MONTHS.get(dateline["month"][:3].lower()) if dateline else None
    if not month or not month.lower().startswith(dateline["month"].lower()):  # "Sep", "Sept", "September"
        return
    for sentence in sentences_with_offsets(text):
        today = TODAY.search(sentence.text)
        if not today or not re.search(r"\b(?:report|findings|inspection)\b", sentence.text, re.I):
            continue
        if today["day"] and (int(today["day"]), today["month"].lower()) != (int(dateline["day"]), month.lower()):
            return
        value = month_value(month, dateline["year"], dateline["day"])
        why = "the day is the page's dateline; the text says the report came out 'today'"
        found = found_at(document, sentence.start + today.start(), value, True, why)
        if extraction.keeps(found):
            extraction.fields["published"] = found
        return


def read_cover_date(document, fields):
    cover = COVER.search(document.text)
    if cover and "cover_date" not in fields:
        fields["cover_date"] = found_at(document, cover.start("month"), month_value(cover["month"], cover["year"]))


def current_sentences(text):
    """The text's sentences with their offsets, less those about an earlier inspection."""
    return (sentence for sentence in sentences_with_offsets(text) if not PREVIOUS.search(sentence.text))


def read_loose_fieldwork(document, fields):
    dated = fields.get("published") or fields.get("cover_date")
    published = dated.value[:7] if dated else None
    for sentence in current_sentences(document.text):
        match = next(filter(None, (pattern.search(sentence.text) for pattern in FIELDWORK_LOOSE)), None)
        if not match:
            continue
        value = month_value(match[1], match[2])
        if published and not 0 <= months_between(value, published) <= 12:
            continue
        if re.search(r"\b(?:since|before|than)\s+(?:in\s+)?$", sentence.text[: match.start()][-30:], re.I):
            continue  # "since the June 2018 inspection": an earlier one
        if not published and int(match[2]) < latest_year(document.text) - 1:
            continue  # "the November 2016 inspection" in a text that speaks of 2019
        fields["fieldwork_start"] = found_at(
            document,
            sentence.start + match.start(1),
            value,
            True,
            "an inspection in a month, not said to be this inspection's fieldwork",
        )
        return


def latest_year(text):
    return max((int(year) for year in re.findall(r"\b(20[12]\d)\b", text)), default=0)


def months_between(earlier, later):
    (year1, month1), (year2, month2) = (map(int, value.split("-")[:2]) for value in (earlier, later))
    return (year2 - year1) * 12 + month2 - month1


def figure(name="figure"):
    return rf"(?P<{name}>(?:{QUALIFIER}\s+)?\d+(?:,\d{{3}})*)"


FIGURE = figure()
# Other figures with a plain label, each mapped to one catalogue metric: (metric, label, unit, pattern).
OTHER_FACTS = [
    (
        "national-caseload",
        "People under probation supervision in England and Wales",
        "people",
        re.compile(
            rf"{FIGURE} (?:people|individuals|offenders) (?:were |are )?(?:under|subject to) probation supervision"
            r" (?:in|across) England and Wales",
            re.I,
        ),
    ),
    (
        # "staff were managing an average of 70 cases", "managed an average of 64 cases each", "juggling 42
        # cases each", "On average, probation officers were managing more than 42 cases", "some officers
        # were responsible for up to 80 cases"
        "caseload-per-officer",
        "Cases per practitioner",
        "cases",
        re.compile(
            rf"\b(?:an average of {FIGURE} cases\b|{figure('figure2')} cases each\b"
            rf"|\bOn average, [\w\s]{{0,40}}?\b(?:managing|responsible for|holding|had) {figure('figure3')} cases\b"
            # "some officers were responsible for up to 80 cases"
            rf"|\b(?:officers|practitioners|staff)\s+(?:were\s+|are\s+|now\s+)*(?:responsible for|managing|holding)"
            rf" {figure('figure4')} cases\b"
            # "with many having to supervise more than 70 people"
            rf"|\b(?:having|had|have|has)\s+to\s+(?:supervise|manage)\s+{figure('figure5')}\s+(?:people|offenders|cases)\b)",
            re.I,
        ),
    ),
    (
        # "Almost 70 per cent of interviewed staff said their workloads were unmanageable"
        "unmanageable-workload",
        "Staff interviewed saying their workload was unmanageable",
        "%",
        re.compile(
            rf"\b{FIGURE}(?: per ?cent|%)\)?,? of (?:the )?(?:interviewed )?(?:those|staff|practitioners|responsible officers)\b[^.;]{{0,60}}?"
            r"\b(?:said|say|told us|reported)\b[^.;]{0,30}?\bworkloads? (?:was|were|is|are) unmanageable",
            re.I,
        ),
    ),
]


OTHER_FACTS.append(
    (
        # "the London NPS supervises more than 16,000 higher-risk offenders. Around 87% of them serve prison terms"
        "custodial-share",
        "Supervised people serving a prison sentence",
        "%",
        re.compile(
            rf"\b{FIGURE}(?: per ?cent|%) of (?:them|its caseload|the caseload|those (?:it )?supervise[sd])"
            r",? (?:serve|are serving|were serving|have served) (?:prison|custodial) (?:terms|sentences)\b",
            re.I,
        ),
    )
)
OTHER_FACTS.append(
    (
        # "There were 102 vacancies for probation officers", "more than 150 unfilled vacancies"
        "staffing",
        "Vacancies",
        "vacancies",
        re.compile(
            rf"\b{FIGURE} (?:unfilled |vacant |probation officer |staff )*vacancies\b"
            # "there are 102 roles to fill", "a 20% shortfall in the number of probation officers, around 140 posts"
            rf"|\b{figure('figure2')} (?:roles|posts) to fill\b|\b(?:shortfall|gap)\b[^.;]{{0,60}}?,\s*{figure('figure3')} posts\b"
            # "a shortfall of 102 probation officers"
            rf"|\bshortfall of {figure('figure4')} (?:probation officers|officers|practitioners|staff|posts)\b",
            re.I,
        ),
    )
)
OTHER_FACTS.append(
    (
        # "a 16 per cent gap in expected staffing levels", "a vacancy rate of 16%"
        "staffing",
        "Shortfall of staff against the number expected",
        "%",
        re.compile(
            rf"\b{FIGURE}(?: per ?cent|%) (?:shortfall|gap) in (?:the number of |expected )?(?:probation officers"
            rf"|staffing(?: levels)?|staff)\b|\bvacancy rate of {figure('figure2')}(?: per ?cent|%)"
            # "About 16per cent of probation officer posts are vacant"
            rf"|\b{figure('figure3')}\s*(?:per ?cent|%) of (?:probation officer |staff |practitioner )?posts (?:are|were)"
            r" (?:vacant|unfilled)\b",
            re.I,
        ),
    )
)


def figure_fact(sentence, match, group, metric, label, unit):
    """The fact of the figure `group` of a match in a sentence, with its qualifier and the period the
    sentence states; None where words beside the figure qualify it in a way it cannot be read."""
    figure = parse_qualified_number(match[group])
    if figure.value is None or unread_qualifier(sentence.text, match, group):
        return None
    period = PERIOD.search(sentence.text)
    return {
        "metric": metric,
        "label": label,
        "value": match[group] + ("%" if unit == "%" else ""),
        "qualifier": str(figure.qualifier),
        "number": int(figure.value) if figure.value == int(figure.value) else float(figure.value),
        "unit": unit,
        "period": month_value(period[1], period[2]) if period and period[1] else None,
    }


def read_other_facts(document, extraction):
    for sentence in current_sentences(document.text):
        for metric, label, unit, pattern in OTHER_FACTS:
            for match in pattern.finditer(sentence.text):
                group = next(
                    name
                    for name in ("figure", "figure2", "figure3", "figure4", "figure5")
                    if match.groupdict().get(name)
                )
                fact = figure_fact(sentence, match, group, metric, label, unit)
                if fact and not stated_before(extraction, fact):
                    extraction.facts.append(found_at(document, sentence.start + match.start(group), fact))


def unread_qualifier(text, match, group):
    """Whether words beside the figure the pattern matched qualify it in a way it did not take in ("as few
    as 3", "between 80 and 100", "80 or more"): such a figure is not read, never read as exact."""
    return qualified_beside(text[: match.start(group)], text[match.end(group) :])


def stated_before(extraction, fact):
    """A headline and its article often state one figure twice: it is one fact."""
    same = ("metric", "number", "qualifier", "unit")
    return any(all(found.value.get(key) == fact[key] for key in same) for found in extraction.facts)


# "There are almost 4,000 people under probation each year" (not "... in England and Wales", nor "nationally")
UNDER_PROBATION = re.compile(
    rf"(?P<figure>(?:{QUALIFIER}\s+)?\d{{1,3}}(?:,\d{{3}})+)\s+(?P<who>people|offenders|individuals)\s+(?:are\s+|were\s+)?"
    r"under\s+probation\b(?!\s+(?:supervision\s+)?(?:in|across)\s+England)(?![^.;]{0,30}\bnationally\b)",
    re.I,
)


def read_caseload(document, extraction):
    for sentence in current_sentences(document.text):
        for match in (found for pattern in (CASELOAD, UNDER_PROBATION) for found in pattern.finditer(sentence.text)):
            label = f"{match['who'].strip().capitalize()} supervised"
            fact = figure_fact(sentence, match, "figure", "individuals-supervised", label, "people")
            if fact:
                extraction.facts.append(found_at(document, sentence.start + match.start("figure"), fact))


def read_case_percentages(document, extraction, key_questions=(), standards=()):
    """Key-question percentages where stated as such; every other case-sample percentage as worded."""
    words = vocabulary(standards)
    known = {code for code, _ in key_questions} or None
    for sentence in sentences_with_offsets(document.text):
        for match in PERCENT.finditer(sentence.text):
            offset = sentence.start + match.start("percent")
            code = key_question_of(sentence.text, words)
            # "almost 50 per cent": a score is a figure as measured, so a qualified one is kept only as worded
            qualified = qualified_beside(sentence.text[: match.start()], sentence.text[match.end() :])
            if code and (known is None or code in known) and not qualified:
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
