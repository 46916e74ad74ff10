"""Writing reports back to their files: what the database holds reaches the bundle, and loading
what was written changes nothing."""

import shutil
import tempfile
import tomllib
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from inspections.loader import load_bundled_data
from inspections.loader.writer import write_report_files
from inspections.models import Inspection, SourceDocument, StandardRating
from inspections.rules import Rating
from tests.base import TEST_BUNDLE, load_test_bundle


class WriterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.data_dir = Path(self.tmp.name) / "data"
        shutil.copytree(TEST_BUNDLE, self.data_dir)

    def tearDown(self):
        self.tmp.cleanup()

    def file(self, slug):
        return tomllib.loads((self.data_dir / "reports" / f"{slug}.toml").read_text())

    def test_loading_the_written_files_changes_nothing(self):
        write_report_files(data_dir=self.data_dir)
        counts = load_bundled_data(self.data_dir)
        written = {key: count for key, count in counts.items() if count and not key.endswith("unchanged")}
        self.assertEqual(written, {})

    def test_a_correction_in_the_database_reaches_the_file_and_keeps_its_comment(self):
        inspection = Inspection.objects.get(provider__slug="west-yorkshire-crc", report__published__year=2020)
        rating = inspection.ratings.get(standard__code="2.2")
        rating.rating = Rating.REQUIRES_IMPROVEMENT
        rating.save()
        slug = inspection.report.slug
        original = (self.data_dir / "reports" / f"{slug}.toml").read_text()
        write_report_files([slug], data_dir=self.data_dir)
        text = (self.data_dir / "reports" / f"{slug}.toml").read_text()
        self.assertEqual(text.splitlines()[0], original.splitlines()[0])
        ratings = {r["standard"]: r["rating"] for r in self.file(slug)["inspections"][0]["ratings"]}
        self.assertEqual(ratings["2.2"], "Requires improvement")
        self.assertEqual(ratings["2.1"], "Inadequate")

    def test_a_new_source_is_defined_in_the_file_that_first_cites_it(self):
        source = SourceDocument.objects.create(
            slug="bbc-news-test", title="A news report", kind=SourceDocument.Kind.NEWS, url="https://www.bbc.co.uk/x"
        )
        inspection = Inspection.objects.get(provider__slug="thames-valley-crc", report__published__year=2020)
        standard = inspection.report.framework.standards.get(code="4.2")
        StandardRating.objects.create(inspection=inspection, standard=standard, rating=Rating.GOOD, source=source)
        write_report_files([inspection.report.slug], data_dir=self.data_dir)
        data = self.file(inspection.report.slug)
        self.assertIn("bbc-news-test", [s["slug"] for s in data["sources"]])
        self.assertEqual(data["inspections"][0]["ratings"][-1]["source"], "bbc-news-test")
        counts = load_bundled_data(self.data_dir)
        self.assertEqual(counts["StandardRating created"] + counts["StandardRating replaced"], 0)

    def test_the_command_names_an_unknown_report(self):
        with self.assertRaisesMessage(CommandError, "No report with slug: no-such-report"):
            call_command("write_report_files", "no-such-report", stdout=StringIO())
