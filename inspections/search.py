"""Full-text search of the report text we hold (findings, recommendations, standard narratives
and judgements, summaries, tables), in PostgreSQL.

Entries and their stored, GIN-indexed search vectors are kept current by triggers
(SearchEntry, migration 0005). Queries use PostgreSQL's web search syntax: "quoted phrases",
OR, -excluded words; a word ending in * matches by prefix (supervis* finds supervision).
A heading (the standard, finding kind or recommendation line) weighs more than body text, so a
passage filed under "2.2 Planning" ranks above one that mentions planning in passing.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import CharField, F, FloatField, Q, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

from inspections.models import (
    Finding,
    Inspection,
    OwnerGroup,
    Provider,
    Recommendation,
    ReportTable,
    SearchEntry,
    SourceDocument,
    StandardRating,
)
from inspections.text_guard import strip_control_characters

CONFIG = "english"
MAX_QUERY_LENGTH = 200
# Highlights are marked with control characters, the headline is escaped, then the marks become
# <mark>: report text can never inject markup, and a stray control character in it cannot unbalance
# the marks (highlighted()).
START, STOP = "\x02", "\x03"
MARKS = re.compile("([\x02\x03])")
PREFIX_WORD = re.compile(r"(?<![\w\"-])(\w{2,})\*")


@dataclass
class ParsedQuery:
    text: str
    query: SearchQuery | None = None  # English, stemmed: matched against SearchEntry.document
    prefix_query: SearchQuery | None = None  # unstemmed prefixes: matched against SearchEntry.words
    problem: str = ""
    prefixes: list = field(default_factory=list)

    @property
    def is_searchable(self):
        return self.query is not None or self.prefix_query is not None


def parse_query(text):
    """The SearchQuery for what a reader typed, or the reason there is none."""
    text = " ".join((text or "").split())
    if not text:
        return ParsedQuery(text, problem="empty")
    if len(text) > MAX_QUERY_LENGTH:
        return ParsedQuery(text[:MAX_QUERY_LENGTH], problem="too_long")
    prefixes = PREFIX_WORD.findall(text)
    rest = PREFIX_WORD.sub(" ", text).replace("*", " ").strip()
    query = prefix_query = None
    if rest and has_searchable_words(rest):
        query = SearchQuery(rest, search_type="websearch", config=CONFIG)
    elif not prefixes:
        return ParsedQuery(text, problem="only_common_words")
    if prefixes:
        # Matched against unstemmed words; the prefix is only letters and digits (PREFIX_WORD).
        prefix_query = SearchQuery(
            " & ".join(f"{word.lower()}:*" for word in prefixes), search_type="raw", config="simple"
        )
    return ParsedQuery(text, query=query, prefix_query=prefix_query, prefixes=prefixes)


def has_searchable_words(text):
    """False when PostgreSQL drops every word ('the', 'and', punctuation)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))", [CONFIG, text])
        return cursor.fetchone()[0] > 0


def search(parsed, provider=None, owner=None, standard=None, framework=None, year=None, kind=None):
    """Entries matching the query and filters, best first, with `rank`, `headline` and
    `heading_headline` annotated (highlights marked by START/STOP; see highlighted())."""
    entries = SearchEntry.objects.all()
    rank = Value(0.0, output_field=FloatField())
    if parsed.query is not None:
        entries = entries.filter(document=parsed.query)
        rank = SearchRank(F("document"), parsed.query)
    if parsed.prefix_query is not None:
        entries = entries.filter(words=parsed.prefix_query)
        rank = rank + SearchRank(F("words"), parsed.prefix_query)
    highlight = parsed.query if parsed.query is not None else parsed.prefix_query
    highlight_config = CONFIG if parsed.query is not None else "simple"
    if provider is not None:
        # Joint text (the CRC and the NPS division together) belongs to both providers.
        entries = entries.filter(
            Q(provider=provider) | Q(inspection__isnull=True, report__inspections__provider=provider)
        )
    if owner is not None:
        entries = entries.filter(owner=owner)
    if standard is not None:
        entries = entries.filter(standard=standard)
    if framework is not None:
        entries = entries.filter(framework=framework)
    if year is not None:
        entries = entries.filter(year=year)
    if kind:
        entries = entries.filter(kind=kind)
    headline_options = {"config": highlight_config, "start_sel": START, "stop_sel": STOP}
    return (
        entries.annotate(
            rank=rank,
            headline=SearchHeadline(
                "body",
                highlight,
                max_words=40,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
                **headline_options,
            ),
            heading_headline=SearchHeadline("heading", highlight, highlight_all=True, **headline_options),
        )
        .select_related("report", "provider", "standard", "framework")
        .order_by("-rank", "id")
    )


def highlighted(text):
    """HTML of a headline: the text escaped, its matches in <mark>. A START or STOP that the text
    itself held is indistinguishable from ours, so marks are paired as they come (a STOP with no
    open mark, or a START inside one, is dropped; one left open is closed) and every other control
    character is removed: whatever the text holds, the HTML is well-formed."""
    parts = []
    open_mark = False
    for piece in MARKS.split(text.replace(STOP + " " + START, " ")):
        if piece == START and not open_mark:
            parts.append("<mark>")
            open_mark = True
        elif piece == STOP and open_mark:
            parts.append("</mark>")
            open_mark = False
        elif piece not in (START, STOP):
            parts.append(escape(strip_control_characters(piece)))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))


# Short words that may sit inside a quoted phrase without being highlighted by PostgreSQL
# ("through the gate"): a highlight either side of one is one highlight.
JOINING_WORDS = re.compile(
    r"</mark>(\s+(?:the|of|and|to|a|an|in|on|for|with|by|at|or|from|as|is|was|be|that|this|its|their)\s+)<mark>",
    re.IGNORECASE,
)


def snippet(headline, body):
    """HTML of a body headline: highlighted, and with an ellipsis wherever it cuts the passage.

    PostgreSQL's fragments start and end at word boundaries; this says so where they do not reach
    the start or the end of the passage, so a snippet never reads as the whole sentence."""
    html = str(highlighted(headline))
    plain = " ".join(headline.replace(START, "").replace(STOP, "").split())
    fragments = [fragment.strip() for fragment in plain.split("…") if fragment.strip()]
    text = " ".join(body.split())
    if fragments and not text.startswith(fragments[0]):
        html = "… " + html
    if fragments and not text.endswith(fragments[-1]):
        html = html + " …"
    return mark_safe(html)


QUOTED = re.compile(r'"([^"]+)"')
MARK_TAG = re.compile(r"</?mark>")


def highlighted_phrases(html, text=""):
    """Highlight each quoted phrase of the query whole, even where PostgreSQL marks only some of
    its words ("through" and "the" are stop words: "through the gate" would mark only "gate"),
    and join highlights across the short words between them."""
    for phrase in QUOTED.findall(text or ""):
        words = [escape(word) for word in phrase.split()]
        if not words:
            continue
        between = r"(?:</?mark>)*\s+(?:</?mark>)*"
        pattern = re.compile(
            r"(?:<mark>)*\b" + between.join(re.escape(word) for word in words) + r"\b(?:</mark>)*", re.IGNORECASE
        )
        html = pattern.sub(lambda match: "<mark>" + MARK_TAG.sub("", match.group(0)) + "</mark>", html)
    previous = None
    while previous != html:
        previous, html = html, JOINING_WORDS.sub(r"\1", html)
    return mark_safe(html)


SOURCED_MODELS = {
    SearchEntry.Kind.FINDING: Finding,
    SearchEntry.Kind.RECOMMENDATION: Recommendation,
    SearchEntry.Kind.STANDARD: StandardRating,
    SearchEntry.Kind.SUMMARY: Inspection,
    SearchEntry.Kind.TABLE: ReportTable,
}


def sources_of(entries):
    """{(entry kind, source id): SourceDocument-like (kind, title, url)} for these entries, in one
    query whatever their kinds: a passage is labelled by the document its words come from."""
    by_kind = {}
    for entry in entries:
        by_kind.setdefault(entry.kind, []).append(entry.source_id)
    queries = [
        SOURCED_MODELS[kind]
        .objects.filter(pk__in=ids)
        .annotate(entry_kind=Value(kind, output_field=CharField()))
        .values_list("entry_kind", "pk", "source__kind", "source__title", "source__url")
        .order_by()
        for kind, ids in by_kind.items()
        if kind in SOURCED_MODELS
    ]
    if not queries:
        return {}
    rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    return {(kind, pk): PassageSource(source_kind, title, url) for kind, pk, source_kind, title, url in rows}


@dataclass(frozen=True)
class PassageSource:
    kind: str
    title: str
    url: str

    @property
    def is_report(self):
        return self.kind in (SourceDocument.Kind.REPORT, SourceDocument.Kind.REPORT_COPY)

    @property
    def label(self):
        return SOURCE_KIND_LABELS.get(self.kind, SourceDocument.Kind(self.kind).label)


# What a reader needs to know about where the words come from.
SOURCE_KIND_LABELS = {
    SourceDocument.Kind.REPORT: "Report",
    SourceDocument.Kind.REPORT_COPY: "Report (third-party copy)",
    SourceDocument.Kind.PRESS_RELEASE: "Press release",
    SourceDocument.Kind.NEWS: "News",
    SourceDocument.Kind.BLOG: "Blog",
    SourceDocument.Kind.PARLIAMENT: "Parliamentary answer",
    SourceDocument.Kind.COMPANY: "Company statement",
}


def name_matches(text, limit=10):
    """Providers and owner groups whose name (or short name, or area) holds every word typed, in
    one query: "Dorset" finds Dorset, Devon and Cornwall CRC."""
    words = [
        word
        for word in re.sub(r'["*()]', " ", text).split()
        if not word.startswith("-") and word.upper() != "OR" and len(word) > 1
    ]
    if not words:
        return []
    providers = Provider.objects.all()
    owners = OwnerGroup.objects.all()
    for word in words:
        providers = providers.filter(Q(name__icontains=word) | Q(short_name__iexact=word) | Q(area__icontains=word))
        owners = owners.filter(name__icontains=word)
    providers = providers.annotate(what=Value("provider", output_field=CharField())).values_list("what", "name", "slug")
    owners = owners.annotate(what=Value("owner", output_field=CharField())).values_list("what", "name", "slug")
    return list(providers.order_by().union(owners.order_by(), all=True).order_by("what", "name")[:limit])
