"""The known errors of the public record, each corrected through the importer or the loader.

The first class imports saved public texts into the test bundle (the importer's behaviour); the
second checks the corrected values in the real bundled data (tests about those values)."""

from pathlib import Path

from django.conf import settings
from django.test import TestCase

from inspections.loader import load_bundled_data
from inspections.models import Correction, DatePrecision, Fact, Inspection, Ownership, Report
from inspections.report_import import build_plan, write
from inspections.report_parser import ReportImportError
from inspections.rules import Rating
from tests.base import load_test_bundle

CORPUS = Path(settings.BASE_DIR) / "tests" / "fixtures" / "corpus"


def import_text(name, report, reason="", **options):
    path = CORPUS / name
    plan = build_plan(path.read_bytes(), path.name, report_slug=report, **options)
    write(plan, path.name, reason=reason)
    return plan


class ImportedCorrectionsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_a_lead_inspectors_name_cut_short_is_corrected_from_the_report_with_a_reason(self):
        self.assertEqual(Report.objects.get(slug="merseyside-crc-2020-06").lead_inspector, "Keith Mc")
        plan = import_text(
            "A/merseyside-crc-2020-06--report--1.txt", "merseyside-crc-2020-06", reason="The report names him in full"
        )
        self.assertEqual([c["what"] for c in plan.changes], [])  # written: nothing left to change
        self.assertEqual(Report.objects.get(slug="merseyside-crc-2020-06").lead_inspector, "Keith McInnis")
        self.assertIn("lead inspector: 'Keith Mc' -> 'Keith McInnis'", Correction.objects.get().changes)

    def test_a_publication_year_is_made_exact_by_the_report_cover_never_moved(self):
        # The cover's month is not a publication date: an editor confirmed it, as for a year held alone.
        import_text(
            "D/nps-north-west-2020--report--1.txt", "nps-north-west-2020", include_uncertain={"field:published"}
        )
        report = Report.objects.get(slug="nps-north-west-2020")
        self.assertEqual((report.published_iso, report.published_precision), ("2020-07", DatePrecision.MONTH))
        self.assertEqual(report.fieldwork_start_iso, "2020-01-20")
        self.assertEqual(report.lead_inspector, "Yvette Howson")

    def test_through_the_gate_outstanding_from_the_news_cites_it(self):
        for name, slug in [
            ("A/hampshire-isle-of-wight-crc-2020-07--news--1.txt", "hampshire-isle-of-wight-crc-2020-07"),
            ("B/durham-tees-valley-crc-2020-04--news--2.txt", "durham-tees-valley-crc-2020-04"),
        ]:
            with self.subTest(slug=slug):
                import_text(name, slug, include_uncertain={"rating:4.2"})
                rating = Inspection.objects.get(report__slug=slug).ratings.get(standard__code="4.2")
                self.assertEqual(rating.rating, Rating.OUTSTANDING)
                self.assertEqual(rating.source.publisher, "BBC News")
                self.assertIn("outstanding", rating.quote.lower())

    def test_durham_tees_valley_keeps_its_leadership_rating_and_citation(self):
        inspection = Inspection.objects.get(report__slug="durham-tees-valley-crc-2020-04")
        leadership = inspection.ratings.get(standard__code="1.1")
        import_text("B/durham-tees-valley-crc-2020-04--news--2.txt", inspection.report.slug, include_uncertain=True)
        self.assertEqual(inspection.ratings.get(pk=leadership.pk).source_id, leadership.source_id)

    def test_an_owner_a_text_states_comes_in_with_its_source(self):
        self.assertIsNone(Inspection.objects.get(report__slug="essex-crc-2018-10").owner)
        import_text("G/essex-crc-2018-10--blog--1.txt", "essex-crc-2018-10", provider_slug="essex-crc")
        inspection = Inspection.objects.get(report__slug="essex-crc-2018-10")
        self.assertEqual((inspection.owner.slug, inspection.owner_text), ("sodexo", "Sodexo"))
        self.assertIn("howardleague.org", inspection.owner_source.url)
        self.assertIn("Sodexo-run Essex CRC", inspection.owner_quote)
        self.assertFalse(Correction.objects.exists())
        # The API cites it as it cites every other value.
        owner_source = self.client.get(f"/api/v1/inspections/{inspection.pk}").json()["owner_source"]
        self.assertIn("howardleague.org", owner_source["url"])

    def test_a_different_owner_than_the_one_held_is_a_correction_needing_a_reason(self):
        text = (
            b"Kind: news\n\nHM Inspectorate of Probation rated Dorset, Devon and Cornwall CRC 'Inadequate'. "
            b"Dorset, Devon and Cornwall CRC is owned by Seetec."
        )
        slug = "dorset-devon-cornwall-crc-2019-02"
        plan = build_plan(text, "made-up.txt", report_slug=slug)
        self.assertEqual(
            [(c["what"], c["old"], c["new"]) for c in plan.changes], [("owner", "working-links", "seetec")]
        )
        with self.assertRaisesMessage(ReportImportError, "give the reason for the correction"):
            write(plan, "made-up.txt")
        self.assertEqual(Inspection.objects.get(report__slug=slug).owner.slug, "working-links")
        write(build_plan(text, "made-up.txt", report_slug=slug), "made-up.txt", reason="A made-up correction")
        self.assertEqual(Inspection.objects.get(report__slug=slug).owner.slug, "seetec")
        self.assertIn("owner: 'working-links' -> 'seetec'", Correction.objects.get().changes)


class CorrectedRecordTests(TestCase):
    """The real bundled data after the sweep: one test per corrected value."""

    @classmethod
    def setUpTestData(cls):
        load_bundled_data()

    def test_no_lead_inspector_is_cut_short(self):
        self.assertFalse(Report.objects.filter(lead_inspector="Keith Mc").exists())
        self.assertEqual(Report.objects.get(slug="bgsw-crc-2019-09").lead_inspector, "Keith McInnis")

    def test_nps_north_west_2020_is_published_after_its_fieldwork(self):
        report = Report.objects.get(slug="nps-north-west-2020")
        self.assertEqual(report.published_iso, "2020-07")
        self.assertGreater(report.published, report.fieldwork_start)

    def test_seetec_takes_over_working_links_crcs_on_15_february_2019_citing_it(self):
        for slug in ("bgsw-crc", "dorset-devon-cornwall-crc", "wales-crc"):
            seetec = Ownership.objects.get(provider__slug=slug, owner__slug="seetec")
            self.assertEqual(seetec.period.lower.isoformat(), "2019-02-15")
            self.assertIn("huffingtonpost", seetec.source.url)

    def test_sodexos_caseload_share_is_a_share_not_a_caseload_per_officer(self):
        share = Fact.objects.get(label="Sodexo CRCs' share of national CRC caseload")
        self.assertEqual(share.metric.slug, "caseload-share")

    def test_south_yorkshire_2019_is_published_on_the_day_napo_states(self):
        report = Report.objects.get(slug="south-yorkshire-crc-2019-03")
        self.assertEqual((report.published_iso, report.published_precision), ("2019-03-29", DatePrecision.DAY))

    def test_warwickshire_west_mercia_2019_is_owned_by_peopleplus(self):
        inspection = Inspection.objects.get(report__slug="warwickshire-west-mercia-crc-2019-07")
        self.assertEqual(inspection.owner.slug, "peopleplus")
        self.assertEqual(inspection.owner_source.publisher, "BBC News")
        self.assertIn("owned by PeoplePlus", inspection.owner_quote)

    def test_essex_2018_is_owned_by_sodexo_citing_the_howard_league(self):
        inspection = Inspection.objects.get(report__slug="essex-crc-2018-10")
        self.assertEqual(inspection.owner.slug, "sodexo")
        self.assertIn("howardleague.org", inspection.owner_source.url)
        self.assertIn("Sodexo-run Essex CRC", inspection.owner_quote)

    def test_the_missing_2020_overall_ratings_say_why(self):
        for slug in ("hampshire-isle-of-wight-crc-2020-07", "thames-valley-crc-2020-01"):
            inspection = Inspection.objects.get(report__slug=slug)
            self.assertIsNone(inspection.overall_rating)
            self.assertTrue(inspection.overall_rating_note)
