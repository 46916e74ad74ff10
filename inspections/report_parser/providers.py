"""Which provider a text is about, from the catalogue's names for each provider.

Text copied from PDFs loses words ("An inspection of probation services in: Humberside, & North
Community Rehabilitation Company") and glues others together ("Greater ManchesterCommunity"), and
copy sites put unrelated text before the title. So a name is read as the words just before a CRC
or NPS marker, and a provider matches when those words are all words of one of its names: all of
them (exact) or only some (partial, which is never enough on its own to be sure).

Places are trusted in order: the report's title and running header, then the body. Two providers
equally likely, or none, is a problem for the editor: `recognise_provider` returns it in words
naming what was looked for, and never picks one.
"""

import re
from dataclasses import dataclass

from inspections.report_parser.documents import found_at

# Words that say what kind of organisation, not which: they never tell two providers apart.
KIND_WORDS = {
    "community", "rehabilitation", "company", "crc", "national", "probation", "service", "nps", "division",
    "and", "the", "of", "in", "s",
}  # fmt: skip
MARKERS = [
    ("CRC", re.compile(r"Community Rehabilitation Company|Community Company|\bCRC\b(?!s)")),
    ("NPS", re.compile(r"\bdivision\b|National Probation Service|\bNPS\b(?!['’])", re.I)),
]
TITLE = re.compile(r"An inspection of\b|Inspection of probation services:", re.I)
# "X probation services managed by Y CRC": Y operates the area, X is what was inspected. The words
# after such a phrase name the operator, never the provider inspected.
OPERATOR = re.compile(r"\b(?:managed|run|owned|operated|taken over)\s+by\b", re.I)
MANAGED_AREA = re.compile(r"\bprobation services?\s+(?:managed|run|owned|operated)\s+by\b", re.I)
WINDOW_WORDS = 8


@dataclass(frozen=True)
class CatalogueProvider:
    slug: str
    kind: str  # "CRC" or "NPS"
    names: tuple  # name, short name, aliases, area


@dataclass
class Mention:
    offset: int
    place: str  # "title" or "body"
    matches: list  # [(slug, exact)], the best equally good readings of the words
    full: bool = False  # the provider's full catalogue name ("Essex Community Rehabilitation Company")


# The usual short forms of county names ("Staffs & West Mids CRC").
SHORT_FORMS = {
    "staffs": "staffordshire", "mids": "midlands", "yorks": "yorkshire", "lincs": "lincolnshire",
    "northants": "northamptonshire", "glos": "gloucestershire", "notts": "nottinghamshire",
    "leics": "leicestershire", "beds": "bedfordshire", "herts": "hertfordshire", "cambs": "cambridgeshire",
    "lancs": "lancashire", "wilts": "wiltshire", "warks": "warwickshire", "derbys": "derbyshire",
    "hants": "hampshire",
}  # fmt: skip


def words(text):
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # "ManchesterCommunity" -> "Manchester Community"
    found_words = re.findall(r"[a-z0-9]+", text.lower().replace("&", " and "))
    return [SHORT_FORMS.get(word, word) for word in found_words if word not in KIND_WORDS]


def name_sets(providers):
    return [(p, [set(words(name)) for name in p.names if name and words(name)]) for p in providers]


def read_mention(text, marker, kind, catalogue):
    """The providers whose name is the words before a marker: exact matches first, then the longest partial."""
    start = max(0, marker.start() - 200)
    before = re.split(r"[.;:!?\n]\s|\(|\)", text[start : marker.start()].rstrip())[-1]
    if kind == "NPS" and marker.group(0).lower() == "division":
        before = re.split(r"\bNPS\b|National Probation Service", before)[-1]
    if OPERATOR.search(before):
        return []  # "... managed by Kent, Surrey and Sussex CRC": the operator, not the provider inspected
    window = words(before)[-WINDOW_WORDS:]
    if kind == "NPS" and not window:  # "NPS North East division": the name follows the marker
        window = words(re.split(r"\bdivision\b|[.;:\n]", text[marker.end() : marker.end() + 80], flags=re.I)[0])
    return read_window(window, kind, catalogue)


def read_window(window, kind, catalogue):
    best, readings = (0, False), []
    for provider, sets in catalogue:
        if provider.kind != kind:
            continue
        for names in sets:
            suffix = []
            for word in reversed(window):
                if word not in names:
                    break
                suffix.append(word)
            if not suffix:
                continue
            exact = set(suffix) == names
            rank = (1 if exact else 0, len(suffix))
            if rank > best:
                best, readings = rank, [(provider.slug, exact)]
            elif rank == best and (provider.slug, exact) not in readings:
                readings.append((provider.slug, exact))
    return readings


def mentions(document, catalogue):
    text = document.text
    titles = [match.end() for match in TITLE.finditer(text)]
    found_mentions = []
    for kind, pattern in MARKERS:
        for marker in pattern.finditer(text):
            if SAVED_HEADER.match(text, text.rfind("\n", 0, marker.start()) + 1):
                continue  # "Publisher: Humberside, Lincolnshire & North Yorkshire CRC": who published, not whom
            readings = read_mention(text, marker, kind, catalogue)
            if readings:
                in_title = any(0 <= marker.start() - end <= 160 for end in titles)
                full = len(readings) == 1 and in_full(text, marker, readings[0], catalogue)
                found_mentions.append(Mention(marker.start(), "title" if in_title else "body", readings, full))
    # A title "An inspection of <area> probation services managed by <operator>": the area is the
    # CRC inspected, when its words are all the words of one CRC's name.
    for managed in MANAGED_AREA.finditer(text):
        starts = [end for end in titles if 0 <= managed.start() - end <= 160]
        if not starts:
            continue
        before = re.split(r"[.;:!?\n]\s|\(|\)", text[starts[-1] : managed.start()].rstrip())[-1]
        readings = [(slug, exact) for slug, exact in read_window(words(before), "CRC", catalogue) if exact]
        if readings:
            found_mentions.append(
                Mention(starts[-1] + len(text[starts[-1] : managed.start()]) - len(before), "title", readings)
            )
    return one_per_name(text, sorted(found_mentions, key=lambda mention: mention.offset))


def one_per_name(text, found_mentions):
    """'the Midlands division of the NPS' holds two markers ('division', 'NPS') for one naming: kept once."""
    kept = []
    for mention in found_mentions:
        previous = kept[-1] if kept else None
        if (
            previous
            and previous.matches == mention.matches
            and mention.offset - previous.offset <= 40
            and not re.search(r"[.;:!?\n]", text[previous.offset : mention.offset])
        ):
            previous.full = previous.full or mention.full  # "... division of the National Probation Service"
            continue
        kept.append(mention)
    return kept


# "one of 19 (out of 21) Community Rehabilitation Companies", "all 21 CRCs": the text speaks of a round.
ROUND = re.compile(r"\bout of (?:the )?(?:21|28|seven|7)\b|\ball (?:21|28|seven)\b|\bof the (?:21|28)\b", re.I)
# "Wales CRC was among those criticised", "one of the CRCs": an opening about several providers.
AMONG = re.compile(r"\b(?:among|amongst|one of|like|including|such as|alongside)\b", re.I)
LONG_MARKER = re.compile(r"Community Rehabilitation Company|division of the National Probation Service", re.I)
FULL_NAME = re.compile(r"Community Rehabilitation Company|division of the National Probation Service", re.I)


def in_full(text, marker, reading, catalogue):
    """The words before the marker are the provider's full catalogue name, marker and all."""
    slug, exact = reading
    if not exact:
        return False
    provider = next(provider for provider, _ in catalogue if provider.slug == slug)
    line = text[: marker.end()].rsplit("\n", 1)[-1]
    for name in provider.names:
        if not name or not FULL_NAME.search(name):
            continue
        pattern = r"\s*,?\s+".join(
            r"(?:and|&)" if word.lower() in ("and", "&") else re.escape(word) for word in name.replace(",", " ").split()
        )
        if re.search(rf"(?<![\w-]){pattern}$", line, re.I):
            return True
    return False


# Header lines of a saved copy (the corpus's "URL:", "Kind:", "Publisher:"): not the text's own words.
SAVED_HEADER = re.compile(r"(?:URL|Kind|Publisher):")
SENTENCE_END = re.compile(r"[.!?]['’\"”]?(?=\s)|\n\s*\n")
KIND_NAMES = {"CRC": "a CRC", "NPS": "an NPS division"}


def kind_of(slug, catalogue):
    return next(provider.kind for provider, _ in catalogue if provider.slug == slug)


def opening(text):
    """(start, end) of the text's title line and first sentence after it."""
    lines = [line for line in re.finditer(r"^.*\S.*$", text, re.M) if not SAVED_HEADER.match(line.group(0).strip())]
    if not lines:
        return 0, 0
    if len(lines) == 1:
        return lines[0].start(), lines[0].end()
    end = SENTENCE_END.search(text, lines[1].start())
    return lines[0].start(), end.end() if end else len(text)


def names_kind_beside(text, offset, kind):
    """The sentence around `offset` also names an organisation of `kind` ("the Midlands division of the
    National Probation Service (NPS) and ... a Community Rehabilitation Company (CRC)")."""
    start = max(text.rfind(stop, 0, offset) for stop in (". ", "\n", "! ", "? ")) + 1
    ends = [end for end in (text.find(stop, offset) for stop in (". ", "\n", "! ", "? ")) if end != -1]
    return bool(dict(MARKERS)[kind].search(text, start, min(ends, default=len(text))))


def opening_names_the_other_kind(text, kind, places):
    """A Quality & Impact inspection looked at a CRC and an NPS division together, and texts about it name
    both. Which one a text is about is its title's and first sentence's subject: when they name the other
    kind of organisation (a CRC for an NPS division, or the reverse) and not the provider named further
    on, the text's subject is not clear. Returns the other kind in words, or ""."""
    start, end = opening(text)
    if any(start <= place.offset < end for place in places):
        return ""
    other = "NPS" if kind == "CRC" else "CRC"
    return KIND_NAMES[other] if dict(MARKERS)[other].search(text, start, end) else ""


def named_once(document, slug, places, catalogue):
    """The one provider a text names, named once: most likely the text's subject, uncertain, when it is
    named in the opening sentence with its long marker ("The South West South Central division of the
    National Probation Service"), or further on when the title or opening sentence names its place
    ("Suffolk's probation services have been accused ..." and then "the Norfolk and Suffolk CRC"). A short
    name once ("Essex CRC"), a text about several providers ("among") or a round counted is not enough."""
    text = document.text
    start, end = opening(text)
    if AMONG.search(text, start, end) or ROUND.search(text):
        return None
    in_opening = [place for place in places if start <= place.offset < end]
    if any(LONG_MARKER.match(text, place.offset) for place in in_opening):
        return found_at(document, places[0].offset, slug, True, "named once, in the text's opening sentence")
    title = title_of(text)
    if names_its_place(title, slug, catalogue) or (
        not in_opening and names_its_place(text[start:end], slug, catalogue)
    ):
        why = "named once; the text's title or opening sentence names its area"
        return found_at(document, places[0].offset, slug, True, why)
    return None


def title_of(text):
    """The title line, when the text has one: a short first line with more text after it."""
    start, end = opening(text)
    title, _, rest = text[start:end].partition("\n")
    return title if rest.strip() and len(title) <= 200 else ""


def places_held(catalogue, kind=None):
    """{place: slug}: the place words of a provider's names ("Cheshire and Greater Manchester": "Cheshire",
    "Manchester"), each held by one provider only (of `kind`, when given), of 4 letters or more. Words
    that only qualify a place ("Greater", "Isle", "West") are everyday words alone ("at greater risk"),
    and a word that begins another ("Yorks": Yorkshire) is no one's."""
    held = {}
    for provider, _ in catalogue:
        for name in provider.names if kind in (None, provider.kind) else ():
            for word in re.findall(r"[A-Z][A-Za-z]{3,}", ORGANISATION_WORDS.sub(" ", name)):
                held.setdefault(word, set()).add(provider.slug)
    return {
        word: next(iter(slugs))
        for word, slugs in held.items()
        if len(slugs) == 1 and word not in QUALIFIERS
        and not any(other != word and other.startswith(word) for other in held)
    }  # fmt: skip


QUALIFIERS = {"Greater", "Isle", "North", "South", "East", "West", "Central", "Valley"}
ORGANISATION_WORDS = re.compile(
    r"\b(?:Community Rehabilitation Company|CRC|division of the National Probation Service|National Probation"
    r" Service|NPS|division)\b"
)


def places_in(text, places):
    """[(offset, slug)]: each place written in the text as the proper name it is (capitals and all);
    "England and Wales" is the jurisdiction, not Wales."""
    text = text.replace("England and Wales", "England and -----")
    return sorted(
        (match.start(), places[match.group(0)])
        for match in re.finditer(r"(?<![\w-])[A-Z][A-Za-z]{3,}(?![\w-])", text)
        if match.group(0) in places
    )


def names_its_place(text, slug, catalogue):
    """The text names a place only this provider's names hold among providers of its kind ("Suffolk",
    "Wales"): places shared with another ("South West") or short names ("BGSW") do not count."""
    return any(owner == slug for _, owner in places_in(text, places_held(catalogue, kind_of(slug, catalogue))))


LOOKED_FOR = (
    "looked for the report's title ('An inspection of ...'), its running header ('Inspection of probation "
    "services: ...') and, in the text, a CRC or NPS division named as in the catalogue"
)


def recognise_provider(document, providers):
    """(Found(provider slug) or None, problem in words or "")."""
    catalogue = name_sets(providers)
    every = mentions(document, catalogue)
    for place, why in (("title", ""), ("body", "named only in the body of the text, not in a report title")):
        here = [mention for mention in every if mention.place == place]
        exact = {}
        for mention in here:
            for slug, is_exact in mention.matches:
                if is_exact and len(mention.matches) == 1:
                    exact.setdefault(slug, []).append(mention)
        if exact:
            named = {slug for mention in every for slug, _ in mention.matches}
            return decide(document, exact, why, named, catalogue)
        partial = [{slug for slug, _ in mention.matches} for mention in here]
        if partial and place == "title":
            common = set.intersection(*partial)
            if len(common) == 1:
                slug = common.pop()
                return found_at(
                    document, here[0].offset, slug, True, "the title names it only in part (words lost?)"
                ), ""
            return None, f"the title could name {', '.join(sorted(set.union(*partial)))}: {LOOKED_FOR}"
    area = named_by_area(document, catalogue) if not every else None
    if area:
        return area, ""
    return None, f"no provider recognised: {LOOKED_FOR}"


# "Bedfordshire, Northamptonshire, Cambridgeshire and": places listed one after another.
PLACE_LIST = re.compile(r"[A-Z][a-z]+(?:(?:,\s*|\s+and\s+|\s*&\s*)[A-Z][a-z]+){2,}")


def named_by_area(document, catalogue):
    """No provider named as such, but one CRC's area is: a place only its name holds in the title ("People
    put at risk due to Essex probation service failings"), or three of its places listed ("the four county
    area of Bedfordshire, Northamptonshire, Cambridgeshire and"). Uncertain; never when the text names an
    NPS division (a joint inspection of the area's CRC and NPS) or the places of two CRCs."""
    text = document.text
    if dict(MARKERS)["NPS"].search(text):
        return None
    crcs = {provider.slug for provider, _ in catalogue if provider.kind == "CRC"}
    places = {place: slug for place, slug in places_held(catalogue).items() if slug in crcs}
    start = opening(text)[0]
    offsets = {slug: start for _, slug in places_in(title_of(text), places)}
    for listing in PLACE_LIST.finditer(text):
        if OPERATOR.search(text[max(0, listing.start() - 20) : listing.start()]):
            continue  # "run by Kent, Surrey and Sussex CRC": the operator
        listed = [slug for _, slug in places_in(listing.group(0), places)]
        if len(set(listed)) == 1 and len(listed) >= 3:
            offsets.setdefault(listed[0], listing.start())
    if len(offsets) != 1:
        return None
    (slug, offset), why = next(iter(offsets.items())), "the text names the CRC's area, not the CRC"
    return found_at(document, offset, slug, True, why)


def decide(document, exact, why, named=(), catalogue=()):
    """The provider named: in a title, the only one; in the body, the only one named at least twice, or
    one named at least three times as often as any other (a text about a round of inspections names
    several providers once or twice each, and is about none of them). Named in the body by its full
    catalogue name ("Essex Community Rehabilitation Company"), with no other provider named at all and
    no count of the providers ("14 (out of 21) CRCs": a text about a round), it is certain."""
    ranked = sorted(exact.items(), key=lambda item: (-len(item[1]), item[1][0].offset))
    slug, places = ranked[0]
    other_kind = "NPS" if kind_of(slug, catalogue) == "CRC" else "CRC"
    if why and all(names_kind_beside(document.text, place.offset, other_kind) for place in places):
        return None, (
            f"the text names {slug} only beside {KIND_NAMES[other_kind]} (a joint inspection?): which one it is "
            f"about is for the editor ({LOOKED_FOR})"
        )
    runner_up = len(ranked[1][1]) if len(ranked) > 1 else 0
    sure = not runner_up
    only_one = set(named) == {slug}
    if why and only_one and not ROUND.search(document.text) and any(mention.full for mention in places):
        full = next(mention for mention in places if mention.full)
        return found_at(document, full.offset, slug), ""
    if why:  # named in the body only
        sure = len(places) >= (max(3, 3 * runner_up) if runner_up else 2)
        other_kind = opening_names_the_other_kind(document.text, kind_of(slug, catalogue), places)
        if other_kind:
            return None, (
                f"the text opens with {other_kind} as well as, or instead of, {slug}, which it names only further "
                f"on: which one it is about is for the editor ({LOOKED_FOR})"
            )
    once = named_once(document, slug, places, catalogue) if not sure and only_one else None
    if once:
        return once, ""
    if not sure:
        named = ", ".join(f"{slug} ({len(places)}x)" for slug, places in ranked[:4])
        return None, f"no one provider stands out (named: {named}): {LOOKED_FOR}"
    return found_at(document, places[0].offset, slug, bool(why), why), ""


# A CRC named by its area alone ("West Yorkshire – run by Purple Futures", "a service in Merseyside",
# "(DDC)"): one of its catalogue names without the marker words, as written (capitals and all). Names
# an NPS division shares ("London", "Wales") and a place before another body ("Essex Police") name no CRC.
CRC_WORDS = re.compile(r"\b(?:Community Rehabilitation Company|CRC)\b")
PLACE_SEPARATOR = r"(?:\s*,\s*|\s*&\s*|\s+and\s+|\s+)(?:the\s+)?"
ANOTHER_BODY = r"(?!\s+(?:Police|Constabulary|County|Council|Probation Trust|Fire|NHS|University|Youth)\b)"


def bare_names(catalogue):
    """[(slug, pattern)]: each CRC's names as an area alone."""
    nps_names = [names for provider, sets in catalogue if provider.kind == "NPS" for names in sets]
    patterns = []
    for provider, _ in catalogue:
        if provider.kind != "CRC":
            continue
        for name in dict.fromkeys(CRC_WORDS.sub(" ", name).strip(" ,") for name in provider.names):
            tokens = [token for token in re.findall(r"[A-Za-z]+", name) if token.lower() not in ("and", "the")]
            if len("".join(tokens)) < 3 or any(set(words(name)) <= names for names in nps_names):
                continue
            body = PLACE_SEPARATOR.join(re.escape(token) for token in tokens)
            patterns.append((provider.slug, re.compile(rf"(?<![\w-]){body}(?![\w-]){ANOTHER_BODY}")))
    return patterns


def namings(document, providers):
    """[(offset, frozenset of slugs)]: every place the text names a provider, by its name before a CRC or
    NPS marker (a naming that could be several providers holds them all) or, for a CRC, by its area
    alone; the saved copy's header lines (URL, Kind, Publisher) are not the text's own words."""
    catalogue = name_sets(providers)
    text = document.text
    header = [line for line in re.finditer(r"^.*$", text, re.M) if SAVED_HEADER.match(line.group(0).strip())]
    found_namings = [(m.offset, frozenset(slug for slug, _ in m.matches)) for m in mentions(document, catalogue)]
    for slug, pattern in bare_names(catalogue):
        found_namings += [(match.start(), frozenset([slug])) for match in pattern.finditer(text)]
    kept = [
        (offset, slugs) for offset, slugs in found_namings if not any(h.start() <= offset < h.end() for h in header)
    ]
    return sorted(kept, key=lambda naming: naming[0])
