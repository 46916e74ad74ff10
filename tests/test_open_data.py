"""Bulk downloads (row counts equal the database, spreadsheet-safe CSV), data releases with their
changelog, the Atom feed, and citations."""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from inspections.citations import bibtex_text, cite_chart, cite_inspection
from inspections.datasets import DATASETS, spreadsheet_safe
from inspections.models import (
    Correction,
    DataRelease,
    Fact,
    Finding,
    Inspection,
    KeyQuestionScore,
    Recommendation,
    StandardRating,
)
from inspections.releases import ReleaseError, cut_release
from inspections.rules import Rating
from tests.base import EditorTestCase, cgm_2019, load_test_bundle

ATOM = "{http://www.w3.org/2005/Atom}"


def body_of(response):
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


class SpreadsheetSafetyTests(TestCase):
    def test_formula_triggers_are_escaped_and_everything_else_is_not(self):
        for dangerous in ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]:
            self.assertEqual(spreadsheet_safe(dangerous), "'" + dangerous)
        for harmless in ["Good", "more than 6,500", "", " =not first", None, -3, 4.5]:
            self.assertEqual(spreadsheet_safe(harmless), harmless)


class DownloadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.cgm = cgm_2019()

    def download(self, slug, fmt):
        response = self.client.get(reverse("dashboard:download", args=[slug, fmt]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        self.assertIn(f"crc-{slug}-{datetime.date.today():%Y-%m-%d}.{fmt}", response["Content-Disposition"])
        self.assertTrue(response["X-Generated-At"])
        return body_of(response)

    def test_every_dataset_has_as_many_rows_as_the_database(self):
        expected = {
            "inspections": Inspection.objects.count(),
            "ratings": StandardRating.objects.count(),
            "scores": KeyQuestionScore.objects.count(),
            "facts": Fact.objects.count(),
            "recommendations": Recommendation.objects.count(),
            "findings": Finding.objects.count(),
        }
        self.assertEqual(set(expected), set(DATASETS))
        for slug, count in expected.items():
            with self.subTest(dataset=slug):
                self.assertGreater(count, 0)
                rows = list(csv.DictReader(io.StringIO(self.download(slug, "csv"))))
                self.assertEqual(len(rows), count)
                self.assertEqual(list(rows[0]), DATASETS[slug].column_names)
                document = json.loads(self.download(slug, "json"))
                self.assertEqual(len(document["rows"]), count)
                self.assertEqual(document["licence"], "Open Government Licence v3.0")
                self.assertTrue(document["generated_at"])
                self.assertEqual([c["name"] for c in document["columns"]], DATASETS[slug].column_names)

    def test_values_match_the_database(self):
        rows = list(csv.DictReader(io.StringIO(self.download("ratings", "csv"))))
        planning = next(r for r in rows if r["inspection_id"] == str(self.cgm.pk) and r["standard_code"] == "2.2")
        self.assertEqual(planning["rating"], "Inadequate")
        self.assertEqual(planning["published"], "2019-04-03")
        self.assertTrue(planning["source_document"])

    def test_a_formula_in_the_data_cannot_run_in_a_spreadsheet(self):
        Finding.objects.filter(pk=Finding.objects.first().pk).update(text='=HYPERLINK("http://evil.example","click")')
        rows = list(csv.DictReader(io.StringIO(self.download("findings", "csv"))))
        texts = [row["text"] for row in rows]
        self.assertIn('\'=HYPERLINK("http://evil.example","click")', texts)
        self.assertFalse(any(text.startswith(("=", "+", "-", "@")) for row in rows for text in row.values()))
        document = json.loads(self.download("findings", "json"))
        self.assertIn('=HYPERLINK("http://evil.example","click")', [row["text"] for row in document["rows"]])

    def test_the_league_table_export_is_spreadsheet_safe_too(self):
        self.cgm.provider.__class__.objects.filter(pk=self.cgm.provider_id).update(name="=1+1 CRC")
        body = self.client.get("/?_export=csv&scope=all").content.decode()
        self.assertIn("'=1+1 CRC", body)

    def test_the_league_table_export_lists_a_providers_inspections_in_publication_order(self):
        rows = list(csv.DictReader(io.StringIO(self.client.get("/?_export=csv&scope=all").content.decode())))
        inspections = Inspection.objects.rated().select_related("provider", "report")
        expected = sorted(
            inspections,
            key=lambda i: (i.provider.name, i.report.published is None, i.report.published or datetime.date.min, i.pk),
        )
        repeated = {i.provider.name for i in inspections if inspections.filter(provider=i.provider).count() > 1}
        self.assertTrue(repeated, "the test bundle has a provider inspected twice")
        self.assertEqual([row["Inspection id"] for row in rows], [str(i.pk) for i in expected])

    def test_unknown_datasets_and_formats_are_404(self):
        for url in ["/data/everything.csv", "/data/ratings.xlsx", "/data/releases/2099-01/ratings.csv"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_data_page_lists_datasets_dictionary_licence_and_counts(self):
        page = self.client.get(reverse("dashboard:data")).content.decode()
        for dataset in DATASETS.values():
            self.assertIn(dataset.title, page)
            self.assertIn(f"/data/{dataset.slug}.csv", page)
        self.assertIn("Open Government Licence v3.0", page)
        self.assertIn("<code>standard_code</code>", page)
        self.assertIn(f"{StandardRating.objects.count()} rows", page)


class ReleaseTests(EditorTestCase):
    def test_the_admin_requires_a_reason_and_records_the_correction(self):
        response = self.post_edit("", planning=Rating.GOOD)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Say why you are changing this inspection")
        self.assertEqual(
            StandardRating.objects.get(inspection=self.cgm, standard__code="2.2").rating, Rating.INADEQUATE
        )
        self.assertEqual(self.post_edit("Report p.7 says Good", planning=Rating.GOOD).status_code, 302)
        correction = Correction.objects.get()
        self.assertEqual(correction.reason, "Report p.7 says Good")
        self.assertEqual(correction.changes, "2.2 Planning rating: 'Inadequate' -> 'Good'")
        self.assertEqual(correction.inspection, self.cgm)

    def test_releases_freeze_the_files_and_list_what_changed_with_reasons(self):
        first = cut_release("2026-10", notes="First")
        self.assertIn("First release", first.changelog["summary"])
        self.assertEqual(first.files.count(), 2 * len(DATASETS))
        frozen_before = first.files.get(dataset="ratings", format="csv").content
        self.post_edit("Report p.7 says Good", planning=Rating.GOOD)
        second = cut_release("2026-11")
        changes = second.changelog["rating_changes"]
        self.assertEqual(
            [(c["inspection_id"], c["what"], c["before"], c["after"]) for c in changes],
            [(self.cgm.pk, "2.2 Planning", "Inadequate", "Good")],
        )
        self.assertEqual([c["reason"] for c in second.changelog["corrections"]], ["Report p.7 says Good"])
        self.assertEqual(second.changelog["previous"], "2026-10")
        # The old release still serves the old value.
        self.assertEqual(first.files.get(dataset="ratings", format="csv").content, frozen_before)
        old = self.client.get(reverse("dashboard:release_file", args=["2026-10", "ratings", "csv"]))
        self.assertIn("immutable", old["Cache-Control"])
        rows = list(csv.DictReader(io.StringIO(old.content.decode())))
        planning = next(r for r in rows if r["inspection_id"] == str(self.cgm.pk) and r["standard_code"] == "2.2")
        self.assertEqual(planning["rating"], "Inadequate")
        page = self.client.get(reverse("dashboard:release", args=["2026-11"])).content.decode()
        self.assertIn("Inadequate → Good", page)
        self.assertIn("Report p.7 says Good", page)

    def test_identifiers_are_checked_and_never_reused(self):
        cut_release("2026-10")
        with self.assertRaisesMessage(ReleaseError, "already a release"):
            cut_release("2026-10")
        with self.assertRaisesMessage(ReleaseError, "must look like"):
            cut_release("latest")
        self.assertEqual(DataRelease.objects.count(), 1)

    def test_the_command_and_the_admin_cut_releases(self):
        out = io.StringIO()
        call_command("cut_release", "2026-09", "--notes", "By command", stdout=out)
        self.assertIn("Release 2026-09: 12 files", out.getvalue())
        self.client.force_login(self.editor)
        response = self.client.post(
            reverse("admin:inspections_datarelease_add"), {"identifier": "2026-10", "notes": "By admin"}
        )
        self.assertEqual(response.status_code, 302, response.content[:1000])
        release = DataRelease.objects.get(identifier="2026-10")
        self.assertEqual(release.released_by, "editor")
        self.assertEqual(release.changelog["previous"], "2026-09")
        self.assertEqual(release.files.count(), 12)

    def test_the_atom_feed_announces_releases_and_corrections(self):
        cut_release("2026-10")
        self.post_edit("Report p.7 says Good", planning=Rating.GOOD)
        self.client.logout()
        response = self.client.get(reverse("dashboard:feed"))
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
        titles = [entry.find(f"{ATOM}title").text for entry in entries]
        self.assertEqual(titles[0], f"Correction: {self.cgm}")
        self.assertIn("Data release 2026-10", titles)
        self.assertIn("Report p.7 says Good", entries[0].find(f"{ATOM}summary").text)


class CitationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.cgm = cgm_2019()

    def test_bibtex_escapes_latex_specials(self):
        self.assertEqual(
            bibtex_text("Cheshire & Greater Manchester 50% {x}"), r"Cheshire \& Greater Manchester 50\% \{x\}"
        )

    def test_an_inspection_citation_names_report_publisher_date_section_and_permalink(self):
        planning = StandardRating.objects.get(inspection=self.cgm, standard__code="2.2")
        citation = cite_inspection(
            self.cgm,
            "https://example.org/inspections/1/standards/2.2/",
            datetime.date(2026, 11, 29),
            planning.standard,
            planning,
        )
        self.assertIn("HM Inspectorate of Probation (2019)", citation.plain)
        self.assertIn(self.cgm.report.title, citation.plain)
        self.assertIn("Section 2.2 Planning", citation.plain)
        self.assertIn(planning.location, citation.plain)
        self.assertIn("accessed 29 November 2026", citation.plain)
        self.assertTrue(citation.bibtex.startswith("@techreport{hmip-cgm-2019-22,"))
        self.assertIn("author = {{HM Inspectorate of Probation}}", citation.bibtex)
        self.assertIn("month = apr,", citation.bibtex)
        self.assertIn("urldate = {2026-11-29}", citation.bibtex)
        self.assertEqual(
            citation.bibtex.count("{"),
            citation.bibtex.count("}") + citation.bibtex.count(r"\}") - citation.bibtex.count(r"\{"),
        )

    def test_pages_offer_plain_and_bibtex_for_the_inspection_the_section_and_each_chart(self):
        for url in [self.cgm.get_absolute_url(), reverse("dashboard:inspection_standard", args=[self.cgm.pk, "2.2"])]:
            with self.subTest(url=url):
                page = self.client.get(url).content.decode()
                self.assertIn("@techreport{", page)
                self.assertIn("Plain text", page)
                self.assertIn(f"accessed {datetime.date.today():%-d %B %Y}", page)
        page = self.client.get(self.cgm.get_absolute_url()).content.decode()
        self.assertIn("Cite this chart", page)
        self.assertIn("@misc{", page)
        self.assertIn(f"/inspections/{self.cgm.pk}/#chart-drilldown", page)

    def test_a_chart_citation(self):
        citation = cite_chart(
            "Ratings by standard",
            "HM Inspectorate of Probation reports.",
            "https://e.org/#chart-x",
            datetime.date(2026, 11, 29),
        )
        self.assertIn("“Ratings by standard” (chart)", citation.plain)
        self.assertIn("url = {https://e.org/#chart-x}", citation.bibtex)
