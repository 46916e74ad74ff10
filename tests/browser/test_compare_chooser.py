"""The compare chooser in Chromium: type a provider's name, pick a suggestion, see it compared;
with the keyboard alone (the combobox pattern, axe at zero violations with the list open); and
without JavaScript, through the page's own Find button and Add links."""

import re

import pytest

from inspections.models import Inspection
from tests.browser.test_journey import BrowserTestCase

pytestmark = pytest.mark.browser
FIELD = "Find an inspection to add"


class CompareChooserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.cgm = Inspection.objects.get(
            provider__slug="cheshire-greater-manchester-crc", report__published__year=2019
        )

    def compared(self):
        """The column headings of the side-by-side table, once the page comparing two has loaded."""
        self.page.wait_for_url(re.compile(r"inspection=\d+&inspection=\d+$"))
        self.page.wait_for_load_state()
        return self.page.locator("table thead th a").all_inner_texts()

    def test_type_a_provider_name_pick_a_suggestion_and_see_it_compared(self):
        self.page.goto(self.live_server_url + self.cgm.get_absolute_url())
        self.page.get_by_role("link", name="Compare with another inspection…").click()
        self.page.wait_for_load_state()
        self.assertIn("Cheshire & Greater Manchester CRC", self.page.locator(".chosen-list").inner_text())
        self.page.get_by_role("combobox", name=FIELD).press_sequentially("Dorset", delay=40)
        suggestion = self.page.get_by_role(
            "option", name=re.compile(r"^Dorset, Devon & Cornwall CRC \(15 February 2019\)")
        )
        suggestion.click()
        self.assertEqual(
            self.compared(),
            ["Cheshire & Greater Manchester CRC (3 April 2019)", "Dorset, Devon & Cornwall CRC (15 February 2019)"],
        )
        self.assertGreaterEqual(self.assertChartsRendered(), 1)

    def test_the_keyboard_alone_with_the_suggestions_accessible(self):
        self.page.goto(self.live_server_url + "/compare/")
        field = self.page.get_by_role("combobox", name=FIELD)
        field.focus()
        self.page.keyboard.type("West Yorkshire", delay=40)
        options = self.page.get_by_role("listbox", name="Matching inspections").get_by_role("option")
        options.first.wait_for()
        self.assertEqual(options.all_inner_texts()[0].split(" overall")[0], "West Yorkshire CRC (31 October 2018)")
        self.assertEqual(field.get_attribute("aria-expanded"), "true")
        self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("ArrowDown")
        self.assertEqual(field.get_attribute("aria-activedescendant"), options.nth(1).get_attribute("id"))
        self.assertEqual(options.nth(1).get_attribute("aria-selected"), "true")
        self.assertIn("inspections match", self.page.get_by_role("status").inner_text())
        self.assertEqual(self.axe_violations(), [])
        self.page.keyboard.press("Enter")
        self.page.wait_for_url("**/compare/?inspection=*")
        self.assertIn("West Yorkshire CRC (March 2020)", self.page.locator(".chosen-list").inner_text())

        field = self.page.get_by_role("combobox", name=FIELD)
        field.focus()
        self.page.keyboard.type("Hampshire 2019", delay=40)
        self.page.get_by_role("option").first.wait_for()
        self.page.keyboard.press("Escape")
        self.assertEqual(field.get_attribute("aria-expanded"), "false")
        self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Enter")
        self.assertEqual(
            self.compared(), ["Hampshire & Isle of Wight CRC (8 May 2019)", "West Yorkshire CRC (March 2020)"]
        )
        self.assertEqual(self.axe_violations(), [])
        self.assertChartsRendered()

    def test_without_javascript_the_find_button_and_add_links_do_the_same(self):
        context = self.browser.new_context(java_script_enabled=False)
        self.addCleanup(context.close)
        page = context.new_page()
        page.goto(self.live_server_url + "/compare/")
        for name, add in (("Dorset", "Dorset, Devon & Cornwall CRC (15 February 2019)"),
                          ("nps north west", "NPS North West (22 February 2019)")):  # fmt: skip
            page.get_by_label(FIELD).fill(name)
            page.get_by_role("button", name="Find").click()
            page.wait_for_load_state()
            page.get_by_role("link", name=f"Add {add}").click()
            page.wait_for_load_state()
        self.assertEqual(
            page.locator("table thead th a").all_inner_texts(),
            ["Dorset, Devon & Cornwall CRC (15 February 2019)", "NPS North West (22 February 2019)"],
        )
        page.get_by_role("link", name="Remove NPS North West (22 February 2019)").click()
        page.wait_for_load_state()
        self.assertEqual(page.locator("table").count(), 0)
        self.assertIn("Add at least one more inspection to compare.", page.content())
