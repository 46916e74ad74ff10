"""Where a value is missing the page says what the record states, and no chart contradicts the text
beside it (the Thames Valley case: a rated undated inspection and a dated one without a rating)."""

import datetime
import json

from django.test import TestCase

from inspections.models import DatePrecision, Inspection, Report
from inspections.rules import Rating
from tests.base import CatalogueMixin

NOTE = "Not published in any source we hold; a blog reports an improvement (Russell Webster, July 2020)"


class ThamesValleyLikeTests(CatalogueMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_catalogue()
        cls.round = cls.make_round(
            "2018-19", "First round of the standards framework", started=datetime.date(2018, 6, 1)
        )
        # The catalogue's 2019 report becomes the undated, rated one; a later one has no rating.
        Report.objects.filter(pk=cls.report.pk).update(published=None, published_precision="", round=cls.round)
        Inspection.objects.filter(pk=cls.inspection.pk).update(overall_rating=Rating.REQUIRES_IMPROVEMENT)
        later = cls.make_report("cgm-2020", "A second inspection", datetime.date(2020, 1, 21), DatePrecision.DAY)
        cls.unrated = Inspection.objects.create(
            report=later, provider=cls.crc, source=cls.source, overall_rating_note=NOTE
        )

    def provider_page(self):
        return self.client.get(self.crc.get_absolute_url())

    def test_the_timeline_plots_every_inspection_the_page_lists(self):
        chart = self.provider_page().context["charts"]["overall-over-time"]
        markers = chart.figure["data"][-1]
        self.assertEqual(len(markers["x"]), 2)
        self.assertEqual(list(markers["y"]), [Rating.REQUIRES_IMPROVEMENT, -1])
        self.assertEqual(chart.rows[0], ["date not stated, 2018-19 round", "Requires improvement"])
        self.assertEqual(chart.rows[1], ["21 January 2020", NOTE])

    def test_the_summary_never_says_no_rating_is_recorded_when_one_is(self):
        chart = self.provider_page().context["charts"]["overall-over-time"]
        self.assertNotIn("No overall rating is recorded", chart.summary)
        self.assertIn("date not stated, 2018-19 round: Requires improvement", chart.summary)
        self.assertIn("21 January 2020: no overall rating (Not published in any source we hold", chart.summary)

    def test_the_chart_title_names_the_provider(self):
        chart = self.provider_page().context["charts"]["overall-over-time"]
        self.assertIn(self.crc.name, chart.title)

    def test_the_provider_page_says_date_not_stated_with_the_round_and_the_note(self):
        response = self.provider_page()
        self.assertContains(response, "date not stated, 2018-19 round")
        self.assertContains(response, NOTE)
        self.assertNotContains(response, "published not stated")
        # The undated inspection is listed before the 2020 one: its round places it in 2018.
        inspections = response.context["inspections"]
        self.assertEqual([i.pk for i in inspections], [self.inspection.pk, self.unrated.pk])

    def test_the_undated_inspection_page_names_its_round(self):
        response = self.client.get(self.inspection.get_absolute_url())
        self.assertContains(response, "inspection date not stated, 2018-19 round")
        self.assertContains(response, self.round.get_absolute_url())

    def test_the_unrated_inspection_page_says_what_the_record_states(self):
        response = self.client.get(self.unrated.get_absolute_url())
        self.assertContains(response, NOTE)

    def test_without_a_note_the_page_says_no_source_states_it(self):
        Inspection.objects.filter(pk=self.unrated.pk).update(overall_rating_note="")
        response = self.client.get(self.unrated.get_absolute_url())
        self.assertContains(response, "Not published in any source we hold")
        chart = self.provider_page().context["charts"]["overall-over-time"]
        self.assertIn("no overall rating in any source we hold", chart.summary)

    def test_the_league_table_says_date_not_stated_with_the_round(self):
        response = self.client.get("/", {"scope": "all"})
        self.assertContains(response, "date not stated, 2018-19 round")

    def test_the_figure_is_valid_json(self):
        chart = self.provider_page().context["charts"]["overall-over-time"]
        json.dumps(chart.figure)
