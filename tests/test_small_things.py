"""The small things that cost trust: an API root, API paths with a slash, a providers page, one
date range, plurals, and a way to compare from an inspection or provider page."""

from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from dashboard import views
from inspections.models import Inspection, Standard
from tests.base import load_test_bundle


class SmallThingsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.cgm = Inspection.objects.get(provider__slug="cheshire-greater-manchester-crc", report__published__year=2019)

    def test_the_api_root_lists_the_endpoints_and_the_schema(self):
        response = self.client.get("/api/v1/")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["schema_url"], "http://testserver/api/v1/schema/")
        self.assertEqual(body["docs_url"], "http://testserver/api/v1/docs/")
        paths = [endpoint["path"] for endpoint in body["endpoints"]]
        self.assertIn("http://testserver/api/v1/inspections", paths)
        for path in paths:
            self.assertEqual(self.client.get(path).status_code, 200, path)

    def test_api_paths_tolerate_a_trailing_slash(self):
        response = self.client.get("/api/v1/inspections/?page_size=2")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "/api/v1/inspections?page_size=2")
        followed = self.client.get("/api/v1/inspections/", {"page_size": 2}, follow=True)
        self.assertEqual(len(followed.json()["results"]), 2)
        provider = self.client.get("/api/v1/providers/cheshire-greater-manchester-crc/", follow=True)
        self.assertEqual(provider.json()["slug"], "cheshire-greater-manchester-crc")
        self.assertEqual(self.client.get("/api/v1/no-such-thing/").status_code, 404)

    def test_the_providers_page_lists_providers_by_kind_and_owner(self):
        response = self.client.get("/providers/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Community Rehabilitation Companies (")
        self.assertContains(response, "National Probation Service divisions (")
        self.assertContains(response, reverse("dashboard:provider", args=["cheshire-greater-manchester-crc"]))
        self.assertContains(response, reverse("dashboard:owner", args=["purple-futures"]))
        self.assertNotContains(response, "Companys")

    def test_the_providers_page_makes_a_fixed_number_of_queries(self):
        # The data version, the count per kind, the paginator's count, a page of providers, their ownerships.
        with self.assertNumQueries(5):
            self.client.get("/providers/")

    def test_the_providers_page_is_paginated(self):
        with mock.patch.object(views, "PROVIDERS_PER_PAGE", 2):
            first = self.client.get("/providers/")
            self.assertEqual(len(first.context["page"].object_list), 2)
            self.assertContains(first, "?page=2")
            self.assertContains(first, "Community Rehabilitation Companies (")
            self.assertEqual(self.client.get("/providers/?page=2").status_code, 200)
        for query in ("page=0", "page=99999", "page=x"):
            with self.subTest(query=query):
                self.assertEqual(self.client.get(f"/providers/?{query}").status_code, 404)

    def test_no_page_says_companys(self):
        standard = Standard.objects.filter(applies_to="CRC").select_related("framework").first()
        response = self.client.get(reverse("dashboard:standard", args=[standard.framework.slug, standard.code]))
        self.assertContains(response, "Community Rehabilitation Companies only")
        self.assertNotContains(response, "Companys")

    def test_one_date_range_everywhere(self):
        readme = (Path(settings.BASE_DIR) / "README.md").read_text()
        self.assertIn("2016-2021", readme)
        self.assertNotIn("2014-2021", readme)
        home = self.client.get("/").content.decode()
        self.assertIn("2016-2021", home)  # the header
        self.assertIn("from 2016 to 2021", home)
        self.assertNotIn("2018 to 2021", home)

    def test_inspection_and_provider_pages_offer_compare_with(self):
        link = f"/compare/?with={self.cgm.pk}"
        self.assertContains(self.client.get(self.cgm.get_absolute_url()), link)
        self.assertContains(self.client.get(self.cgm.provider.get_absolute_url()), link)
        chooser = self.client.get(link)
        self.assertEqual(chooser.status_code, 200)
        self.assertContains(chooser, f'<input type="hidden" name="inspection" value="{self.cgm.pk}">', html=True)

    def test_the_citation_links_to_the_source_document(self):
        inspection = Inspection.objects.exclude(report__document__url="").select_related("report__document").first()
        document = inspection.report.document
        response = self.client.get(inspection.get_absolute_url())
        self.assertContains(response, f'Source document: <a href="{document.url}">')
