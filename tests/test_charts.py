"""Chart figures: built in Python, plain (no template), with a summary and a data table."""

import json
from decimal import Decimal
from types import SimpleNamespace

from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from plotly import graph_objects as go

from dashboard import charts
from inspections.models import Inspection, KeyQuestionScore
from inspections.rules import Rating
from tests.base import RULES_2018, load_test_bundle


def score(code, text, percent):
    return SimpleNamespace(
        key_question=SimpleNamespace(code=code, text=text), percent=Decimal(percent), cases_total=None
    )


class KeyQuestionChartTests(SimpleTestCase):
    scores = [score("2.2.1", "Engaging?", "72"), score("2.2.3", "Keeping others safe?", "38")]

    def test_band_lines_come_from_the_framework(self):
        chart = charts.key_question_scores("kq", "Planning", self.scores, "CGM", bands=RULES_2018["key_question_bands"])
        self.assertEqual([shape["x0"] for shape in chart.figure["layout"]["shapes"]], [50, 65, 80])
        self.assertIn("Requires improvement from 50%", chart.note)

    def test_a_framework_without_rules_draws_no_bands(self):
        chart = charts.key_question_scores("kq", "Reducing reoffending", self.scores, "CGM", bands=[])
        self.assertNotIn("shapes", chart.figure["layout"])
        self.assertEqual(chart.note, "")

    def test_the_summary_names_the_lowest_key_question(self):
        chart = charts.key_question_scores("kq", "Planning", self.scores, "CGM")
        self.assertEqual(chart.summary, "CGM: the lowest of 2 key-question scores is 38% ('Keeping others safe?').")
        self.assertEqual(chart.rows[1], ["Keeping others safe?", "38%", "not stated"])

    def test_figures_carry_no_template(self):
        chart = charts.key_question_scores("kq", "Planning", self.scores, "CGM")
        self.assertNotIn("template", chart.figure["layout"])


class DistributionChartTests(SimpleTestCase):
    def test_unrecorded_ratings_are_counted_as_not_recorded(self):
        standards = [SimpleNamespace(code="1.1", name="Leadership"), SimpleNamespace(code="2.2", name="Planning")]
        counts = {("1.1", Rating.GOOD): 3, ("2.2", Rating.INADEQUATE): 2}
        chart = charts.rating_distribution("d", "Ratings", standards, counts, {"1.1": 10, "2.2": 10}, "10 providers")
        self.assertEqual(chart.rows[0], ["1.1 Leadership", 0, 3, 0, 0, 7])
        self.assertEqual(chart.rows[1], ["2.2 Planning", 0, 0, 0, 2, 8])
        self.assertEqual(
            chart.summary, "Across 10 providers, 5 of 20 standard ratings are recorded; 2 of them are Inadequate."
        )
        not_recorded = chart.figure["data"][-1]
        self.assertEqual(not_recorded["name"], "not recorded")


class LabelTests(SimpleTestCase):
    def test_long_labels_wrap(self):
        self.assertEqual(
            charts.wrap_label("National Probation Service (public sector)"),
            "National Probation<br>Service (public<br>sector)",
        )


class PlotlyValidatesEveryFigureTests(TestCase):
    """Figures are built as plain data, not plotly objects (too slow for every cold page); plotly's
    own validation runs here instead, on every kind of figure the pages draw, so a misspelt or
    misplaced property fails this test. It also checks plotly would write the figure unchanged."""

    def test_every_kind_of_figure_is_valid_plotly(self):
        load_test_bundle()
        first = Inspection.objects.get(provider__slug="cheshire-greater-manchester-crc", report__published__year=2019)
        second = Inspection.objects.get(provider__slug="west-yorkshire-crc", report__published__year=2020)
        score = KeyQuestionScore.objects.select_related("inspection", "key_question__standard__framework").first()
        scored, standard = score.inspection, score.key_question.standard
        pages = [
            reverse("dashboard:home"),
            reverse("dashboard:owners"),
            reverse("dashboard:provider", args=["cheshire-greater-manchester-crc"]),
            first.get_absolute_url(),
            scored.get_absolute_url(),
            reverse("dashboard:inspection_standard", args=[scored.pk, standard.code]),
            reverse("dashboard:standard", args=[standard.framework.slug, standard.code]),
            reverse("dashboard:standard", args=["standards-2018", "2.2"]),
            reverse("dashboard:compare") + f"?inspection={first.pk}&inspection={second.pk}",
        ]
        built = [charts.compare_scores([scored])]  # compare takes only rated inspections, and none has scores here
        for url in pages:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            built += response.context["charts"].values()
        seen = set()
        for chart in built:
            with self.subTest(chart=chart.id):
                validated = go.Figure(chart.figure).to_plotly_json()  # raises on an invalid property
                validated["layout"].pop("template", None)
                self.assertEqual(json.loads(json.dumps(validated)), json.loads(json.dumps(chart.figure)))
                seen.add(chart.id)
        self.assertEqual(
            seen,
            {
                "ratings-by-standard",
                "owner-comparison",
                "overall-over-time",
                "facts-over-time",
                "drilldown",
                "facts-against-national",
                "case-sample-scores",
                "key-question-scores",
                "rating-distribution",
                "compare-ratings",
                "compare-scores",
            },
        )

    def test_an_invalid_property_fails_validation(self):
        figure = charts.figure([charts.trace("bar", x=[1], colour="#000000")], {})
        with self.assertRaises(ValueError):
            go.Figure(figure)
