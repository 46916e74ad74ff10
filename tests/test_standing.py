"""Each inspection's standing (latest of its provider, score, standards counted) is kept by the
database's triggers, and always equals what the querysets computed per request before it existed:
after inserts, updates and deletes of ratings, reports, inspections and frameworks, by the loader,
the admin, the ORM or raw SQL."""

import datetime

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Sum, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.test import TestCase

from inspections.loader import load_bundled_data
from inspections.models import (
    DatePrecision,
    Framework,
    Inspection,
    InspectionStanding,
    Provider,
    Report,
    StandardRating,
)
from inspections.rules import Rating
from tests.base import EditorTestCase, edited_test_bundle, load_test_bundle


def computed_standings():
    """{inspection id: (latest, score, standards counted)}, by the querysets' rules as they were
    computed per request (a DISTINCT ON for the latest; points summed in a subquery)."""
    latest = set(
        Inspection.objects.rated()
        .order_by("provider_id", F("report__published").desc(nulls_last=True), "-id")
        .distinct("provider_id")
        .values_list("pk", flat=True)
    )
    points = Case(
        *(
            When(
                rating=rating.value,
                then=Cast(KeyTextTransform(rating.label, OuterRef("report__framework__rating_points")), IntegerField()),
            )
            for rating in Rating
        )
    )
    recorded = (
        StandardRating.objects.filter(inspection=OuterRef("pk"), rating__isnull=False).order_by().values("inspection")
    )
    rows = Inspection.objects.annotate(
        computed_score=Subquery(recorded.annotate(total=Sum(points)).values("total")),
        computed_recorded=Coalesce(Subquery(recorded.annotate(n=Count("pk")).values("n")), 0),
    ).values_list("pk", "computed_score", "computed_recorded")
    return {pk: (pk in latest, score, counted) for pk, score, counted in rows}


def stored_standings():
    return {
        row.inspection_id: (row.is_latest, row.total_score, row.ratings_recorded)
        for row in InspectionStanding.objects.all()
    }


class StandingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def assertStandingsComputed(self):
        computed = computed_standings()
        self.assertEqual(stored_standings(), computed)
        return computed

    def cgm(self, year):
        return Inspection.objects.get(provider__slug="cheshire-greater-manchester-crc", report__published__year=year)

    def test_the_loaded_bundle_has_every_standing_right(self):
        computed = self.assertStandingsComputed()
        self.assertTrue(computed[self.cgm(2019).pk][0])
        self.assertFalse(computed[self.cgm(2017).pk][0])  # Quality & Impact: never the latest
        self.assertEqual(computed[self.cgm(2019).pk][2], 10)

    def test_ratings_inserted_updated_and_deleted(self):
        inspection = self.cgm(2019)
        StandardRating.objects.filter(inspection=inspection, standard__code="2.2").update(rating=Rating.OUTSTANDING)
        self.assertStandingsComputed()
        StandardRating.objects.filter(inspection=inspection, standard__code__startswith="1.").delete()
        self.assertStandingsComputed()
        StandardRating.objects.filter(inspection=inspection).update(rating=None, judgement="In words")
        self.assertEqual(stored_standings()[inspection.pk], (True, None, 0))
        standard = inspection.report.framework.standards.get(code="1.1")
        StandardRating.objects.create(
            inspection=inspection, standard=standard, rating=Rating.GOOD, source=inspection.source
        )
        self.assertEqual(stored_standings()[inspection.pk], (True, 2, 1))
        self.assertStandingsComputed()

    def test_a_reports_date_decides_which_inspection_is_latest(self):
        earlier = Inspection.objects.get(provider__slug="merseyside-crc", report__published__year=2018)
        later = Inspection.objects.get(provider__slug="merseyside-crc", report__published__year=2020)
        self.assertEqual((stored_standings()[earlier.pk][0], stored_standings()[later.pk][0]), (False, True))
        Report.objects.filter(pk=earlier.report_id).update(published=datetime.date(2021, 1, 1))
        self.assertEqual((stored_standings()[earlier.pk][0], stored_standings()[later.pk][0]), (True, False))
        self.assertStandingsComputed()
        Report.objects.filter(pk=earlier.report_id).update(published=None, published_precision="")
        self.assertStandingsComputed()  # undated sorts last: the 2020 one is latest again
        self.assertTrue(stored_standings()[later.pk][0])

    def test_inspections_inserted_moved_and_deleted(self):
        current = self.cgm(2019)
        report = Report.objects.create(
            slug="cgm-2021",
            title="A later inspection",
            framework=current.report.framework,
            published=datetime.date(2021, 3, 1),
            published_precision=DatePrecision.MONTH,
            document=current.report.document,
        )
        newer = Inspection.objects.create(report=report, provider=current.provider, source=current.source)
        self.assertEqual(stored_standings()[newer.pk], (True, None, 0))
        self.assertFalse(stored_standings()[current.pk][0])
        self.assertStandingsComputed()
        other = Provider.objects.get(slug="west-yorkshire-crc")
        Inspection.objects.filter(pk=newer.pk).update(provider=other)  # both providers recomputed
        self.assertTrue(stored_standings()[current.pk][0])
        self.assertStandingsComputed()
        Inspection.objects.get(pk=newer.pk).delete()
        self.assertNotIn(newer.pk, stored_standings())
        self.assertStandingsComputed()

    def test_a_frameworks_points_and_rules(self):
        framework = Framework.objects.get(slug=Framework.STANDARDS_2018)
        framework.rating_points = {**framework.rating_points, "Good": 5}
        framework.save()
        self.assertStandingsComputed()
        Framework.objects.filter(pk=framework.pk).update(has_four_point_ratings=False)
        computed = self.assertStandingsComputed()
        self.assertFalse(any(latest for latest, _score, _counted in computed.values()))

    def test_raw_sql(self):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE inspections_standardrating SET rating = 0 WHERE rating = 3")
            cursor.execute("DELETE FROM inspections_standardrating WHERE rating = 1")
        self.assertStandingsComputed()

    def test_the_loader_keeps_them_when_it_changes_a_date_and_a_rating(self):
        def edit(text):
            return text.replace('published = "2018-09-26"', 'published = "2021-01-05"')

        with edited_test_bundle("merseyside-crc-2018-09", edit) as data_dir:
            load_bundled_data(data_dir)
        self.assertTrue(stored_standings()[Inspection.objects.get(report__slug="merseyside-crc-2018-09").pk][0])
        self.assertStandingsComputed()


class AdminEditStandingTests(EditorTestCase):
    def test_an_editors_rating_change_rescores_the_inspection(self):
        before = stored_standings()[self.cgm.pk]
        self.assertEqual(self.post_edit("Report p.7 says Good", planning=Rating.GOOD).status_code, 302)
        after = stored_standings()[self.cgm.pk]
        self.assertEqual(after[1], before[1] + 2)  # Inadequate (0 points) to Good (2)
        self.assertEqual(stored_standings(), computed_standings())
