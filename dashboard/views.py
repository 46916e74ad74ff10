"""Public pages. Views look up, validate and render; rating rules live in inspections/.

Each page makes a fixed number of queries whatever the number of providers or inspections
(pinned in tests/test_pages.py). Any page with charts renders one of them alone with
`?embed=<chart id>` for journalists to embed.
"""

import datetime
from collections import Counter, defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Subquery, Sum, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import strip_tags
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from dashboard import charts
from dashboard.caching import allow_framing, cached_page, once_per_version
from dashboard.filters import LeagueTableFilter
from dashboard.forms import CompareForm, SearchForm, compare_url
from dashboard.tables import CountedPaginator, LeagueTable
from inspections import search
from inspections.citations import cite_chart, cite_inspection
from inspections.datasets import spreadsheet_safe
from inspections.models import (
    Framework,
    Inspection,
    KeyQuestionScore,
    OwnerGroup,
    Ownership,
    Provider,
    ProviderKind,
    Standard,
)

EXPORT_FORMATS = ("csv", "json")
# The league table's pagination parameters: anything else is a 400, never a 500 or a huge page.
MAX_PER_PAGE = 100
MAX_PAGE = 100_000


def render_page(request, template, context, chart_list=(), status=200):
    """Render a page, or one of its charts alone when ?embed=<chart id> asks for it."""
    context["charts"] = {chart.id: chart for chart in chart_list if chart is not None}
    today = datetime.date.today()
    context["chart_citations"] = {
        chart.id: cite_chart(chart.title, chart.source, f"{permalink(request)}#chart-{chart.id}", today)
        for chart in context["charts"].values()
    }
    embed = request.GET.get("embed")
    if embed:
        chart = context["charts"].get(embed)
        if chart is None:
            raise Http404(f"This page has no chart called {embed!r}.")
        response = render(request, "dashboard/embed.html", {"chart": chart, "page_title": context.get("title", "")})
        return allow_framing(response)
    return render(request, template, context, status=status)


def rated_standards():
    return list(
        Standard.objects.filter(framework__has_four_point_ratings=True)
        .select_related("domain")
        .order_by("framework__started", "position")
    )


@cached_page
def home(request):
    standards = rated_standards()
    filterset = LeagueTableFilter(request.GET, queryset=Inspection.objects.rated())
    if not filterset.is_valid():
        return render(
            request,
            "dashboard/home.html",
            {"filter": filterset, "table": None, "standards": standards, "charts": {}, "title": "Invalid filter"},
            status=400,
        )
    for name, largest in (("per_page", MAX_PER_PAGE), ("page", MAX_PAGE)):
        value = request.GET.get(name, "1")
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= largest):
            return HttpResponseBadRequest(
                f"{name} must be a whole number from 1 to {largest}.", content_type="text/plain"
            )
    export_format = request.GET.get("_export")
    if export_format:
        return league_table_export(request, filterset, standards, export_format)

    # The same for every filter, order and page of the table: computed once per data version.
    distribution, latest_completeness = once_per_version(
        request, "national-summary", lambda: national_summary(standards)
    )
    # The unfiltered table of latest inspections is the inspections the national summary counted;
    # any other is counted from its inspections, without the table's per-row subqueries.
    everything_latest = filterset.unfiltered_scope() == "latest"
    completeness = latest_completeness if everything_latest else filterset.qs.completeness()
    table = LeagueTable(filterset.qs.for_league_table(standards), standards=standards)
    # The completeness counted the table's rows: the paginator needs no COUNT of its own.
    paginate = {"per_page": 50, "paginator_class": CountedPaginator, "count": completeness["inspections"]}
    RequestConfig(request, paginate=paginate).configure(table)
    return render_page(
        request,
        "dashboard/home.html",
        {
            "filter": filterset,
            "table": table,
            "standards": standards,
            "completeness": completeness,
            "export_formats": EXPORT_FORMATS,
            "title": "League table",
        },  # fmt: skip
        [distribution],
    )


def league_table_export(request, filterset, standards, export_format):
    if export_format not in EXPORT_FORMATS:
        return HttpResponseBadRequest(
            f"Unknown export format {export_format!r}; use one of: {', '.join(EXPORT_FORMATS)}."
        )
    # The downloads name each row's source document.
    queryset = filterset.qs.for_league_table(standards).select_related("report__document")
    table = LeagueTable(queryset, standards=standards)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return SpreadsheetSafeExport(export_format, table).response(f"crc-league-table.{export_format}")


class SpreadsheetSafeExport(TableExport):
    """django-tables2's export, with CSV cells that a spreadsheet can never run as a formula."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        # Headers may carry markup for the page ("2.2 <span>Planning</span>"): plain words here.
        dataset.headers = [" ".join(strip_tags(str(header)).split()) for header in dataset.headers]
        if self.format == "csv":
            rows = [[spreadsheet_safe(cell) for cell in row] for row in dataset]
            headers = dataset.headers
            dataset.wipe()
            dataset.headers = headers
            dataset.extend(rows)
        return dataset


def national_summary(standards):
    """The rating distribution per standard across the latest inspection of every provider, and
    those inspections' completeness (the unfiltered league table's), from the same two queries."""
    latest = Inspection.objects.latest_per_provider().tally(standards)
    distribution = charts.rating_distribution(
        "ratings-by-standard",
        "England and Wales: ratings by standard at each provider's latest inspection (number of providers)",
        standards,
        latest.ratings,
        latest.applicable,
        f"the latest inspection of {latest.inspections} providers",
    )
    return distribution, latest.completeness()


@cached_page
def provider_detail(request, slug):
    provider = get_object_or_404(Provider.objects.prefetch_related("ownerships__owner"), slug=slug)
    # In time order, an undated inspection placed by its round (Report.sort_date).
    inspections = sorted(
        provider.inspections.with_details().order_by("report__published", "pk").prefetch_related("report__framework"),
        key=lambda inspection: (inspection.report.sort_date, inspection.pk),
    )
    standards = [s for s in rated_standards() if s.applies_to_kind(provider.kind)]
    grid = []
    for inspection in inspections:
        if inspection.report.framework.has_four_point_ratings:
            by_code = {rating.standard.code: rating.rating for rating in inspection.ratings.all()}
            grid.append((inspection, [by_code.get(standard.code) for standard in standards]))
    other_facts = list(provider.facts.filter(inspection=None).select_related("metric", "source"))
    facts = [fact for inspection in inspections for fact in inspection.facts.all()]
    return render_page(
        request,
        "dashboard/provider.html",
        {
            "provider": provider,
            "inspections": inspections,
            "standards": standards,
            "grid": grid,
            "facts": facts,
            "other_facts": other_facts,
            "title": provider.name,
        },  # fmt: skip
        [charts.rating_timeline(provider, inspections), charts.facts_over_time(provider, inspections)],
    )


PROVIDERS_PER_PAGE = 100


@cached_page
def provider_list(request):
    """Providers by kind with their owners and how many inspections we hold, a hundred a page (the
    list grows with the data); each kind's heading counts all of that kind. Four queries."""
    providers = (
        Provider.objects.annotate(inspection_count=Count("inspections"))
        .prefetch_related(Prefetch("ownerships", queryset=Ownership.objects.select_related("owner").order_by("period")))
        .order_by("kind", "name", "pk")
    )
    totals = dict(Provider.objects.order_by().values_list("kind").annotate(n=Count("pk")))
    page, query_without_page = page_of(request, providers, "page", PROVIDERS_PER_PAGE)
    by_kind = defaultdict(list)
    for provider in page.object_list:
        by_kind[provider.kind].append(provider)
    kinds = [(kind, by_kind[kind.value], totals[kind.value]) for kind in ProviderKind if by_kind[kind.value]]
    context = {"kinds": kinds, "page": page, "query_without_page": query_without_page, "title": "Providers"}
    return render(request, "dashboard/providers.html", context)


PROVIDERS_LISTED_PER_OWNER = 12


@cached_page
def owner_list(request):
    """Rating counts per owner in one aggregate, and at most a dozen providers listed per owner
    (the owner's page lists them all), so the page does not grow with the number of providers."""
    latest = Inspection.objects.latest_per_provider()
    counts = defaultdict(Counter)
    for row in latest.order_by().values("owner_id", "overall_rating").annotate(n=Count("pk")):
        counts[row["owner_id"]][row["overall_rating"]] = row["n"]
    listed = defaultdict(list)
    first_few = (
        latest.select_related("provider", "report")
        .annotate(place=Window(RowNumber(), partition_by=F("owner_id"), order_by=F("provider__name").asc()))
        .filter(place__lte=PROVIDERS_LISTED_PER_OWNER)
        .order_by("provider__name")
    )
    for inspection in first_few:
        listed[inspection.owner_id].append(inspection)
    owners = OwnerGroup.objects.filter(pk__in=[pk for pk in counts if pk is not None]).order_by("name")
    rows = [
        {
            "owner": owner,
            "counts": counts[owner.pk],
            "inspections": listed[owner.pk],
            "total": sum(counts[owner.pk].values()),
        }
        for owner in owners
    ]
    unstated = {"inspections": listed[None], "total": sum(counts[None].values())}
    return render_page(
        request,
        "dashboard/owners.html",
        {"rows": rows, "unstated": unstated, "title": "Owner groups"},
        [charts.owner_comparison(rows)],
    )


OWNER_ROWS_PER_PAGE = 50


def page_of(request, rows, parameter, per_page, count=None):
    """One page of `rows` by the query parameter `parameter`; a page that does not exist is a 404.
    Returns the page and the query string without that parameter, for the page links. `count`: the
    number of rows, if counted more cheaply than from `rows`."""
    paginator = Paginator(rows, per_page) if count is None else CountedPaginator(rows, per_page, count)
    page = paginator.get_page(request.GET.get(parameter))
    if request.GET.get(parameter) not in (None, str(page.number)):
        raise Http404("No such page.")
    query = request.GET.copy()
    query.pop(parameter, None)
    return page, query.urlencode()


@cached_page
def owner_detail(request, slug):
    """An owner's providers and its inspections, each list paginated (an owner may have hundreds)."""
    owner = get_object_or_404(OwnerGroup, slug=slug)
    ownerships = owner.ownerships.select_related("provider").order_by("provider__name", "period", "pk")
    inspections = (
        owner.inspections.select_related("provider", "report__framework")
        .order_by("provider__name", "report__published", "pk")
        .annotate(recorded=Count("ratings", distinct=True))
    )
    providers_page, providers_query = page_of(request, ownerships, "providers_page", OWNER_ROWS_PER_PAGE)
    inspections_page, inspections_query = page_of(request, inspections, "page", OWNER_ROWS_PER_PAGE)
    return render(
        request,
        "dashboard/owner.html",
        {
            "owner": owner,
            "ownerships": providers_page,
            "providers_query": providers_query,
            "inspections": inspections_page,
            "inspections_query": inspections_query,
            "title": owner.name,
        },
    )


def load_inspection(pk):
    return get_object_or_404(
        Inspection.objects.with_details().prefetch_related(
            Prefetch(
                "report__framework__standards",
                queryset=Standard.objects.select_related("domain").prefetch_related("key_questions"),
            ),
            Prefetch("recommendations__standards"),
        ),
        pk=pk,
    )


def standards_by_domain(inspection):
    grouped = defaultdict(list)
    for standard in inspection.applicable_standards():
        grouped[standard.domain].append(standard)
    return sorted(grouped.items(), key=lambda item: item[0].position)


@cached_page
def inspection_detail(request, pk):
    inspection = load_inspection(pk)
    framework = inspection.report.framework
    assessment = inspection.rule_assessment()
    ratings = {rating.standard.code: rating for rating in inspection.ratings.all()}
    domains = standards_by_domain(inspection)
    sections = []
    for domain, standards in domains:
        rows = []
        for standard in standards:
            assessed = assessment.standards.get(standard.pk)
            rows.append(
                (
                    standard,
                    ratings.get(standard.code),
                    assessed.derivation if assessed else None,
                    assessed.disagreement if assessed else None,
                )
            )
        sections.append((domain, rows))

    def standard_url(standard):
        return reverse("dashboard:inspection_standard", args=[inspection.pk, standard.code])

    chart_list = [charts.facts_against_comparators(inspection, inspection.facts.all())]
    if framework.has_four_point_ratings:
        chart_list.insert(
            0,
            charts.drilldown_sunburst(
                inspection, domains, {code: r.rating for code, r in ratings.items()}, standard_url
            ),
        )
    scores = list(inspection.scores.all())
    if scores:
        chart_list.append(
            charts.key_question_scores(
                "case-sample-scores",
                inspection.chart_title("case-sample scores"),
                scores,
                inspection.provider.name,
                bands=framework.key_question_bands,
            )
        )
    findings = defaultdict(list)
    for finding in inspection.findings.all():
        findings[finding.domain_id].append(finding)
    joint_findings = inspection.report.findings.filter(inspection=None).select_related("domain", "source")
    recommendations = [*inspection.recommendations.all(), *inspection.report.joint_recommendations]
    return render_page(
        request,
        "dashboard/inspection.html",
        {
            "inspection": inspection,
            "framework": framework,
            "assessment": assessment,
            "sections": sections,
            "findings": findings,
            "joint_findings": joint_findings,
            "recommendations": recommendations,
            "tables": inspection.report.tables.all(),
            "corrections": list(inspection.corrections.order_by("made_at", "id")),
            "citation": citation(request, inspection),
            "title": inspection.heading,
        },
        chart_list,
    )


def permalink(request, url=None):
    return request.build_absolute_uri(url or request.path)


def citation(request, inspection, standard=None, rating=None):
    return cite_inspection(inspection, permalink(request), datetime.date.today(), standard, rating)


@cached_page
def inspection_standard(request, pk, code):
    inspection = load_inspection(pk)
    standard = next((s for s in inspection.report.framework.standards.all() if s.code == code), None)
    if standard is None or not standard.applies_to_kind(inspection.provider.kind):
        raise Http404(f"{inspection.report.framework} has no standard {code!r} for this provider.")
    assessment = inspection.rule_assessment()
    rating = next((r for r in inspection.ratings.all() if r.standard_id == standard.pk), None)
    assessed = assessment.standards.get(standard.pk)
    derived = assessed.derivation if assessed else None
    disagreement = assessed.disagreement if assessed else None
    scores = [score for score in inspection.scores.all() if score.key_question.standard_id == standard.pk]
    findings = [f for f in inspection.findings.all() if f.standard_id == standard.pk]
    domain_findings = [
        f for f in inspection.findings.all() if f.domain_id == standard.domain_id and f.standard_id is None
    ]
    recommendations = [r for r in inspection.recommendations.all() if standard in r.standards.all()]
    facts = [fact for fact in inspection.facts.all() if fact.standard_id == standard.pk]
    chart = None
    if scores:
        chart = charts.key_question_scores(
            "key-question-scores",
            inspection.chart_title(f"{standard.code} {standard.name}, key-question scores"),
            scores,
            f"{inspection.provider.name}, {standard.name}",
            bands=inspection.report.framework.key_question_bands,
        )
    return render_page(
        request,
        "dashboard/inspection_standard.html",
        {
            "inspection": inspection,
            "standard": standard,
            "rating": rating,
            "derived": derived,
            "disagreement": disagreement,
            "scores": scores,
            "expected_questions": list(standard.key_questions.all()),
            "findings": findings,
            "domain_findings": domain_findings,
            "recommendations": recommendations,
            "facts": facts,
            "citation": citation(request, inspection, standard, rating),
            "title": f"{standard.code} {standard.name}: {inspection.provider.name}",
        },
        [chart],
    )


RANKING_PER_PAGE = 50


@cached_page
def standard_detail(request, framework, code):
    standard = get_object_or_404(
        Standard.objects.select_related("framework", "domain").prefetch_related("key_questions"),
        framework__slug=framework,
        code=code,
    )
    # Our ranking, in SQL so that one page costs the same whatever the number of inspections:
    # published rating first, then the lowest key-question score; unrecorded last. Ranked by id
    # alone, then the page's inspections read with what the page shows (a sort of every inspection
    # carrying all of its columns took twice as long at 100 times the data).
    ranked = Inspection.objects.filter(report__framework=standard.framework).rated_on(standard)
    page, query_without_page = page_of(
        request, ranked.ranked_on(standard).values("pk"), "page", RANKING_PER_PAGE, count=ranked.count()
    )
    on_page = list(
        Inspection.objects.filter(pk__in=Subquery(page.object_list))
        .with_listing()
        .with_standard_rank(standard)
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=KeyQuestionScore.objects.filter(key_question__standard=standard).select_related(
                    "key_question"
                ),
                to_attr="standard_scores",
            ),
        )
    )
    latest_ids = Inspection.objects.latest_per_provider().values("pk")
    latest_on_page = set(
        Inspection.objects.filter(pk__in=[i.pk for i in on_page], id__in=latest_ids).values_list("pk", flat=True)
    )
    rows = [
        {"inspection": i, "rating": i.standard_rating, "lowest": i.lowest_score, "latest": i.pk in latest_on_page}
        for i in on_page
    ]
    distribution = None
    if standard.framework.has_four_point_ratings:
        latest = Inspection.objects.latest_per_provider()
        counts = latest.rating_counts([standard])
        latest_total = latest.rated_on(standard).count()
        distribution = charts.rating_distribution(
            "rating-distribution",
            f"{standard.code} {standard.name}: ratings at each provider's latest inspection (number of providers)",
            [standard],
            counts,
            {standard.code: latest_total},
            f"the latest inspection of {latest_total} providers",
        )
    scores = {i: {s.key_question_id: s for s in i.standard_scores} for i in on_page if i.standard_scores}
    return render_page(
        request,
        "dashboard/standard.html",
        {
            "standard": standard,
            "ranking": rows,
            "page": page,
            "query_without_page": query_without_page,
            "title": f"{standard.code} {standard.name}",
        },
        [distribution, charts.standard_scores_dot_plot(standard, scores, bands=standard.framework.key_question_bands)],
    )


@cached_page
def standard_list(request):
    standards = Standard.objects.select_related("framework", "domain").order_by("framework__started", "position")
    frameworks = Framework.objects.order_by("started")
    return render(
        request, "dashboard/standards.html", {"standards": standards, "frameworks": frameworks, "title": "Standards"}
    )


@cached_page
def compare(request):
    """Two to four inspections side by side, chosen by typing part of a name: the page never lists
    every inspection, so it weighs the same at any scale. `?with=<id>` (the "Compare with..."
    links on inspection and provider pages) chooses one, as `?inspection=<id>` does."""
    query = request.GET.copy()
    query.setlist("inspection", query.getlist("inspection") + query.getlist("with"))
    form = CompareForm(query)
    if not form.is_valid():
        return render(request, "dashboard/compare.html", {"form": form, "title": "Compare"}, status=400)
    chosen = form.chosen()
    matches, more_matches = form.matches()
    context = {
        "form": form,
        "chosen": [(i, compare_url([other for other in chosen if other != i])) for i in chosen],
        "matches": [(i, compare_url([*chosen, i])) for i in matches],
        "more_matches": more_matches,
        "title": "Compare",
    }
    if len(chosen) < 2:
        return render_page(request, "dashboard/compare.html", context)
    standards = [s for s in rated_standards() if any(s.applies_to_kind(i.provider.kind) for i in chosen)]
    ratings = {i.pk: {r.standard.code: r.rating for r in i.ratings.all()} for i in chosen}
    context["inspections"] = chosen
    context["rows"] = [(s, [ratings[i.pk].get(s.code) for i in chosen]) for s in standards]
    chart_list = [charts.compare_ratings(chosen, standards, ratings)]
    scored = [i for i in chosen if i.scores.all()]
    if scored:
        chart_list.append(charts.compare_scores(scored))
    return render_page(request, "dashboard/compare.html", context, chart_list)


@cached_page
def accessibility(request):
    return render(request, "dashboard/accessibility.html", {"title": "Accessibility statement"})


@cached_page
def about(request):
    completeness = (
        Inspection.objects.rated()
        .with_total_score()
        .aggregate(
            recorded=Sum("ratings_recorded"),
            possible=Sum("report__framework__standards_per_provider"),
            inspections=Count("pk"),
        )
    )
    return render(request, "dashboard/about.html", {"completeness": completeness, "title": "About the data"})


SEARCH_EXAMPLES = ["home visits", '"domestic abuse" planning', "supervis* -unpaid", "through the gate OR resettlement"]
SEARCH_RESULTS_PER_PAGE = 20


@cached_page
def search_page(request):
    form = SearchForm(request.GET or None)
    context = {"form": form, "examples": SEARCH_EXAMPLES, "title": "Search"}
    if not request.GET:
        return render(request, "dashboard/search.html", context)
    if not form.is_valid():
        return render(request, "dashboard/search.html", context, status=400)
    parsed = search.parse_query(form.cleaned_data["q"])
    context.update(parsed=parsed, title=f"Search: {parsed.text}" if parsed.text else "Search")
    if not parsed.is_searchable:
        return render(request, "dashboard/search.html", context)
    results = search.search(parsed, **form.filters())
    page, query_without_page = page_of(request, results, "page", SEARCH_RESULTS_PER_PAGE)
    sources = search.sources_of(page.object_list)
    for entry in page.object_list:
        entry.headline_html = search.highlighted_phrases(search.snippet(entry.headline, entry.body), parsed.text)
        entry.heading_html = search.highlighted_phrases(search.highlighted(entry.heading_headline), parsed.text)
        entry.passage_source = sources.get((entry.kind, entry.source_id))
    context["name_matches"] = search.name_matches(parsed.text)
    context.update(page=page, searched=True, query_without_page=query_without_page)
    return render(request, "dashboard/search.html", context)
