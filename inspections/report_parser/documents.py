"""Reading files into numbered lines, the evidence model (Found, Extraction) and small helpers."""

import bisect
import io
import re
import time
from dataclasses import dataclass, field

from inspections.models import Rating

MAX_BYTES = 20 * 1024 * 1024
# A report runs to about 60 pages; reading stops well before a PDF built to exhaust a worker.
MAX_PDF_PAGES = 500
MAX_PDF_SECONDS = 20
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
    # A reading the parser is unsure of (a loose synonym, a provider named only in the body): shown
    # as uncertain and written only when an editor confirms it. `why` says what makes it unsure.
    uncertain: bool = False
    why: str = ""
    # Where in the document's text it was read (None: a table cell or line read whole), so that the
    # provider it is stated of can be told (attribution.py).
    offset: int | None = None

    @property
    def location(self):
        return f"p.{self.page}, line {self.line}" if self.page else f"line {self.line}"

    @property
    def shown(self):
        """The value as an editor reads it in a preview or a note: an owner as the text names it, with
        the owner group it was matched to (owners.py); a fact, rating or score by its figure."""
        value = self.value
        if not isinstance(value, dict):
            return value
        if "as_stated" in value:
            return f"{value['as_stated']} (owner group: {value['owner']})"
        if "percent" in value:
            return f"{value['percent']}%"
        return value.get("value", value.get("rating", value))


@dataclass
class Extraction:
    filename: str
    kind: str  # "standards_report", "quality_impact_report", "report_extract" or "secondary"
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
    # What the text says of an EARLIER inspection, kept as context only when it says when that was.
    previous_ratings: list = field(default_factory=list)  # Found(dict): subject, rating, when
    # Case-sample figures as worded ("NOT adequately assessed in 48 per cent"): never key-question scores.
    case_figures: list = field(default_factory=list)  # Found(dict): wording, percent
    provider_problem: str = ""  # why no provider was recognised, naming what was looked for
    disputed: set = field(default_factory=set)  # values two readings disagree on: left for an editor
    # Which provider each value is stated of (attribution.Attribution; None: no catalogue to tell by),
    # and the provider the values kept are this inspection's values of.
    attribution: object = None

    def keeps(self, found):
        """Whether a value read is this inspection's (stated of its provider); one that is not is named in
        the notes, with why (attribution.Attribution.why_not)."""
        if self.attribution is None or found.offset is None:
            return True
        why = self.attribution.why_not(found.offset)
        if why:
            self.notes.append(f"left out '{found.shown}' ({found.location}): {why}")
        return not why

    @property
    def subject(self):
        """The provider (slug) the values kept are stated of, or None."""
        return self.attribution.subject if self.attribution else None

    @property
    def is_report(self):
        return self.kind not in ("secondary", "report_extract")

    def uncertain_values(self):
        """(kind, key, Found) of every value read with doubt, for the editor to confirm one by one."""
        values = [("field", name, found) for name, found in self.fields.items() if found.uncertain]
        values += [("rating", code, found) for code, found in sorted(self.ratings.items()) if found.uncertain]
        values += [("score", found.value["key_question"], found) for found in self.scores if found.uncertain]
        return values

    @property
    def kind_label(self):
        return {
            "standards_report": "an inspection report (standards framework, 2018-2021)",
            "quality_impact_report": "a Quality & Impact inspection report (2016-2018)",
            "report_extract": "the opening pages of a report (it ends before the ratings)",
            "secondary": "a secondary source (press release, news item or blog)",
        }[self.kind]


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
    text = text.replace("\u00a0", " ")  # web copies keep non-breaking spaces between words
    for number, raw in enumerate(text.splitlines(), start=1):
        footer = PAGE_FOOTER.search(raw)
        # A text copy of a report carries each page's footer ("... CRC 13") at the end of it.
        lines.append(Line(number, int(footer.group(1)) if footer else page, raw))
    return Document(filename, lines)


def read_pdf(data, filename):
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ReportImportError(filename, "the PDF is encrypted; save an unprotected copy and try again")
        pages = pdf_pages_text(reader, filename)
    except ReportImportError:
        raise
    except LimitReachedError as error:
        raise ReportImportError(filename, f"the PDF exceeds a size limit when decompressed ({error})") from None
    except RecursionError:
        raise ReportImportError(filename, "the PDF's objects are nested too deeply to read") from None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
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


def pdf_pages_text(reader, filename):
    """Each page's text, within MAX_PDF_PAGES pages and MAX_PDF_SECONDS of reading."""
    count = len(reader.pages)
    if count > MAX_PDF_PAGES:
        raise ReportImportError(filename, f"the PDF has {count:,} pages; the limit is {MAX_PDF_PAGES}")
    started = time.monotonic()
    pages = []
    for page in reader.pages:
        if time.monotonic() - started > MAX_PDF_SECONDS:
            raise ReportImportError(
                filename, f"reading the PDF took over {MAX_PDF_SECONDS} s (the limit) after {len(pages)} pages"
            )
        pages.append(page.extract_text() or "")
    return pages


def clean(text):
    text = re.sub(r"</?i>", "", text)  # italics markup left in some text copies
    return " ".join(text.replace("\u00a0", " ").replace("*", "").split())


def found(document, match, value, group=0, uncertain=False, why=""):
    return found_at(document, match.start(group), value, uncertain, why)


def found_at(document, offset, value, uncertain=False, why=""):
    """A value read at a character offset of the document, with the sentence it stands in (a citation
    quotes whole words, never a fragment)."""
    line = document.line_at(offset)
    excerpt = clean(sentence_around(line.text, offset - document.starts[line.number - 1]))
    return Found(value, line.number, line.page, excerpt, uncertain, why, offset)


SENTENCE_END = re.compile(r"[.!?][\'’\"”)]?(?=\s+[\'‘\"“(]?[A-Z0-9])")
LONGEST_EXCERPT = 400


def sentence_around(text, position):
    """The sentence of `text` that holds `position`; a window of whole words where sentences run long."""
    start = 0
    for match in SENTENCE_END.finditer(text, 0, position):
        start = match.end()
    following = SENTENCE_END.search(text, position)
    end = following.end() if following else len(text)
    if end - start <= LONGEST_EXCERPT:
        return text[start:end].strip()
    window_start = text.rfind(" ", 0, max(0, position - 120)) + 1
    window_end = text.find(" ", min(len(text), position + 240))
    return text[window_start : window_end if window_end != -1 else len(text)].strip()


def search(document, pattern, start=0, end=None, flags=0):
    return re.compile(pattern, flags).search(document.text, start, end if end is not None else len(document.text))


def read_group(document, fields, name, pattern, group=1):
    """fields[name]: what `pattern`'s group says where the document first matches it."""
    match = search(document, pattern)
    if match:
        fields[name] = found(document, match, match.group(group), group)


def sentences(text):
    return [part.strip() for part in re.split(r"(?<=[.;])\s+(?=[A-Z])", clean(text)) if len(part.strip()) > 3]


def normalise(text):
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def month_value(month, year, day=None):
    """'April', '2019' -> '2019-04' (with the day: '2019-04-03')."""
    value = f"{year}-{MONTH_NUMBERS[month.lower()]:02d}"
    return f"{value}-{int(day):02d}" if day else value


def normalise_rating(text):
    """A rating word as written ('good', 'Requires Improvement') -> the scale's label."""
    return Rating.from_label(text).label
