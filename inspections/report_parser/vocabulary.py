"""How texts name the standards: the catalogue's names plus the plain words press texts use.

A loose synonym ("resettlement" for Through the Gate, "review" for Reviewing) still names the
standard, but less surely: a rating read through one is marked uncertain for an editor to confirm.
Words too common to name a standard on their own ("services", "plan", "deliver") are left out.
"""

import re

# code -> [(pattern, loose)]. Kept as data: a new phrasing is a new line here, not new code.
STANDARD_SYNONYMS = {
    "1.1": [("leadership", False)],
    "1.2": [("staffing", True), ("staff", True)],
    # "services" alone is an everyday word: a standard only as an item of a list ("leadership, staff,
    # services, planning ...").
    "1.3": [
        ("range of services", True),
        (r"(?<=,\s)services(?=\s*,|\s+and\b|\s+(?:were|are)\b)", True),
        (r"(?<=\band\s)services(?=\s+(?:were|are)\b)", True),
    ],
    "1.4": [("information and facilities", False), ("facilities", True)],
    # "work to assess individuals' circumstances and to plan activity": the verbs name the work.
    "2.1": [("(?<!overall )assessments?", False), ("to assess", True)],
    "2.2": [("planning", False), ("to plan", True)],
    "2.3": [("implementation (?:and|&) delivery", False), ("implementation", True)],
    "2.4": [("reviewing", False), ("reviews?", True), ("to review", True)],
    "3.1": [("court reports? and case allocation", False), ("court reports?", True), ("case allocation", True)],
    "3.2": [
        ("statutory victim work", False),
        ("victim work", True),
        (r"work (?:with|to support) victims", True),
        ("victim contact scheme", True),
    ],
    "4.1": [("unpaid work", False), ("community payback", True)],
    "4.2": [
        ("through the gate", False),
        ("resettlement", True),
        (r"(?:people|those|individuals|offenders)(?: being)? (?:leaving|released from) (?:prison|jail|custody)", True),
        ("prison leavers?", True),
        ("(?:newly )?released prisoners", True),
    ],
}
# Catalogue names that are everyday words in these texts: read only through the synonyms above.
EVERYDAY_NAMES = {"services", "staff"}
CASE_SUPERVISION = re.compile(r"case supervision|assessment, planning|assess, plan", re.I)
LIST_GLUE = re.compile(r"^[\s,&'‘’]*(?:and|&)?[\s,]*(?:the\s+|of\s+)?$", re.I)
# "unpaid work in the community and support to individuals leaving prison": two standards, each
# with a few words of its own, joined by one "and". Read as a list, but uncertain.
LOOSE_GLUE = re.compile(r"^\s+(?:(?!and\b)[\w’']+\s+){1,7}and\s+(?:[\w’']+\s+){0,2}$", re.I)
LOOSE_LIST = "named in a list read loosely (each standard with words of its own)"


def vocabulary(standards=()):
    """[(compiled pattern, code, loose)], longest phrases first so 'unpaid work' wins over 'work'."""
    entries = [(pattern, code, loose) for code, items in STANDARD_SYNONYMS.items() for pattern, loose in items]
    for code, name in standards:
        if name.lower() not in EVERYDAY_NAMES and code in STANDARD_SYNONYMS:
            entries.append((re.escape(name.lower()), code, False))
    entries.sort(key=lambda entry: -len(entry[0]))
    return [(re.compile(rf"\b{pattern}\b", re.I), code, loose) for pattern, code, loose in entries]


DEFAULT = vocabulary()


def find_standards(text, words=DEFAULT):
    """Every standard named in the text, in order: [(start, end, code, loose)], never overlapping."""
    spans = []
    for pattern, code, loose in words:
        for match in pattern.finditer(text):
            if not any(start < match.end() and match.start() < end for start, end, _, _ in spans):
                spans.append((match.start(), match.end(), code, loose))
    return sorted(spans)


def named_standards(text, words=DEFAULT):
    """The standards a phrase names: one, or a list ("planning, implementation and review"). A
    phrase naming several standards other than as a list is ambiguous: None."""
    spans = merged(find_standards(text, words))
    if not spans:
        return []
    codes = list(dict.fromkeys(code for _, _, code, _ in spans))
    glues = [text[spans[i][1] : spans[i + 1][0]] for i in range(len(spans) - 1)]
    if len(codes) > 1 and not all(LIST_GLUE.match(glue) or LOOSE_GLUE.match(glue) for glue in glues):
        return None
    if len(codes) > 1 and not all(LIST_GLUE.match(glue) for glue in glues):
        return [(code, LOOSE_LIST) for code in codes]
    # In a list that names one standard exactly, the loose names beside it are read surely too.
    surely = len(codes) > 1 and any(not loose for _, _, _, loose in spans)
    loose_by_code = {}
    for _, _, code, loose in spans:
        loose_by_code[code] = loose_by_code.get(code, True) and loose and not surely
    return [(code, loose_by_code[code]) for code in codes]


def merged(spans):
    """Names of one standard in a row ("Through the Gate services for resettlement") are one name."""
    result = []
    for span in spans:
        if result and result[-1][2] == span[2]:
            start, _, code, loose = result[-1]
            result[-1] = (start, span[1], code, loose and span[3])
        else:
            result.append(span)
    return result
