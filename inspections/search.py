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
from django.db.models import F, FloatField, Q, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

from inspections.models import SearchEntry
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
