"""Tables, one class per table (django-tables2): sortable, paginated, exportable."""

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import F, Subquery
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from dashboard.templatetags.ratings import rating_badge, rating_label
from inspections.models import Inspection, rating_column_name, standard_ids_by_code


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
    """Sort by `field` with empty values last in both directions, then by provider name, then by id
    (a provider's two inspections alike would otherwise come in whatever order a plan gives)."""
    expression = F(field).desc(nulls_last=True) if is_descending else F(field).asc(nulls_last=True)
    return queryset.order_by(expression, "provider__name", "pk"), True


class ExportColumn(tables.Column):
    """A column in the CSV and JSON downloads only, not on the page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        super().__init__(visible=False, **kwargs)


class CountedPaginator(Paginator):
    """A paginator given the number of rows, counted already."""

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count  # in place of the COUNT query Paginator.count would run


def standard_header(standard):
    """'2.2 Planning' on the page (the name smaller beneath the code) and in the downloads."""
    return format_html(
        '<span class="standard-code">{}</span> <span class="standard-name">{}</span>', standard.code, standard.name
    )


class LeagueTable(tables.Table):
    provider = tables.Column(
        accessor="provider__name", verbose_name="Provider", order_by=("provider__name", "report__published", "pk")
    )
    overall = RatingColumn(accessor="overall_rating", verbose_name="Overall rating")
    kind = tables.Column(accessor="provider__kind", verbose_name="Kind", order_by=("provider__kind", "provider__name"))
    owner = tables.Column(
        accessor="owner__name", verbose_name="Owner at inspection", default="not stated", order_by=("owner__name",)
    )
    published = tables.Column(
        accessor="report__published", verbose_name="Published", order_by=("report__published",), empty_values=()
    )
    total_score = tables.Column(verbose_name="Score (our computation)", empty_values=(), exclude_from_export=True)
    ratings_recorded = tables.Column(
        verbose_name="Standard ratings recorded", empty_values=(), exclude_from_export=True
    )
    # The downloads say what each value is and where it comes from.
    inspection_id = ExportColumn(accessor="pk", verbose_name="Inspection id")
    url = ExportColumn(accessor="pk", verbose_name="URL")
    published_precision = ExportColumn(accessor="report__published_precision", verbose_name="Published date precision")
    round = ExportColumn(accessor="report__round", verbose_name="Round")
    framework = ExportColumn(accessor="report__framework__name", verbose_name="Framework")
    score_points = ExportColumn(accessor="total_score", verbose_name="Score points (our computation)")
    standards_counted = ExportColumn(accessor="ratings_recorded", verbose_name="Standards counted in the score")
    standards_rated = ExportColumn(accessor="pk", verbose_name="Standards the framework rates")
    source_document = ExportColumn(accessor="report__document__title", verbose_name="Source document")
    source_url = ExportColumn(accessor="report__document__url", verbose_name="Source document URL")

    class Meta:
        template_name = "dashboard/table.html"
        attrs = {"class": "league"}
        order_by = ("provider",)

    def __init__(self, *args, standards=(), **kwargs):
        self.standards = list(standards)
        self.maximum_scores = {}  # framework id -> its best total score
        extra = [
            (rating_column_name(standard.code), RatingColumn(standard=standard, verbose_name=standard_header(standard)))
            for standard in self.standards
        ]
        sequence = [
            "inspection_id",
            "provider",
            "overall",
            "published",
            "published_precision",
            "round",
            "kind",
            "owner",
            *(name for name, _ in extra),
            "total_score",
            "ratings_recorded",
            "score_points",
            "standards_counted",
            "standards_rated",
            "framework",
            "source_document",
            "source_url",
            "url",
        ]
        super().__init__(*args, extra_columns=extra, sequence=sequence, **kwargs)

    def page_records(self):
        """The inspections of the page shown, in the table's order. Sorted narrow, then fetched wide:
        the order (a score or rating subquery, say) is computed over only the ids of the matching
        inspections, and the rows' many columns are read for the page's inspections alone, not
        carried through a sort of them all (60 ms -> 34 ms for all inspections by score at 100x)."""
        ordered = self.data.data
        if not hasattr(self, "page"):
            return list(ordered)
        start = (self.page.number - 1) * self.paginator.per_page
        ids = ordered.values("pk")[start : start + self.paginator.per_page]
        order = ordered.query.order_by
        # The ratings in one subquery, read into the rating columns below; a column the table is
        # sorted by keeps its own subquery, as the order names it.
        sorted_by = {getattr(getattr(key, "expression", None), "name", key) for key in order}
        page = (
            Inspection.objects.filter(pk__in=Subquery(ids))
            .with_listing()
            .with_total_score()
            .with_rating_columns([s for s in self.standards if rating_column_name(s.code) in sorted_by])
            .with_ratings_by_standard()
        )
        records = list(page.order_by(*order))
        ids_by_code = standard_ids_by_code(self.standards)
        for record in records:
            ratings = record.ratings_by_standard or {}  # keyed by the standard's id as JSON text
            for code, ids in ids_by_code.items():
                rating = next((ratings[str(pk)] for pk in ids if str(pk) in ratings), None)
                setattr(record, rating_column_name(code), rating)
        return records

    def rendered_rows(self):
        """The page's rows as HTML, each cell rendered by its column's own `render` (the header
        cell first, as the provider names the row). django-tables2 would render each of some 900
        cells through its generic machinery (an accessor walk and a signature inspection per
        cell), most of a cold page's time; the cells are the same."""
        columns = []
        for bound in self.columns:  # the visible columns, in the table's sequence
            render = getattr(self, f"render_{bound.name}", None) or (
                bound.column.render if isinstance(bound.column, RatingColumn) else None
            )
            columns.append((bound.accessor, bound.column.empty_values, bound.default, render))
        rows = []
        for record in self.page_records():
            cells = []
            for accessor, empty_values, default, render in columns:
                value = accessor.resolve(record, quiet=True)
                if value in empty_values:
                    value = default
                elif render is not None:
                    value = render(value=value, record=record)
                cells.append(conditional_escape(value))
            first, *rest = cells
            rows.append(
                mark_safe(f'<tr><th scope="row">{first}</th>' + "".join(f"<td>{cell}</td>" for cell in rest) + "</tr>")
            )
        return rows

    def value_inspection_id(self, value, record):
        return record.pk

    def value_url(self, value, record):
        request = getattr(self, "request", None)
        return request.build_absolute_uri(record.get_absolute_url()) if request else record.get_absolute_url()

    def value_round(self, value, record):
        return record.report.round.short_name if record.report.round_id else ""

    def value_score_points(self, value, record):
        return "" if value is None else value

    def value_standards_rated(self, value, record):
        return record.report.framework.standards_per_provider

    def render_provider(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_provider(self, value, record):
        return value

    def render_kind(self, value, record):
        # The abbreviation for the eye, its expansion for a screen reader.
        expansion = record.provider.get_kind_display()
        return format_html(
            '<abbr title="{}"><span aria-hidden="true">{}</span><span class="visually-hidden">{}</span></abbr>',
            expansion,
            record.provider.kind,
            expansion,
        )

    def value_kind(self, value, record):
        return record.provider.kind

    def render_owner(self, value, record):
        return format_html('<a href="{}">{}</a>', record.owner.get_absolute_url(), value)

    def value_owner(self, value, record):
        return value

    def order_owner(self, queryset, is_descending):
        return order_nulls_last(queryset, "owner__name", is_descending)

    def render_published(self, value, record):
        return record.report.when_text

    def value_published(self, value, record):
        return record.report.published_iso or ""

    def order_published(self, queryset, is_descending):
        return order_nulls_last(queryset, "report__published", is_descending)

    def render_total_score(self, value, record):
        if value is None:
            return "—"
        framework = record.report.framework
        if framework.pk not in self.maximum_scores:  # the framework's rules, read once per table
            self.maximum_scores[framework.pk] = framework.maximum_total_score
        maximum = self.maximum_scores[framework.pk]
        rated = framework.standards_per_provider
        if record.ratings_recorded == rated:
            return f"{value} of {maximum}"
        return f"{value} points from {record.ratings_recorded} of {rated} standards"

    def value_total_score(self, value, record):
        return "" if value is None else value

    def order_total_score(self, queryset, is_descending):
        return order_nulls_last(queryset, "total_score", is_descending)

    def render_ratings_recorded(self, value, record):
        return f"{value} of {record.report.framework.standards_per_provider}"

    def value_ratings_recorded(self, value, record):
        return value
