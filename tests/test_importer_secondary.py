"""A press release, news report or blog post adds what it states to an inspection already held:
new values cite it, values held as it states them keep their citation, a different value is a
correction that needs a reason, and nothing held is removed."""

from django.test import TestCase

from inspections.models import Correction, Inspection, SourceDocument, StandardRating
from inspections.report_import import build_plan, write
from inspections.report_parser import ReportImportError
from inspections.rules import Rating
from tests.base import load_test_bundle

HEADER = (
    "URL: https://www.bbc.co.uk/news/uk-england-hampshire-53421217\n"
    "Kind: news\n"
    "Title: Probation service lost staff, inspectors say\n"
    "Publisher: BBC News\n\n"
)


def text(body):
    return (HEADER + body).encode()


class SecondaryImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.inspection = Inspection.objects.get(provider__slug="west-yorkshire-crc", report__published__year=2020)
        cls.report = cls.inspection.report

    def import_text(self, body, **options):
        plan = build_plan(text(body), "news.txt", report_slug=self.report.slug, **options)
        return plan, write(plan, "news.txt", reason=options.pop("reason", ""))

    def test_a_new_rating_cites_the_text_and_nothing_held_is_removed(self):
        before = {r.pk: (r.standard.code, r.rating, r.source_id) for r in self.inspection.ratings.all()}
        self.import_text(
            "West Yorkshire Community Rehabilitation Company was inspected. "
            "The inspectors rated unpaid work as 'Good'.\n",
            include_uncertain=True,
        )
        ratings = {r.pk: (r.standard.code, r.rating, r.source_id) for r in self.inspection.ratings.all()}
        self.assertLessEqual(before.items(), ratings.items())  # every held row kept, with its id
        added = self.inspection.ratings.get(standard__code="4.1")
        self.assertEqual(added.rating, Rating.GOOD)
        self.assertEqual(added.source.url, "https://www.bbc.co.uk/news/uk-england-hampshire-53421217")
        self.assertEqual(added.source.kind, SourceDocument.Kind.NEWS)
        self.assertIn("rated unpaid work as 'Good'", added.quote)

    def test_a_value_held_as_stated_keeps_its_citation(self):
        held = self.inspection.ratings.get(standard__code="2.2")
        self.assertEqual(held.rating, Rating.INADEQUATE)
        plan, _ = self.import_text(
            "West Yorkshire Community Rehabilitation Company was inspected. Planning was rated as 'Inadequate'.\n"
        )
        self.assertNotIn("ratings", plan.data["inspections"][0])
        self.assertEqual(StandardRating.objects.get(pk=held.pk).source_id, held.source_id)

    def test_a_different_value_needs_a_reason_and_becomes_a_correction(self):
        body = "West Yorkshire Community Rehabilitation Company was inspected. Planning was rated as 'Good'.\n"
        plan = build_plan(text(body), "news.txt", report_slug=self.report.slug)
        with self.assertRaisesMessage(ReportImportError, "give the reason for the correction"):
            write(plan, "news.txt")
        self.assertEqual(self.inspection.ratings.get(standard__code="2.2").rating, Rating.INADEQUATE)
        write(plan, "news.txt", reason="The BBC reports the rating the report gives.")
        self.assertEqual(self.inspection.ratings.get(standard__code="2.2").rating, Rating.GOOD)
        correction = Correction.objects.get(inspection=self.inspection)
        self.assertIn("rating 2.2: 'Inadequate' -> 'Good'", correction.changes)

    def test_a_text_about_another_provider_is_refused(self):
        body = "Hampshire and Isle of Wight Community Rehabilitation Company was rated as 'Good' by inspectors.\n"
        with self.assertRaisesMessage(ReportImportError, "the text does not name West Yorkshire CRC"):
            build_plan(text(body), "news.txt", report_slug=self.report.slug, include_uncertain=True)

    def test_an_unknown_report_is_named(self):
        with self.assertRaisesMessage(ReportImportError, "--report: no report with the slug 'nope'"):
            build_plan(text("Anything.\n"), "news.txt", report_slug="nope")

    def test_the_same_url_reuses_the_source_we_hold(self):
        held = SourceDocument.objects.exclude(url="").first()
        body = (
            f"URL: {held.url}\nKind: news\n\nHM Inspectorate of Probation inspected West Yorkshire Community "
            "Rehabilitation Company: unpaid work was rated as 'Good'.\n"
        )
        plan = build_plan(body.encode(), "n.txt", report_slug=self.report.slug, include_uncertain=True)
        self.assertNotIn("sources", plan.data)
        self.assertEqual(plan.data["inspections"][0]["ratings"][0]["source"], held.slug)


class ImportTextsCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_a_manifest_imports_each_text_into_its_inspection_or_nothing(self):
        import tempfile
        from io import StringIO
        from pathlib import Path

        from django.core.management import CommandError, call_command

        with tempfile.TemporaryDirectory() as tmp:
            news = Path(tmp) / "news.txt"
            news.write_bytes(
                text("HM Inspectorate of Probation inspected West Yorkshire Community Rehabilitation Company. "
                     "Inspectors rated unpaid work as 'Good'.\n")
            )  # fmt: skip
            manifest = Path(tmp) / "imports.toml"
            good = f'[[imports]]\nfile = "{news}"\nreport = "west-yorkshire-crc-2020-03"\nconfirm = ["rating:4.1"]\n'
            manifest.write_text(good + '\n[[imports]]\nfile = "no-such-file.txt"\nreport = "x"\n')
            with self.assertRaisesMessage(CommandError, "imports[1]: cannot read no-such-file.txt"):
                call_command("import_texts", str(manifest), stdout=StringIO(), stderr=StringIO())
            inspection = Inspection.objects.get(report__slug="west-yorkshire-crc-2020-03")
            self.assertFalse(inspection.ratings.filter(standard__code="4.1").exists())  # all or nothing
            manifest.write_text(good)
            call_command("import_texts", str(manifest), stdout=StringIO(), stderr=StringIO())
            self.assertEqual(inspection.ratings.get(standard__code="4.1").rating, Rating.GOOD)


class CoverMonthTests(TestCase):
    """A report opening's cover month never becomes the publication date unless an editor confirms it."""

    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_a_cover_month_is_offered_for_a_year_held_alone_and_written_only_when_confirmed(self):
        report = Inspection.objects.get(provider__slug="nps-north-west", report__slug="nps-north-west-2020").report
        self.assertEqual(report.published_iso, "2020")
        opening = b"HM Inspectorate of Probation\nAn inspection of the North West division\nHMI Probation, July 2020\n"
        plan = build_plan(opening + b"Inspectors rated it.\n", "nw.txt", report_slug=report.slug)
        self.assertNotIn("published", plan.data)
        self.assertIn("publication month: the cover says 2020-07", " ".join(plan.missing))
        plan = build_plan(
            opening + b"Inspectors rated it.\n",
            "nw.txt",
            report_slug=report.slug,
            include_uncertain={"field:published"},
        )
        self.assertEqual(plan.data["published"], "2020-07")


# A blog on two CRCs' inspections: West Yorkshire's rating and unpaid work, and Essex named with a figure.
TWO_CRCS = (
    "URL: https://example.org/blog/two-crcs\nKind: blog\nTitle: Two more CRCs inspected\nPublisher: A blog\n\n"
    "HM Inspectorate of Probation has reported on two more CRCs.\n\n"
    "West Yorkshire – run by Purple Futures – struggled with heavy caseloads. The inspection said the CRC was "
    "rated 'Inadequate' overall. Its unpaid work was rated 'Outstanding'.\n\n"
    "Sodexo-run Essex CRC, which supervises more than 6,000 people, was also inspected.\n"
).encode()


class MultiProviderImportTests(TestCase):
    """An import never writes to the provider chosen what the text states of another provider."""

    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def entry(self, plan):
        return plan.data["inspections"][0]

    def test_the_provider_chosen_gets_only_what_the_text_states_of_it(self):
        essex = build_plan(TWO_CRCS, "blog.txt", "essex-crc", report_slug="essex-crc-2018-10")
        self.assertEqual(self.entry(essex)["provider"], "essex-crc")
        self.assertNotIn("overall", self.entry(essex))  # 'Inadequate' is West Yorkshire's
        self.assertNotIn("ratings", self.entry(essex))  # and so is unpaid work's 'Outstanding'
        self.assertEqual(essex.changes, [])
        self.assertIn("the text states it of west-yorkshire-crc", " ".join(essex.extraction.notes))
        self.assertEqual([found.value["value"] for found in essex.extraction.facts], ["more than 6,000"])

    def test_the_report_picked_reads_the_text_for_the_provider_it_inspected(self):
        plan = build_plan(TWO_CRCS, "blog.txt", report_slug="west-yorkshire-crc-2018-10", include_uncertain=True)
        entry = self.entry(plan)
        self.assertEqual((entry["provider"], entry["overall"]), ("west-yorkshire-crc", "Inadequate"))
        self.assertEqual([(r["standard"], r["rating"]) for r in entry["ratings"]], [("4.1", "Outstanding")])
        self.assertEqual(plan.extraction.facts, [])  # Essex's 6,000

    def test_import_report_with_a_provider_writes_nothing_stated_of_another(self):
        import json
        import tempfile
        from io import StringIO
        from pathlib import Path

        from django.core.management import call_command

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "blog.txt"
            path.write_bytes(TWO_CRCS)
            stdout = StringIO()
            call_command(
                "import_report", str(path), "--provider", "essex-crc", "--report", "essex-crc-2018-10", "--json",
                stdout=stdout, stderr=StringIO(),
            )  # fmt: skip
        data = json.loads(stdout.getvalue())
        self.assertEqual(data["inspections"][0]["overall_rating"], "Requires improvement")  # as held
        self.assertNotIn("overall", data["extracted"]["fields"])
        self.assertEqual(data["extracted"]["ratings"], {})
        essex = Inspection.objects.get(report__slug="essex-crc-2018-10")
        self.assertEqual(essex.overall_rating, Rating.REQUIRES_IMPROVEMENT)
        self.assertFalse(essex.ratings.filter(standard__code="4.1").exists())
        self.assertFalse(Correction.objects.exists())
