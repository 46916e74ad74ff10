"""A load or an import rebuilds each report's search entries once, at its end (migration 0011):
the entries are those a rebuild of every report gives, and a failed load leaves every later
statement rebuilding its report at once, as outside a load."""

from django.db import connection, transaction
from django.test import SimpleTestCase, TestCase

from inspections.loader import BundledDataError, load_bundled_data, search_rebuilt_once
from inspections.models import Finding, SearchEntry
from tests.base import edited_test_bundle, load_test_bundle

FIELDS = [
    "kind", "source_id", "report_id", "inspection_id", "link_inspection_id", "provider_id", "owner_id",
    "standard_id", "framework_id", "year", "heading", "body",
]  # fmt: skip


def entries():
    return sorted(SearchEntry.objects.values_list(*FIELDS), key=lambda row: (row[0], row[1]))


def rebuild_every_report():
    with connection.cursor() as cursor:
        cursor.execute("SELECT inspections_search_refresh(array(SELECT id FROM inspections_report))")


def deferred():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('inspections.search_deferred', true)")
        return cursor.fetchone()[0] == "on"


class SearchRebuiltOnceTests(TestCase):
    def test_a_load_leaves_the_entries_a_rebuild_of_every_report_gives(self):
        load_test_bundle()
        loaded = entries()
        self.assertGreater(len({row[0] for row in loaded}), 3)  # findings, recommendations, tables, ...
        self.assertFalse(deferred())
        rebuild_every_report()
        self.assertEqual(entries(), loaded)

    def test_an_edit_after_a_load_is_searchable_at_once(self):
        load_test_bundle()
        finding = Finding.objects.order_by("pk").first()
        finding.text = "Zygomorphic caseloads were found."
        finding.save()
        self.assertEqual(SearchEntry.objects.get(kind="finding", source_id=finding.pk).body, finding.text)

    def test_a_failed_load_leaves_statements_rebuilding_their_report_at_once(self):
        load_test_bundle()
        with (
            edited_test_bundle(
                "essex-crc-2018-10",
                lambda text: text.replace('overall = "Requires improvement"', 'overall = "Excellent"'),
            ) as data_dir,
            self.assertRaises(BundledDataError),
        ):
            load_bundled_data(data_dir)
        self.assertFalse(deferred())
        finding = Finding.objects.order_by("pk").last()
        Finding.objects.filter(pk=finding.pk).update(text="Zygomorphic caseloads were found.")
        self.assertEqual(
            SearchEntry.objects.get(kind="finding", source_id=finding.pk).body, "Zygomorphic caseloads were found."
        )

    def test_inside_it_waits_and_on_leaving_it_rebuilds(self):
        load_test_bundle()
        finding = Finding.objects.order_by("pk").first()
        with transaction.atomic(), search_rebuilt_once():
            Finding.objects.filter(pk=finding.pk).update(text="Zygomorphic caseloads were found.")
            waiting = SearchEntry.objects.get(kind="finding", source_id=finding.pk).body
        self.assertNotEqual(waiting, "Zygomorphic caseloads were found.")
        self.assertEqual(
            SearchEntry.objects.get(kind="finding", source_id=finding.pk).body, "Zygomorphic caseloads were found."
        )
        self.assertFalse(deferred())


class OutsideATransactionTests(SimpleTestCase):
    def test_it_refuses_to_wait_outside_a_transaction(self):
        # Outside a transaction each statement would commit with its rebuild still waiting.
        with self.assertRaises(RuntimeError), search_rebuilt_once():
            pass  # pragma: no cover
