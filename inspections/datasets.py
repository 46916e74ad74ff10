"""The bulk downloads: every dataset as CSV or JSON, generated from the database on request.

Each dataset is a list of columns (name, meaning) and one queryset read with `.iterator()`, so a
download streams in constant memory whatever the size of the table. The same code writes the
frozen files of a data release (inspections/releases.py).
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from inspections.models import (
    Fact,
    Finding,
    Inspection,
    KeyQuestionScore,
    Recommendation,
    StandardRating,
    iso_partial_date,
)
from inspections.rules import Rating

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ATTRIBUTION = (
    "Contains public sector information from HM Inspectorate of Probation licensed under the "
    "Open Government Licence v3.0. Press sources are cited, not reproduced."
)
FORMATS = ("csv", "json")
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 2000


def spreadsheet_safe(value):
    """The cell as text that a spreadsheet shows as written and never runs as a formula.

    A leading apostrophe is the spreadsheets' own "this is text" mark (OWASP's advice for CSV
    injection). Numbers are left alone: -3 is a number, not a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


SOURCE_COLUMNS = [
    ("source_document", "Title of the document the value is taken from."),
    ("source_url", "Where that document can be read, if online."),
    ("source_location", "Where in the document: section and/or page."),
]
SOURCE_FIELDS = ["source__title", "source__url", "location"]
INSPECTION_COLUMNS = [
    ("inspection_id", "Our identifier of the inspection: /inspections/<id>/ on this site."),
    ("provider", "The CRC or NPS division inspected."),
    ("provider_kind", "CRC (Community Rehabilitation Company) or NPS (National Probation Service division)."),
    ("owner", "The owner group at the time, as a source states it; empty if none we hold names it."),
    ("report", "Title of the inspection report."),
    ("published", "Date the report was published, as precise as a source states it (YYYY, YYYY-MM or YYYY-MM-DD)."),
    ("framework", "The inspection framework (2018 standards, or Quality & Impact 2016-18)."),
]
# Rows about one inspection (a rating, a score) start with its inspection, read through the row's
# `inspection`; the publication date and its precision become one column (with_published).
INSPECTION_FIELDS = [
    "inspection_id",
    "inspection__provider__name",
    "inspection__provider__kind",
    "inspection__owner__name",
    "inspection__report__title",
    "inspection__report__published",
    "inspection__report__framework__name",
    "inspection__report__published_precision",
]
REPORT_COLUMNS = [
    ("report", "Title of the inspection report."),
    ("published", "Date the report was published, as precise as a source states it."),
    ("inspection_id", "The inspection it belongs to; empty when it is about the report's providers together."),
    ("provider", "The provider of that inspection; empty for joint text."),
]
# Rows of a report's text (a recommendation, a finding) start with the report and the inspection.
REPORT_FIELDS = [
    "report__title",
    "report__published",
    "report__published_precision",
    "inspection_id",
    "inspection__provider__name",
]


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: list  # (name, meaning)
    queryset: object  # a function returning a values_list queryset in column order
    convert: object = None  # a function turning one raw row into the published row

    @property
    def column_names(self):
        return [name for name, _meaning in self.columns]

    def rows(self):
        convert = self.convert or (lambda row: row)
        for row in self.queryset().iterator(chunk_size=CHUNK_ROWS):
            yield convert(row)

    def count(self):
        """The number of rows: one per row of the dataset's table (its joins follow foreign keys,
        which always match, and nothing is filtered out; tests/test_open_data.py holds every
        download to it). Counted from the table alone: a count through the joins took 42 ms for
        the ratings and 65 for the scores at 100 times the data."""
        return self.queryset().model.objects.count()


def with_published(row, published_index, precision_index):
    """Replace the (published, precision) pair in a raw row by one partial-date text."""
    row = list(row)
    row[published_index] = iso_partial_date(row[published_index], row[precision_index])
    del row[precision_index]
    return row


def with_rating_label(row, index):
    row[index] = Rating.label_of(row[index])
    return row


def inspections_rows():
    return Inspection.objects.order_by(
        "report__published", "provider__name", "pk"
    ).values_list(
        "pk",  # the inspection's own columns, read from itself rather than through `inspection`
        *(field.removeprefix("inspection__") for field in INSPECTION_FIELDS[1:]),
        "overall_rating",
        "owner_text",
        "case_sample_size",
        *SOURCE_FIELDS,
    )


def convert_inspection(row):
    return with_rating_label(with_published(row, 5, 7), 7)


def rows_per_inspection(model, ordering, fields):
    """`model`'s rows in publication and provider order: the inspection's columns, `fields`, the source."""
    ordering = ["inspection__report__published", "inspection__provider__name", *ordering]
    return model.objects.order_by(*ordering).values_list(*INSPECTION_FIELDS, *fields, *SOURCE_FIELDS)


def ratings_rows():
    fields = ["standard__code", "standard__name", "rating", "judgement"]
    return rows_per_inspection(StandardRating, ["standard__position"], fields)


def convert_rating(row):
    return with_rating_label(with_published(row, 5, 7), 9)


def scores_rows():
    ordering = ["key_question__standard__position", "key_question__position"]
    fields = ["key_question__standard__code", "key_question__code", "key_question__text"]
    return rows_per_inspection(KeyQuestionScore, ordering, [*fields, "percent", "cases_sufficient", "cases_total"])


def convert_score(row):
    return with_published(row, 5, 7)


def facts_rows():
    return Fact.objects.order_by(
        "inspection__report__published", "provider__name", "inspection_id", "position", "pk"
    ).values_list(
        "inspection_id",
        "provider__name",
        "inspection__provider__name",
        "subject",
        "metric__name",
        *Fact.FIGURE_FIELDS,
        "is_inverse",
        *SOURCE_FIELDS,
    )


def convert_fact(row):
    row = list(row)
    provider, inspection_provider = row[1], row.pop(2)
    row[1] = provider or inspection_provider
    return row


def rows_per_report(model, ordering, fields):
    """`model`'s rows in publication and report order: the report's columns, `fields`, the source."""
    ordering = ["report__published", "report__title", *ordering]
    return model.objects.order_by(*ordering).values_list(*REPORT_FIELDS, *fields, *SOURCE_FIELDS)


def recommendations_rows():
    return rows_per_report(Recommendation, ["number"], ["number", "addressee", "text"])


def convert_report_row(row):
    return with_published(row, 1, 2)


def findings_rows():
    return rows_per_report(Finding, ["position", "pk"], ["kind", "domain__name", "standard__code", "text"])


DATASETS = {
    dataset.slug: dataset
    for dataset in [
        Dataset(
            "inspections",
            "Inspections and overall ratings",
            "One row per provider inspected in a report, with the overall rating where a source states it.",
            [
                *INSPECTION_COLUMNS,
                (
                    "overall_rating",
                    "Outstanding, Good, Requires improvement or Inadequate; empty when no source states it (and for Quality & Impact, which gave none).",
                ),
                ("owner_as_stated", "The owner in the source's own words."),
                ("case_sample_size", "Cases inspected, where the report states it."),
                *SOURCE_COLUMNS,
            ],
            inspections_rows,
            convert_inspection,
        ),
        Dataset(
            "ratings",
            "Standard ratings and judgements",
            "One row per standard rated (2018 framework) or domain judged in words (Quality & Impact), per inspection.",
            [
                *INSPECTION_COLUMNS,
                ("standard_code", "The standard's number, e.g. 2.2."),
                ("standard", "The standard's name, e.g. Planning."),
                ("rating", "The published rating; empty where the report gives a judgement in words."),
                ("judgement", "The judgement in the report's words (Quality & Impact)."),
                *SOURCE_COLUMNS,
            ],
            ratings_rows,
            convert_rating,
        ),
        Dataset(
            "scores",
            "Key-question scores",
            "One row per key question scored: the share of the inspected case sample judged sufficient.",
            [
                *INSPECTION_COLUMNS,
                ("standard_code", "The standard the key question belongs to."),
                ("key_question_code", "The key question's number, e.g. 2.2.3."),
                ("key_question", "The key question's wording."),
                ("percent", "Share of sampled cases judged sufficient, 0-100."),
                ("cases_sufficient", "Cases judged sufficient, where stated."),
                ("cases_total", "Cases the percentage is of, where stated."),
                *SOURCE_COLUMNS,
            ],
            scores_rows,
            convert_score,
        ),
        Dataset(
            "facts",
            "Contextual facts",
            "Caseloads, reoffending, completion rates and other figures, as each source states them, with the national figure and target where given.",
            [
                (
                    "inspection_id",
                    "The inspection the figure was published with; empty for figures about a provider or a wider subject.",
                ),
                ("provider", "The provider the figure is about, if one."),
                ("subject", "The subject for figures about no single provider, e.g. England & Wales."),
                ("metric", "What is measured, from our catalogue of metrics."),
                ("label", "What the figure is, in the source's words."),
                ("value_text", "The figure verbatim, e.g. 'more than 6,500'."),
                ("qualifier", "How the source states the number: exact, about, more_than, less_than, ..."),
                ("value", "The number, only where the source gives digits."),
                ("unit", "%, people, cases, ..."),
                ("period", "The period or date the figure describes."),
                ("national_text", "The national figure verbatim, where given."),
                ("national_value", "The national figure as a number."),
                ("target_text", "The target verbatim, where given."),
                ("target_value", "The target as a number."),
                ("is_inverse", "True when the figure counts cases NOT judged sufficient (press wording)."),
                *SOURCE_COLUMNS,
            ],
            facts_rows,
            convert_fact,
        ),
        Dataset(
            "recommendations",
            "Recommendations",
            "Every recommendation, numbered as in the report, with whom it addresses.",
            [
                *REPORT_COLUMNS,
                ("number", "The recommendation's number in the report."),
                ("addressee", "Whom the report addresses, in its words."),
                ("text", "The recommendation in the report's words."),
                *SOURCE_COLUMNS,
            ],
            recommendations_rows,
            convert_report_row,
        ),
        Dataset(
            "findings",
            "Findings",
            "Key findings, strengths, areas for improvement, enablers and barriers, in the report's words.",
            [
                *REPORT_COLUMNS,
                ("kind", "key_finding, strength, improvement, enabler, barrier or joint."),
                ("domain", "The domain the finding is filed under, if any."),
                ("standard_code", "The standard the finding is filed under, if any."),
                ("text", "The finding in the report's words."),
                *SOURCE_COLUMNS,
            ],
            findings_rows,
            convert_report_row,
        ),
    ]
}


def json_value(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def stream_csv(dataset, rows=None):
    """CSV text in chunks: the header, then rows, every text cell spreadsheet-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(dataset.column_names)
    for number, row in enumerate(rows if rows is not None else dataset.rows(), start=1):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def stream_json(dataset, generated_at=None, release=None, rows=None):
    """One JSON document in chunks: metadata, then the rows as objects."""
    generated_at = generated_at or timezone.now()
    header = {
        "dataset": dataset.slug,
        "title": dataset.title,
        "description": dataset.description,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "release": release,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
        "columns": [{"name": name, "meaning": meaning} for name, meaning in dataset.columns],
    }
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "rows": ['
    names = dataset.column_names
    separator = ""
    for row in rows if rows is not None else dataset.rows():
        yield separator + json.dumps(
            {name: json_value(value) for name, value in zip(names, row, strict=True)}, ensure_ascii=False
        )
        separator = ",\n"
    yield "]}\n"
