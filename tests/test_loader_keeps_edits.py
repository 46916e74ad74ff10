"""The database is the record once it is live: a load brings in a newer bundle's values but keeps a
value an editor or an import changed since, reports it, and keeps every row's id."""

import threading
from pathlib import Path

from django.db import connection
from django.test import TestCase, TransactionTestCase

from inspections.loader import load_bundled_data
from inspections.models import Finding, Inspection, StandardRating
from inspections.rules import Rating
from tests.base import TEST_BUNDLE, edited_test_bundle, load_test_bundle

MODELS = (StandardRating, Finding)


def ids():
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS}


def edit_rating_and_finding():
    inspection = Inspection.objects.get(report__slug="west-yorkshire-crc-2020-03")
    rating = inspection.ratings.get(standard__code="2.1")
    rating.rating = Rating.REQUIRES_IMPROVEMENT
    rating.save()
    finding = inspection.findings.order_by("position").first()
    finding.text = "An editor's correction of this finding."
    finding.save()
    return rating.pk, finding.pk


class KeepsEditsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_edits_survive_two_loads_every_row_keeps_its_id_and_the_load_says_so(self):
        rating_id, finding_id = edit_rating_and_finding()
        before = ids()
        for _ in range(2):
            report = []
            load_test_bundle_with_report = load_bundled_data(TEST_BUNDLE, report=report)
            self.assertEqual(load_test_bundle_with_report["kept (changed since the last load)"], 2)
            self.assertTrue(any("rating kept as changed since the last load" in line for line in report))
            self.assertTrue(any("text kept as changed since the last load" in line for line in report))
        self.assertEqual(StandardRating.objects.get(pk=rating_id).rating, Rating.REQUIRES_IMPROVEMENT)
        self.assertEqual(Finding.objects.get(pk=finding_id).text, "An editor's correction of this finding.")
        self.assertEqual(ids(), before)

    def test_a_newer_bundle_value_arrives_where_nobody_changed_it_and_a_clash_is_a_conflict(self):
        rating_id, _ = edit_rating_and_finding()

        def correct_two_ratings(text):
            # The bundle corrects 2.2 (nobody touched it) and 2.1 (an editor did): one arrives, one clashes.
            text = text.replace('standard = "2.2"\nrating = "Inadequate"', 'standard = "2.2"\nrating = "Good"')
            return text.replace('standard = "2.1"\nrating = "Inadequate"', 'standard = "2.1"\nrating = "Outstanding"')

        with edited_test_bundle("west-yorkshire-crc-2020-03", correct_two_ratings) as data_dir:
            report = []
            counts = load_bundled_data(data_dir, report=report)
        inspection = Inspection.objects.get(report__slug="west-yorkshire-crc-2020-03")
        self.assertEqual(inspection.ratings.get(standard__code="2.2").rating, Rating.GOOD)
        self.assertEqual(StandardRating.objects.get(pk=rating_id).rating, Rating.REQUIRES_IMPROVEMENT)
        self.assertEqual(counts["conflicts"], 1)
        self.assertIn("the file says '3', the database holds '1'", report[0])

    def test_a_row_the_bundle_drops_goes_only_if_nobody_changed_it(self):
        inspection = Inspection.objects.get(report__slug="west-yorkshire-crc-2020-03")
        *_, untouched, edited = inspection.findings.order_by("position")
        Finding.objects.filter(pk=edited.pk).update(text="Reworded by an editor.")

        def drop_the_last_two_findings(text):
            return "[[inspections.findings]]".join(text.split("[[inspections.findings]]")[:-2])

        with edited_test_bundle("west-yorkshire-crc-2020-03", drop_the_last_two_findings) as data_dir:
            load_bundled_data(data_dir)
        remaining = set(inspection.findings.values_list("pk", flat=True))
        self.assertNotIn(untouched.pk, remaining)
        self.assertIn(edited.pk, remaining)


class ConcurrentLoadTests(TransactionTestCase):
    serialized_rollback = False

    def test_two_loads_at_once_take_turns_and_keep_the_edits(self):
        load_test_bundle()
        rating_id, finding_id = edit_rating_and_finding()
        before = ids()
        self.assertEqual(run_twice_at_once(lambda: load_bundled_data(TEST_BUNDLE)), [])
        self.assertEqual(ids(), before)
        self.assertEqual(StandardRating.objects.get(pk=rating_id).rating, Rating.REQUIRES_IMPROVEMENT)


class ConcurrentImportTests(TransactionTestCase):
    serialized_rollback = False

    def test_the_same_text_imported_twice_at_once_writes_it_once_and_refuses_the_second(self):
        from django.conf import settings

        from inspections.models import Fact
        from inspections.report_import import build_plan, write
        from inspections.report_parser import ReportImportError

        load_test_bundle()
        path = (
            Path(settings.BASE_DIR) / "tests" / "fixtures" / "corpus" / "A" / "west-yorkshire-crc-2020-03--news--2.txt"
        )
        before = Fact.objects.count()
        written, refused = [], []
        # Both imports are prepared against the same state before either writes, as two editors
        # confirming one preview, or two commands started together, would be.
        both_prepared = threading.Barrier(2)

        def import_text():
            try:
                plan = build_plan(
                    path.read_bytes(), path.name, "west-yorkshire-crc", report_slug="west-yorkshire-crc-2020-03"
                )
                both_prepared.wait(timeout=30)
                written.append(write(plan, path.name))
            except ReportImportError as error:
                refused.append(str(error))

        self.assertEqual(run_twice_at_once(import_text), [])
        self.assertEqual((len(written), len(refused)), (1, 1))
        self.assertIn("changed after this import was prepared", refused[0])
        self.assertIn("nothing was written", refused[0])
        self.assertEqual(Fact.objects.count() - before, 1)


def run_twice_at_once(work):
    """Run `work` in two threads at the same time; returns the exceptions they raised."""
    errors = []

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
