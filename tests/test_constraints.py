"""Each database constraint refuses a violating insert, whatever the application code does."""

import datetime

from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.test import TestCase

from inspections.models import (
    DatePrecision,
    Domain,
    Fact,
    Inspection,
    KeyQuestion,
    KeyQuestionScore,
    Metric,
    Ownership,
    Recommendation,
    Report,
    ReportTable,
    Standard,
    StandardRating,
)
from inspections.rules import Rating
from tests.base import CatalogueMixin


class ConstraintTests(CatalogueMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_catalogue()
        cls.metric = Metric.objects.create(slug="people", name="People supervised", unit="people")
        cls.percent_metric = Metric.objects.create(slug="pct", name="A percentage", unit="%")

    def assertRefused(self, constraint_name, create):
        with self.assertRaisesMessage(IntegrityError, constraint_name), transaction.atomic():
            create()

    def rating(self, **fields):
        values = {"inspection": self.inspection, "standard": self.standard("1.1"), "rating": Rating.GOOD}
        return StandardRating.objects.create(source=self.source, **{**values, **fields})

    def test_one_rating_per_standard_per_inspection(self):
        self.rating()
        self.assertRefused("rating_one_per_standard_per_inspection", self.rating)

    def test_a_rating_is_on_the_four_point_scale(self):
        self.assertRefused("rating_on_scale", lambda: self.rating(rating=4))

    def test_a_rating_row_needs_a_rating_or_a_judgement(self):
        self.assertRefused("rating_or_judgement_given", lambda: self.rating(rating=None, judgement=""))

    def test_overall_rating_is_on_the_scale(self):
        self.inspection.overall_rating = 7
        self.assertRefused("inspection_overall_rating_on_scale", self.inspection.save)

    def test_one_inspection_per_provider_per_report(self):
        self.assertRefused(
            "inspection_one_per_provider_per_report",
            lambda: Inspection.objects.create(report=self.report, provider=self.crc, source=self.source),
        )

    def score(self, percent, **fields):
        question = KeyQuestion.objects.filter(standard__code="2.2").first()
        return KeyQuestionScore.objects.create(
            inspection=self.inspection, key_question=question, percent=percent, source=self.source, **fields
        )

    def test_scores_are_percentages_from_0_to_100(self):
        self.assertRefused("score_percent_0_100", lambda: self.score(100.5))
        self.assertRefused("score_percent_0_100", lambda: self.score(-1))
        self.assertEqual(self.score(0).percent, 0)

    def test_one_score_per_key_question_per_inspection(self):
        self.score(50)
        self.assertRefused("score_one_per_key_question_per_inspection", lambda: self.score(60))

    def test_cases_sufficient_cannot_exceed_cases_inspected(self):
        self.assertRefused("score_cases_within_total", lambda: self.score(50, cases_sufficient=11, cases_total=10))

    def test_publication_cannot_precede_fieldwork(self):
        self.report.fieldwork_start = datetime.date(2019, 6, 1)
        self.report.fieldwork_start_precision = DatePrecision.MONTH
        self.assertRefused("report_published_after_fieldwork", self.report.save)

    def test_a_month_precise_date_is_the_first_of_the_month(self):
        self.report.published = datetime.date(2019, 4, 3)
        self.assertRefused("report_published_month_is_first_day", self.report.save)

    def test_a_date_needs_its_precision(self):
        self.report.published_precision = ""
        self.assertRefused("report_published_precision_set", self.report.save)

    def test_ownership_periods_of_one_provider_do_not_overlap(self):
        Ownership.objects.create(
            provider=self.crc, owner=self.owner, period=DateRange(datetime.date(2015, 2, 1), None, "[)")
        )
        self.assertRefused(
            "ownership_periods_do_not_overlap",
            lambda: Ownership.objects.create(
                provider=self.crc, owner=self.owner, period=DateRange(datetime.date(2019, 2, 1), None, "[)")
            ),
        )

    def test_ownership_periods_of_different_providers_may_overlap(self):
        period = DateRange(datetime.date(2015, 2, 1), None, "[)")
        Ownership.objects.create(provider=self.crc, owner=self.owner, period=period)
        Ownership.objects.create(provider=self.nps, owner=self.owner, period=period)

    def fact(self, **fields):
        values = {"inspection": self.inspection, "metric": self.metric, "label": "People", "value_text": "100"}
        return Fact.objects.create(source=self.source, **{**values, **fields})

    def test_a_fact_belongs_to_an_inspection_a_provider_or_a_named_subject(self):
        self.assertRefused("fact_has_subject", lambda: self.fact(inspection=None))
        self.fact(inspection=None, subject="England & Wales")

    def test_a_number_needs_its_qualifier(self):
        self.assertRefused("fact_number_has_qualifier", lambda: self.fact(value=100, qualifier=""))

    def test_percentage_facts_and_their_comparators_are_0_to_100(self):
        for field in ("value", "national_value", "target_value"):
            with self.subTest(field=field):
                self.assertRefused(
                    "fact_percentages_0_100",
                    lambda field=field: self.fact(unit="%", qualifier="exact", **{field: 101}),
                )

    def test_recommendation_numbers_are_unique_in_a_report_and_start_at_1(self):
        make = lambda number: Recommendation.objects.create(  # noqa: E731
            report=self.report, number=number, addressee="The CRC", text="Do better.", source=self.source
        )
        make(1)
        self.assertRefused("recommendation_number_unique_in_report", lambda: make(1))
        self.assertRefused("recommendation_number_positive", lambda: make(0))

    def test_a_year_precise_date_is_the_first_of_january(self):
        self.report.published, self.report.published_precision = datetime.date(2019, 4, 1), DatePrecision.YEAR
        self.assertRefused("report_published_year_is_first_january", self.report.save)

    def test_an_ownership_period_needs_a_start(self):
        self.assertRefused(
            "ownership_period_has_start",
            lambda: Ownership.objects.create(
                provider=self.crc, owner=self.owner, period=DateRange(None, datetime.date(2019, 2, 1), "[)")
            ),
        )

    def test_a_framework_cannot_end_before_it_starts(self):
        self.framework.ended = datetime.date(2010, 1, 1)
        self.assertRefused("framework_ends_after_start", self.framework.save)

    def test_catalogue_codes_are_unique_within_their_parent(self):
        domain = self.framework.domains.first()
        standard = self.standard("2.2")
        self.assertRefused(
            "domain_code_unique_in_framework",
            lambda: Domain.objects.create(framework=self.framework, code=domain.code, name="Again"),
        )
        self.assertRefused(
            "standard_code_unique_in_framework",
            lambda: Standard.objects.create(framework=self.framework, domain=domain, code="2.2", name="Again"),
        )
        self.assertRefused(
            "key_question_code_unique_in_standard",
            lambda: KeyQuestion.objects.create(standard=standard, code="2.2.1", text="Again?", focus="engaging"),
        )

    def test_table_numbers_are_unique_in_a_report(self):
        make = lambda: ReportTable.objects.create(  # noqa: E731
            report=self.report, number="2", title="Caseloads", columns=["a"], rows=[["1"]], source=self.source
        )
        make()
        self.assertRefused("table_number_unique_in_report", make)

    def test_reports_keep_published_and_fieldwork_optional(self):
        report = Report.objects.create(slug="undated", title="Undated", framework=self.framework, document=self.source)
        self.assertEqual(report.published_text, "date not stated")
