"""The loader, on the test bundle: what it loads, that loading is idempotent, that a bad file loads
nothing; and the integrity (not the size) of the real bundled data."""

from decimal import Decimal

from django.db import models
from django.test import TestCase

from inspections.loader import BundledDataError, load_bundled_data
from inspections.models import (
    Fact,
    Finding,
    Inspection,
    KeyQuestionScore,
    Ownership,
    Provider,
    Recommendation,
    Report,
    ReportTable,
    SourceDocument,
    StandardRating,
)
from inspections.quantities import Qualifier
from inspections.rules import Rating
from tests.base import TEST_BUNDLE, edited_test_bundle, load_test_bundle

ALL_MODELS = [
    SourceDocument, Provider, Ownership, Report, Inspection, StandardRating, KeyQuestionScore, Fact, Finding,
    Recommendation, ReportTable,
]  # fmt: skip


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in ALL_MODELS}


class LoaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first_counts = load_test_bundle()

    def test_every_report_file_becomes_a_report_with_its_inspections(self):
        files = sorted(path.stem for path in (TEST_BUNDLE / "reports").glob("*.toml"))
        self.assertEqual(sorted(Report.objects.values_list("slug", flat=True)), files)
        self.assertEqual(Inspection.objects.filter(report__slug="greater-manchester-quality-impact-2017-02").count(), 2)

    def test_loading_again_changes_nothing(self):
        before = snapshot()
        counts = load_test_bundle()
        self.assertEqual(snapshot(), before)
        written = {key: count for key, count in counts.items() if count and not key.endswith("unchanged")}
        self.assertEqual(written, {})

    def test_a_blank_in_the_sources_stays_blank(self):
        thames_valley_2020 = Inspection.objects.get(provider__slug="thames-valley-crc", report__published__year=2020)
        self.assertIsNone(thames_valley_2020.overall_rating)
        undated = Report.objects.get(slug="thames-valley-crc-2018-undated")
        self.assertIsNone(undated.published)
        self.assertFalse(undated.inspections.get().ratings.exists())

    def test_a_rating_cites_the_document_that_states_it(self):
        rating = StandardRating.objects.get(
            inspection__provider__slug="durham-tees-valley-crc", inspection__report__published__year=2019
        )
        self.assertEqual((rating.standard.code, rating.rating), ("1.1", Rating.OUTSTANDING))
        self.assertIn("thenorthernecho.co.uk", rating.source.url)

    def test_qualified_figures_keep_their_qualifier(self):
        fact = Fact.objects.get(
            inspection__provider__slug="merseyside-crc",
            inspection__report__published__year=2018,
            metric__slug="individuals-supervised",
        )
        self.assertEqual((fact.value_text, fact.qualifier, fact.value), (">6,500", Qualifier.MORE_THAN, 6500))
        words = Fact.objects.get(label="Case sample: domestic abuse a feature (share of inspected cases)")
        self.assertEqual((words.value_text, words.qualifier, words.value), ("around a third", Qualifier.ABOUT, None))

    def test_press_case_figures_are_facts_never_key_question_scores(self):
        london = Fact.objects.get(metric__slug="case-sample-finding", inspection__provider__slug="london-crc")
        self.assertTrue(london.is_inverse)
        self.assertEqual(london.standard.code, "2.1")
        self.assertFalse(KeyQuestionScore.objects.filter(inspection=london.inspection).exists())

    def test_cheshire_and_greater_manchester_2019_holds_the_report_contents(self):
        inspection = Inspection.objects.get(
            provider__slug="cheshire-greater-manchester-crc", report__published__year=2019
        )
        self.assertEqual(inspection.ratings.count(), 10)
        self.assertEqual(inspection.recommendations.count(), 8)
        self.assertEqual(inspection.recommendations.get(number=8).addressee, "Purple Futures")
        completions = inspection.facts.get(metric__slug="order-completions")
        self.assertEqual((completions.value, completions.national_value, completions.target_value), (79, 79, 75))
        self.assertTrue(inspection.findings.filter(kind=Finding.Kind.STRENGTH).exists())
        self.assertEqual(inspection.report.fieldwork_start_text, "December 2018")

    def test_quality_and_impact_judgements_scores_and_tables(self):
        crc = Inspection.objects.get(provider__slug="cheshire-greater-manchester-crc", report__published__year=2017)
        self.assertEqual(crc.case_sample_size, 73)
        self.assertEqual(crc.ratings.get(standard__code="AS").judgement, "Overall, performance was good.")
        self.assertIsNone(crc.ratings.get(standard__code="AS").rating)
        attitudes = crc.scores.get(key_question__code="RR.6")
        self.assertEqual(attitudes.percent, Decimal("29"))
        table = ReportTable.objects.get(report=crc.report, number="3")
        self.assertEqual(table.rows[-1][0], "All four clusters Combined")

    def test_a_bad_value_loads_nothing_and_names_file_entry_and_field(self):
        with edited_test_bundle(
            "essex-crc-2018-10", lambda text: text.replace('overall = "Requires improvement"', 'overall = "Excellent"')
        ) as data_dir:
            Report.objects.filter(slug="essex-crc-2018-10").update(title="Edited title")
            with self.assertRaises(BundledDataError) as raised:
                load_bundled_data(data_dir)
        message = str(raised.exception)
        self.assertIn("essex-crc-2018-10.toml", message)
        self.assertIn("inspections[0].overall", message)
        self.assertIn("unknown rating 'Excellent'", message)
        # Every earlier file in the run was rolled back with it: the edit above was not overwritten.
        self.assertEqual(Report.objects.get(slug="essex-crc-2018-10").title, "Edited title")

    def test_a_changed_file_updates_in_place(self):
        with edited_test_bundle(
            "essex-crc-2018-10", lambda text: text.replace('overall = "Requires improvement"', 'overall = "Good"')
        ) as data_dir:
            ids = set(Inspection.objects.values_list("pk", flat=True))
            counts = load_bundled_data(data_dir)
        self.assertEqual(counts["Inspection updated"], 1)
        self.assertEqual(set(Inspection.objects.values_list("pk", flat=True)), ids)
        self.assertEqual(Inspection.objects.get(provider__slug="essex-crc").overall_rating, Rating.GOOD)


class CompletenessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_completeness_is_queryable(self):
        inspections = Inspection.objects.rated().with_completeness()
        cgm = inspections.get(provider__slug="cheshire-greater-manchester-crc")
        self.assertEqual((cgm.ratings_recorded, cgm.scores_recorded), (10, 0))
        totals = inspections.aggregate(ratings=models.Sum("ratings_recorded"))
        self.assertEqual(totals["ratings"], StandardRating.objects.exclude(rating=None).count())


class RealBundleIntegrityTests(TestCase):
    """The real data in inspections/data: whole and traceable, whatever its size."""

    @classmethod
    def setUpTestData(cls):
        load_bundled_data()

    def test_the_catalogue_names_the_21_crcs_and_the_7_nps_divisions(self):
        self.assertEqual(Provider.objects.crcs().count(), 21)
        # The seven divisions of 2014-2021, plus the South West region inspected after the 2021 split.
        self.assertEqual(Provider.objects.nps_divisions().count(), 8)

    def test_every_inspection_has_a_provider_a_framework_and_a_source(self):
        for inspection in Inspection.objects.select_related("report__framework", "provider", "source"):
            with self.subTest(inspection=str(inspection)):
                self.assertTrue(inspection.provider.name)
                self.assertTrue(inspection.report.framework.slug)
                self.assertIsNotNone(inspection.source_id)

    def test_every_source_document_is_named_and_can_be_found(self):
        for document in SourceDocument.objects.all():
            with self.subTest(document=document.slug):
                self.assertTrue(document.title)
                self.assertTrue(document.url or document.notes, "neither a URL nor a note on where to find it")

    def test_every_standard_rating_is_on_the_scale_or_a_judgement_in_words(self):
        for rating in StandardRating.objects.select_related("inspection__report__framework"):
            with self.subTest(rating=str(rating)):
                if rating.inspection.report.framework.has_four_point_ratings:
                    self.assertIn(rating.rating, Rating.values + [None])
                else:
                    self.assertIsNone(rating.rating)


class ControlCharacterTests(TestCase):
    def test_a_control_character_in_a_file_loads_nothing_and_names_the_field(self):
        with (
            edited_test_bundle(
                "essex-crc-2018-10", lambda text: text.replace('title = "', 'title = "\\u0002', 1)
            ) as data_dir,
            self.assertRaises(BundledDataError) as raised,
        ):
            load_bundled_data(data_dir)
        self.assertIn(
            "essex-crc-2018-10.toml: report.title: Remove the invisible control character U+0002", str(raised.exception)
        )
        self.assertFalse(Report.objects.exists())
