"""Which provider each value is stated of, and so whether it is this inspection's.

A text may speak of several providers: the Howard League's blog on three CRCs' inspections, a release
on one CRC that sets it beside an NPS division rated the day before. A value is stated of the provider
its clause names, else of those its sentence names; in a secondary text (press, news, blog), of the one
named in one of the few sentences before it in its paragraph ("West Yorkshire ... struggled. The
inspection said that weaknesses at the CRC ... led to an overall rating as ..."); and a sentence that
speaks of "the CRC" or "the division" by no name means the one provider of that kind the text names.

The subject is the provider chosen (`--provider`, the admin's choice, the report an editor picked), else
the one recognised, else the only one the text names. A value stated of any other provider, or of
several, is never the subject's. A value stated of none is the subject's only where the text names no
other provider, or where the text is a report or a report's opening (about its own provider, whatever
else it names in passing). What is left out is said in the extraction's notes.
"""

import bisect
import re
from dataclasses import dataclass

from inspections.report_parser.prose import CLAUSE_BREAK, COMPARED, sentences_with_offsets
from inspections.report_parser.providers import namings

# A blank line, or an elision mark on a line of its own ("[...]"), ends a paragraph.
PARAGRAPH_END = re.compile(r"\n\s*\n|\n\s*\[(?:\.\.\.|…)\]\s*(?=\n)")
LOOK_BACK = 3
KIND_REFERENCE = {
    "CRC": re.compile(r"\bthe (?:CRC|company|Community Rehabilitation Company)\b(?!s)", re.I),
    "NPS": re.compile(r"\bthe (?:regional )?division\b(?!s)", re.I),
}
# "Working Links, which operates three Community Rehabilitation Companies", "its three 'community rehabilitation
# companies'", "all of its CRCs": the text speaks of a company that runs several CRCs, so "the company" may be
# that owner and is tied to no one CRC by the words alone (a CRC named in or just before the sentence still is).
OWNER_OF_SEVERAL = re.compile(
    r"\b(?:owns|owned|operates|operated|runs|ran|run|with|its|their|awarded)\s+(?:all of its\s+)?(?:\w+\s+){0,2}"
    r"[‘'“\"]?(?:CRCs|Community Rehabilitation Companies|contracts to run)\b"
    r"|\b(?:CRCs|Community Rehabilitation Companies)\b[^.;]{0,30}?\b(?:it|they) (?:owns|runs|operates)\b"
    r"|\b(?:CRCs|Community Rehabilitation Companies)\s+under\b",
    re.I,
)
# Field values a reading states of an inspection (the others name the document or the provider).
VALUE_FIELDS = ("owner", "overall", "published", "fieldwork_start", "cover_date", "lead_inspector", "chief_inspector")


@dataclass
class Attribution:
    text: str
    named: list  # [(offset, frozenset of slugs)]: providers.namings
    kinds: dict  # slug -> "CRC" or "NPS"
    subject: str | None
    secondary: bool  # a press release, news item or blog (not a report or its opening)

    def __post_init__(self):
        self.sentences = sentences_with_offsets(self.text)
        self.starts = [sentence.start for sentence in self.sentences]
        self.paragraph_ends = [match.start() for match in PARAGRAPH_END.finditer(self.text)]
        self.everyone = frozenset().union(*(slugs for _, slugs in self.named))
        self.stated_of = set()  # the providers values read so far are stated of
        self.spoken_of = set()  # the other providers the text states values of (settle)
        self.owner = self.subject  # whose values are kept (settle)
        self.settled = False

    def sentence_at(self, offset):
        return self.sentences[max(0, bisect.bisect_right(self.starts, offset) - 1)]

    def names_in(self, start, end):
        return frozenset().union(*(slugs for offset, slugs in self.named if start <= offset < end))

    def about(self, offset):
        """The providers the value at `offset` is stated of (none: the text does not say)."""
        index = max(0, bisect.bisect_right(self.starts, offset) - 1)
        sentence = self.sentences[index]
        start, end = sentence.start, sentence.start + len(sentence.text)
        if COMPARED.match(sentence.text):
            # "Like the report on the neighbouring DLNR CRC ..., the organisation was ranked ...": what the
            # sentence compares with is named before the last comma before the value, not what it rates.
            start = max([start] + [start + comma.end() for comma in re.finditer(r",\s", self.text[start:offset])])
        clause_start, clause_end = start, end
        for stop in CLAUSE_BREAK.finditer(self.text, start, end):
            if stop.end() <= offset:
                clause_start = stop.end()
            elif stop.start() > offset:
                clause_end = stop.start()
                break
        named = self.names_in(clause_start, clause_end) or self.names_in(start, end)
        reference = {kind: words.search(self.text, start, end) for kind, words in KIND_REFERENCE.items()}
        kind = next((kind for kind, found in reference.items() if found), None)
        if not named and self.secondary:
            named = self.named_before(index, kind)
        if kind == "CRC" and self.owner_meant(reference["CRC"]):
            kind = None
        if not named and kind:
            of_kind = {slug for slug in self.everyone if self.kinds.get(slug) == kind}
            named = frozenset(of_kind) if len(of_kind) == 1 else named
        return named

    def owner_meant(self, reference):
        """Whether "the company" (a KIND_REFERENCE match) may mean the owner of several CRCs the text speaks of."""
        return bool(reference and reference[0].lower().endswith("company") and OWNER_OF_SEVERAL.search(self.text))

    def company_untied(self, offset):
        """A value of "the company", tied to no provider, in a text about an owner of several CRCs."""
        sentence = self.sentences[max(0, bisect.bisect_right(self.starts, offset) - 1)]
        reference = KIND_REFERENCE["CRC"].search(self.text, sentence.start, sentence.start + len(sentence.text))
        return self.owner_meant(reference) and not self.about(offset)

    def of_two(self, offset, other):
        """Whether the values at the two offsets are stated of two providers, each of one."""
        about, other_about = self.about(offset), self.about(other)
        return bool(about and other_about and about != other_about)

    def named_before(self, index, kind):
        """The providers named in the nearest of the few sentences before, in the same paragraph."""
        here = self.sentences[index].start
        for earlier in reversed(self.sentences[max(0, index - LOOK_BACK) : index]):
            if any(earlier.start <= end < here for end in self.paragraph_ends):
                break
            named = self.names_in(earlier.start, earlier.start + len(earlier.text))
            if named:
                return named if kind is None or all(self.kinds.get(slug) == kind for slug in named) else frozenset()
        return frozenset()

    def why_not(self, offset):
        """Why the value at `offset` is not the owner's, or "". Until every value is read (`settle`) the owner
        is the subject, and a value stated of one provider other than none is kept for the final decision."""
        about, owner = self.about(offset), self.owner if self.settled else self.subject
        self.stated_of |= about
        if about and about != {owner} and (self.settled or owner is not None or len(about) > 1):
            return f"the text states it of {', '.join(sorted(about))}"
        if about or not self.secondary:
            return ""
        if self.company_untied(offset):
            return "the text speaks of 'the company' and of a company that runs several CRCs, and ties it to none"
        if self.subject is None and self.everyone:
            return f"the text names {', '.join(sorted(self.everyone))} and ties it to none of them"
        others = self.spoken_of - {owner}
        return f"the text also states values of {', '.join(sorted(others))} and ties it to none" if others else ""

    def settle(self, offsets):
        """Once every value is read: the providers the text states values of, and so the owner of its values,
        the subject or else the one provider the text states values of (with no subject, only the values the
        text ties to it: "inspections into the Dorset, Devon & Cornwall CRC which it rates as inadequate")."""
        self.spoken_of = self.stated_of.union(*(self.about(offset) for offset in offsets)) - {self.subject}
        if self.subject is None and len(self.spoken_of) == 1:
            self.owner = next(iter(self.spoken_of))
        self.settled = True


def attribution_for(document, providers, subject, secondary):
    """The Attribution of a document's values to `subject` (a slug, or None: the only provider named)."""
    named = namings(document, providers)
    everyone = frozenset().union(*(slugs for _, slugs in named))
    if subject is None and len(everyone) == 1:
        subject = next(iter(everyone))
    kinds = {provider.slug: provider.kind for provider in providers}
    return Attribution(document.text, named, kinds, subject, secondary)


def attribute(extraction):
    """Once every value is read, each that is not the owner's is taken out (overall, standards, facts,
    scores, dates): those stated of another provider, and, in a text about several providers, those it
    ties to none."""
    attribution, fields = extraction.attribution, extraction.fields
    if attribution is None:
        return
    lists = ("facts", "scores", "case_figures", "previous_ratings")
    values = [fields[name] for name in VALUE_FIELDS if name in fields] + list(extraction.ratings.values())
    values += [found for name in lists for found in getattr(extraction, name)]
    attribution.settle([found.offset for found in values if found.offset is not None])
    for name in VALUE_FIELDS:
        if name in fields and not extraction.keeps(fields[name]):
            del fields[name]
    extraction.ratings = {code: found for code, found in extraction.ratings.items() if extraction.keeps(found)}
    for name in lists:
        setattr(extraction, name, [found for found in getattr(extraction, name) if extraction.keeps(found)])
