"""The page cache keys on the host and the parameters a page reads, and is never a dependency:
with Redis down pages render from the database and /readyz says the cache is degraded."""

from django.test import TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dashboard import caching
from dashboard.api.base import api
from inspections.models import Inspection
from tests.base import load_test_bundle

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
}


def every_view(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from every_view(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern.lookup_str, pattern.callback


class CacheKeyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.cgm = Inspection.objects.get(provider__slug="cheshire-greater-manchester-crc", report__published__year=2019)

    def setUp(self):
        caching.cache.clear()

    def test_unknown_parameters_share_the_canonical_entry(self):
        for url in (reverse("dashboard:home") + "?scope=all", self.cgm.get_absolute_url(), "/api/v1/inspections"):
            with self.subTest(url=url):
                first = self.client.get(url)
                joiner = "&" if "?" in url else "?"
                with self.assertNumQueries(1):  # the data version only: a cache hit
                    junk = self.client.get(url + joiner + "utm_source=newsletter&fbclid=abc&zz9=random")
                self.assertEqual(junk.status_code, 200)
                self.assertEqual(junk["ETag"], first["ETag"])
                self.assertEqual(junk.content, first.content)

    def test_junk_never_reaches_the_cached_page(self):
        response = self.client.get(reverse("dashboard:home") + "?utm_source=INJECTED-JUNK&scope=all")
        self.assertNotContains(response, "INJECTED-JUNK")
        self.assertNotContains(self.client.get(reverse("dashboard:home") + "?scope=all"), "INJECTED-JUNK")

    def test_parameter_order_does_not_matter_but_values_do(self):
        home = reverse("dashboard:home")
        one = self.client.get(home + "?scope=all&kind=CRC")["ETag"]
        self.assertEqual(self.client.get(home + "?kind=CRC&scope=all")["ETag"], one)
        self.assertNotEqual(self.client.get(home + "?kind=NPS&scope=all")["ETag"], one)

    def test_the_host_is_part_of_the_key(self):
        url = self.cgm.get_absolute_url()
        first = self.client.get(url, HTTP_HOST="localhost")
        other = self.client.get(url, HTTP_HOST="127.0.0.1")
        self.assertNotEqual(first["ETag"], other["ETag"])
        self.assertIn(b"http://127.0.0.1/", other.content)
        self.assertNotIn(b"http://localhost/", other.content)

    def test_every_cached_view_says_which_parameters_it_reads(self):
        cached = [(name, view) for name, view in every_view() if hasattr(view, "page_parameters")]
        self.assertGreater(len(cached), 15)
        for name, view in cached:
            with self.subTest(view=name):
                self.assertIsNotNone(view.page_parameters)

    def test_every_api_operation_is_keyed_on_the_parameters_its_schema_declares(self):
        schema = self.client.get("/api/v1/schema/").json()
        declared = {
            operations["get"]["operationId"]: {p["name"] for p in operations["get"].get("parameters", [])}
            for operations in schema["paths"].values()
        }
        keyed = {
            api.get_openapi_operation_id(operation): set(operation.run.page_parameters)
            for _prefix, router in api._routers
            for path_view in router.path_operations.values()
            for operation in path_view.operations
        }
        self.assertGreater(len(declared), 8)
        self.assertEqual(keyed, declared)

    def test_a_list_page_asked_for_is_the_page_answered(self):
        self.assertEqual(self.client.get("/api/v1/inspections").json()["page_size"], 50)
        self.assertEqual(self.client.get("/api/v1/inspections?page_size=2&page=2").json()["page"], 2)


class RedisDownTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def setUp(self):
        # After the per-test cache.clear() (conftest), which would itself fail against a dead Redis.
        dead = override_settings(CACHES=DEAD_REDIS)
        dead.enable()
        self.addCleanup(dead.disable)
        caching.page_cache.down_until = 0.0
        self.addCleanup(setattr, caching.page_cache, "down_until", 0.0)

    def test_pages_render_from_the_database_and_the_fault_is_logged(self):
        with self.assertLogs("dashboard.cache", "WARNING") as logs:
            for url in (reverse("dashboard:home"), reverse("dashboard:about"), "/api/v1/inspections"):
                with self.subTest(url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)
        self.assertIn("page cache unavailable", logs.output[0])
        self.assertEqual(len(logs.output), 1)  # once per back-off period, not once per request

    def test_readyz_reports_the_cache_as_degraded_but_keeps_traffic(self):
        response = self.client.get(reverse("dashboard:readyz"))
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"degraded: page cache unavailable", response.content)


class ReadyTests(TestCase):
    def test_readyz_says_ok_when_the_cache_works(self):
        self.assertEqual(self.client.get(reverse("dashboard:readyz")).content, b"ok")
