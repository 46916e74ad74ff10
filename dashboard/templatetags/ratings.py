from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from inspections.rules import Rating

register = template.Library()


def as_rating(value):
    """A Rating from a stored value (0-3) or a label ('Good'); None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and not value.isdigit():
        return Rating.from_label(value)
    return Rating(int(value))


# Five badges in all, made once: a league table page shows some six hundred.
NOT_RECORDED_BADGE = mark_safe('<span class="rating rating-none">not recorded</span>')
BADGES = {
    rating: format_html('<span class="rating rating-{}">{}</span>', rating.value, rating.label) for rating in Rating
}


@register.simple_tag
def rating_badge(value):
    """A rating as a labelled, coloured badge; absent values say 'not recorded'."""
    rating = as_rating(value)
    return NOT_RECORDED_BADGE if rating is None else BADGES[rating]


@register.filter
def rating_label(value):
    rating = as_rating(value)
    return Rating.label_of(rating, "not recorded")


@register.filter
def get(mapping, key):
    """Look up a key that is not a valid template variable name, e.g. a chart id with dashes."""
    return mapping.get(key) if mapping else None
