"""The page cache is never stale: every write bumps the data version that keys it."""

from django.contrib.auth.models import Group, User
from django.test import TestCase
from django.urls import reverse

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
