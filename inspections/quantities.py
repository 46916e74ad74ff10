"""Numbers as sources state them: "more than 6,500", "almost 70 per cent", "around a third".

A qualified figure keeps its qualifier; a figure given in words ("a third") keeps its words and
gets no number, because turning it into 33.3 would state a precision no source gave.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models


class Qualifier(models.TextChoices):
    EXACT = "exact", "exactly"
    ABOUT = "about", "about"
    MORE_THAN = "more_than", "more than"
    LESS_THAN = "less_than", "less than"
    ALMOST = "almost", "almost"
    AT_LEAST = "at_least", "at least"
    UP_TO = "up_to", "up to"


# Every way a source qualifies a figure that has a meaning in the project's set. Matched longest first
# ("no more than" before "more than", "well over" before "over"), as whole words.
QUALIFIER_WORDS = [
    ("approximately", Qualifier.ABOUT),
    ("in the region of", Qualifier.ABOUT),
    ("roughly", Qualifier.ABOUT),
    ("around", Qualifier.ABOUT),
    ("about", Qualifier.ABOUT),
    ("circa", Qualifier.ABOUT),
    ("some", Qualifier.ABOUT),  # "some 6,000 people"
    ("no more than", Qualifier.UP_TO),
    ("not more than", Qualifier.UP_TO),
    ("a maximum of", Qualifier.UP_TO),
    ("as many as", Qualifier.UP_TO),  # "as many as 168 cases each": the most any had
    ("as much as", Qualifier.UP_TO),
    ("at most", Qualifier.UP_TO),
    ("up to", Qualifier.UP_TO),
    ("no fewer than", Qualifier.AT_LEAST),
    ("no less than", Qualifier.AT_LEAST),
    ("a minimum of", Qualifier.AT_LEAST),
    ("at least", Qualifier.AT_LEAST),
    ("in excess of", Qualifier.MORE_THAN),
    ("upwards of", Qualifier.MORE_THAN),
    ("more than", Qualifier.MORE_THAN),
    ("well over", Qualifier.MORE_THAN),
    ("just over", Qualifier.MORE_THAN),
    ("over", Qualifier.MORE_THAN),
    ("above", Qualifier.MORE_THAN),
    (">", Qualifier.MORE_THAN),
    ("fewer than", Qualifier.LESS_THAN),
    ("less than", Qualifier.LESS_THAN),
    ("well under", Qualifier.LESS_THAN),
    ("under", Qualifier.LESS_THAN),
    ("below", Qualifier.LESS_THAN),
    ("<", Qualifier.LESS_THAN),
    ("the best part of", Qualifier.ALMOST),
    ("just short of", Qualifier.ALMOST),
    ("just under", Qualifier.ALMOST),
    ("close to", Qualifier.ALMOST),
    ("nearly", Qualifier.ALMOST),
    ("almost", Qualifier.ALMOST),
    ("only", Qualifier.EXACT),
    ("~", Qualifier.ABOUT),
]
QUALIFIER_WORDS.sort(key=lambda pair: -len(pair[0]))
# Words that qualify a figure in a way the project's set cannot say ("as few as 3", "between 80 and 100"),
# and so do "80 or more", "80-odd", "80 to 100" after it (`qualified_beside`): such a figure is not read
# at all, never read as exact.
UNMAPPED_BEFORE = ["as few as", "as little as", "between", "from", "an estimated", "estimated", "perhaps", "possibly"]
# A phrase for regular expressions: any qualifier the set can say, longest first.
QUALIFIER_PATTERN = (
    r"\b(?:"
    + "|".join(
        re.escape(words) for words, meaning in QUALIFIER_WORDS if words[0].isalpha() and meaning != Qualifier.EXACT
    )
    + ")"
)
_BEFORE = re.compile(
    r"(?:^|\W)(?:"
    + "|".join(re.escape(words) for words, meaning in QUALIFIER_WORDS if meaning != Qualifier.EXACT)
    + "|"
    + "|".join(UNMAPPED_BEFORE)
    + r")\s*$"
    r"|\d\s*(?:and|to|-|–|or)\s*$",
    re.I,
)
_AFTER = re.compile(
    r"^\s*(?:%|per ?cent)?\s*(?:or more|or so|or fewer|or less|-?odd\b|-?plus\b|\+|(?:-|–|to|and|or)\s*\d)", re.I
)


def qualified_beside(before, after):
    """Whether words just before or after a figure qualify it ("as few as 3", "between 80 and 100", "80 or
    more"). A reader that matched a figure without its qualifier must then not read it as exact."""
    return bool(_BEFORE.search(before[-40:]) or _AFTER.match(after[:20]))


NUMBER = re.compile(
    r"^(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<million>million)?\s*(?P<percent>%|per ?cent)?$"
)


@dataclass(frozen=True)
class QualifiedNumber:
    text: str
    qualifier: str  # a Qualifier value, or "" when the text states no number
    value: Decimal | None


def parse_qualified_number(text):
    """Read a figure as stated. Returns the verbatim text, its qualifier and the number.

    >>> parse_qualified_number(">6,500")
    QualifiedNumber(text='>6,500', qualifier='more_than', value=Decimal('6500'))
    """
    original = " ".join(str(text).split())
    if not original:
        raise ValueError("a figure cannot be empty")
    rest = original.lower()
    qualifier = Qualifier.EXACT
    for words, meaning in QUALIFIER_WORDS:
        if rest.startswith(words) and not rest[len(words) : len(words) + 1].isalpha():
            qualifier = meaning
            rest = rest[len(words) :].strip()
            break
    match = NUMBER.match(rest)
    if not match:
        # Words such as "a third" or "two-thirds": keep them, state no number.
        return QualifiedNumber(text=original, qualifier="" if qualifier == Qualifier.EXACT else qualifier, value=None)
    try:
        value = Decimal(match["number"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"cannot read a number in {original!r}") from None
    if match["million"]:
        value *= 1_000_000
    return QualifiedNumber(text=original, qualifier=qualifier, value=value)


def describe(qualifier, value, unit=""):
    """A qualified figure in words for display: 'more than 6,500 people'."""
    if value is None:
        return ""
    number = f"{value.normalize():,f}" if isinstance(value, Decimal) else f"{value:,}"
    words = "" if qualifier in ("", Qualifier.EXACT) else Qualifier(qualifier).label + " "
    suffix = "%" if unit == "%" else (f" {unit}" if unit else "")
    return f"{words}{number}{suffix}"
