"""Values as the bundled files write them: partial dates, exact numbers, required fields."""

import datetime

from inspections.models import DatePrecision
from inspections.quantities import Qualifier, parse_qualified_number

# The default of a field that has none: the entry must give it.
REQUIRED = object()


def parse_partial_date(text):
    """'2019-04-03' -> day precision; '2019-04' -> month; '2019' -> year. Returns (date, precision)."""
    text = str(text).strip()
    parts = text.split("-")
    try:
        if len(parts) == 3:
            return datetime.date.fromisoformat(text), DatePrecision.DAY
        if len(parts) == 2:
            return datetime.date(int(parts[0]), int(parts[1]), 1), DatePrecision.MONTH
        if len(parts) == 1:
            return datetime.date(int(parts[0]), 1, 1), DatePrecision.YEAR
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)")


def parse_exact_number(text):
    figure = parse_qualified_number(text)
    if figure.value is None or figure.qualifier != Qualifier.EXACT:
        raise ValueError(f"{text!r} is not an exact number")
    return figure.value
