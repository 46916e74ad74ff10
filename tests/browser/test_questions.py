"""A journalist's questions, answered from the pages alone by clicking."""

import csv
import io
import re
from pathlib import Path

import pytest

from tests.browser.test_journey import BrowserTestCase

pytestmark = pytest.mark.browser


class JournalistQuestionsTests(BrowserTestCase):
    def inspection_of_the_first_round(self, kind, rating):
        """Home, the rounds, the 2018-19 round, then the one inspection of `kind` rated `rating`."""
        self.page.goto(self.live_server_url + "/")
        self.page.get_by_role("link", name="the inspection rounds", exact=True).click()
        self.page.wait_for_load_state()
        self.page.get_by_role("link", name="First round of the standards framework, 2018-19", exact=True).click()
        self.page.wait_for_load_state()
        self.assertEqual(self.page.locator("h1").inner_text(), "First round of the standards framework, 2018-19")
        listed = self.page.locator("table", has=self.page.locator("caption", has_text="held"))
        rows = (
            listed.locator("tbody tr")
            .filter(has=self.page.locator("td:nth-child(2)", has_text=re.compile(f"^{kind}$")))
            .filter(has=self.page.locator(".rating", has_text=re.compile(f"^{rating}$")))
        )
        self.assertEqual(rows.count(), 1, f"one {kind} rated {rating} in the first round")
        rows.get_by_role("link").click()
        self.page.wait_for_load_state()
        self.assertEqual(self.page.locator("#overall-heading").inner_text(), f"Overall rating: {rating}")
        self.assertIn("First round of the standards framework, 2018-19", self.page.locator(".facts-list").inner_text())
        self.assertChartsRendered()
        return self.page.locator("h1").inner_text()

    def test_the_first_round_crc_rated_inadequate_and_the_one_rated_good(self):
        self.assertEqual(
            self.inspection_of_the_first_round("CRC", "Inadequate"),
            "Dorset, Devon & Cornwall CRC: inspection published 15 February 2019",
        )
        self.assertEqual(
            self.inspection_of_the_first_round("CRC", "Good"),
            "Hampshire & Isle of Wight CRC: inspection published 8 May 2019",
        )

    def test_did_thames_valley_improve_and_what_does_the_page_say_about_the_missing_rating(self):
        self.page.goto(self.live_server_url + "/providers/")
        self.page.get_by_role("link", name="Thames Valley CRC", exact=True).click()
        self.page.wait_for_load_state()
        summary = self.page.locator("#summary-overall-over-time").inner_text()
        self.assertIn("date not stated, 2018-19 round: Requires improvement", summary)
        self.assertIn("21 January 2020: no overall rating", summary)
        self.assertNotIn("No overall rating is recorded", summary)
        self.assertChartsRendered()

    def test_a_citable_passage_about_through_the_gate_with_a_link_to_its_source(self):
        self.page.goto(self.live_server_url + "/search/")
        self.page.locator("input[name=q]").fill('"through the gate"')
        self.page.keyboard.press("Enter")
        self.page.wait_for_load_state()
        # A passage whose source document we hold the address of.
        first = self.page.locator(".search-results li", has=self.page.locator(".search-meta a")).first
        self.assertIn("Through the Gate", first.locator("mark").first.inner_text())
        meta = first.locator(".search-meta")
        kind = meta.locator(".source-kind").inner_text()
        self.assertIn(kind, ("Report", "Blog", "Press release", "News"))
        if kind != "Report":
            self.assertIn("its words, not the inspection report’s", meta.inner_text())
        self.assertTrue(meta.locator("a").first.get_attribute("href").startswith("http"))
        first.locator("h3 a").click()
        self.page.wait_for_load_state()
        self.assertTrue(self.page.locator("#citation-plain").input_value())

    def test_a_csv_of_the_league_table_whose_headers_name_the_standards(self):
        self.page.goto(self.live_server_url + "/")
        with self.page.expect_download() as download:
            self.page.get_by_role("link", name="CSV", exact=True).click()
        rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
        headers = rows[0]
        for header in ("2.2 Planning", "4.2 Through the Gate", "Inspection id", "URL", "Source document"):
            self.assertIn(header, headers)
        self.assertIn("Score points (our computation)", headers)
        self.assertIn("Standards counted in the score", headers)
