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


# Longest phrases first so "more than" wins over "more".
QUALIFIER_WORDS = [
    ("approximately", Qualifier.ABOUT),
    ("more than", Qualifier.MORE_THAN),
    ("fewer than", Qualifier.LESS_THAN),
    ("less than", Qualifier.LESS_THAN),
    ("at least", Qualifier.AT_LEAST),
    ("only", Qualifier.EXACT),
    ("around", Qualifier.ABOUT),
    ("about", Qualifier.ABOUT),
    ("nearly", Qualifier.ALMOST),
    ("almost", Qualifier.ALMOST),
    ("just under", Qualifier.ALMOST),
    ("up to", Qualifier.UP_TO),
    ("over", Qualifier.MORE_THAN),
    ("under", Qualifier.LESS_THAN),
    (">", Qualifier.MORE_THAN),
    ("<", Qualifier.LESS_THAN),
    ("~", Qualifier.ABOUT),
]

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
        if rest.startswith(words):
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
