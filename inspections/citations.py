"""Citations in plain text and BibTeX for an inspection, a standard section and a chart.

A citation names the report (title, publisher, date, the document's own URL, section and
page where we know them) and this site's permalink with the access date.
"""

import re
from dataclasses import dataclass

PUBLISHER = "HM Inspectorate of Probation"
SITE = "CRC performance dashboard"
BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


@dataclass(frozen=True)
class Citation:
    plain: str
    bibtex: str
    # The document cited, for a link beside the citation when we hold its address.
    document_title: str = ""
    document_url: str = ""


def bibtex_text(text):
    """Text safe inside a BibTeX field: LaTeX's special characters escaped, braces balanced."""
    return BIBTEX_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def bibtex_entry(kind, key, fields):
    lines = [f"@{kind}{{{key},"]
    for name, value in fields:
        if value in (None, ""):
            continue
        if name == "month":
            lines.append(f"  {name} = {value},")  # a BibTeX month macro, unbraced
        elif name == "author":
            lines.append(f"  {name} = {{{{{bibtex_text(value)}}}}},")  # a corporate author: one name
        elif name in ("url", "urldate"):
            lines.append(f"  {name} = {{{value}}},")  # URLs are verbatim in biblatex
        else:
            lines.append(f"  {name} = {{{bibtex_text(value)}}},")
    lines.append("}")
    return "\n".join(lines)


def citation_key(*parts):
    return "-".join(re.sub(r"[^a-z0-9]+", "", str(part).lower()) for part in parts if part)


def cite_inspection(inspection, permalink, accessed, standard=None, rating=None):
    """Cite an inspection report, or one standard's section of it (`rating` gives its location)."""
    report = inspection.report
    provider = inspection.provider.name
    source = inspection.source
    location = (rating.location if rating is not None else "") or ""
    section = f"Section {standard.code} {standard.name}" if standard else ""
    where = "; ".join(part for part in (section, location) if part)
    # The report itself where we hold its address, else the document the overall rating is from.
    document = report.document if report.document.url else source
    document_url = document.url or ""
    plain = (
        f"{PUBLISHER} ({report.published.year if report.published else 'n.d.'}). {report.title} ({provider}). "
        f"Published {report.published_text}{'; ' + where if where else ''}. "
        f"{'Available at ' + document_url + '. ' if document_url else ''}"
        f"Via the {SITE}, {permalink}, accessed {accessed:%-d %B %Y}."
    )
    key = citation_key(
        "hmip",
        inspection.provider.short_name or inspection.provider.slug,
        report.published.year if report.published else "nd",
        standard.code if standard else "",
    )
    precise_month = report.published and report.published_precision in ("day", "month")
    bibtex = bibtex_entry(
        "techreport",
        key,
        [
            ("author", PUBLISHER),
            ("title", f"{report.title} ({provider})" + (f": {standard.code} {standard.name}" if standard else "")),
            ("institution", PUBLISHER),
            ("year", report.published.year if report.published else None),
            ("month", MONTHS[report.published.month - 1] if precise_month else None),
            ("url", document_url),
            ("note", f"{where + '. ' if where else ''}Via the {SITE}, {permalink}, accessed {accessed:%-d %B %Y}"),
            ("urldate", f"{accessed:%Y-%m-%d}"),
        ],
    )
    return Citation(plain, bibtex, document.title, document_url)


def cite_chart(title, data_source, permalink, accessed):
    """Cite a chart: our figure, drawn from the inspectorate's data."""
    plain = f"{SITE}. “{title}” (chart). Data: {data_source} {permalink}, accessed {accessed:%-d %B %Y}."
    bibtex = bibtex_entry(
        "misc",
        citation_key("crcdashboard", title[:40], f"{accessed:%Y}"),
        [
            ("author", SITE),
            ("title", f"{title} (chart)"),
            ("howpublished", SITE),
            ("year", f"{accessed:%Y}"),
            ("url", permalink),
            ("note", f"Data: {data_source}"),
            ("urldate", f"{accessed:%Y-%m-%d}"),
        ],
    )
    return Citation(plain, bibtex)
