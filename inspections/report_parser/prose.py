"""Ratings stated in running prose, as press releases, news, blogs and forewords state them.

"rated all four of our key case supervision standards ... as 'Inadequate'", "has maintained its
'Outstanding' rating for leadership", "the management of information and facilities was
'outstanding'". Each rating word is read only when a verb or noun makes it a rating ("rated",
"judged to be", "an overall 'Good' rating"), and is given to a standard, to the overall rating, or
to nothing: counts ("rated three aspects 'Outstanding'"), choices ("good or outstanding"), other
providers ("in other NPS divisions") and earlier inspections ("We last inspected X in June 2018
and gave it 'Requires improvement'") are never given to this inspection. What the text says of
an earlier inspection is kept apart, and only when it says when that was.
"""

import re
from dataclasses import dataclass, replace

from inspections.report_parser.documents import found_at, normalise_rating
from inspections.report_parser.vocabulary import CASE_SUPERVISION, find_standards, named_standards, vocabulary

QUOTE = "['‘’\"“”]"
RATING_WORD = re.compile(
    rf"(?P<open>{QUOTE}?)(?P<word>requires? improvements?|requiring improvements?|required improvements?"
    rf"|outstanding|good|inadequate)\b(?P<close>{QUOTE}?)",
    re.I,
)
TRIGGER = re.compile(
    r"\b(?:rat(?:ed|ings?|es?)|assess(?:ed|ing)|judged|graded|ranked|labell?ed|deemed|found|given|gave|give|gives"
    r"|awarded|achieved|upgraded|downgraded|classification|grade|branded)\b",
    re.I,
)
NOUN_AFTER = re.compile(r"\s*(?:rating|mark|grade|grading|assessment|standard overall)\b", re.I)
COPULA = re.compile(r"\b(?:is|was|were|are|be|been|now)(?:\s+(?:all|also|both))?\s*$", re.I)
# "Leadership, staff, services, planning ... were all inadequate": a list given one rating.
ALL_OF_A_LIST = re.compile(r"\b(?:were|are|have been|had been)\s+(?:all|each)\s*$", re.I)
# "A report ... concluded they required improvement": the pronoun stands for the provider, most
# likely, but the text does not name it where it rates it.
PRONOUN_SUBJECT = re.compile(r"\b(?:concluded|found|said|says|decided|ruled)\s+(?:that\s+)?(?:it|they)\s*$", re.I)
# "your reporting of the Inspectorate of Probation audit findings is accurate in 'requiring improvement'":
# the inspection's findings given as a quoted rating word (uncertain: the provider is not what is rated).
FINDINGS = re.compile(
    r"\b(?:inspection|inspectorate|inspectors?|report|audit)(?:['’]s)?\s+(?:findings|verdict)\b", re.I
)
# An unquoted rating word followed by anything else is an adjective ("good work", "good-quality").
ALLOWED_NEXT = re.compile(
    r"\s*(?:$|[,.;:!?)–—]|\s-\s|(?:for|in|by|at|on|overall|and|but|after|with|since|according|rating|ratings|mark"
    r"|grade|grading|assessment|to|from|having|when|though|although|while|as|the|despite|across|this|last|because"
    r"|standard overall)\b)",
    re.I,
)
# Dashes and brackets are left out: press texts use them for asides inside a clause.
CLAUSE_BREAK = re.compile(
    r"[;:]\s|,\s*(?:but|though|although|however|despite)\b|\b(?:but|despite|while|whilst|whereas)\b", re.I
)
PREVIOUS = re.compile(
    r"last inspect|previous(?:ly)?\b(?!\s+(?:owners?|management|operators?|providers?|contracts?)\b)|last (?:\w+ )?(?:visit|year|time|inspection)|since (?:our|the|its) last|at that time"
    r"|\bhad been (?:rated|judged|assessed)"
    r"|when we inspected|in the past(?! (?:\d+|twelve|few) (?:months|years))|earlier inspection|first inspection|(?<!-)\bup from|\b(?:\w+ )?years? ago\b"
    r"|compared (?:to|with)|\bin 20\d\d, when\b",
    re.I,
)
# CURRENT: words that bring a sentence back to this inspection after an earlier one ("now", "retained");
# OTHERS: words that take it to other providers ("in other NPS divisions", "elsewhere").
CURRENT, OTHERS = (
    re.compile(pattern, re.I)
    for pattern in (
        r"\b(?:now|this time|on our return|retain(?:ed|s|ing)?|maintain(?:ed|s)?)\b",
        r"\bin other\b|\bother (?:CRCs|NPS divisions|divisions|providers)\b|\belsewhere\b",
    )
)
COUNT = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|half|most|several|some|many|all|(?!(?:19|20)\d\d\b)\d+)\b"
    r"(?:\s+(?:of|out of)\b)?[^.;]{0,40}?\b(?:aspects|areas|standards|these|those|them|components|categories"
    r"|CRCs?|divisions?|providers?|probation services|of work)\b",
    re.I,
)
# (A year is no count: "since 2015 and its Hampshire & Isle of Wight CRC".)
# "three probation services improving their overall rating", "just one CRC was rated 'good'": a
# statement about several providers, or one of them unnamed, is about none of them in particular.
SEVERAL_PROVIDERS = re.compile(
    r"\bone of (?:the )?\d+\b"
    r"|\b(?:\w+|\d+) (?:\([^)]*\) )?(?:of the )?(?:\w+ )?"
    r"(?:CRCs|probation services|divisions|providers|organisations|Community Rehabilitation Companies)\b"
    r"|\b(?:just|only) one (?:CRC|division|NPS division|probation service)\b",
    re.I,
)
# "rated one of Working Links' CRCs – Dorset, Devon and Cornwall – as 'inadequate'", "one of its CRCs (Wales)":
# one of several, named between dashes or in brackets. Read only where what is named there is one provider
# (read_prose_ratings asks the attribution); what is named is then what is rated.
ONE_OF_NAMED = re.compile(
    r"\bone of (?:[\w’'&-]+\s+){1,3}?(?:CRCs|Community Rehabilitation Companies|divisions|NPS divisions)"
    r"\s*(?:[–—]|\s-|\()\s*(?P<named>[^–—()\-.;]{3,80}?)\s*(?:[–—]|-\s|\))",
    re.I,
)
# "HM Inspectorate of Probation, which investigates youth offending and probation services, rated ...": the
# inspectorate's remit, not the providers rated.
INSPECTORATE_REMIT = re.compile(
    r"\b(?:inspects|investigates|inspector of|inspectorate (?:of|for))\s+(?:youth offending (?:and|&)\s+)?probation"
    r"\s+services\b",
    re.I,
)
# "both the National Probation Service and the Community Rehabilitation Company found to require
# improvement": said of two organisations (as of the joint Quality & Impact inspections), neither alone.
BOTH_KINDS = re.compile(
    r"\b(?:NPS|National Probation Service)\b[^.;]{0,60}\band\b[^.;]{0,40}?\b(?:CRC|Community Rehabilitation Company)\b"
    r"|\b(?:CRC|Community Rehabilitation Company)\b[^.;]{0,60}\band\b[^.;]{0,40}?\b(?:NPS|National Probation Service)\b"
)
# "close to a 'Good' rating", "could be rated good", "has not been rated 'Outstanding'", "hopes to achieve
# 'Good'", "no NPS division was rated 'Outstanding'": a rating the text says was not given, or might be;
# within the rating word's clause.
NOT_GIVEN = re.compile(
    r"\b(?:close to|near to|short of|narrowly|just missed|missed out|not|never|no longer|could|would|might|should"
    r"|hop(?:e|es|ed|ing) (?:to|for)|aim(?:s|ed|ing)? (?:to|for)|on track|working towards|towards|bid (?:to|for)"
    r"|if|unless|whether|none|no (?:\w+ ){0,2}?(?:CRCs?|divisions?|providers?|services?|standards?|areas?|aspects?|one))"
    r"\b[^.;,]{0,30}$",
    re.I,
)
# "two more categories - out of 10 overall - were judged as good": a total, not the overall rating.
TOTAL_OVERALL = re.compile(
    r"\b(?:out of|of)\s+(?:the\s+)?(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\s+overall\b", re.I
)
# Plain words, each a sign on its own.
CASE_SUPERVISION_WORK, ALL_FOUR, OVERALL = (
    re.compile(rf"\b{words}\b", re.I) for words in ("case supervision", "all four", "overall")
)
# "Like the report on the neighbouring DLNR CRC ..., the organisation was ranked as inadequate": most
# likely said of this provider, but the sentence names another.
COMPARED = re.compile(r"\W*(?:Like|Unlike|As with|As in|As at)\b", re.I)
# "ranked as inadequate on all four core domains relating to case supervision": the four after the rating.
ALL_FOUR_AFTER = re.compile(r"\W*\s*(?:on|in|for|across|against|at)\s+(?:each of\s+)?all four\b", re.I)
ORGANISATION = re.compile(
    r"\b(?:CRC|company|service|services|division|organisation|NPS|provider|Community Rehabilitation Company)\b", re.I
)
YEAR_ONLY = re.compile(r"\b(20[12]\d)\b")
# A sentence that opens with its year ("In 2017, inspectors found ...") dates what it says.
DATED = re.compile(
    r"^\W*(?:In|During|By)\s+(?:(?:early|late|mid-?)\s*)?(?:(?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\s+)?20[12]\d\b,?",
    re.I,
)
YEAR = re.compile(
    r"\b(?:in |during )?(?:(?P<month>January|February|March|April|May|June|July|August|September|October"
    r"|November|December) )?(?P<year>20[12]\d)\b"
)


@dataclass
class Sentence:
    start: int
    text: str


def sentences_with_offsets(text):
    """Sentences and their offsets. A line break inside a sentence (PDF copies) does not end it."""
    boundary = re.compile(r"(?<=[.!?])['’\"”]?\s+(?=['‘\"“]?[A-Z\[])|\n\s*\n|\n(?=\s*['‘\"“]?[A-Z\[])")
    result, start = [], 0
    for match in boundary.finditer(text):
        if match.start() > start:
            result.append(Sentence(start, text[start : match.start()]))
        start = match.end()
    if start < len(text):
        result.append(Sentence(start, text[start:]))
    return result


@dataclass
class Reading:
    """One rating word in a sentence, and what it is said of."""

    sentence: Sentence
    match: re.Match
    lead: str  # the sentence before the rating word
    clause: str  # the clause before it, where its subject is
    tail: str  # the rest of its clause after it
    context: str  # the sentences just before, for "all four" named earlier
    words: list  # the standards' names (vocabulary.vocabulary)
    latest_year: int = 0  # the latest year the whole text mentions

    @property
    def rating(self):
        return rating_of(self.match["word"])

    @property
    def offset(self):
        return self.sentence.start + self.match.start("word")


def rating_of(word):
    """'requiring improvements', 'required improvement', 'good' -> the scale's label."""
    word = re.sub(r"improvements$", "improvement", word.lower())
    return normalise_rating(re.sub(r"requires? |requiring |required ", "requires ", word))


def readings(sentence, context, words, latest_year=0):
    previous_end = 0
    for match in RATING_WORD.finditer(sentence.text):
        lead = sentence.text[: match.start()]
        from_to = re.search(r"\bfrom\s*" + QUOTE + r"?[^'‘’\"“”]{3,25}" + QUOTE + r"?\s*to\s*" + QUOTE + r"?\s*$", lead)
        # A rating word closes what was said before it: "leadership was rated 'good' and work with
        # victims 'outstanding'". In "from X to Y", Y is said of what X was.
        clause = CLAUSE_BREAK.split(lead[: from_to.start()] if from_to else lead[previous_end:])[-1]
        previous_end = match.end()
        tail = CLAUSE_BREAK.split(sentence.text[match.end() :])[0]
        yield Reading(sentence, match, lead, clause, tail, context, words, latest_year)


def is_a_rating(reading):
    """A rating word used as a rating: after a rating verb, before 'rating', or quoted after 'is/was'."""
    match, quoted = reading.match, bool(reading.match["open"] or reading.match["close"])
    if not quoted and not ALLOWED_NEXT.match(reading.sentence.text, match.end()):
        return False
    if NOT_GIVEN.search(reading.clause[-60:].rstrip(" '‘\"“")):
        return False
    if re.search(r"\b(?:or|and)\s*" + QUOTE + r"?\s*$", reading.lead[-12:]) and re.search(
        RATING_WORD.pattern + r"[\s,]*(?:or|and)\s*" + QUOTE + r"?\s*$", reading.lead[-40:], re.I
    ):
        return False  # "good or outstanding": a choice, not a rating ("'Good' for X and 'Y' overall" is two)
    if re.match(r"\s*" + QUOTE + r"?\s*or\b", reading.sentence.text[match.end() :]):
        return False
    if "improvement" in match["word"].lower():
        return True
    if TRIGGER.search(reading.lead if ALL_FOUR.search(reading.lead) else reading.lead[-90:]) or NOUN_AFTER.match(
        reading.sentence.text, match.end()
    ):
        return True
    # "X was 'outstanding'" is a rating; "X was good" is only a word of praise.
    if not COPULA.search(reading.lead.rstrip(" '‘\"“")):
        return False
    if quoted:
        return True
    if ALL_OF_A_LIST.search(reading.lead):
        named = named_standards(reading.clause, reading.words)
        return bool(named and len(named) > 1)
    spans = find_standards(reading.clause, reading.words)
    codes = {code for _, _, code, _ in spans}
    return match["word"].lower() != "good" and len(codes) == 1 and any(not loose for *_, loose in spans)


def is_previous(reading):
    """Said of an earlier inspection: "We last inspected ... and rated it X", "from X to Y", or "In
    2017, inspectors found the CRC to be 'good'" in a text that speaks of 2019 (fieldwork and
    publication are never two years apart)."""
    years = [int(year) for year in YEAR_ONLY.findall(reading.lead)]
    if years and reading.latest_year and min(years) <= reading.latest_year - 2:
        return True
    from_before = (
        r"\bfrom\s+(?:an?\s+|its\s+|the\s+)?(?:overall\s+)?(?:rating|assessment|grade|classification)?\s*(?:of\s+)?"
    )
    if re.search(from_before + QUOTE + r"?\s*$", reading.lead) and re.search(
        r"\b(?:rais|upgrad|downgrad|lower|improv|mov|up|went)\w*\b", reading.lead + reading.tail, re.I
    ):
        return True
    if re.search(r"\bto\s*" + QUOTE + r"?\s*$", reading.lead) and re.search(r"\bfrom\b", reading.lead):
        return False  # "raised ... from 'Requires improvement' to 'Good'": the new rating
    marker = last_match(PREVIOUS, reading.lead)
    if marker and not CURRENT.search(reading.lead[marker.end() :]):
        return True
    after = PREVIOUS.search(reading.tail)
    return bool(after and not RATING_WORD.search(reading.tail[after.end() :]))


def when_said(sentence, before=()):
    """The month or year an earlier inspection took place, if the sentence (or one just before) says."""
    for text in (sentence.text, *before):
        for match in YEAR.finditer(text):
            if match["month"]:
                return f"{match['month']} {match['year']}"
            return match["year"]
    return ""


def subject_of(reading):
    """('overall' | [(code, loose)] | None, why) for a rating word in use."""
    sentence_before = reading.sentence.text[: reading.match.start()]
    four_before = ALL_FOUR.search(sentence_before) and (
        CASE_SUPERVISION.search(reading.sentence.text) or CASE_SUPERVISION.search(reading.context)
    )
    if four_before or (ALL_FOUR_AFTER.match(reading.tail) and CASE_SUPERVISION.search(reading.tail)):
        return [(code, False) for code in ("2.1", "2.2", "2.3", "2.4")], ""
    # "one of Working Links' CRCs – Dorset, Devon and Cornwall –": the provider named is what is rated
    reading = replace(reading, clause=ONE_OF_NAMED.sub(r"the provider \g<named>", reading.clause))
    providers_clause = INSPECTORATE_REMIT.sub(" ", reading.clause)
    if SEVERAL_PROVIDERS.search(providers_clause) or BOTH_KINDS.search(providers_clause):
        return None, ""
    counted = re.match(r"\W*\s*(?:in|for|across|on|against)\s+", reading.tail)
    if counted and COUNT.match(reading.tail, counted.end()):
        return None, ""  # "'required improvements' in seven of ten categories": a count
    # "rated 'Inadequate' for case reviews": what follows 'for' is what was rated.
    named = named_standards(tail_subject(reading.tail) or reading.clause, reading.words)
    if not named and CASE_SUPERVISION_WORK.search(reading.clause):
        return None, ""  # "case supervision work 'requires improvement'": a domain, not a standard
    clause = TOTAL_OVERALL.sub(" ", reading.clause)
    overall = last_match(OVERALL, clause[-60:])
    # "Overall, two standards were rated good": the counted standards, not the overall rating.
    after_overall = clause[-60:][overall.end() :] if overall else ""
    if overall and not find_standards(after_overall, reading.words) and not COUNT.search(after_overall):
        return "overall", ""
    if OVERALL.match(re.sub(r"^\W*(?:standard\s+)?", "", reading.tail)):
        return "overall", ""
    if COUNT.search(clause):
        including = re.match(r"\s*" + QUOTE + r"?,?\s*including\s+([^.;]+)", reading.tail)
        listed = included(including.group(1), reading.words) if including else []
        return (listed, "named among several with this rating") if listed else (None, "")
    if named and not names_organisation_last(reading):
        return named, ""
    if named is None:
        return None, ""
    if ORGANISATION.search(reading.clause) or ORGANISATION.search(tail_subject(reading.tail)):
        return "overall", ""
    if re.search(r"\b(?:told|found) it\s*$", reading.clause):  # "has been told it requires improvement"
        return "overall", ""
    if PRONOUN_SUBJECT.search(reading.clause) and not reading.tail.strip(" '’\"”.!"):
        return "overall", "the text rates 'it' or 'they', not the provider by name"
    if reading.match["close"] and FINDINGS.search(reading.clause) and re.match(r"\s*[,.;]", reading.tail):
        return "overall", "the text gives the inspection's findings as this rating, not the provider's rating by name"
    return None, ""


def names_organisation_last(reading):
    """'Strong leadership helps X probation service secure a good rating': the service is rated, not
    leadership. A 'Through the Gate service' is still the standard."""
    if tail_subject(reading.tail):
        return False
    spans = find_standards(reading.clause, reading.words)
    last_standard = spans[-1][1] if spans else 0
    return any(
        match.start() > last_standard + 3 and not re.match(r"\W*services?\b", reading.clause[last_standard:])
        for match in ORGANISATION.finditer(reading.clause)
    )


def included(text, words):
    """'leadership and services for people being released from jail': each item that names one standard."""
    listed = []
    for item in re.split(r",\s*|\s+and\s+", text):
        named = named_standards(item, words)
        if named and len(named) == 1:
            listed.append(named[0])
    return listed


def last_match(pattern, text):
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


def tail_subject(tail):
    """'... rating for leadership': the words after 'for' name what was rated."""
    match = re.match(r"\s*" + QUOTE + r"?,?\s*(?:rating\s+)?for\s+(?:its\s+|the\s+)?([^,.;]+)", tail, re.I)
    return match.group(1) if match else ""


def read_prose_ratings(document, extraction, standards=()):
    """Overall and standard ratings stated in prose; earlier inspections' ratings kept apart."""
    words = vocabulary(standards)
    all_sentences = sentences_with_offsets(document.text)
    latest_year = max((int(year) for year in YEAR_ONLY.findall(document.text)), default=0)
    given = []
    for index, sentence in enumerate(all_sentences):
        if OTHERS.search(sentence.text) and not ALL_FOUR.search(sentence.text):
            continue
        context = " ".join(s.text for s in all_sentences[max(0, index - 6) : index])
        for reading in readings(sentence, context, words, latest_year):
            if not is_a_rating(reading):
                continue
            subject, why = subject_of(reading)
            if subject is None or not one_named(extraction, reading):
                continue
            if is_previous(reading):
                keep_previous(document, extraction, reading, subject, all_sentences[max(0, index - 2) : index])
                continue
            if COMPARED.match(sentence.text) and not why:
                why = "the sentence compares it with another inspection"
            given.append((reading, subject, why, index))
    for reading, subject, why, index in given:
        if DATED.match(reading.sentence.text) and undated_other(reading, subject, given):
            # "In 2017, inspectors found the CRC to be 'good'" beside an undated "was given ... 'requires
            # improvement'": the dated one is the earlier inspection.
            keep_previous(document, extraction, reading, subject, all_sentences[max(0, index - 2) : index])
            continue
        give(document, extraction, reading, subject, why)


def one_named(extraction, reading):
    """False where the clause rates one of several providers and what it names between dashes or in brackets
    is not one provider ("one of its CRCs – the one in the south-west –"); else True."""
    apposition = ONE_OF_NAMED.search(reading.clause)
    if not apposition:
        return True
    if re.search(r"\b(?:or|either|nor)\b", apposition["named"], re.I):
        return False  # "– Wales or Dorset, Devon and Cornwall –": a choice, not the one rated
    attribution = extraction.attribution
    start = reading.sentence.start + len(reading.lead) - len(reading.clause) + apposition.start("named")
    named = attribution.names_in(start, start + len(apposition["named"])) if attribution else frozenset()
    return len(named) == 1


def undated_other(reading, subject, given):
    """Another reading of the same subject, in a sentence that names no year, with another rating."""
    keys = set(subject_keys(subject))
    return any(
        other.rating != reading.rating and keys & set(subject_keys(other_subject)) and not YEAR_ONLY.search(other.lead)
        for other, other_subject, _, _ in given
        if other is not reading
    )


def subject_keys(subject):
    return ["overall"] if subject == "overall" else [code for code, _ in subject]


def give(document, extraction, reading, subject, why):
    if subject == "overall":
        settle(document, extraction, extraction.fields, "overall", reading, why)
        return
    for code, loose in subject:
        reason = loose if isinstance(loose, str) else "attributed through a loose synonym of the standard's name"
        unsure = why or (reason if loose else "")
        settle(document, extraction, extraction.ratings, code, reading, unsure)


def settle(document, extraction, values, key, reading, unsure):
    """Keep a reading; two that disagree are both left for an editor (and the first one is dropped). One
    stated of another provider is no reading of this inspection, in agreement or not."""
    reading_found = found_at(document, reading.offset, reading.rating, bool(unsure), unsure)
    existing = values.get(key)
    if key in extraction.disputed or not extraction.keeps(reading_found):
        return
    attribution = extraction.attribution
    if existing and attribution and attribution.of_two(existing.offset, reading.offset):
        return  # said of two providers: no conflict, and neither is kept once all is read (attribution.py)
    if existing and existing.value != reading.rating:
        extraction.conflicts.append(
            f"{'the overall rating' if key == 'overall' else key}: the text says '{existing.value}' "
            f"({existing.location}) and '{reading.rating}' ({found_at(document, reading.offset, 0).location}); "
            "neither is taken"
        )
        extraction.disputed.add(key)
        del values[key]
    elif existing is None or (existing.uncertain and not unsure):
        values[key] = reading_found


def keep_previous(document, extraction, reading, subject, before):
    when = when_said(reading.sentence, [s.text for s in reversed(before)])
    if not when:
        return  # the earlier inspection is not identified: not even context
    subjects = ["overall"] if subject == "overall" else [code for code, _ in subject]
    for name in subjects:
        value = {"subject": name, "rating": reading.rating, "when": when}
        extraction.previous_ratings.append(found_at(document, reading.offset, value))
