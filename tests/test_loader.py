"""The bundled data: what it holds, that loading is idempotent, and that a bad file loads nothing."""

import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from django.db import models
from django.test import TestCase

from inspections.loader import DATA_DIR, BundledDataError, load_bundled_data
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

ALL_MODELS = [
    SourceDocument, Provider, Ownership, Report, Inspection, StandardRating, KeyQuestionScore, Fact, Finding,
    Recommendation, ReportTable,
]  # fmt: skip


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in ALL_MODELS}


class BundledDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first_counts = load_bundled_data()

    def test_the_catalogue_has_21_crcs_and_the_nps_divisions(self):
        self.assertEqual(Provider.objects.crcs().count(), 21)
        self.assertEqual(Provider.objects.nps_divisions().count(), 8)  # 7 divisions + 'NPS South West' (2021)

    def test_every_inspection_of_the_reference_csv_and_the_report_texts_is_loaded(self):
        # 39 rows of inspections_2018_2021.csv plus two Quality & Impact reports of two providers each.
        self.assertEqual(Inspection.objects.filter(report__framework__slug="standards-2018").count(), 39)
        self.assertEqual(Inspection.objects.filter(report__framework__slug="quality-impact-2016").count(), 4)

    def test_loading_again_changes_nothing(self):
        before = snapshot()
        counts = load_bundled_data()
        self.assertEqual(snapshot(), before)
        written = {key: count for key, count in counts.items() if not key.endswith("unchanged")}
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
        self.assertFalse(KeyQuestionScore.objects.filter(inspection__report__framework__slug="standards-2018").exists())

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
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp) / "data"
            shutil.copytree(DATA_DIR, data_dir)
            path = data_dir / "reports" / "essex-crc-2018-10.toml"
            path.write_text(path.read_text().replace('overall = "Requires improvement"', 'overall = "Excellent"'))
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
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp) / "data"
            shutil.copytree(DATA_DIR, data_dir)
            path = data_dir / "reports" / "essex-crc-2018-10.toml"
            path.write_text(path.read_text().replace('overall = "Requires improvement"', 'overall = "Good"'))
            ids = set(Inspection.objects.values_list("pk", flat=True))
            counts = load_bundled_data(data_dir)
        self.assertEqual(counts["Inspection updated"], 1)
        self.assertEqual(set(Inspection.objects.values_list("pk", flat=True)), ids)
        self.assertEqual(Inspection.objects.get(provider__slug="essex-crc").overall_rating, Rating.GOOD)


class CompletenessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_bundled_data()

    def test_completeness_is_queryable(self):
        inspections = Inspection.objects.rated().with_completeness()
        cgm = inspections.get(provider__slug="cheshire-greater-manchester-crc")
        self.assertEqual((cgm.ratings_recorded, cgm.scores_recorded), (10, 0))
        totals = inspections.aggregate(ratings=models.Sum("ratings_recorded"))
        self.assertEqual(totals["ratings"], StandardRating.objects.exclude(rating=None).count())
