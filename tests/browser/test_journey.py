"""End to end in real headless Chromium: the journalist's three clicks, and every chart drawn.

Run with `make test-browser` (Debian's chromium at /usr/bin/chromium; no browser download).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from tests.base import load_test_bundle

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Chromium is not installed (make test-browser installs it)")
class BrowserTestCase(StaticLiveServerTestCase):
    @classmethod
    def setUpClass(cls):
        # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
        # test itself (loading data) happen outside page interactions.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def setUp(self):
        load_test_bundle()
        self.page = self.browser.new_page(viewport={"width": 1280, "height": 900})
        self.console_errors = []
        self.page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        # Every Content-Security-Policy violation on any page is collected and must stay empty.
        self.page.add_init_script(
            "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )

    def tearDown(self):
        self.page.close()

    def assertChartsRendered(self):
        charts = self.page.locator(".chart[data-figure-id]")
        for index in range(charts.count()):
            chart = charts.nth(index)
            chart.scroll_into_view_if_needed()  # plotly.js loads when a chart comes into view
            chart.locator("svg.main-svg").first.wait_for(state="attached", timeout=10_000)
            self.assertEqual(chart.get_attribute("data-rendered"), "true")
        self.assertEqual(self.console_errors, [])
        self.assertEqual(self.page.evaluate("window.__csp"), [])
        return charts.count()

    def axe_violations(self):
        """axe-core's WCAG A and AA violations on the page as it stands (evaluated through the
        DevTools protocol, so the page's own strict CSP stays on)."""
        self.page.evaluate(AXE.read_text() + "\n;0")
        return self.page.evaluate(
            "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
            ".map(v => v.id + ': ' + v.help + ' -> ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))",
            WCAG_TAGS,
        )


class JourneyTests(BrowserTestCase):
    def test_from_the_home_page_to_planning_at_cheshire_and_greater_manchester(self):
        self.page.goto(self.live_server_url + "/")
        self.assertGreaterEqual(self.assertChartsRendered(), 1)

        self.page.get_by_role("link", name="Cheshire & Greater Manchester CRC", exact=True).click()
        self.page.wait_for_load_state()
        self.assertIn("inspection published 3 April 2019", self.page.locator("h1").inner_text())
        self.assertGreaterEqual(self.assertChartsRendered(), 2)  # the sunburst and the facts chart

        self.page.get_by_role("link", name="2.2 Planning", exact=True).click()
        self.page.wait_for_load_state()
        self.assertEqual(self.page.locator("h1").inner_text(), "2.2 Planning: Cheshire & Greater Manchester CRC")
        self.assertIn("Inadequate", self.page.locator("#rating-heading").inner_text())
        self.assertIn("Does planning focus sufficiently on keeping other people safe?", self.page.content())
        self.assertIn("score not recorded", self.page.locator(".key-questions").inner_text())
        citation = self.page.locator("#citation-plain").input_value()
        self.assertIn("Section 2.2 Planning", citation)
        self.assertIn("@techreport{", self.page.locator("#citation-bibtex").input_value())
        self.assertIn("Summary of ratings, p.7", self.page.locator("#rating-heading + p").inner_text())
        breadcrumb = self.page.get_by_role("navigation", name="Breadcrumb").inner_text()
        self.assertIn("2. Case supervision", breadcrumb)
        self.assertChartsRendered()

    def test_quality_and_impact_scores_are_drawn_without_the_2018_bands(self):
        self.page.goto(self.live_server_url + "/providers/cheshire-greater-manchester-crc/")
        self.assertChartsRendered()
        self.page.get_by_role("link", name="The effectiveness of probation work in Greater Manchester").click()
        self.page.wait_for_load_state()
        self.page.get_by_role("link", name="Reducing reoffending", exact=True).click()
        self.page.wait_for_url("**/standards/RR/")
        self.assertChartsRendered()
        self.assertIn("29%", self.page.locator(".chart-data").text_content())
        # Quality & Impact had no rating rules, so no band lines are drawn.
        self.assertEqual(self.page.locator(".chart .annotation-text").count(), 0)

    def test_the_sunburst_takes_you_to_a_standard(self):
        self.page.goto(self.live_server_url + "/")
        self.page.get_by_role("link", name="Cheshire & Greater Manchester CRC", exact=True).click()
        self.page.wait_for_load_state()
        self.assertChartsRendered()
        segment = self.page.locator("#chart-drilldown g.slice", has_text=re.compile(r"^2\.2$")).first
        segment.click()
        self.page.wait_for_url("**/standards/2.2/")
        self.assertIn("2.2 Planning", self.page.locator("h1").inner_text())

    def test_every_page_type_draws_its_charts_at_phone_width(self):
        self.page.set_viewport_size({"width": 375, "height": 800})
        for path in ["/", "/owners/", "/standards/standards-2018/2.2/", "/providers/west-yorkshire-crc/"]:
            with self.subTest(path=path):
                self.page.goto(self.live_server_url + path)
                self.assertChartsRendered()
                width = self.page.evaluate("document.documentElement.scrollWidth")
                self.assertLessEqual(width, 375, f"{path} scrolls sideways at 375px")


class ApiDocsTests(BrowserTestCase):
    """The API's Swagger UI comes from our static files and works under the strict policy."""

    def test_the_api_docs_render_from_our_own_files(self):
        elsewhere = []
        self.page.on(
            "request",
            lambda request: (
                request.url.startswith(("http:", "https:"))
                and not request.url.startswith(self.live_server_url)
                and elsewhere.append(request.url)
            ),
        )
        self.page.goto(self.live_server_url + "/api/v1/docs/")
        self.page.wait_for_selector(".opblock-summary-path")
        paths = self.page.locator(".opblock-summary-path").all_inner_texts()
        self.assertIn("/api/v1/inspections", [path.strip() for path in paths])
        self.assertEqual(self.page.evaluate("window.__csp"), [])
        self.assertEqual(elsewhere, [])
        self.assertEqual(self.console_errors, [])


class AdminContentSecurityPolicyTests(BrowserTestCase):
    """The admin runs under the same strict policy: no inline script or style is blocked."""

    def test_the_admin_works_under_the_policy(self):
        from django.contrib.auth.models import User

        User.objects.create_superuser("admin", "admin@example.org", "a long admin password")
        self.page.goto(self.live_server_url + "/admin/")
        self.page.fill("#id_username", "admin")
        self.page.fill("#id_password", "a long admin password")
        self.page.click("input[type=submit]")
        self.page.wait_for_url("**/admin/")
        for path in ["/admin/inspections/inspection/", "/admin/inspections/report/import/"]:
            self.page.goto(self.live_server_url + path)
            self.assertEqual(self.page.evaluate("window.__csp"), [], path)
        self.page.goto(self.live_server_url + "/admin/inspections/inspection/")
        self.page.locator("#result_list a").first.click()
        self.page.wait_for_load_state()
        self.assertEqual(self.page.evaluate("window.__csp"), [])
        self.assertEqual(self.console_errors, [])
