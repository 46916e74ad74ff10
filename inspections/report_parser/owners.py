"""The owner a text states for the inspection's provider ("Sodexo-run Essex CRC", "the CRC is owned by
MTCnovo", "Working Links, which runs the CRC").

Only a catalogue owner group is read, by its name or an alias the catalogue gives it: a member or parent
of a group (Interserve, Aurelius, MTC) is not. The owner must be tied to one provider by the attribution
rules (attribution.py); it is certain only where its own sentence names that provider. A sentence that
speaks of another time or owner ("will take over", "the former owner", "was run by", "since February")
is not read: a missed owner is better than the owner at another date.
"""

import re

from inspections.report_parser.documents import found_at

# Words that move an ownership away from the time of the inspection, or make it a change of owner.
OTHER_TIME = re.compile(
    r"\b(?:former(?:ly)?|previous(?:ly)?|new|will|would|until|since|take[sn]? over|took over|taking over|takeover"
    r"|replac\w*|sold|bought|purchased|acquired|administration|handed|transferred|stripped|could)\b",
    re.I,
)
# "was run by", and "the number of CRCs owned by Purple Futures": an owner of several, tied to none by the words.
OTHER_BEFORE = re.compile(
    r"\b(?:was|were|had been)\s+(?:\w+\s+)?$|\b(?:CRCs|companies|services|ones|businesses)\s+(?:\w+\s+)?$", re.I
)
VERB = r"(?:owned|run|operated|managed)"
# "owned and operated by the US company MTCnovo", "run by the Interserve-led Purple Futures": up to three
# words of description between "by" and the name, none of them a break in the phrase.
AFTER = r"\b{verb}(?: and {verb})? by (?:(?:the|a|an|private|US|company|firm|group|consortium|[\w]+-led) )*?{{name}}"
WHICH = r"{name},? (?:which|who) (?:owns|runs|operates|manages)(?: and (?:owns|runs|operates|manages))? (?=\S)"
BEFORE = r"{name}[’']?s?-(?:run|owned|operated|managed)\b"


def owner_patterns(owners):
    """[(slug, compiled pattern, group whose start ties the owner to a provider)] for every name."""
    patterns = []
    for slug, names in owners:
        for name in sorted(names, key=len, reverse=True):
            words = r"\s+".join(re.escape(word) for word in name.split())
            named = rf"(?P<name>\b{words}\b)(?![-\w])"
            for shape, tie in (
                (AFTER.format(verb=VERB), "start"),
                (WHICH, "end"),
                (BEFORE, "end"),
            ):
                # The BEFORE shape needs the name followed by "-run": the name's own lookahead is dropped.
                text = shape.format(name=named if shape != BEFORE else rf"(?P<name>\b{words})")
                patterns.append((slug, re.compile(text, re.I), tie))
    return patterns


def read_owner(document, extraction, owners):
    """Add `owner` to the extraction's fields: {"owner": slug, "as_stated": the words naming it}, where the
    text states one owner group of one provider; two different owners stated of the provider: neither."""
    attribution = extraction.attribution
    if not owners or attribution is None:
        return
    readings = {}
    text = document.text
    for slug, pattern, tie in owner_patterns(owners):
        for match in pattern.finditer(text):
            offset = match.start() if tie == "start" else match.end()
            reading = owner_reading(document, attribution, match, offset, slug)
            if reading is not None:
                readings.setdefault(next(iter(attribution.about(offset))), []).append(reading)
    subject = attribution.subject
    chosen = readings.get(subject) if subject else (next(iter(readings.values())) if len(readings) == 1 else None)
    if not chosen:
        return
    if len({found.value["owner"] for found in chosen}) > 1:
        stated = ", ".join(sorted({found.value["as_stated"] for found in chosen}))
        extraction.conflicts.append(f"owner: the text names {stated} as its owner; left out")
        return
    extraction.fields["owner"] = min(chosen, key=lambda found: (found.uncertain, found.offset))


def owner_reading(document, attribution, match, offset, slug):
    """The Found of one owner phrase, or None when it is not an owner at the time tied to one provider."""
    text = document.text
    sentence = attribution.sentence_at(match.start())
    if OTHER_TIME.search(sentence.text) or OTHER_BEFORE.search(text[max(0, match.start() - 20) : match.start()]):
        return None
    about = attribution.about(offset)
    if len(about) != 1:
        return None
    in_sentence = attribution.names_in(sentence.start, sentence.start + len(sentence.text))
    value = {"owner": slug, "as_stated": " ".join(match["name"].split())}
    if in_sentence == about:
        return found_at(document, offset, value)
    why = "the owner's sentence does not name the provider: it is tied to it by the sentences around it"
    return found_at(document, offset, value, uncertain=True, why=why)
