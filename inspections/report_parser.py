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

import bisect
import io
import re
from dataclasses import dataclass, field

MAX_BYTES = 20 * 1024 * 1024
RATING = r"(Requires improvement|Outstanding|Good|Inadequate)"
RATING_WORDS = ("Requires improvement", "Outstanding", "Good", "Inadequate")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTHS.split("|"), start=1)}
PAGE_FOOTER = re.compile(r"Inspection of probation services: [^\n]*? (\d{1,3})\s*$")


class ReportImportError(Exception):
    """A document that cannot be read as a report. The message names the file, line and problem."""

    def __init__(self, filename, problem, line=None):
        self.filename, self.problem, self.line = filename, problem, line
        where = f", line {line}" if line else ""
        super().__init__(f"{filename}{where}: {problem}")


@dataclass
class Line:
    number: int
    page: int | None
    text: str


@dataclass
class Document:
    filename: str
    lines: list

    def __post_init__(self):
        self.text = "\n".join(line.text for line in self.lines)
        self.starts = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line.text) + 1

    def line_at(self, offset):
        return self.lines[bisect.bisect_right(self.starts, offset) - 1]


@dataclass
class Found:
    """A value and where it was read: line (and page where known), with the line's words."""

    value: object
    line: int
    page: int | None
    excerpt: str

    @property
    def location(self):
        return f"p.{self.page}, line {self.line}" if self.page else f"line {self.line}"


@dataclass
class Extraction:
    filename: str
    kind: str  # "standards_report", "quality_impact_report" or "secondary"
    fields: dict = field(default_factory=dict)  # name -> Found
    ratings: dict = field(default_factory=dict)  # standard code -> Found(rating label)
    facts: list = field(default_factory=list)  # Found(dict)
    recommendations: list = field(default_factory=list)  # Found(dict)
    findings: list = field(default_factory=list)  # Found(dict)
    scores: list = field(default_factory=list)  # Found(dict)
    judgements: list = field(default_factory=list)  # Found(dict) for Quality & Impact
    tables: list = field(default_factory=list)  # Found(dict): number, title, columns, rows
    missing: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # how an ambiguous layout was read, shown to the editor

    @property
    def is_report(self):
        return self.kind != "secondary"

    @property
    def kind_label(self):
        return {
            "standards_report": "an inspection report (standards framework, 2018-2021)",
            "quality_impact_report": "a Quality & Impact inspection report (2016-2018)",
            "secondary": "a secondary source (press release, news item or blog)",
        }[self.kind]


# ---------------------------------------------------------------- reading files


def read_document(data, filename):
    """Bytes of a text or PDF file -> Document with numbered lines (and pages for PDFs)."""
    if len(data) > MAX_BYTES:
        raise ReportImportError(
            filename, f"the file is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB"
        )
    if not data.strip():
        raise ReportImportError(filename, "the file is empty")
    if data[:5] == b"%PDF-":
        return read_pdf(data, filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReportImportError(
            filename, f"the text is not UTF-8 (byte {error.start}); save it as UTF-8 and try again", line
        ) from None
    if "\x00" in text:
        raise ReportImportError(filename, "the file is binary, not text or PDF")
    lines, page = [], None
    for number, raw in enumerate(text.splitlines(), start=1):
        footer = PAGE_FOOTER.search(raw)
        # A text copy of a report carries each page's footer ("... CRC 13") at the end of it.
        lines.append(Line(number, int(footer.group(1)) if footer else page, raw))
    return Document(filename, lines)


def read_pdf(data, filename):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ReportImportError(filename, "the PDF is encrypted; save an unprotected copy and try again")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReportImportError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise ReportImportError(filename, f"the PDF cannot be read ({error})") from None
    if not any(text.strip() for text in pages):
        raise ReportImportError(
            filename, f"the PDF's {len(pages)} pages have no text layer (scanned images?); it needs OCR first"
        )
    lines, number = [], 0
    for page_number, text in enumerate(pages, start=1):
        for raw in text.splitlines():
            number += 1
            lines.append(Line(number, page_number, raw))
    return Document(filename, lines)


# ---------------------------------------------------------------- helpers


def clean(text):
    text = re.sub(r"</?i>", "", text)  # italics markup left in some text copies
    return " ".join(text.replace("\u00a0", " ").replace("*", "").split())


def found(document, match, value, group=0):
    line = document.line_at(match.start(group))
    start = max(0, match.start(group) - document.starts[line.number - 1] - 60)
    excerpt = clean(line.text[start : start + 240])
    return Found(value, line.number, line.page, excerpt)


def search(document, pattern, start=0, end=None, flags=0):
    return re.compile(pattern, flags).search(document.text, start, end if end is not None else len(document.text))


def sentences(text):
    return [part.strip() for part in re.split(r"(?<=[.;])\s+(?=[A-Z])", clean(text)) if len(part.strip()) > 3]


def normalise(text):
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# ---------------------------------------------------------------- entry point


def parse_report(document, standards, key_questions=()):
    """Extract what the document states.

    `standards`: [(code, name)] of the catalogue; `key_questions`: [(code, text)].
    """
    text = document.text
    has_inspectorate = re.search(r"Inspectorate of Probation|HMI Probation|probation inspectorate", text, re.I)
    if not has_inspectorate or not re.search(r"inspect", text, re.I):
        raise ReportImportError(
            document.filename, "this is not an HM Inspectorate of Probation report: the inspectorate is not named"
        )
    if re.search(r"Quality (?:&|and) Impact", text) and re.search(r"(CRC|NPS) effectiveness", text):
        extraction = Extraction(document.filename, "quality_impact_report")
        parse_quality_impact(document, extraction, key_questions)
    elif re.search(r"Summary of ratings", text, re.I) or re.search(r"is rated as:\s*|Overall rating\s+" + RATING, text):
        extraction = Extraction(document.filename, "standards_report")
        parse_standards_report(document, extraction, standards, key_questions)
    elif re.search(r"\b(rated|rating|inspection report|inspectors found)\b", text, re.I):
        extraction = Extraction(document.filename, "secondary")
        parse_secondary(document, extraction, standards)
    else:
        raise ReportImportError(
            document.filename, "no ratings, judgements or 'Summary of ratings' found: this is not an inspection report"
        )
    return extraction


# ---------------------------------------------------------------- standards framework reports


def parse_standards_report(document, extraction, standards, key_questions):
    fields = extraction.fields
    marker = search(document, r"Summary of ratings|is rated as:|Overall rating\s+" + RATING)
    fields["framework"] = found(document, marker, "standards-2018")
    title = search(
        document,
        r"An inspection of (?:probation services (?:in|managed by) )?(?P<name>[A-Z][\w,&' ]+?)"
        r" (?:Community Rehabilitation Company|CRC|National Probation Service|NPS)\b",
    )
    if title:
        fields["title"] = found(document, title, clean(title.group(0)))
        fields["provider_name"] = found(document, title, clean(title.group("name")), "name")
    published = search(document, rf"Inspectorate of Probation\s+({MONTHS.upper()}|{MONTHS}) (\d{{4}})")
    if published:
        fields["published"] = found(
            document, published, f"{published.group(2)}-{MONTH_NUMBERS[published.group(1).lower()]:02d}"
        )
    lead = search(document, r"led by (?:HM Inspector|HMI|Her Majesty's Inspector) ([A-Z][\w'-]+(?: [A-Z][\w'-]+){1,3})")
    if lead:
        fields["lead_inspector"] = found(document, lead, lead.group(1), 1)
    chief = search(document, r"((?:Dame |Sir )?[A-Z][a-z]+ [A-Z][a-z]+) (?:HM )?Chief Inspector of Probation")
    if chief:
        fields["chief_inspector"] = found(document, chief, chief.group(1), 1)
    fieldwork = search(document, rf"Fieldwork started:.*?({MONTHS}) (\d{{4}})", flags=re.S)
    if fieldwork and fieldwork.end() - fieldwork.start() < 400:
        fields["fieldwork_start"] = found(
            document, fieldwork, f"{fieldwork.group(2)}-{MONTH_NUMBERS[fieldwork.group(1).lower()]:02d}", 1
        )

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
    if "overall" not in fields and not extraction.ratings:
        last = document.lines[-1].number
        raise ReportImportError(
            document.filename, "the report ends before its overall rating and summary of ratings (truncated?)", last
        )


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


def standard_label_pattern(standards):
    names = "|".join(re.escape(name) for _code, name in sorted(standards, key=lambda item: -len(item[1])))
    return re.compile(rf"(?<![\d.])(?P<code>[1-4]\.[1-4])\.? (?P<name>{names})\b")


def parse_summary_of_ratings(document, extraction, standards):
    """Read the "Summary of ratings" block as PDF text extraction produces it.

    Labels and ratings come out of order: a rating that sat on its label's line follows the label;
    the others are gathered after the last label, in the order of the labels that lack one.
    """
    start = search(document, r"Overall rating\s+" + RATING)
    if not start:
        return {}
    end_match = search(document, r"CRC aspects of domain three|NPS aspects of domain three|\n\s*\n", start.end())
    end = end_match.start() if end_match else min(len(document.text), start.end() + 1500)
    result = {"overall": found(document, start, start.group(1), 1), "block": (start.start(), end)}
    labels = list(standard_label_pattern(standards).finditer(document.text, start.end(), end))
    if not labels:
        extraction.conflicts.append(
            f"a summary of ratings starts at {result['overall'].location} but names no standard"
        )
        return result
    unrated = []
    for index, label in enumerate(labels[:-1]):
        inline = re.compile(r"\s*" + RATING).match(document.text, label.end(), labels[index + 1].start())
        if inline:
            extraction.ratings[label.group("code")] = found(document, inline, inline.group(1), 1)
        else:
            unrated.append(label)
    # Everything after the last label is the gathered list, and the last label's own rating (if it
    # had one on its line) is indistinguishable from the list's first entry: the list fills, in
    # order, the labels without a rating beside them, the last label included.
    unrated.append(labels[-1])
    trailing = list(re.compile(RATING).finditer(document.text, labels[-1].end(), end))
    if len(trailing) != len(unrated):
        extraction.conflicts.append(
            f"summary of ratings: {len(unrated)} standards have no rating beside them but {len(trailing)} ratings "
            f"follow the last label ({result['overall'].location}); those standards are left for an editor"
        )
        return result
    for label, rating in zip(unrated, trailing, strict=True):
        extraction.ratings[label.group("code")] = found(document, rating, rating.group(1), 1)
    if len(unrated) > 1:
        codes = ", ".join(label.group("code") for label in unrated)
        listed = ", ".join(rating.group(1) for rating in trailing)
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


# ---------------------------------------------------------------- Quality & Impact reports

QI_DOMAINS = {"Protecting the public": "PP", "Reducing reoffending": "RR", "Abiding by the sentence": "AS"}


def parse_quality_impact(document, extraction, key_questions):
    fields = extraction.fields
    fields["framework"] = found(document, search(document, r"Quality (?:&|and) Impact"), "quality-impact-2016")
    title = search(document, r"The effectiveness of probation work in ([A-Z][\w &]+)")
    if title:
        fields["title"] = found(document, title, clean(title.group(0)))
        fields["area"] = found(document, title, clean(title.group(1)), 1)
    published = search(document, rf"An inspection by HM Inspectorate of Probation\s+({MONTHS}) (\d{{4}})")
    if published:
        fields["published"] = found(
            document, published, f"{published.group(2)}-{MONTH_NUMBERS[published.group(1).lower()]:02d}", 1
        )
    lead = search(document, r"Lead Inspector\s+([A-Z][\w'-]+(?: [A-Z][\w'-]+){1,3})")
    if lead:
        fields["lead_inspector"] = found(document, lead, lead.group(1), 1)
    chief = search(document, r"((?:Dame |Sir )?[A-Z][a-z]+ [A-Z][a-z]+)\s+HM Chief Inspector of Probation")
    if chief:
        fields["chief_inspector"] = found(document, chief, chief.group(1), 1)
    crc = search(document, r"supervised by the ([A-Z][\w& ]+?) CRC") or search(
        document, r"\bthe ([A-Z][\w& ]+?) (?:CRC|Community Rehabilitation Company)\b(?! \()"
    )
    if crc:
        fields["crc_name"] = found(document, crc, clean(crc.group(1)), 1)
    nps = search(
        document,
        r"the (North West|North East|Midlands|London|Wales|South East (?:&|and) Eastern|South West (?:&|and) South Central) division of the National [Pp]robation Service",
    )
    if nps:
        fields["nps_name"] = found(document, nps, f"NPS {nps.group(1)}", 1)
    sample = search(
        document,
        r"the sample consisted of (\d+) cases, (\d+) of which were CRC cases and (\d+) of which were NPS cases",
    )
    if sample:
        fields["crc_case_sample"] = found(document, sample, int(sample.group(2)), 2)
        fields["nps_case_sample"] = found(document, sample, int(sample.group(3)), 3)

    begin = search(document, r"The full findings of this")
    end = search(document, r"\nRecommendations\n", begin.end() if begin else 0)
    if begin and end:
        domain = organisation = None
        for line in document.lines:
            start = document.starts[line.number - 1]
            if not (begin.end() <= start < end.start()):
                continue
            text = clean(line.text)
            if text in QI_DOMAINS:
                domain = QI_DOMAINS[text]
            elif text in ("CRC effectiveness", "NPS effectiveness"):
                organisation = text[:3]
            elif text == "The CRC and NPS working together":
                organisation = "joint"
            elif text and domain and organisation:
                key = (organisation, domain)
                existing = next(
                    (j for j in extraction.judgements if (j.value["organisation"], j.value["domain"]) == key), None
                )
                if existing is None:
                    extraction.judgements.append(
                        Found(
                            {"organisation": organisation, "domain": domain, "judgement": text, "narrative": ""},
                            line.number,
                            line.page,
                            text[:240],
                        )
                    )
                else:
                    existing.value["narrative"] = clean(existing.value["narrative"] + " " + text)
    for organisation in ("CRC", "NPS"):
        for name, code in QI_DOMAINS.items():
            if not any(
                j.value["organisation"] == organisation and j.value["domain"] == code for j in extraction.judgements
            ):
                extraction.missing.append(f"{organisation} judgement on {name}")

    facts_start = search(document, r"\nKey facts\n")
    if facts_start:
        facts_end = search(document, r"\n1\. Overall judgements", facts_start.end())
        for line in document.lines:
            start = document.starts[line.number - 1]
            if not (facts_start.end() <= start < (facts_end.start() if facts_end else start + 1)):
                continue
            match = re.match(
                r"\s*-\s*(?P<value>[\d,.]+%?)(?:\s*\(of \d+\))?\s+(?P<label>The [^¹²³⁴⁵]+?)[¹²³⁴⁵]*(?:\.\s*The (?:performance figure|proportion) for all England (?:&|and) Wales was (?P<national>\d+%)(?:,? against a target of (?P<target>\d+%))?|\.\s*(?P<comparator>The [^.]+))?[.¹²³⁴⁵\s]*$",
                clean(line.text).replace("**", ""),
            )
            if match:
                label = clean(match.group("label")).rstrip(".")
                value = match.group("value")
                fact = {"metric": metric_for(label), "label": label, "value": value,
                        "unit": "%" if value.endswith("%") else ("people" if "offenders" in label else "")}  # fmt: skip
                fact["organisation"] = (
                    "NPS" if "NPS" in label or "National Probation" in label else ("CRC" if "CRC" in label else "both")
                )
                if match.group("national"):
                    fact["national"] = match.group("national")
                if match.group("target"):
                    fact["target"] = match.group("target")
                if match.group("comparator"):
                    fact["comparator_text"] = clean(match.group("comparator"))
                extraction.facts.append(Found(fact, line.number, line.page, clean(line.text)[:240]))
    else:
        extraction.missing.append("key facts")

    recommendations = search(document, r"\nRecommendations\n")
    if recommendations:
        addressee = None
        for line in document.lines[document.line_at(recommendations.end()).number :]:
            text = clean(line.text)
            if re.match(r"^\d+\. The arrangements", text) or text.startswith("2. The arrangements"):
                break
            if text.endswith("should:"):
                addressee = text[: -len(" should:")]
                continue
            match = re.match(r"^(\d{1,2})\. (.+)$", text)
            if match and addressee:
                organisation = {
                    "The Community Rehabilitation Company": "CRC",
                    "The National Probation Service": "NPS",
                }.get(addressee, "joint")
                extraction.recommendations.append(
                    Found(
                        {
                            "number": int(match.group(1)),
                            "addressee": addressee,
                            "text": match.group(2),
                            "organisation": organisation,
                        },
                        line.number,
                        line.page,
                        text[:240],
                    )  # fmt: skip
                )
    if not extraction.recommendations:
        extraction.missing.append("recommendations")

    needs = {normalise(text.split(": ", 1)[-1]): code for code, text in key_questions if code.startswith("RR.")}
    for table in re.finditer(
        r"Table (\d+): Sufficiency scores[^\n]*?in the (CRC|NPS) inspection sample", document.text
    ):
        organisation = table.group(2)
        for line in document.lines[document.line_at(table.end()).number :]:
            text = line.text.strip()
            if not text or text.startswith("Assessed need"):
                if (
                    extraction.scores
                    and not text
                    and any(s.value["organisation"] == organisation for s in extraction.scores)
                ):
                    break
                continue
            match = re.match(r"^(.+?)\t\s*(\d{1,3})%$", text)
            if not match:
                break
            code = needs.get(normalise(match.group(1)))
            if code is None:
                extraction.conflicts.append(
                    f"Table {table.group(1)}: assessed need '{match.group(1)}' is not in the catalogue (line {line.number})"
                )
                continue
            extraction.scores.append(Found({"key_question": code, "percent": match.group(2), "organisation": organisation,
                                            "table": table.group(1)}, line.number, line.page, text))  # fmt: skip
    parse_enablers_and_barriers(document, extraction)
    parse_other_tables(document, extraction)
    for name in ("published", "lead_inspector", "crc_name", "nps_name"):
        if name not in fields:
            extraction.missing.append(name.replace("_", " "))


def parse_other_tables(document, extraction):
    """Tables printed as tab-separated rows (caseloads, referrals), kept as the report gives them."""
    for table in re.finditer(r"\nTable (\d+): (?!Enablers|Sufficiency)([^\n]+)", document.text):
        rows = []
        for line in document.lines[document.line_at(table.end()).number :]:
            if not line.text.strip():
                if rows:
                    break
                continue
            if "\t" not in line.text:
                break
            rows.append([clean(cell) for cell in line.text.split("\t")])
        if len(rows) < 2:
            continue
        width = max(len(row) for row in rows)
        columns = [cell or f"Column {index + 1}" for index, cell in enumerate(rows[0] + [""] * (width - len(rows[0])))]
        body = [row + [""] * (width - len(row)) for row in rows[1:]]
        # Which organisation a table describes is not stated in a form the parser can trust, so
        # tables stay with the report; an editor can attach one to an inspection.
        value = {"number": table.group(1), "title": clean(table.group(2)).rstrip("."), "columns": columns, "rows": body}
        extraction.tables.append(found(document, table, value, 1))


def parse_enablers_and_barriers(document, extraction):
    """Quality & Impact tables of enablers and barriers, per organisation and domain."""
    pattern = r"Table (\d+): Enablers (?:and barriers )?for the (CRC and NPS working together|CRC|NPS)[^\n]*?domain of ([a-z ]+)\."
    for table in re.finditer(pattern, document.text):
        organisation = {"CRC": "CRC", "NPS": "NPS"}.get(table.group(2), "joint")
        domain = QI_DOMAINS.get(table.group(3).strip().capitalize())
        if domain is None:
            extraction.conflicts.append(f"Table {table.group(1)}: unknown domain '{table.group(3)}'")
            continue
        started = False
        for line in document.lines[document.line_at(table.end()).number :]:
            if line.text.startswith("Enablers"):
                started = True
                continue
            if not started:
                continue
            if line.text.strip() and "\t" not in line.text:
                break
            cells = line.text.split("\t")
            for kind, index in (("enabler", 1), ("barrier", 3)):
                if len(cells) > index and cells[index].strip() and cells[index - 1].strip():
                    text = clean(cells[index])
                    value = {
                        "kind": kind,
                        "domain": domain,
                        "text": text,
                        "organisation": organisation,
                        "table": table.group(1),
                    }
                    extraction.findings.append(Found(value, line.number, line.page, text[:240]))


# ---------------------------------------------------------------- secondary sources

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
            f"{published.group(3)}-{MONTH_NUMBERS[published.group(2).lower()]:02d}-{int(published.group(1)):02d}",
            1,
        )
    fieldwork = search(document, rf"(?:Fieldwork|inspections made|inspected)[^.]{{0,80}}?\bin ({MONTHS}) (\d{{4}})")
    if fieldwork:
        fields["fieldwork_start"] = found(
            document, fieldwork, f"{fieldwork.group(2)}-{MONTH_NUMBERS[fieldwork.group(1).lower()]:02d}", 1
        )
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


def normalise_rating(text):
    return next(word for word in RATING_WORDS if word.lower() == text.lower())
