"""Fuzz every URL parameter of the public pages: any input gives a 2xx, 3xx, 400 or 404, never a 500."""

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests.base import cgm_2019, load_test_bundle

TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "good", "CRC", "latest", "all", "csv", "json", "2019",
                     "'; DROP TABLE x;--", "%00", "../../etc/passwd", "<script>", "1.1", "2.2", "-total_score"]),
)  # fmt: skip
PARAMETERS = ["scope", "kind", "owner", "framework", "year", "rating", "sort", "page", "_export", "embed", "inspection"]


class UrlFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.inspection = cgm_2019()

    def assertNoServerError(self, response):
        self.assertLess(response.status_code, 500, response.content[:500])

    @settings(max_examples=150, deadline=None)
    @given(st.dictionaries(st.sampled_from(PARAMETERS), TEXT, max_size=5))
    def test_league_table_parameters(self, params):
        self.assertNoServerError(self.client.get("/", params))

    @settings(max_examples=60, deadline=None)
    @given(st.lists(TEXT, max_size=6), st.sampled_from(["/compare/", "/owners/", "/standards/standards-2018/2.2/"]))
    def test_repeated_and_unexpected_parameters(self, values, path):
        query = "&".join(f"inspection={value}" for value in values)
        self.assertNoServerError(self.client.get(f"{path}?{query}&embed={values[0] if values else ''}"))

    @settings(max_examples=100, deadline=None)
    @given(TEXT, TEXT)
    def test_path_segments(self, first, second):
        from urllib.parse import quote

        for path in (f"/providers/{quote(first, safe='')}/", f"/owners/{quote(first, safe='')}/",
                     f"/inspections/{self.inspection.pk}/standards/{quote(first, safe='')}/",
                     f"/standards/{quote(first, safe='')}/{quote(second, safe='')}/"):  # fmt: skip
            self.assertNoServerError(self.client.get(path))


QUERY_NAMES = [*PARAMETERS, "q", "provider", "standard", "per_page", "with", "round", "page_size", "ordering", "latest"]
SEGMENT = st.one_of(st.text(max_size=20), st.sampled_from(["0", "-1", "9" * 25, "standards-2018", "2.2", "csv", "x"]))


class EveryPublicUrlPatternTests(TestCase):
    """Every public URL pattern, with fuzzed path segments and query parameters: never a 500."""

    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def test_no_public_url_gives_a_500(self, data):
        import re
        from urllib.parse import quote

        from dashboard.urls import public_patterns

        params = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES), TEXT, max_size=3))
        for pattern in public_patterns:
            route = str(pattern.pattern)
            path = re.sub(
                r"<(\w+):(\w+)>",
                lambda match: (
                    str(data.draw(st.integers(-5, 10**12)))
                    if match.group(1) == "int"
                    else quote(data.draw(SEGMENT), safe="")
                ),
                route,
            )
            with self.subTest(route=route):
                self.assertLess(self.client.get("/" + path, params).status_code, 500, path)
        for endpoint in ("inspections", "providers", "owners", "standards"):
            response = self.client.get(f"/api/v1/{endpoint}", params)
            self.assertLess(response.status_code, 500, endpoint)
