"""Accessibility in real Chromium: axe-core on every page type, keyboard-only drill-down, reflow.

axe-core comes from the npm package (package.json; `make test-browser` installs it) and is
evaluated in the page through the DevTools protocol, so the page's own strict CSP stays on.
"""

import pytest
from django.urls import reverse

from inspections.models import Inspection
from inspections.releases import cut_release
from tests.browser.test_journey import AXE, BrowserTestCase

pytestmark = pytest.mark.browser


class AccessibilityTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.cgm = Inspection.objects.get(
            provider__slug="cheshire-greater-manchester-crc", report__published__year=2019
        )
        self.qi = Inspection.objects.get(provider__slug="cheshire-greater-manchester-crc", report__published__year=2017)
        other = Inspection.objects.get(provider__slug="west-yorkshire-crc", report__published__year=2020)
        self.pages = [
            "/", "/?scope=all&sort=-rating_2_2", "/?kind=XX",
            "/providers/", "/providers/cheshire-greater-manchester-crc/", "/providers/thames-valley-crc/",
            self.cgm.get_absolute_url(), f"/compare/?with={self.cgm.pk}",
            reverse("dashboard:inspection_standard", args=[self.cgm.pk, "2.2"]), self.qi.get_absolute_url(),
            reverse("dashboard:inspection_standard", args=[self.qi.pk, "RR"]),
            "/standards/", "/standards/standards-2018/2.2/", "/owners/", "/owners/purple-futures/",
            "/compare/", f"/compare/?inspection={self.cgm.pk}&inspection={other.pk}", "/compare/?inspection=1",
            "/compare/?q=manchester", f"/compare/?inspection={self.cgm.pk}&q=purple", "/compare/?inspection=abc",
            "/about/", "/accessibility/", "/no-such-page/", "/?embed=ratings-by-standard",
            "/search/", "/search/?q=supervis*", "/search/?q=the", "/search/?q=planning&year=abc",
            "/data/", "/data/releases/2026-11/",
        ]  # fmt: skip
        cut_release("2026-11")

    def test_no_wcag_a_or_aa_violation_on_any_page_type(self):
        self.assertTrue(AXE.exists(), f"{AXE} is missing: run `npm install` (make test-browser does)")
        for width in (1280, 375):
            self.page.set_viewport_size({"width": width, "height": 900})
            for path in self.pages:
                with self.subTest(path=path, width=width):
                    self.page.goto(self.live_server_url + path)
                    self.page.wait_for_load_state("networkidle")
                    self.assertEqual(self.axe_violations(), [])

    def test_pages_reflow_at_320_css_pixels(self):
        self.page.set_viewport_size({"width": 320, "height": 640})
        for path in self.pages:
            with self.subTest(path=path):
                self.page.goto(self.live_server_url + path)
                self.page.wait_for_load_state("networkidle")
                self.assertLessEqual(self.page.evaluate("document.documentElement.scrollWidth"), 320)

    def press_tab_until(self, matches, limit=400):
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            focused = self.page.evaluate(
                "() => { const e = document.activeElement; return [e.tagName, (e.innerText || e.value || '').trim()]; }"
            )
            if matches(focused):
                return focused
        self.fail(f"never reached the element after {limit} presses of Tab")

    def assertFocusVisible(self):
        style = self.page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.boxShadow, s.backgroundColor]; }"
        )
        self.assertTrue(style[0] != "none" or style[1] != "none", f"no visible focus indicator: {style}")

    def test_the_drill_down_works_with_the_keyboard_alone(self):
        self.page.goto(self.live_server_url + "/")
        self.page.keyboard.press("Tab")
        self.assertEqual(self.page.evaluate("document.activeElement.innerText"), "Skip to main content")
        self.assertFocusVisible()
        self.page.keyboard.press("Enter")
        self.assertEqual(self.page.evaluate("document.activeElement.id"), "main")

        self.press_tab_until(lambda f: f == ["A", "Cheshire & Greater Manchester CRC"])
        self.assertFocusVisible()
        self.page.keyboard.press("Enter")
        self.page.wait_for_load_state()
        self.assertIn("inspection published 3 April 2019", self.page.locator("h1").inner_text())

        self.press_tab_until(lambda f: f == ["A", "2.2 Planning"])
        self.assertFocusVisible()
        self.page.keyboard.press("Enter")
        self.page.wait_for_load_state()
        self.assertEqual(self.page.locator("h1").inner_text(), "2.2 Planning: Cheshire & Greater Manchester CRC")

        # The key questions and the citation are reachable too.
        self.press_tab_until(lambda f: f[0] == "TEXTAREA" and "Section 2.2 Planning" in f[1])
        self.assertFocusVisible()
