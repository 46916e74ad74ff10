"""The page cache is never stale: every write bumps the data version that keys it."""

from unittest import mock

from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard.caching import PageCache, data_version
from inspections.models import DataVersion, Inspection, StandardRating
from inspections.rules import Rating
from tests.base import admin_form_data, cgm_2019, load_test_bundle


class CacheInvalidationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.inspection = cgm_2019()
        cls.other = Inspection.objects.get(provider__slug="west-yorkshire-crc", report__published__year=2020)
        cls.editor = User.objects.create_user("editor", password="a long editor password", is_staff=True)
        cls.editor.groups.add(Group.objects.get(name="Editors"))

    def pages_showing_planning(self):
        return [
            reverse("dashboard:home"),
            reverse("dashboard:home") + "?scope=all",
            reverse("dashboard:provider", args=["cheshire-greater-manchester-crc"]),
            self.inspection.get_absolute_url(),
            reverse("dashboard:inspection_standard", args=[self.inspection.pk, "2.2"]),
            reverse("dashboard:standard", args=["standards-2018", "2.2"]),
            reverse("dashboard:compare") + f"?inspection={self.inspection.pk}&inspection={self.other.pk}",
        ]

    def test_an_admin_edit_is_served_at_once_by_every_page_that_shows_it(self):
        for url in self.pages_showing_planning():
            self.client.get(url)  # fill the cache
        self.client.force_login(self.editor)
        change_url = reverse("admin:inspections_inspection_change", args=[self.inspection.pk])
        data = admin_form_data(self.client.get(change_url))
        planning = StandardRating.objects.get(inspection=self.inspection, standard__code="2.2")
        prefix = next(
            key[: -len("-id")]
            for key, value in data.items()
            if key.startswith("ratings-") and key.endswith("-id") and str(value) == str(planning.pk)
        )
        self.assertEqual(data[f"{prefix}-rating"], Rating.INADEQUATE)
        data[f"{prefix}-rating"] = Rating.OUTSTANDING
        data["change_reason"] = "Test: the report's p.7 gives Outstanding."
        version = DataVersion.current()[0]
        response = self.client.post(change_url, data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertGreater(DataVersion.current()[0], version)
        self.client.logout()
        for url in self.pages_showing_planning():
            with self.subTest(url=url):
                page = self.client.get(url).content.decode()
                self.assertIn("Outstanding", page)

    def test_revalidation_answers_304_until_the_data_changes(self):
        url = self.inspection.get_absolute_url()
        first = self.client.get(url)
        self.assertEqual(first["Cache-Control"], "public, no-cache")
        with self.assertNumQueries(1):
            self.assertEqual(self.client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code, 304)
        Inspection.objects.filter(pk=self.inspection.pk).update(notes="changed")
        self.assertEqual(self.client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code, 200)

    def test_errors_are_not_cached(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.assertEqual(self.client.get("/?kind=XX").status_code, 400)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get("/?kind=XX").status_code, 400)
        self.assertGreater(len(queries), 1)  # rendered again, not served from the cache


class VersionReuseTests(TestCase):
    """In production a process reuses the data version for DATA_VERSION_SECONDS, so a hit runs no
    query; the tests elsewhere read it on every view (DATA_VERSION_SECONDS=0)."""

    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.inspection = Inspection.objects.get(
            provider__slug="cheshire-greater-manchester-crc", report__published__year=2019
        )

    def setUp(self):
        data_version.forget()
        self.addCleanup(data_version.forget)

    def test_a_cache_hit_runs_no_query_while_the_version_is_fresh(self):
        url = self.inspection.get_absolute_url()
        with self.settings(DATA_VERSION_SECONDS=60):
            first = self.client.get(url)
            with self.assertNumQueries(0):
                again = self.client.get(url)
            self.assertEqual(again.content, first.content)
            with self.assertNumQueries(0):
                self.assertEqual(self.client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code, 304)

    def test_the_version_is_read_again_once_the_period_is_over(self):
        url = self.inspection.get_absolute_url()
        with self.settings(DATA_VERSION_SECONDS=60):
            self.client.get(url)
            Inspection.objects.filter(pk=self.inspection.pk).update(notes="changed elsewhere")
            self.client.get(url)
            # Still the version read a moment ago: another process's write shows within the period.
            self.assertEqual(data_version.current()[0], data_version.value[0])
            self.assertLess(data_version.value[0], DataVersion.current()[0])
            data_version.read_at -= 61
            with self.assertNumQueries(1):
                data_version.current()
            self.assertEqual(data_version.value[0], DataVersion.current()[0])

    def test_a_committed_save_in_this_process_is_seen_at_once(self):
        url = self.inspection.get_absolute_url()
        with self.settings(DATA_VERSION_SECONDS=60):
            self.client.get(url)
            with self.captureOnCommitCallbacks(execute=True):
                self.inspection.notes = "an editor's note"
                self.inspection.save()
            self.assertIsNone(data_version.value)
            with self.assertNumQueries(1):
                data_version.current()
            self.assertEqual(data_version.value[0], DataVersion.current()[0])

    def test_the_national_distribution_is_computed_once_per_data_version(self):
        with CaptureQueriesContext(connection) as first:
            home = self.client.get(reverse("dashboard:home"))
        with CaptureQueriesContext(connection) as other_order:
            by_date = self.client.get(reverse("dashboard:home") + "?sort=-published")
        self.assertEqual(len(other_order), len(first) - 2)  # its two queries not run again
        self.assertEqual(by_date.context["charts"], home.context["charts"])
        planning = StandardRating.objects.filter(inspection=self.inspection, standard__code="2.2")
        planning.update(rating=Rating.OUTSTANDING)
        with CaptureQueriesContext(connection) as after_a_change:
            changed = self.client.get(reverse("dashboard:home") + "?sort=provider")
        self.assertEqual(len(after_a_change), len(first))
        self.assertNotEqual(changed.context["charts"], home.context["charts"])


class PageMemoryTests(TestCase):
    """Each process keeps the pages it served last in front of the shared cache, within a byte limit."""

    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.inspection = cgm_2019()

    def setUp(self):
        memory = self.settings(PAGE_MEMORY_BYTES=1_000_000)
        memory.enable()
        self.addCleanup(memory.disable)

    def test_a_page_served_again_comes_from_memory_without_the_shared_cache(self):
        url = self.inspection.get_absolute_url()
        first = self.client.get(url)
        with mock.patch.object(cache, "get", wraps=cache.get) as shared_get:
            self.assertEqual(self.client.get(url).content, first.content)
        shared_get.assert_not_called()

    def test_a_data_change_is_served_at_once_though_the_old_page_is_in_memory(self):
        url = self.inspection.get_absolute_url()
        self.assertContains(self.client.get(url), "Requires improvement")
        Inspection.objects.filter(pk=self.inspection.pk).update(overall_rating=Rating.OUTSTANDING)
        self.assertContains(self.client.get(url), "Outstanding")

    def test_memory_keeps_the_most_recent_pages_within_its_limit(self):
        memory = PageCache()
        page = (b"x" * 400, "text/html", {})
        with self.settings(PAGE_MEMORY_BYTES=1000):
            for key in ("page:a", "page:b", "page:c"):
                memory.remember(key, page)
            memory.remembered("page:b")  # used again: kept before "page:c"
            memory.remember("page:d", page)
            memory.remember("page:too big", (b"x" * 1001, "text/html", {}))
        self.assertEqual(list(memory.memory), ["page:b", "page:d"])
        self.assertEqual(memory.memory_bytes, 800)
