"""Tables, one class per table (django-tables2): sortable, paginated, exportable."""

import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from dashboard.templatetags.ratings import rating_badge, rating_label
from inspections.models import rating_column_name


class RatingColumn(tables.Column):
    """A rating as a labelled badge; 'not recorded' sorts after every rating.

    With a `standard`, providers the standard does not apply to (3.x for CRCs, 4.x for NPS
    divisions) show 'not applicable', which is not the same as a rating not recorded.
    """

    def __init__(self, standard=None, **kwargs):
        kwargs.setdefault("empty_values", ())
        self.standard = standard
        super().__init__(**kwargs)

    def applies(self, record):
        return self.standard is None or self.standard.applies_to_kind(record.provider.kind)

    def render(self, value, record):
        if not self.applies(record):
            return mark_safe('<span class="not-applicable" title="Not applicable to this kind of provider">n/a</span>')
        return rating_badge(value)

    def value(self, value, record):
        return rating_label(value) if self.applies(record) else "not applicable"

    def order(self, queryset, is_descending):
        return order_nulls_last(queryset, self.accessor.replace(".", "__"), is_descending)


def order_nulls_last(queryset, field, is_descending):
    """Sort by `field` with empty values last in both directions, then by provider name."""
    expression = F(field).desc(nulls_last=True) if is_descending else F(field).asc(nulls_last=True)
    return queryset.order_by(expression, "provider__name"), True


class LeagueTable(tables.Table):
    provider = tables.Column(accessor="provider__name", verbose_name="Provider", order_by=("provider__name",))
    kind = tables.Column(accessor="provider__kind", verbose_name="Kind", order_by=("provider__kind", "provider__name"))
    owner = tables.Column(
        accessor="owner__name", verbose_name="Owner at inspection", default="not stated", order_by=("owner__name",)
    )
    published = tables.Column(
        accessor="report__published", verbose_name="Published", order_by=("report__published",), empty_values=()
    )
    overall = RatingColumn(accessor="overall_rating", verbose_name="Overall rating")
    total_score = tables.Column(verbose_name="Score (our computation)", empty_values=())
    ratings_recorded = tables.Column(verbose_name="Standard ratings recorded", empty_values=())

    class Meta:
        template_name = "dashboard/table.html"
        attrs = {"class": "league"}
        order_by = ("provider",)

    def __init__(self, *args, standards=(), **kwargs):
        self.standards = list(standards)
        extra = [
            (
                rating_column_name(standard.code),
                RatingColumn(standard=standard, verbose_name=standard.code, attrs={"th": {"title": standard.name}}),
            )
            for standard in self.standards
        ]
        sequence = ["provider", "kind", "owner", "published", "overall", *(name for name, _ in extra), "total_score", "ratings_recorded"]  # fmt: skip
        super().__init__(*args, extra_columns=extra, sequence=sequence, **kwargs)

    def render_provider(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_provider(self, value, record):
        return value

    def render_kind(self, value, record):
        return format_html('<abbr title="{}">{}</abbr>', record.provider.get_kind_display(), record.provider.kind)

    def value_kind(self, value, record):
        return record.provider.kind

    def render_owner(self, value, record):
        return format_html('<a href="{}">{}</a>', record.owner.get_absolute_url(), value)

    def value_owner(self, value, record):
        return value

    def render_published(self, value, record):
        return record.report.when_text

    def value_published(self, value, record):
        return record.report.published_iso or ""

    def order_published(self, queryset, is_descending):
        return order_nulls_last(queryset, "report__published", is_descending)

    def render_total_score(self, value, record):
        if value is None:
            return "—"
        maximum = record.report.framework.maximum_total_score
        return (
            f"{value} of {maximum}"
            if record.ratings_recorded == record.report.framework.standards_per_provider
            else f"{value} (partial)"
        )

    def value_total_score(self, value, record):
        return "" if value is None else value

    def order_total_score(self, queryset, is_descending):
        return order_nulls_last(queryset, "total_score", is_descending)

    def render_ratings_recorded(self, value, record):
        return f"{value} of {record.report.framework.standards_per_provider}"

    def value_ratings_recorded(self, value, record):
        return value
