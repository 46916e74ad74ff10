"""The JSON API: every endpoint, filter, ordering, pagination, error bodies, CORS and query counts."""

import datetime

from django.core.cache import cache
from django.db.backends.postgresql.psycopg_any import DateRange
from django.test import TestCase

from inspections.models import Inspection, OwnerGroup, Ownership, Provider, ProviderKind, Standard, StandardRating
from inspections.rules import Rating
from tests.base import CatalogueMixin, load_test_bundle


class ApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.cgm = Inspection.objects.get(provider__slug="cheshire-greater-manchester-crc", report__published__year=2019)

    def get(self, path, status=200, **params):
        response = self.client.get(f"/api/v1/{path}", params)
        self.assertEqual(response.status_code, status, response.content[:500])
        self.assertEqual(response["Content-Type"].split(";")[0], "application/json")
        return response.json()

    def walk(self, path, **params):
        """Every item of a paginated list, following `next` links."""
        items, body = [], self.get(path, **params)
        while True:
            items += body["results"]
            if not body["next"]:
                return items, body
            response = self.client.get(body["next"])
            self.assertEqual(response.status_code, 200)
            body = response.json()

    def test_providers_and_filters(self):
        items, last = self.walk("providers", page_size=5)
        self.assertEqual(len(items), Provider.objects.count())
        self.assertEqual(last["count"], Provider.objects.count())
        self.assertEqual(len({item["slug"] for item in items}), len(items))
        crcs = self.get("providers", kind="CRC", page_size=100)
        self.assertEqual(crcs["count"], Provider.objects.crcs().count())
        purple = self.get("providers", owner="purple-futures", page_size=100)
        self.assertIn("cheshire-greater-manchester-crc", [p["slug"] for p in purple["results"]])

    def test_provider_detail(self):
        body = self.get("providers/cheshire-greater-manchester-crc")
        self.assertEqual(body["short_name"], "CGM")
        self.assertIn(self.cgm.pk, [i["id"] for i in body["inspections"]])
        self.assertTrue(body["ownerships"])
        self.assertTrue(body["url"].endswith("/providers/cheshire-greater-manchester-crc/"))

    def test_owners(self):
        items, _ = self.walk("owners", page_size=3)
        self.assertEqual(len(items), OwnerGroup.objects.count())
        body = self.get("owners/purple-futures")
        self.assertIn("cheshire-greater-manchester-crc", [p["slug"] for p in body["providers"]])
        self.assertEqual(body["provider_count"], len(body["providers"]))
        self.assertTrue(body["providers_url"].endswith("/api/v1/providers?owner=purple-futures"))

    def test_an_owner_names_at_most_twenty_providers_and_links_to_all(self):
        owner = OwnerGroup.objects.get(slug="purple-futures")
        start = datetime.date(2015, 2, 1)
        for number in range(30):
            provider = Provider.objects.create(
                slug=f"extra-{number:02}", name=f"Extra {number:02} CRC", kind=ProviderKind.CRC
            )
            Ownership.objects.create(provider=provider, owner=owner, period=DateRange(start, None))
        total = Provider.objects.filter(ownerships__owner=owner).distinct().count()
        cache.clear()
        with self.assertNumQueries(3):  # version, owner, the first twenty with the total
            body = self.get("owners/purple-futures")
        self.assertEqual(len(body["providers"]), 20)
        self.assertEqual(body["provider_count"], total)
        listed, _ = self.walk(body["providers_url"].split("/api/v1/")[1])
        self.assertEqual(len(listed), total)
        self.assertEqual([p["slug"] for p in body["providers"]], [p["slug"] for p in listed[:20]])

    def test_inspection_list_filters_match_the_database(self):
        cases = [
            (
                {"provider": "cheshire-greater-manchester-crc"},
                Inspection.objects.filter(provider__slug="cheshire-greater-manchester-crc"),
            ),
            ({"kind": "NPS"}, Inspection.objects.filter(provider__kind="NPS")),
            ({"owner": "purple-futures"}, Inspection.objects.filter(owner__slug="purple-futures")),
            ({"framework": "standards-2018"}, Inspection.objects.filter(report__framework__slug="standards-2018")),
            ({"year": 2019}, Inspection.objects.filter(report__published__year=2019)),
            ({"rating": "requires-improvement"}, Inspection.objects.filter(overall_rating=Rating.REQUIRES_IMPROVEMENT)),
            (
                {"standard": "2.2", "rating": "inadequate"},
                Inspection.objects.filter(ratings__standard__code="2.2", ratings__rating=Rating.INADEQUATE),
            ),
            ({"standard": "2.2"}, Inspection.objects.filter(ratings__standard__code="2.2").distinct()),
            ({"latest": "true"}, Inspection.objects.latest_per_provider()),
        ]
        for params, expected in cases:
            with self.subTest(params=params):
                items, _ = self.walk("inspections", page_size=100, **params)
                self.assertTrue(items, "each case should select something in the bundled data")
                self.assertEqual(sorted(i["id"] for i in items), sorted(expected.values_list("pk", flat=True)))

    def test_ordering(self):
        newest = self.get("inspections", ordering="-published", page_size=100)["results"]
        dates = [i["published"] for i in newest if i["published"]]
        self.assertEqual(dates, sorted(dates, reverse=True))
        by_name = [i["provider"] for i in self.get("inspections", ordering="provider", page_size=100)["results"]]
        self.assertEqual(by_name, sorted(by_name))
        rated = [
            i["overall_rating"] for i in self.get("inspections", ordering="-overall_rating", page_size=100)["results"]
        ]
        self.assertEqual(rated[0], "Outstanding" if "Outstanding" in rated else rated[0])
        self.assertIsNone(rated[-1])  # unrated last

    def test_pagination_links_are_stable_and_complete(self):
        first = self.get("inspections", kind="CRC", page_size=7)
        self.assertIsNone(first["previous"])
        self.assertIn("kind=CRC", first["next"])
        self.assertIn("page_size=7", first["next"])
        items, last = self.walk("inspections", kind="CRC", page_size=7)
        self.assertEqual(len(items), first["count"])
        self.assertEqual(len({i["id"] for i in items}), first["count"])
        self.assertEqual(last["page"], first["pages"])

    def test_inspection_detail_has_every_value_with_its_source(self):
        body = self.get(f"inspections/{self.cgm.pk}")
        self.assertEqual(body["overall_rating"], "Requires improvement")
        self.assertEqual(len(body["ratings"]), StandardRating.objects.filter(inspection=self.cgm).count())
        self.assertEqual(body["ratings"]["2.2"]["rating"], "Inadequate")
        self.assertTrue(body["ratings"]["2.2"]["source"]["document"])
        self.assertEqual(len(body["facts"]), self.cgm.facts.count())
        self.assertTrue(all(fact["source"]["document"] for fact in body["facts"]))
        self.assertEqual(len(body["recommendations"]), 8)
        self.assertIn("not the inspectorate's judgement", body["our_computation"]["note"])

    def test_standards(self):
        items, _ = self.walk("standards", page_size=10)
        self.assertEqual(len(items), Standard.objects.count())
        body = self.get("standards/standards-2018/2.2")
        self.assertEqual(body["name"], "Planning")
        self.assertTrue(body["key_questions"])
        crc_only = self.get("standards", framework="standards-2018", kind="CRC", page_size=100)
        self.assertNotIn("3.1", [s["code"] for s in crc_only["results"]])

    def test_bad_parameters_are_400_naming_the_field(self):
        cases = {
            "year": {"year": "twenty"},
            "kind": {"kind": "PRIVATE"},
            "rating": {"rating": "excellent"},
            "page": {"page": "0"},
            "page_size": {"page_size": "1000"},
            "ordering": {"ordering": "name; DROP TABLE"},
            "owner": {"owner": "no-such-owner"},
            "provider": {"provider": "nobody"},
            "framework": {"framework": "nope"},
            "standard": {"standard": "9.9"},
        }
        for field, params in cases.items():
            with self.subTest(field=field):
                body = self.get("inspections", status=400, **params)
                self.assertEqual(body["status"], 400)
                self.assertEqual(body["error"], "bad_request")
                self.assertEqual(body["detail"][0]["field"], field)
                self.assertTrue(body["detail"][0]["reason"])

    def test_unknown_objects_and_pages_are_404_with_the_same_shape(self):
        for path in ["providers/nobody", "owners/nobody", "inspections/999999999", "standards/standards-2018/9.9"]:
            with self.subTest(path=path):
                body = self.get(path, status=404)
                self.assertEqual((body["status"], body["error"]), (404, "not_found"))
        body = self.get("inspections", status=404, page=999)
        self.assertIn("last page is", body["detail"][0]["reason"])

    def test_cors_is_open_for_reading(self):
        response = self.client.get("/api/v1/providers", HTTP_ORIGIN="https://example.org")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        page = self.client.get("/", HTTP_ORIGIN="https://example.org")
        self.assertFalse(page.has_header("Access-Control-Allow-Origin"))

    def test_query_counts_do_not_depend_on_page_size(self):
        budgets = {
            "providers": 3,  # version, count, page
            "owners": 3,
            "inspections?kind=CRC&owner=purple-futures": 4,  # + the owner lookup
            "standards": 4,  # + key questions
            f"inspections/{self.cgm.pk}": 11,
            "providers/cheshire-greater-manchester-crc": 5,
            "standards/standards-2018/2.2": 3,
        }
        for path, queries in budgets.items():
            for size in ("1", "100"):
                with self.subTest(path=path, size=size):
                    separator = "&" if "?" in path else "?"
                    # A detail ignores page_size, so both sizes share one cache entry: start clean.
                    cache.clear()
                    with self.assertNumQueries(queries):
                        self.client.get(f"/api/v1/{path}{separator}page_size={size}")
            self.client.get(f"/api/v1/{path}")  # cached now
            with self.subTest(path=path, cached=True), self.assertNumQueries(1):
                self.client.get(f"/api/v1/{path}")

    def test_schema_and_docs_are_served(self):
        schema = self.get("schema/")
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertIn("/api/v1/inspections", schema["paths"])
        docs = self.client.get("/api/v1/docs/")
        self.assertEqual(docs.status_code, 200)
        self.assertNotIn("cdn", docs.content.decode().lower())


class PartialDateTests(CatalogueMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_catalogue()  # the report is published to month precision: April 2019

    def test_lists_and_details_give_a_month_precise_date_as_a_month(self):
        listing = self.client.get("/api/v1/inspections").json()["results"]
        provider = self.client.get(f"/api/v1/providers/{self.crc.slug}").json()
        detail = self.client.get(f"/api/v1/inspections/{self.inspection.pk}").json()
        self.assertEqual(listing[0]["published"], "2019-04")
        self.assertEqual(provider["inspections"][0]["published"], "2019-04")
        self.assertEqual(detail["published"], "2019-04")


class RoundFilterTests(CatalogueMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        from inspections.models import Report, Round

        cls.make_catalogue()
        cls.round = Round.objects.create(framework=cls.framework, slug="2018-19", name="First", short_name="2018-19")
        Report.objects.filter(pk=cls.report.pk).update(round=cls.round)

    def test_inspections_filter_by_round_and_name_an_unknown_one(self):
        self.assertEqual(self.client.get("/api/v1/inspections?round=2018-19").json()["count"], 1)
        response = self.client.get("/api/v1/inspections?round=1999")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["detail"][0]["field"], "round")
