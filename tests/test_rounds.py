"""Inspection rounds: our tally beside the inspectorate's totals, said in words where they differ."""

from collections import Counter

from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from inspections.models import Inspection, Provider, ProviderKind, Report
from inspections.rounds import RoundTally, compare_with_published
from inspections.rules import Rating
from tests.base import CatalogueMixin

PUBLISHED = {"CRC": {"Outstanding": 0, "Good": 3, "Requires improvement": 6, "Inadequate": 0}}


class FakeInspection:
    def __init__(self, name, kind, rating, note=""):
        self.provider = type("P", (), {"kind": kind})()
        self.overall_rating, self.overall_rating_note, self.name = rating, note, name

    def __str__(self):
        return self.name


class CompareWithPublishedTests(SimpleTestCase):
    def tally(self, ratings, unrated=()):
        inspections = [FakeInspection(f"CRC {n}", "CRC", rating) for n, rating in enumerate(ratings)]
        inspections += [FakeInspection(name, "CRC", None, note) for name, note in unrated]
        return RoundTally.of(inspections)

    def test_a_tally_that_matches_the_published_totals_has_no_gaps(self):
        tally = self.tally([Rating.GOOD] * 3 + [Rating.REQUIRES_IMPROVEMENT] * 6)
        self.assertEqual(compare_with_published(PUBLISHED, {"CRC": 9}, tally), [])

    def test_each_difference_is_said_in_words(self):
        tally = self.tally(
            [Rating.GOOD] + [Rating.REQUIRES_IMPROVEMENT] * 6,
            unrated=[("Thames Valley CRC (January 2020)", ""), ("Hampshire CRC (July 2020)", "Not given: cut short")],
        )
        gaps = compare_with_published(PUBLISHED, {"CRC": 10}, tally)
        self.assertEqual(
            gaps,
            [
                "The inspectorate counts 10 CRCs inspected in this round; our data holds 9, so 1 is not in our data.",
                "The inspectorate rated 3 CRCs Good; our data records 1.",
                "Thames Valley CRC (January 2020): no overall rating recorded (no source we hold states it).",
                "Hampshire CRC (July 2020): no overall rating recorded (Not given: cut short).",
            ],
        )

    def test_kinds_are_counted_apart(self):
        tally = RoundTally.of([FakeInspection("NPS", "NPS", Rating.GOOD), FakeInspection("CRC", "CRC", Rating.GOOD)])
        self.assertEqual(tally.held, Counter({"CRC": 1, "NPS": 1}))
        gaps = compare_with_published({"NPS": {"Good": 1}}, {"NPS": 1}, tally)
        self.assertEqual(gaps, [])


class RoundPageTests(CatalogueMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_catalogue()
        cls.round = cls.make_round(
            "2019-20",
            "Second round",
            expected_inspections={"CRC": 2},
            published_totals={"CRC": {"Good": 2}},
            totals_source=cls.source,
            totals_quote="two CRCs rated Good",
        )
        Report.objects.filter(pk=cls.report.pk).update(round=cls.round)
        Inspection.objects.filter(pk=cls.inspection.pk).update(overall_rating=Rating.GOOD)

    def add_inspection(self, number, rating=Rating.GOOD):
        provider = Provider.objects.create(slug=f"crc-{number}", name=f"CRC {number}", kind=ProviderKind.CRC)
        report = self.make_report(f"r-{number}", "R", None, "", round=self.round)
        return Inspection.objects.create(report=report, provider=provider, source=self.source, overall_rating=rating)

    def test_the_round_page_says_what_is_missing_and_lists_each_inspection(self):
        response = self.client.get(reverse("dashboard:round", args=["2019-20"]))
        self.assertContains(response, "our data holds 1, so 1 is not in our data.")
        self.assertContains(response, "The inspectorate rated 2 CRCs Good; our data records 1.")
        self.assertContains(response, self.inspection.get_absolute_url())
        self.assertContains(response, "two CRCs rated Good")

    def test_a_complete_round_says_it_reproduces_the_totals(self):
        self.add_inspection(2)
        response = self.client.get(reverse("dashboard:round", args=["2019-20"]))
        self.assertContains(response, "Our data reproduces the inspectorate's totals for this round.")

    def test_an_unknown_round_is_404(self):
        self.assertEqual(self.client.get("/rounds/no-such-round/").status_code, 404)

    def test_the_league_table_filters_by_round(self):
        outside = self.add_inspection(3)
        Report.objects.filter(pk=outside.report_id).update(round=None)
        response = self.client.get(reverse("dashboard:home"), {"round": "2019-20"})
        self.assertEqual([row.record.pk for row in response.context["table"].rows], [self.inspection.pk])
        self.assertEqual(self.client.get(reverse("dashboard:home"), {"round": "nope"}).status_code, 400)

    def test_round_pages_make_a_fixed_number_of_queries(self):
        pages = {reverse("dashboard:rounds"): 3, reverse("dashboard:round", args=["2019-20"]): 6}
        for url, queries in pages.items():
            with self.assertNumQueries(queries):
                self.client.get(url)
        for number in range(4, 8):
            self.add_inspection(number)
        for url, queries in pages.items():
            with self.assertNumQueries(queries):
                self.client.get(url)
