import json
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from inspections.models import Inspection
from tests.base import CGM_2019_RATINGS, load_test_bundle


class ExportInspectionsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def export(self, *args):
        stdout, stderr = StringIO(), StringIO()
        call_command("export_inspections", *args, stdout=stdout, stderr=stderr)
        return json.loads(stdout.getvalue()), stderr.getvalue()

    def test_json_goes_to_standard_output_and_logs_to_standard_error(self):
        data, log = self.export()
        count = Inspection.objects.count()
        self.assertEqual(len(data), count)
        self.assertEqual(log.strip(), f"Exported {count} inspections.")

    def test_cheshire_and_greater_manchester_2019_ratings_as_the_report_states_them(self):
        data, _ = self.export("--provider", "cheshire-greater-manchester-crc")
        inspection = next(item for item in data if item["published"] == "2019-04-03")
        self.assertEqual({code: rating["rating"] for code, rating in inspection["ratings"].items()}, CGM_2019_RATINGS)
        self.assertEqual(inspection["overall_rating"], "Requires improvement")
        self.assertEqual(inspection["kind"], "CRC")
        self.assertEqual(inspection["owner"], "Purple Futures")
        self.assertEqual(inspection["fieldwork_start"], "2018-12")
        self.assertEqual(inspection["ratings"]["2.2"]["source"]["location"], "Summary of ratings, p.7")
        computed = inspection["our_computation"]
        self.assertEqual(computed["rule_overall_rating"], "Requires improvement")
        self.assertEqual(computed["total_score"], 10)
        self.assertEqual(computed["disagreements"], [])

    def test_facts_keep_qualifiers_and_comparators(self):
        data, _ = self.export("--provider", "cheshire-greater-manchester-crc")
        inspection = next(item for item in data if item["published"] == "2019-04-03")
        licence = next(fact for fact in inspection["facts"] if fact["metric"] == "licence-compliance")
        self.assertEqual((licence["value"], licence["england_and_wales"], licence["target"]), (67, 71, 65))
        self.assertEqual(len(inspection["recommendations"]), 8)

    def test_a_disagreement_with_the_rule_is_exported(self):
        # Hampshire & Isle of Wight 2019 lacks three standard ratings: no rule overall, no disagreement.
        data, _ = self.export("--provider", "hampshire-isle-of-wight-crc")
        first = data[0]
        self.assertIsNone(first["our_computation"]["rule_overall_rating"])
        self.assertEqual(first["our_computation"]["standards_counted"], 7)
