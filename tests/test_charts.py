"""Chart figures: built in Python, plain (no template), with a summary and a data table."""

from decimal import Decimal
from types import SimpleNamespace

from django.test import SimpleTestCase

from dashboard import charts
from inspections.rules import Rating
from tests.base import RULES_2018


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
