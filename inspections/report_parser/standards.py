"""Standards-framework reports (2018-2021): details, summary of ratings, facts, recommendations, findings."""

import re

from inspections.models import Framework
from inspections.report_parser.documents import (
    MONTHS,
    RATING,
    Found,
    clean,
    found,
    month_value,
    normalise,
    read_group,
    search,
    sentences,
)
from inspections.report_parser.figures import read_cover_date


def parse_standards_report(document, extraction, standards, key_questions):
    fields = extraction.fields
    marker = search(document, r"Summary of ratings|is rated as:|Overall rating\s+" + SPLIT_RATING)
    if marker:
        fields["framework"] = found(document, marker, Framework.STANDARDS_2018)
    else:  # a report's opening pages: the cover does not say which framework
        cover = search(document, r"An inspection of|Inspection of probation services:", flags=re.I)
        fields["framework"] = found(document, cover, Framework.STANDARDS_2018, 0, True, "not stated on the cover")
    title = search(
        document,
        r"An inspection of (?:probation services (?:in:?|managed by) )?(?P<name>[A-Z][\w,&' ]+?)"
        r" (?:Community Rehabilitation Company|CRC|National Probation Service|NPS)\b",
    )
    if title:
        fields["title"] = found(document, title, clean(title.group(0)))
        # "<area> probation services managed by <operator> CRC": the area is what was inspected.
        name = re.split(r"\s+probation services?\s+(?:managed|run|owned|operated)\s+by\b", title.group("name"))[0]
        fields["provider_name"] = found(document, title, clean(name), "name")
    read_cover_date(document, fields)
    read_group(
        document, fields, "lead_inspector",
        r"led by (?:HM Inspector|HMI|Her Majesty's Inspector) ([A-Z][\w'-]+(?: [A-Z][\w'-]+){1,3})",
    )  # fmt: skip
    read_group(
        document,
        fields,
        "chief_inspector",
        r"((?:Dame |Sir )?[A-Z][a-z]+ [A-Z][a-z]+) (?:HM )?Chief Inspector of Probation",
    )
    fieldwork = search(
        document,
        rf"(?:Fieldwork started:|fieldwork for this inspection (?:started|began)(?: on)?)(?:(?!\n\s*\n).){{0,400}}?"
        rf"\b(?:(\d{{1,2}}) )?({MONTHS}) (\d{{4}})",
        flags=re.S | re.I,
    )
    if fieldwork:
        value = month_value(fieldwork.group(2), fieldwork.group(3), fieldwork.group(1))
        fields["fieldwork_start"] = found(document, fieldwork, value, 2)

    overall_texts = []
    stated = search(document, r"Overall, (.{3,120}?) is rated as:\s*" + RATING)
    if stated:
        fields["overall"] = found(document, stated, stated.group(2), 2)
        overall_texts.append(stated.group(2))
    summary = parse_summary_of_ratings(document, extraction, standards)
    if summary.get("overall"):
        if "overall" in fields and fields["overall"].value != summary["overall"].value:
            extraction.conflicts.append(
                f"Overall rating: '{fields['overall'].value}' ({fields['overall'].location}) but the summary of "
                f"ratings says '{summary['overall'].value}' ({summary['overall'].location})"
            )
        fields.setdefault("overall", summary["overall"])
    cross_check_headings(document, extraction, standards, summary.get("block"))
    parse_contextual_facts(document, extraction, r"Contextual facts (?=\d)", r"\n\s*1\. Organisational delivery|\n")
    parse_recommendations(document, extraction)
    parse_domain_findings(document, extraction)
    parse_key_question_scores(document, extraction, key_questions)
    for name in ("provider_name", "published", "fieldwork_start", "lead_inspector", "overall"):
        if name not in fields:
            extraction.missing.append(FIELD_LABELS[name])
    for code, name in standards:
        if code not in extraction.ratings and applies_to_report(code, fields):
            extraction.missing.append(f"rating for {code} {name}")


FIELD_LABELS = {
    "provider_name": "provider",
    "published": "publication month",
    "fieldwork_start": "fieldwork start",
    "lead_inspector": "lead inspector",
    "overall": "overall rating",
}


def applies_to_report(code, fields):
    name = fields.get("title").value if fields.get("title") else ""
    is_nps = "National Probation Service" in name or " NPS" in name
    return not ((code.startswith("3.") and not is_nps) or (code.startswith("4.") and is_nps))


def standard_label_pattern(standards, split=False):
    """'1.1 Leadership'; with `split`, also as a PDF copy splits a table's cells ('1.1\\nInformation and\\nfacilities')."""
    by_length = sorted(standards, key=lambda item: -len(item[1]))
    if split:
        names = "|".join(r"\s+".join(map(re.escape, name.split())) for _code, name in by_length)
        return re.compile(rf"(?<![\d.])(?P<code>[1-4]\.[1-4])\.?\s+(?P<name>{names})\b")
    names = "|".join(re.escape(name) for _code, name in by_length)
    return re.compile(rf"(?<![\d.])(?P<code>[1-4]\.[1-4])\.? (?P<name>{names})\b")


# A rating as a PDF copy of a ratings table may give it: "Requires\nimprovement".
SPLIT_RATING = r"(Requires\s+improvement|Outstanding|Good|Inadequate)"
TABLE_ROW = re.compile(
    rf"\s*(?:[1-4]\.[1-4]?\.?(?:\s|$)|(?:{SPLIT_RATING}|improvement)\s*$|Score\b|\d+\s*/\s*30\b"
    r"|(?:Organisational delivery|Case supervision|CRC[- ]specific|NPS[- ]specific)\b)"
)


def rating_value(match, group=1):
    return " ".join(match.group(group).split())


def table_end(document, start):
    """The end of a ratings table: its domain-three note, or the first blank line not followed by a row
    (a short line: a cell of the table, not a section heading followed by its text)."""
    for end in re.finditer(r"CRC aspects of domain three|NPS aspects of domain three|\n\s*\n", document.text[start:]):
        following = document.text[start + end.end() :].split("\n", 1)[0]
        if not end.group(0).startswith("\n") or len(following) > 60 or not TABLE_ROW.match(following):
            return start + end.start()
    return min(len(document.text), start + 1500)


def parse_summary_of_ratings(document, extraction, standards):
    """Read the "Summary of ratings" block as PDF text extraction produces it.

    Labels and ratings come out of order: a rating that sat on its label's line follows the label;
    the others are gathered after the last label, in the order of the labels that lack one.
    """
    start = search(document, r"Overall rating\s+" + SPLIT_RATING)
    if not start:
        return {}
    end = table_end(document, start.end())
    result = {"overall": found(document, start, rating_value(start), 1), "block": (start.start(), end)}
    labels = list(standard_label_pattern(standards, split=True).finditer(document.text, start.end(), end))
    if not labels:
        extraction.conflicts.append(
            f"a summary of ratings starts at {result['overall'].location} but names no standard"
        )
        return result
    unrated = []
    for index, label in enumerate(labels[:-1]):
        inline = re.compile(r"\s*" + SPLIT_RATING).match(document.text, label.end(), labels[index + 1].start())
        if inline:
            extraction.ratings[label.group("code")] = found(document, inline, rating_value(inline), 1)
        else:
            unrated.append(label)
    # Everything after the last label is the gathered list, and the last label's own rating (if it
    # had one on its line) is indistinguishable from the list's first entry: the list fills, in
    # order, the labels without a rating beside them, the last label included.
    unrated.append(labels[-1])
    trailing = list(re.compile(SPLIT_RATING).finditer(document.text, labels[-1].end(), end))
    if len(trailing) != len(unrated):
        extraction.conflicts.append(
            f"summary of ratings: {len(unrated)} standards have no rating beside them but {len(trailing)} ratings "
            f"follow the last label ({result['overall'].location}); those standards are left for an editor"
        )
        return result
    for label, rating in zip(unrated, trailing, strict=True):
        extraction.ratings[label.group("code")] = found(document, rating, rating_value(rating), 1)
    if len(unrated) > 1:
        codes = ", ".join(label.group("code") for label in unrated)
        listed = ", ".join(rating_value(rating) for rating in trailing)
        extraction.notes.append(
            f"Summary of ratings ({result['overall'].location}): {len(trailing)} ratings follow the last label "
            f"({listed}); read in order as the ratings of the standards with none beside them: {codes}."
        )
    return result


def cross_check_headings(document, extraction, standards, block):
    """Compare the summary with the per-standard headings in the body ('1.1. Leadership Good')."""
    pattern = re.compile(standard_label_pattern(standards).pattern + r"\s+" + RATING + r"\b")
    for match in pattern.finditer(document.text):
        if block and block[0] <= match.start() < block[1]:
            continue
        code, rating = match.group("code"), match.group(3)
        heading = found(document, match, rating, 3)
        summary = extraction.ratings.get(code)
        if summary is None:
            extraction.ratings[code] = heading
        elif summary.value != rating:
            extraction.conflicts.append(
                f"{code} {match.group('name')}: the summary of ratings says '{summary.value}' ({summary.location}) "
                f"but the section heading says '{rating}' ({heading.location})"
            )


FACT_PATTERN = re.compile(
    r"(?P<value>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?%?|\d+)\s*(?:\(of \d+\))?\s+"
    r"(?P<label>The (?:total |adjusted )?(?:number|proportion|volume)\b[^.¹²³⁴⁵\d]*?)"
    r"(?:[.¹²³⁴⁵]|\s\d)"
    r"(?:\s*The (?:performance figure|proportion) for all England (?:&|and) Wales was (?P<national>\d+(?:\.\d+)?%)"
    r"(?:,? against a target of (?P<target>\d+(?:\.\d+)?%))?)?"
)

METRIC_KEYWORDS = [
    ("total number of", "national-caseload"),
    ("proven reoffence", "proven-reoffending"),
    ("community orders", "order-completions"),
    ("licence", "licence-compliance"),
    ("unpaid work", "unpaid-work-completions"),
    ("custodial sentence", "custodial-share"),
    ("supervised by", "individuals-supervised"),
]


def metric_for(label):
    lowered = label.lower()
    return next((metric for keyword, metric in METRIC_KEYWORDS if keyword in lowered), "organisation")


def parse_contextual_facts(document, extraction, heading, end_pattern):
    start = search(document, heading)
    if not start:
        extraction.missing.append("contextual facts")
        return
    end_match = search(document, end_pattern, start.end() + 40)
    end = end_match.start() if end_match else len(document.text)
    seen_labels = set()
    for match in FACT_PATTERN.finditer(document.text, start.end(), end):
        label = clean(match.group("label")).rstrip(" ,")
        value = match.group("value")
        unit = "%" if value.endswith("%") else "people" if "individuals" in label or "offenders" in label else ""
        fact = {"metric": metric_for(label), "label": label, "value": value, "unit": unit}
        if match.group("national"):
            fact["national"] = match.group("national")
        if match.group("target"):
            fact["target"] = match.group("target")
        extraction.facts.append(found(document, match, fact))
        seen_labels.add(normalise(label))
    for label in re.finditer(
        r"The (?:total |adjusted )?(?:number|proportion) of [^.\d]{10,120}", document.text[start.end() : end]
    ):
        text = clean(label.group(0))
        if not any(
            normalise(text).startswith(seen[:30]) or seen.startswith(normalise(text)[:30]) for seen in seen_labels
        ):
            extraction.missing.append(f"value of the fact '{text}' (not beside its label in the text)")


def parse_recommendations(document, extraction):
    start = search(document, r"Recommendations\s+As a result of our inspection findings")
    if not start:
        extraction.missing.append("recommendations")
        return
    end_match = search(document, r"Inspection of probation services:|\n\s*\n|Background", start.end())
    end = end_match.start() if end_match else len(document.text)
    block_start = search(document, r"([A-Z][\w ,&'()-]{2,120}?) should:", start.end(), end)
    if not block_start:
        extraction.missing.append("recommendations (no 'should:' line)")
        return
    addressee = clean(block_start.group(1))
    pattern = re.compile(
        r"(?:(?<=\s)|^)(\d{1,2})\.\s+(.+?)(?=\s+\d{1,2}\.\s+[a-z]|\s+[A-Z][\w ,&'()-]{2,80}? should:|$)", re.S
    )
    cursor = block_start.end()
    block = document.text[:end]
    while cursor < end:
        next_addressee = re.compile(r"\s*([A-Z][\w ,&'()-]{2,80}?) should:").match(block, cursor)
        if next_addressee:
            addressee = clean(next_addressee.group(1))
            cursor = next_addressee.end()
            continue
        match = pattern.search(block, cursor)
        if not match:
            break
        text = clean(match.group(2)).rstrip(".") + "."
        extraction.recommendations.append(
            found(document, match, {"number": int(match.group(1)), "addressee": addressee, "text": text}, 1)
        )
        cursor = match.end()
    stated = search(document, r"we have made (\w+) recommendations", start.start(), end)
    if stated:
        count = WORD_NUMBERS.get(stated.group(1).lower())
        if count is not None and count != len(extraction.recommendations):
            extraction.conflicts.append(
                f"the report says it makes {stated.group(1)} recommendations but {len(extraction.recommendations)} were read"
            )


WORD_NUMBERS = {word: number for number, word in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen"])}  # fmt: skip

DOMAIN_HEADINGS = [
    ("1", r"1\. Organisational delivery"),
    ("2", r"2\. Case supervision"),
    ("3", r"3\. (?:Court reports|NPS specific)[^\n]{0,60}"),
    ("4", r"4\. Unpaid work and Through the Gate"),
]


def parse_domain_findings(document, extraction):
    """Key findings per domain from 'Overall findings', and strengths and areas for improvement."""
    overview = search(document, r"Overall findings\s+Overall,")
    if overview:
        parts = [
            ("1", r"Our key findings about the organisation were as follows:", r"Case supervision Our key findings|Inspection of probation services:"),
            ("2", r"Our key findings about case supervision were as follows:", r"Inspection of probation services:|CRC Unpaid work|NPS specific"),
        ]  # fmt: skip
        for domain, begin, finish in parts:
            begin_match = search(document, begin, overview.start())
            if not begin_match:
                continue
            end_match = search(document, finish, begin_match.end())
            text = document.text[begin_match.end() : end_match.start() if end_match else begin_match.end() + 2000]
            for sentence in sentences(text):
                add_finding(document, extraction, begin_match, "key_finding", domain, sentence)
        other = search(document, r"Our key findings about other core activities[^:]*:", overview.start())
        if other:
            end_match = search(document, r"Inspection of probation services:", other.end())
            text = clean(document.text[other.end() : end_match.start() if end_match else other.end() + 2000])
            split = re.match(r"Unpaid work (?P<uw>.+?) Through the Gate (?P<ttg>Through the Gate .+)$", text)
            if split:
                for code, part in (("4.1", split.group("uw")), ("4.2", split.group("ttg"))):
                    add_finding(document, extraction, other, "key_finding", "4", part, standard=code)
    sections = []
    for domain, heading in DOMAIN_HEADINGS:
        # A body section heading is followed by prose, not by a page number or a standard label.
        for match in re.finditer(heading + r" (?=[A-Z][a-z])", document.text):
            sections.append((match.end(), domain))
    sections.sort()
    for index, (section_start, domain) in enumerate(sections):
        section_end = sections[index + 1][0] if index + 1 < len(sections) else len(document.text)
        strengths = search(document, r"Strengths:", section_start, section_end)
        if not strengths:
            continue
        areas = search(document, r"Areas for improvement:", strengths.end(), section_end)
        strength_end = areas.start() if areas else min(section_end, strengths.end() + 3000)
        footer = search(document, r"Inspection of probation services:", strengths.end(), strength_end)
        for sentence in sentences(document.text[strengths.end() : footer.start() if footer else strength_end]):
            add_finding(document, extraction, strengths, "strength", domain, sentence)
        if areas:
            stop = search(
                document,
                r"(?<![\d.])[1-4]\.[1-4]\.? [A-Z][a-z]+|Inspection of probation services:",
                areas.end(),
                section_end,
            )
            for sentence in sentences(
                document.text[areas.end() : stop.start() if stop else min(section_end, areas.end() + 3000)]
            ):
                add_finding(document, extraction, areas, "improvement", domain, sentence)


def add_finding(document, extraction, match, kind, domain, text, standard=None):
    position = document.text.find(text[:40], match.start())
    line = document.line_at(position if position >= 0 else match.start())
    value = {"kind": kind, "domain": domain, "text": text}
    if standard:
        value["standard"] = standard
    extraction.findings.append(Found(value, line.number, line.page, text[:240]))


def parse_key_question_scores(document, extraction, key_questions):
    """Annex 'Inspection results': a key question followed by its percentage."""
    known = {normalise(text): code for code, text in key_questions}
    for match in re.finditer(r"((?:Does|Is) [^?\n]{10,200}\?)\s*(\d{1,3}(?:\.\d+)?)\s*%", document.text):
        code = known.get(normalise(match.group(1)))
        if code is None:
            continue
        percent = float(match.group(2))
        if percent > 100:
            extraction.conflicts.append(
                f"key question {code}: {percent}% is not a percentage ({found(document, match, 0).location})"
            )
            continue
        extraction.scores.append(found(document, match, {"key_question": code, "percent": match.group(2)}, 2))
