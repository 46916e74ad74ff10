"""Every public page: status, key content, a fixed query budget, exports and bad input."""

import csv
import datetime
import io
import json
from unittest import mock

from django.test import TestCase
from django.urls import reverse

from dashboard import views
from inspections.models import (
    DatePrecision,
    Inspection,
    Provider,
    ProviderKind,
    Report,
    Standard,
    StandardRating,
    rating_column_name,
)
from inspections.rules import Rating
from tests.base import load_test_bundle


class PageTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.cgm = Inspection.objects.get(provider__slug="cheshire-greater-manchester-crc", report__published__year=2019)
        cls.cgm_qi = Inspection.objects.get(
            provider__slug="cheshire-greater-manchester-crc", report__published__year=2017
        )
        cls.west_yorkshire = Inspection.objects.get(provider__slug="west-yorkshire-crc", report__published__year=2020)

    def add_inspections(self, count):
        """More providers and inspections, each with ratings, scores-free, to show budgets are fixed."""
        framework = self.cgm.report.framework
        standards = list(framework.standards.filter(applies_to__in=["", "CRC"]))
        for number in range(count):
            provider = Provider.objects.create(
                slug=f"extra-{number}", name=f"Extra CRC {number}", kind=ProviderKind.CRC
            )
            report = Report.objects.create(
                slug=f"extra-{number}",
                title=f"Extra {number}",
                framework=framework,
                published=datetime.date(2019, 1 + number % 12, 1),
                published_precision=DatePrecision.MONTH,
                document=self.cgm.source,
            )
            inspection = Inspection.objects.create(
                report=report,
                provider=provider,
                overall_rating=Rating.GOOD,
                source=self.cgm.source,
                owner=self.cgm.owner,
            )
            StandardRating.objects.bulk_create(
                StandardRating(inspection=inspection, standard=standard, rating=Rating.GOOD, source=self.cgm.source)
                for standard in standards
            )

    def assertFixedQueries(self, url, expected, cached=True):
        """`expected` queries to render (one of them reads the data version), one to serve it again
        from the page cache, and the same again after more data is added."""
        with self.assertNumQueries(expected):
            self.assertEqual(self.client.get(url).status_code, 200)
        with self.assertNumQueries(1 if cached else expected):
            self.assertEqual(self.client.get(url).status_code, 200)
        self.add_inspections(3)
        with self.assertNumQueries(expected):
            self.assertEqual(self.client.get(url).status_code, 200)


class HomePageTests(PageTestCase):
    def test_the_league_table_lists_the_latest_inspection_of_every_rated_provider(self):
        response = self.client.get(reverse("dashboard:home"))
        self.assertContains(response, "League table")
        self.assertEqual(len(response.context["table"].rows), 12)
        self.assertContains(response, "Cheshire &amp; Greater Manchester CRC")
        self.assertContains(response, '<span class="rating rating-none">not recorded</span>', html=True)

    def test_headers_name_each_standard_and_the_overall_rating_comes_second(self):
        response = self.client.get(reverse("dashboard:home"))
        self.assertContains(
            response,
            '<span class="standard-code">2.2</span> <span class="standard-name">Planning</span>',
            html=True,
        )
        self.assertContains(response, '<span class="visually-hidden">Community Rehabilitation Company</span>')
        names = [column.name for column in response.context["table"].columns]
        self.assertEqual(names[:2], ["provider", "overall"])

    def test_completeness_is_stated(self):
        response = self.client.get(reverse("dashboard:home"))
        rows = response.context["table"].rows
        recorded = sum(row.record.ratings_recorded for row in rows)
        self.assertContains(response, f"<strong>{recorded} of {10 * len(rows)}</strong>", html=True)
        self.assertContains(response, "how editors add the rest")

    def test_all_inspections_toggle_shows_earlier_inspections_too(self):
        response = self.client.get(reverse("dashboard:home"), {"scope": "all"})
        self.assertEqual(len(response.context["table"].rows), 18)

    def test_filters_narrow_the_table(self):
        response = self.client.get(reverse("dashboard:home"), {"kind": "NPS", "rating": "good"})
        names = {row.record.provider.name for row in response.context["table"].rows}
        self.assertEqual(names, {"NPS North West"})  # fmt: skip
        response = self.client.get(
            reverse("dashboard:home"), {"scope": "all", "owner": "purple-futures", "year": "2019"}
        )
        self.assertEqual({row.record.provider.slug for row in response.context["table"].rows},
                         {"cheshire-greater-manchester-crc", "hampshire-isle-of-wight-crc", "humberside-lincolnshire-north-yorkshire-crc"})  # fmt: skip

    def test_every_column_sorts_both_ways_with_unrecorded_values_last(self):
        columns = {
            "provider": lambda record: record.provider.name,
            "kind": lambda record: record.provider.kind,
            "owner": lambda record: record.owner.name if record.owner else None,
            "published": lambda record: record.report.published,
            "overall": lambda record: record.overall_rating,
            "rating_2_2": lambda record: record.rating_2_2,
            "total_score": lambda record: record.total_score,
            "ratings_recorded": lambda record: record.ratings_recorded,
        }
        for column, value_of in columns.items():
            for order in (column, f"-{column}"):
                with self.subTest(order=order):
                    response = self.client.get(reverse("dashboard:home"), {"sort": order, "scope": "all"})
                    self.assertEqual(response.status_code, 200)
                    values = [value_of(row.record) for row in response.context["table"].rows]
                    recorded = [value for value in values if value is not None]
                    self.assertGreater(len(set(recorded)), 1, "the test data must tell orders apart")
                    self.assertEqual(values[: len(recorded)], sorted(recorded, reverse=order.startswith("-")))
                    self.assertTrue(all(value is None for value in values[len(recorded) :]))

    def test_the_pages_rows_carry_each_standards_rating_as_the_sorted_table_does(self):
        for query in ({"scope": "all"}, {"scope": "all", "sort": "-rating_2_2"}, {"sort": "-total_score"}):
            with self.subTest(query=query):
                table = self.client.get(reverse("dashboard:home"), query).context["table"]
                names = [rating_column_name(standard.code) for standard in table.standards]
                rows = {
                    inspection.pk: [getattr(inspection, name) for name in names]
                    for inspection in Inspection.objects.for_league_table(table.standards)
                }
                records = table.page_records()
                self.assertEqual([r.pk for r in records], [row.record.pk for row in table.rows])
                for record in records:
                    self.assertEqual([getattr(record, name) for name in names], rows[record.pk])
                self.assertTrue(any(value is not None for record in records for value in rows[record.pk]))

    def test_malformed_filters_are_a_400_naming_the_problem(self):
        for params in (
            {"kind": "XX"},
            {"owner": "nobody"},
            {"year": "20x9"},
            {"rating": "excellent"},
            {"scope": "some"},
        ):
            with self.subTest(params=params):
                response = self.client.get(reverse("dashboard:home"), params)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "Select a valid choice", status_code=400)

    def test_an_unknown_export_format_is_a_400(self):
        response = self.client.get(reverse("dashboard:home"), {"_export": "xls"})
        self.assertEqual(response.status_code, 400)

    def test_csv_export_matches_the_database(self):
        response = self.client.get(reverse("dashboard:home"), {"_export": "csv", "scope": "all"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        self.assertEqual(len(rows), Inspection.objects.rated().count())
        cgm = next(
            row
            for row in rows
            if row["Provider"] == "Cheshire & Greater Manchester CRC" and row["Published"] == "2019-04-03"
        )
        self.assertEqual(cgm["Overall rating"], "Requires improvement")
        self.assertEqual(cgm["2.2 Planning"], "Inadequate")
        self.assertEqual(cgm["3.1 Court reports and case allocation"], "not applicable")
        self.assertEqual(cgm["Score points (our computation)"], "10")
        self.assertEqual(cgm["Inspection id"], str(self.cgm.pk))
        self.assertEqual(cgm["URL"], "http://testserver" + self.cgm.get_absolute_url())
        self.assertEqual(cgm["Published date precision"], self.cgm.report.published_precision)
        self.assertEqual(cgm["Source document"], self.cgm.report.document.title)
        self.assertEqual(cgm["Source document URL"], self.cgm.report.document.url)
        self.assertEqual(cgm["Standards the framework rates"], "10")
        counted = StandardRating.objects.filter(inspection=self.cgm, rating__isnull=False).count()
        self.assertEqual(cgm["Standards counted in the score"], str(counted))
        self.assertNotIn("Score (our computation)", cgm)
        for rating in StandardRating.objects.filter(
            inspection__report__framework__slug="standards-2018"
        ).select_related("inspection__provider", "standard"):
            exported = next(
                row
                for row in rows
                if row["Provider"] == rating.inspection.provider.name
                and row["Published"]
                == (rating.inspection.report.published and self.partial(rating.inspection.report) or "")
            )
            self.assertEqual(exported[str(rating.standard)], Rating(rating.rating).label)

    @staticmethod
    def partial(report):
        return report.published_iso

    def test_json_export_holds_every_row_of_the_filtered_table(self):
        response = self.client.get(reverse("dashboard:home"), {"_export": "json", "kind": "NPS"})
        data = json.loads(response.content)
        table = self.client.get(reverse("dashboard:home"), {"kind": "NPS"}).context["table"]
        self.assertEqual([row["Provider"] for row in data], [row.record.provider.name for row in table.rows])
        self.assertTrue(all(row["Kind"] == "NPS" for row in data))

    def test_the_distribution_chart_has_a_summary_and_a_data_table(self):
        response = self.client.get(reverse("dashboard:home"))
        chart = response.context["charts"]["ratings-by-standard"]
        self.assertEqual(len(chart.rows), 12)
        self.assertContains(response, 'data-figure-id="figure-ratings-by-standard"')
        self.assertContains(response, 'id="figure-ratings-by-standard" type="application/json"')
        self.assertContains(response, chart.summary)
        self.assertNotContains(response, "<script>")  # no inline executable script

    def test_query_budget_is_fixed(self):
        # version, standards, the national summary (two: its completeness is the unfiltered
        # table's, and the paginator is given that count), four filter choices, the page of rows
        self.assertFixedQueries(reverse("dashboard:home"), 9)

    def test_all_inspections_query_budget_is_fixed(self):
        # + their completeness (one: the standings hold each inspection's ratings recorded), which
        # is the paginator's count
        self.assertFixedQueries(reverse("dashboard:home") + "?scope=all&sort=-total_score", 10)
        # the national summary is kept for the data version: another order or page reuses it
        with self.assertNumQueries(7):
            self.client.get(reverse("dashboard:home") + "?sort=-total_score")

    def test_filtered_query_budget_is_fixed(self):
        # + the filtered inspections' completeness (one), which is the paginator's count
        self.assertFixedQueries(reverse("dashboard:home") + "?kind=CRC&sort=-total_score", 10)

    def test_completeness_and_pages_agree_with_the_rows_under_every_filter(self):
        queries = ({}, {"scope": "all"}, {"kind": "NPS"}, {"scope": "all", "per_page": "5"}, {"rating": "good"})
        for query in queries:
            with self.subTest(query=query):
                response = self.client.get(reverse("dashboard:home"), query)
                table = response.context["table"]
                inspections = [row.record for row in table.rows]
                completeness = response.context["completeness"]
                self.assertEqual(completeness["inspections"], len(inspections))
                self.assertEqual(table.paginator.count, len(inspections))
                self.assertEqual(completeness["recorded"], sum(i.ratings_recorded for i in inspections))
                self.assertEqual(
                    completeness["possible"], sum(i.report.framework.standards_per_provider for i in inspections)
                )

    def test_export_query_budget_is_fixed(self):
        self.assertFixedQueries(reverse("dashboard:home") + "?_export=csv&scope=all", 4, cached=False)


class ProviderPageTests(PageTestCase):
    def test_owner_area_inspections_and_timeline(self):
        response = self.client.get(reverse("dashboard:provider", args=["cheshire-greater-manchester-crc"]))
        self.assertContains(response, "Purple Futures")
        self.assertContains(response, self.cgm.get_absolute_url())
        self.assertContains(response, self.cgm_qi.get_absolute_url())
        self.assertIn("overall-over-time", response.context["charts"])
        self.assertIn("facts-over-time", response.context["charts"])
        self.assertContains(response, "The performance figure" if False else "England and Wales")

    def test_ownership_periods_are_shown(self):
        response = self.client.get(reverse("dashboard:provider", args=["wales-crc"]))
        self.assertContains(response, "Working Links")
        self.assertContains(response, "Feb 2015 to Feb 2019")
        self.assertContains(response, "Seetec")

    def test_unknown_provider_is_a_404(self):
        self.assertEqual(self.client.get("/providers/no-such-crc/").status_code, 404)

    def test_query_budget_is_fixed(self):
        self.assertFixedQueries(reverse("dashboard:provider", args=["cheshire-greater-manchester-crc"]), 13)


class InspectionPageTests(PageTestCase):
    def test_the_summary_of_ratings_links_down_to_each_standard(self):
        response = self.client.get(self.cgm.get_absolute_url())
        for code in ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "4.1", "4.2"):
            self.assertContains(response, reverse("dashboard:inspection_standard", args=[self.cgm.pk, code]))
        self.assertNotContains(response, reverse("dashboard:inspection_standard", args=[self.cgm.pk, "3.1"]))
        self.assertContains(response, "Our computation, not the inspectorate's judgement")
        self.assertContains(response, "score 10 of 30 points")

    def test_the_sunburst_links_each_standard(self):
        chart = self.client.get(self.cgm.get_absolute_url()).context["charts"]["drilldown"]
        self.assertIn(
            reverse("dashboard:inspection_standard", args=[self.cgm.pk, "2.2"]), chart.figure["data"][0]["customdata"]
        )

    def test_facts_recommendations_findings_and_citation(self):
        response = self.client.get(self.cgm.get_absolute_url())
        self.assertContains(response, "The performance figure for all England and Wales" if False else "79%")
        self.assertContains(response, "Purple Futures should:")
        self.assertContains(response, "Strength")
        self.assertContains(
            response, "HM Inspectorate of Probation (2019). An inspection of Cheshire and Greater Manchester"
        )
        self.assertIn("facts-against-national", response.context["charts"])

    def test_a_quality_and_impact_inspection_shows_judgements_scores_and_tables(self):
        response = self.client.get(self.cgm_qi.get_absolute_url())
        self.assertContains(response, "Overall, performance fell short of our expectations")
        self.assertContains(response, "Table 2: Volumes of average cases held")
        self.assertIn("case-sample-scores", response.context["charts"])
        self.assertContains(response, "About the CRC and the NPS together")

    def test_unknown_inspection_is_a_404(self):
        self.assertEqual(self.client.get("/inspections/999999/").status_code, 404)
        self.assertEqual(self.client.get("/inspections/abc/").status_code, 404)

    def test_query_budget_is_fixed(self):
        # 15: the page lists its corrections (one query, added on purpose).
        self.assertFixedQueries(self.cgm.get_absolute_url(), 15)


class InspectionStandardPageTests(PageTestCase):
    def test_planning_shows_rating_rule_findings_and_citation(self):
        url = reverse("dashboard:inspection_standard", args=[self.cgm.pk, "2.2"])
        response = self.client.get(url)
        self.assertContains(response, "Inadequate")
        self.assertContains(response, "Summary of ratings, p.7")
        self.assertContains(response, "0 of 3 scores are recorded")
        self.assertContains(response, "Does planning focus sufficiently on keeping other people safe?")
        self.assertContains(response, "Section 2.2 Planning")
        self.assertContains(response, 'aria-label="Breadcrumb"')

    def test_the_rule_reason_names_the_deciding_key_question_when_scores_exist(self):
        qi_url = reverse("dashboard:inspection_standard", args=[self.cgm_qi.pk, "RR"])
        response = self.client.get(qi_url)
        self.assertIn("key-question-scores", response.context["charts"])
        self.assertContains(response, "Attitudes to offending")

    def test_a_discretion_note_is_shown(self):
        response = self.client.get(reverse("dashboard:inspection_standard", args=[self.west_yorkshire.pk, "1.1"]))
        self.assertContains(response, "Despite the domain two scores for case supervision being rated as")

    def test_unknown_or_inapplicable_standard_is_a_404(self):
        for code in ("9.9", "3.1"):
            with self.subTest(code=code):
                url = reverse("dashboard:inspection_standard", args=[self.cgm.pk, code])
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_query_budget_is_fixed(self):
        self.assertFixedQueries(reverse("dashboard:inspection_standard", args=[self.cgm.pk, "2.2"]), 12)


class StandardPageTests(PageTestCase):
    def test_distribution_ranking_and_links_down(self):
        response = self.client.get(reverse("dashboard:standard", args=["standards-2018", "2.2"]))
        self.assertContains(response, "Ranking")
        self.assertContains(response, "our computation")
        self.assertContains(response, reverse("dashboard:inspection_standard", args=[self.cgm.pk, "2.2"]))
        ranking = response.context["ranking"]
        rated = [row["rating"] for row in ranking if row["rating"] is not None]
        self.assertEqual(rated, sorted(rated, reverse=True))

    def test_key_question_scores_side_by_side(self):
        response = self.client.get(reverse("dashboard:standard", args=["quality-impact-2016", "RR"]))
        chart = response.context["charts"]["key-question-scores"]
        self.assertEqual(len(chart.rows), 2)

    def test_unknown_standard_is_a_404(self):
        self.assertEqual(self.client.get("/standards/standards-2018/7.7/").status_code, 404)
        self.assertEqual(self.client.get("/standards/nope/2.2/").status_code, 404)

    def test_standards_index(self):
        self.assertContains(self.client.get(reverse("dashboard:standards")), "2.2 Planning")

    def test_query_budget_is_fixed(self):
        self.assertFixedQueries(reverse("dashboard:standard", args=["standards-2018", "2.2"]), 9)

    def test_the_joined_ranking_orders_as_the_subquery_ranking_does(self):
        self.add_inspections(5)
        for standard in Standard.objects.prefetch_related("key_questions"):
            with self.subTest(standard=str(standard)):
                inspections = Inspection.objects.filter(report__framework=standard.framework).rated_on(standard)
                joined = inspections.ranked_on(standard).values_list("pk", "standard_rating", "lowest_score")
                by_subqueries = inspections.with_standard_rank(standard)
                expected = by_subqueries.values_list("pk", "standard_rating", "lowest_score")
                self.assertEqual(list(joined), list(expected))

    def test_the_ranking_is_paginated_in_the_database(self):
        self.add_inspections(60)
        url = reverse("dashboard:standard", args=["standards-2018", "2.2"])
        total = Inspection.objects.filter(report__framework=self.cgm.report.framework, provider__kind="CRC").count() + (
            Inspection.objects.filter(report__framework=self.cgm.report.framework, provider__kind="NPS").count()
        )
        first = self.client.get(url)
        self.assertEqual(len(first.context["ranking"]), 50)
        self.assertContains(first, f"Page 1 of {-(-total // 50)} ({total} inspections)")
        second = self.client.get(url, {"page": 2})
        self.assertEqual(len(second.context["ranking"]), total - 50)
        names = [row["inspection"].pk for row in first.context["ranking"] + second.context["ranking"]]
        self.assertEqual(len(set(names)), total)
        ratings = [row["rating"] for row in first.context["ranking"] + second.context["ranking"]]
        recorded = [r for r in ratings if r is not None]
        self.assertEqual(recorded, sorted(recorded, reverse=True))
        self.assertTrue(all(r is None for r in ratings[len(recorded) :]))
        self.assertEqual(self.client.get(url, {"page": 99}).status_code, 404)


class OwnerPageTests(PageTestCase):
    def test_owner_groups_are_compared(self):
        response = self.client.get(reverse("dashboard:owners"))
        self.assertContains(response, "Purple Futures")
        self.assertIn("owner-comparison", response.context["charts"])

    def test_an_owner_page_lists_its_providers_and_ratings(self):
        response = self.client.get(reverse("dashboard:owner", args=["purple-futures"]))
        for name in ("Merseyside CRC", "West Yorkshire CRC", "Hampshire &amp; Isle of Wight CRC"):
            self.assertContains(response, name)

    def test_unknown_owner_is_a_404(self):
        self.assertEqual(self.client.get("/owners/nobody/").status_code, 404)

    def test_query_budgets_are_fixed(self):
        self.assertFixedQueries(reverse("dashboard:owners"), 4)

    def test_owner_query_budget_is_fixed(self):
        # 6: the owner, and for each of its two paginated lists a count and a page.
        self.assertFixedQueries(reverse("dashboard:owner", args=["purple-futures"]), 6)

    def test_an_owners_lists_are_paginated(self):
        url = reverse("dashboard:owner", args=["purple-futures"])
        with mock.patch.object(views, "OWNER_ROWS_PER_PAGE", 1):
            first = self.client.get(url)
            self.assertEqual(len(first.context["inspections"].object_list), 1)
            self.assertEqual(len(first.context["ownerships"].object_list), 1)
            self.assertContains(first, "?page=2")
            self.assertContains(first, "?providers_page=2")
            second = self.client.get(url + "?page=2")
            self.assertEqual(second.status_code, 200)
            self.assertNotEqual(
                second.context["inspections"].object_list[0].pk, first.context["inspections"].object_list[0].pk
            )

    def test_a_page_of_an_owner_that_does_not_exist_is_a_404(self):
        url = reverse("dashboard:owner", args=["purple-futures"])
        for query in ("page=0", "page=999", "page=abc", "providers_page=-1", "page=1.5"):
            with self.subTest(query=query):
                self.assertEqual(self.client.get(f"{url}?{query}").status_code, 404)


class EmbedTests(PageTestCase):
    def test_a_chart_renders_alone_with_its_source_and_a_link_back(self):
        response = self.client.get(reverse("dashboard:home"), {"embed": "ratings-by-standard"})
        self.assertContains(response, "See the full page and every source")
        self.assertContains(response, "Source:")
        self.assertNotIn("X-Frame-Options", response.headers)

    def test_pages_offer_the_iframe_snippet_and_refuse_framing_themselves(self):
        response = self.client.get(reverse("dashboard:home"))
        self.assertContains(response, "embed=ratings-by-standard")
        self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_an_unknown_chart_is_a_404(self):
        self.assertEqual(self.client.get(reverse("dashboard:home"), {"embed": "nope"}).status_code, 404)


class AboutPageTests(PageTestCase):
    def test_about_explains_completeness_rules_and_editing(self):
        response = self.client.get(reverse("dashboard:about"))
        self.assertContains(response, "How editors add the rest")
        self.assertContains(response, "our computation")


class QuickSelectTests(PageTestCase):
    def test_the_filters_selects_are_what_djangos_templates_write(self):
        from django import forms

        from dashboard.filters import LeagueTableFilter

        for query in ({}, {"kind": "CRC", "owner": "purple-futures", "scope": "all"}, {"kind": "XYZ", "year": "1900"}):
            form = LeagueTableFilter(query, queryset=Inspection.objects.rated()).form
            form.is_valid()
            for bound in form:
                with self.subTest(query=query, field=bound.name):
                    quick = str(bound)
                    bound.field.widget.__class__ = forms.Select
                    self.assertEqual(quick, str(bound))
                    self.assertIn("<option", quick)
