"""The editors' import page: upload, preview every value beside its line, correct or confirm, save."""

import json

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from inspections.models import Correction, Inspection, Report
from inspections.rules import Rating
from tests.base import load_test_bundle
from tests.test_importer import CGM_2019, shared


class ImportPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.editor = User.objects.create_user("editor", password="a long editor password", is_staff=True)
        cls.editor.groups.add(Group.objects.get(name="Editors"))
        cls.url = reverse("admin:inspections_report_import")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_the_preview_for_a_chosen_provider_holds_nothing_stated_of_another(self):
        from inspections.models import Provider
        from tests.test_importer_secondary import TWO_CRCS

        essex = Provider.objects.get(slug="essex-crc")
        file = SimpleUploadedFile("blog.txt", TWO_CRCS, "text/plain")
        response = self.client.post(self.url, {"file": file, "provider": essex.pk, "report": "essex-crc-2018-10"})
        self.assertEqual(response.status_code, 200)
        data = json.loads(response.context["confirm_form"].initial["data"])
        self.assertEqual([entry["provider"] for entry in data["inspections"]], ["essex-crc"])
        self.assertNotIn("Inadequate", json.dumps(data))
        self.assertNotIn("Outstanding", json.dumps(data))
        self.assertContains(response, "the text states it of west-yorkshire-crc")

    def upload(self, content=None, name=CGM_2019):
        file = SimpleUploadedFile(name, content if content is not None else shared(CGM_2019), "text/plain")
        return self.client.post(self.url, {"file": file})

    def test_the_preview_shows_every_value_beside_its_line_and_writes_nothing(self):
        Report.objects.filter(slug="cheshire-greater-manchester-crc-2019-04").update(title="Edited by an editor")
        response = self.upload()
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Every value read, beside the line it came from")
        self.assertContains(response, '<th scope="row">Rating 2.2</th><td>Inadequate</td><td>line 25</td>', html=True)
        self.assertContains(response, "read in order as the ratings of the standards with none beside them")
        self.assertContains(response, "Confirm and save")
        self.assertEqual(
            Report.objects.get(slug="cheshire-greater-manchester-crc-2019-04").title, "Edited by an editor"
        )

    def test_confirming_saves_with_the_editors_corrections(self):
        preview = self.upload()
        data = json.loads(preview.context["confirm_form"].initial["data"])
        data["inspections"][0]["overall"] = "Good"  # the editor's correction
        confirm = {"confirm": "1", "filename": CGM_2019, "data": json.dumps(data)}
        refused = self.client.post(self.url, confirm)
        self.assertContains(refused, "Published values would change: say why")
        self.assertContains(refused, "<td>overall rating</td><td>Requires improvement</td><td>Good</td>", html=True)
        self.assertEqual(
            Inspection.objects.get(report__slug="cheshire-greater-manchester-crc-2019-04").overall_rating,
            Rating.REQUIRES_IMPROVEMENT,
        )
        response = self.client.post(self.url, {**confirm, "reason": "Checked against p.5 of the report"})
        report = Report.objects.get(slug="cheshire-greater-manchester-crc-2019-04")
        self.assertRedirects(response, reverse("admin:inspections_report_change", args=[report.pk]))
        inspection = Inspection.objects.get(report=report)
        self.assertEqual(inspection.overall_rating, Rating.GOOD)
        self.assertEqual(inspection.source.title.endswith(f"(imported from {CGM_2019})"), True)
        correction = Correction.objects.get(inspection=inspection)
        self.assertEqual(correction.reason, "Checked against p.5 of the report")
        self.assertEqual(
            (correction.editor, correction.changes[:56]),
            ("editor", "overall rating: 'Requires improvement' -> 'Good' (import"),
        )

    def test_a_preview_confirmed_twice_saves_once_and_refuses_the_second_plainly(self):
        form = self.upload().context["confirm_form"]
        data = json.loads(form.initial["data"])
        data["inspections"][0]["overall"] = "Good"
        confirm = {
            "confirm": "1",
            "filename": CGM_2019,
            "data": json.dumps(data),
            "report_state": form.initial["report_state"],
            "reason": "Checked against p.5 of the report",
        }
        self.assertEqual(self.client.post(self.url, confirm).status_code, 302)
        # The same page confirmed again (a double click, or a second editor with the same preview).
        data["inspections"][0]["overall"] = "Outstanding"
        again = self.client.post(self.url, {**confirm, "data": json.dumps(data)})
        self.assertContains(again, "changed after this import was prepared")
        inspection = Inspection.objects.get(report__slug="cheshire-greater-manchester-crc-2019-04")
        self.assertEqual(inspection.overall_rating, Rating.GOOD)
        self.assertEqual(Correction.objects.filter(inspection=inspection).count(), 1)

    def test_an_uncertain_value_is_shown_and_saved_only_when_ticked(self):
        text = (
            b"HM Inspectorate of Probation\nAn inspection of Essex Community Rehabilitation Company\n"
            b"HM Inspectorate of Probation MARCH 2031\n"
            b"Overall findings Overall, Essex CRC is rated as: Requires improvement.\n"
            b"Inspectors said its resettlement services were rated 'Good'.\n"
        )
        preview = self.upload(text, "essex.txt")
        self.assertContains(preview, "(uncertain: attributed through a loose synonym of the standard&#x27;s name)")
        self.assertContains(preview, 'value="rating:4.2"')
        form = preview.context["confirm_form"]
        confirm = {
            "confirm": "1",
            "filename": "essex.txt",
            "data": form.initial["data"],
            "uncertain": form.initial["uncertain"],
        }
        self.client.post(self.url, confirm)
        # The cover month (MARCH 2031) names the new report; it is not its publication date.
        inspection = Inspection.objects.get(provider__slug="essex-crc", report__slug="essex-crc-2031-03")
        self.assertFalse(inspection.ratings.filter(standard__code="4.2").exists())
        self.client.post(self.url, {**confirm, "include": ["rating:4.2"]})
        self.assertEqual(inspection.ratings.get(standard__code="4.2").rating, Rating.GOOD)

    def test_invalid_corrections_are_refused_readably_and_save_nothing(self):
        response = self.client.post(self.url, {"confirm": "1", "filename": CGM_2019, "data": "{not json"})
        self.assertContains(response, "This is not valid JSON")
        preview = self.upload()
        data = json.loads(preview.context["confirm_form"].initial["data"])
        data["inspections"][0]["ratings"][0]["rating"] = "Excellent"
        confirm = {"confirm": "1", "filename": CGM_2019, "data": json.dumps(data), "reason": "a test"}
        response = self.client.post(self.url, confirm)
        self.assertContains(response, "unknown rating &#x27;Excellent&#x27;")
        self.assertEqual(
            Inspection.objects.get(report__slug="cheshire-greater-manchester-crc-2019-04").source.kind, "report"
        )
        self.assertFalse(Inspection.objects.filter(source__slug__startswith="import-").exists())

    def test_a_bad_file_is_named_on_the_form(self):
        self.assertContains(self.upload(b"", "empty.txt"), "The submitted file is empty.")
        response = self.upload(b"Minutes of the parish council.", "minutes.txt")
        self.assertContains(response, "minutes.txt: this is not an HM Inspectorate of Probation report")

    def test_a_press_release_is_previewed_but_cannot_be_saved(self):
        name = "cheshire-greater-manchester-crc-2019-press-release.txt"
        response = self.upload(shared(name), name)
        self.assertContains(response, "not an inspection report: it will not be saved")
        self.assertNotContains(response, "Confirm and save")

    def test_staff_outside_the_editors_group_cannot_import(self):
        outsider = User.objects.create_user("outsider", password="another long password", is_staff=True)
        self.client.force_login(outsider)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_the_report_list_links_to_the_import_page(self):
        self.assertContains(self.client.get(reverse("admin:inspections_report_changelist")), self.url)

    def test_a_news_report_adds_its_values_to_the_inspection_the_editor_picks(self):
        news = (
            b"URL: https://www.example.org/news/west-yorkshire-probation\nKind: news\nPublisher: Example News\n\n"
            b"HM Inspectorate of Probation inspected West Yorkshire Community Rehabilitation Company. "
            b"Inspectors rated unpaid work as 'Good'.\n"
        )
        file = SimpleUploadedFile("news.txt", news, "text/plain")
        preview = self.client.post(self.url, {"file": file, "report": "west-yorkshire-crc-2020-03"})
        self.assertEqual(preview.status_code, 200)
        data = json.loads(preview.context["confirm_form"].initial["data"])
        uncertain = json.loads(preview.context["confirm_form"].initial["uncertain"])
        ratings = data["inspections"][0].get("ratings", [])
        confirmed = {
            "confirm": "1",
            "filename": "news.txt",
            "data": json.dumps(data),
            "uncertain": json.dumps(uncertain),
        }
        confirmed["include"] = list(uncertain)
        response = self.client.post(self.url, confirmed)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        inspection = Inspection.objects.get(report__slug="west-yorkshire-crc-2020-03")
        added = inspection.ratings.get(standard__code="4.1")
        self.assertEqual(
            (added.rating, added.source.url), (Rating.GOOD, "https://www.example.org/news/west-yorkshire-probation")
        )
        self.assertTrue(inspection.ratings.filter(standard__code="2.2", rating=Rating.INADEQUATE).exists())
        self.assertTrue(ratings or uncertain)

    def test_a_confirm_payload_of_the_wrong_shape_is_a_form_error_naming_it(self):
        good = json.loads(self.upload().context["confirm_form"].initial["data"])
        cases = {
            "nested": ("[" * 100_000) + ("]" * 100_000),
            "wrong type": json.dumps({**good, "title": 123}),
            "nul in title": json.dumps({**good, "title": "A title\u0000"}),
            "nul in a slug": json.dumps({**good, "slug": "cgm\u0002"}),
            "deep value": json.dumps(
                {**good, "inspections": [{**good["inspections"][0], "notes": [[[[[[[[[["x"]]]]]]]]]]}]}
            ),
            "no inspections": json.dumps({**good, "inspections": []}),
        }
        for name, payload in cases.items():
            with self.subTest(name):
                response = self.client.post(self.url, {"confirm": "1", "filename": CGM_2019, "data": payload})
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["confirm_form"].errors, name)
        self.assertContains(response, "The data cannot be saved")
