"""The admin's inspection pages make a fixed number of queries, whatever the inspection holds."""

from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Fact, Finding, Inspection, KeyQuestionScore, Metric, Recommendation, StandardRating
from inspections.rules import Rating
from tests.base import CatalogueMixin

# 18 to render, and 6 for the fingerprint that refuses a save made on a stale page (tests/test_lost_update.py)
CHANGE_PAGE_QUERIES = 24
CHANGELIST_QUERIES = 10


class AdminQueryBudgetTests(CatalogueMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_catalogue()
        cls.editor = User.objects.create_user("editor", password="a long editor password", is_staff=True)
        cls.editor.groups.add(Group.objects.get(name="Editors"))
        cls.metric = Metric.objects.create(slug="people", name="Individuals supervised", unit="people")

    def setUp(self):
        self.client.force_login(self.editor)

    def fill(self, inspection, ratings):
        """Give `inspection` `ratings` standard ratings with key-question scores, facts and findings."""
        for standard in inspection.applicable_standards()[:ratings]:
            StandardRating.objects.get_or_create(
                inspection=inspection, standard=standard, defaults={"rating": Rating.GOOD, "source": self.source}
            )
            for question in standard.key_questions.all():
                KeyQuestionScore.objects.get_or_create(
                    inspection=inspection, key_question=question, defaults={"percent": 70, "source": self.source}
                )
            Finding.objects.create(
                inspection=inspection, report=inspection.report, kind=Finding.Kind.STRENGTH, standard=standard,
                text=f"Strength in {standard.name}", source=self.source,
            )  # fmt: skip
            Fact.objects.create(
                inspection=inspection, metric=self.metric, label=f"People ({standard.code})", value_text="100",
                source=self.source,
            )  # fmt: skip
            recommendation = Recommendation.objects.create(
                inspection=inspection, report=inspection.report, number=Recommendation.objects.count() + 1,
                addressee="The CRC", text=f"Improve {standard.name}", source=self.source,
            )  # fmt: skip
            recommendation.standards.add(standard)

    def count_queries(self, url):
        self.client.get(url)  # the first request of a process also fills the content-type cache
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_inspection_change_page_makes_a_fixed_number_of_queries(self):
        url = reverse("admin:inspections_inspection_change", args=[self.inspection.pk])
        self.fill(self.inspection, 2)
        few = self.count_queries(url)
        self.fill(self.inspection, 10)
        many = self.count_queries(url)
        self.assertEqual((few, many), (CHANGE_PAGE_QUERIES, CHANGE_PAGE_QUERIES))

    def test_the_inspection_changelist_makes_a_fixed_number_of_queries(self):
        url = reverse("admin:inspections_inspection_changelist")
        few = self.count_queries(url)
        for number in range(5):
            Inspection.objects.create(
                report=self.report, provider=self.nps, source=self.source
            ) if number == 0 else None
        self.fill(self.inspection, 10)
        many = self.count_queries(url)
        self.assertEqual((few, many), (CHANGELIST_QUERIES, CHANGELIST_QUERIES))
