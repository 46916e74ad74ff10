"""Guards on machinery no page shows: every data table bumps the data version, and the SQL total
score is the rule's total score."""

from django.apps import apps
from django.db import connection
from django.test import TestCase

from inspections import rules
from inspections.models import Inspection, StandardRating
from inspections.rules import Rating
from tests.base import CatalogueMixin

# Tables that are not data: the counter itself, the search index and the inspections' standings
# the triggers rebuild, and the loader's record of what the bundle last wrote.
NOT_DATA = {
    "inspections_dataversion",
    "inspections_searchentry",
    "inspections_inspectionstanding",
    "inspections_bundlebaseline",
}


class DataVersionTriggerTests(TestCase):
    def test_every_data_table_bumps_the_data_version(self):
        tables = set()
        for model in apps.get_app_config("inspections").get_models(include_auto_created=True):
            tables.add(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = 'bump_data_version' AND NOT t.tgisinternal"
            )
            with_trigger = {row[0] for row in cursor.fetchall()}
        missing = sorted(tables - NOT_DATA - with_trigger)
        self.assertEqual(missing, [], "add the bump_data_version trigger in a migration (see 0003_data_version)")


class TotalScoreTests(CatalogueMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_catalogue()

    def test_the_sql_total_score_is_the_rules_total_score(self):
        rule_set = self.framework.rule_set()
        standards = self.inspection.applicable_standards()
        patterns = [
            [],
            [Rating.OUTSTANDING],
            [Rating.GOOD, Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT],
            [Rating.OUTSTANDING] * 10,
            [Rating.INADEQUATE, None, Rating.GOOD, None, Rating.OUTSTANDING],
        ]
        for pattern in patterns:
            with self.subTest(pattern=pattern):
                StandardRating.objects.filter(inspection=self.inspection).delete()
                StandardRating.objects.bulk_create(
                    StandardRating(inspection=self.inspection, standard=standard, rating=rating, source=self.source)
                    for standard, rating in zip(standards, pattern, strict=False)
                    if rating is not None
                )
                row = Inspection.objects.with_total_score().get(pk=self.inspection.pk)
                expected = rules.total_score(pattern, rule_set)
                self.assertEqual(row.ratings_recorded, expected.counted)
                self.assertEqual(row.total_score, expected.total if expected.counted else None)

    def test_the_maximum_comes_from_the_frameworks_points(self):
        self.assertEqual(self.framework.maximum_total_score, 30)
        self.framework.rating_points = {**self.framework.rating_points, "Outstanding": 4}
        self.assertEqual(self.framework.maximum_total_score, 40)
