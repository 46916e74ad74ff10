"""Corrections in the open: an editor's change shows on the inspection page and in the feed with
its old and new values and reason, and the next view of the page shows the new value."""

import xml.etree.ElementTree as ET

from django.test import TestCase
from django.urls import reverse

from inspections.models import Correction
from inspections.rules import Rating
from tests.base import EditorTestCase, load_test_bundle

ATOM = "{http://www.w3.org/2005/Atom}"


class AdminCorrectionTests(EditorTestCase):
    def edit_in_admin(self, reason="Report p.7 says Good", planning=None, overall=None):
        fields = {} if overall is None else {"overall_rating": overall}
        response = self.post_edit(reason, planning=planning, **fields)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.client.logout()

    def test_the_admin_records_old_and_new_values(self):
        self.edit_in_admin(planning=Rating.GOOD, overall=Rating.GOOD)
        correction = Correction.objects.get()
        lines = [(line.what, line.old, line.new) for line in correction.changed_values()]
        self.assertIn(("Overall rating", "Requires improvement", "Good"), lines)
        self.assertIn(("2.2 Planning rating", "Inadequate", "Good"), lines)

    def test_the_inspection_page_lists_each_correction(self):
        self.edit_in_admin(planning=Rating.GOOD)
        response = self.client.get(self.cgm.get_absolute_url())
        self.assertContains(response, "Corrections</h2>")
        self.assertContains(response, '<th scope="row">2.2 Planning rating</th>', html=True)
        self.assertContains(response, "<td>Inadequate</td>", html=True)
        self.assertContains(response, "Report p.7 says Good")
        correction = Correction.objects.get()
        self.assertContains(response, f'id="correction-{correction.pk}"')

    def test_the_feed_says_the_same_in_plain_words(self):
        self.edit_in_admin(planning=Rating.GOOD)
        response = self.client.get(reverse("dashboard:feed"))
        entry = ET.fromstring(response.content).findall(f"{ATOM}entry")[0]
        summary = entry.find(f"{ATOM}summary").text
        self.assertIn("2.2 Planning rating changed from Inadequate to Good.", summary)
        self.assertIn("Reason: Report p.7 says Good.", summary)
        self.assertNotIn("Changed:", summary)

    def test_an_imported_correction_shows_its_values_and_file(self):
        Correction.objects.create(
            inspection=self.cgm,
            inspection_label=str(self.cgm),
            reason="The report's own words",
            changes="lead inspector: 'A. Smith' -> 'B. Jones' (imported from cgm.pdf)",
        )
        response = self.client.get(self.cgm.get_absolute_url())
        self.assertContains(response, "<td>A. Smith</td>", html=True)
        self.assertContains(response, "<td>B. Jones</td>", html=True)
        self.assertContains(response, "imported from cgm.pdf")

    def test_an_older_change_message_is_shown_whole(self):
        correction = Correction(changes="Changed Rating for standard rating “2.2 Planning: Good”.")
        self.assertEqual(correction.in_words(), "Changed Rating for standard rating “2.2 Planning: Good”.")

    def test_the_next_view_revalidates_and_sees_the_new_value(self):
        url = self.cgm.get_absolute_url()
        first = self.client.get(url)
        self.assertEqual(first["Cache-Control"], "public, no-cache")
        self.assertTrue(first.has_header("ETag"))
        self.assertEqual(self.client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code, 304)
        self.edit_in_admin(overall=Rating.GOOD)
        again = self.client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(again.status_code, 200)
        self.assertContains(again, "Overall rating")
        self.assertContains(again, "<td>Requires improvement</td>", html=True)


class EmbedRevalidationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_a_revalidated_embed_is_still_frameable(self):
        url = reverse("dashboard:home") + "?embed=ratings-by-standard"
        first = self.client.get(url)
        self.assertNotIn("X-Frame-Options", first.headers)
        self.assertIn("frame-ancestors *", first["Content-Security-Policy"])
        revalidated = self.client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(revalidated.status_code, 304)
        self.assertNotIn("X-Frame-Options", revalidated.headers)
        self.assertIn("frame-ancestors *", revalidated["Content-Security-Policy"])

    def test_a_revalidated_page_still_refuses_framing(self):
        first = self.client.get(reverse("dashboard:home"))
        revalidated = self.client.get(reverse("dashboard:home"), HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(revalidated.status_code, 304)
        self.assertEqual(revalidated["X-Frame-Options"], "DENY")
