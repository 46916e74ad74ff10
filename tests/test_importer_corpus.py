"""The parser on the labelled corpus of real public texts, and on each phrasing and trap it must handle.

The corpus (tests/fixtures/corpus, see its README) is read with 0 wrong values: a value the label
contradicts, or one the label does not have, fails the test naming the file and the field.
"""

import importlib.util
import json
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase

from inspections.models import Correction, Inspection, Report
from inspections.report_import import build_plan, write
from inspections.report_parser import ReportImportError, parse_report, read_document
from inspections.report_parser.catalogue import bundled_catalogue
from tests.base import load_test_bundle
from tests.pdf import make_pdf

ROOT = Path(settings.BASE_DIR)
spec = importlib.util.spec_from_file_location("importer_accuracy", ROOT / "bench" / "importer_accuracy.py")
accuracy = importlib.util.module_from_spec(spec)
spec.loader.exec_module(accuracy)
CATALOGUE = bundled_catalogue()


def read(text, name="made-up.txt"):
    standards, questions, providers = CATALOGUE
    return parse_report(read_document(text.encode(), name), standards, questions, providers)


def values(extraction, *names):
    """The values read for these fields, None for a field not read."""
    return tuple(extraction.fields[name].value if name in extraction.fields else None for name in names)


def ratings(extraction):
    return {code: found.value for code, found in extraction.ratings.items()}


class CorpusTests(SimpleTestCase):
    def test_every_development_text_is_read_with_no_wrong_value(self):
        # The held-out batch is measured by bench/importer_accuracy.py, never tuned on: its figures
        # (wrong values included) are in bench/RESULTS.md.
        entries = [entry for entry in accuracy.labels() if not entry.get("held_out")]
        self.assertGreater(len(entries), 50)
        for entry in entries:
            with self.subTest(file=entry["file"]):
                outcomes = accuracy.evaluate(entry, accuracy.read(entry, CATALOGUE))
                wrong = [f"{field}: {detail}" for field, outcome, detail in outcomes if outcome == "wrong"]
                self.assertEqual(wrong, [], entry["file"])

    def test_every_development_text_read_for_its_labelled_provider_has_no_wrong_value(self):
        # As an import for which an editor chose the provider (--provider): a text about several providers
        # (the Howard League's blog, filed under each CRC it names) gives each only what it states of it.
        for entry in [entry for entry in accuracy.labels() if not entry.get("held_out") and entry.get("provider")]:
            with self.subTest(file=entry["file"]):
                outcomes = accuracy.evaluate(entry, accuracy.read(entry, CATALOGUE, chosen=True))
                wrong = [f"{field}: {detail}" for field, outcome, detail in outcomes if outcome == "wrong"]
                self.assertEqual(wrong, [], entry["file"])

    def test_the_benchmark_reads_a_labelled_folder_kept_elsewhere_and_counts_it_apart(self):
        folder = Path(self.enterContext(__import__("tempfile").TemporaryDirectory())) / "E"
        (folder / "texts").mkdir(parents=True)
        (folder / "texts" / "essex--news--1.txt").write_text(
            "URL: https://example.org/essex\nKind: news\nTitle: Essex\nPublisher: Example\n\n"
            "HM Inspectorate of Probation rated Essex Community Rehabilitation Company 'Good' in a report "
            "published today (3 May 2019)."
        )
        label = {"file": "texts/essex--news--1.txt", "provider": "essex-crc", "overall": "Good", "published": None}
        (folder / "labels.json").write_text(json.dumps([label]))
        stdout = StringIO()
        with __import__("contextlib").redirect_stdout(stdout):
            accuracy.main(["--labels", str(folder / "labels.json"), "--texts", str(folder / "texts"), "--only", "E"])
        table = stdout.getvalue()
        self.assertIn(
            "| field | whole: right / wrong / missed (uncertain) | E: right / wrong / missed (uncertain) |", table
        )
        self.assertIn("| overall | 1 / 0 / 0 (0) | 1 / 0 / 0 (0) |", table)
        self.assertIn("| published | 0 / 1 / 0 (0) | 0 / 1 / 0 (0) |", table)  # read where the label has none
        self.assertIn("E: 1 texts; stated overall and standard ratings read right: 1 of 1 (100%); wrong values", table)

    def test_the_benchmark_counts_a_wrong_value_as_wrong(self):
        entry = {
            "file": "x",
            "overall": "Good",
            "standards": [{"code": "1.1", "rating": "Good"}],
            "provider": "essex-crc",
        }
        extraction = read(
            "HM Inspectorate of Probation has given Essex Community Rehabilitation Company an overall rating of "
            "'Requires improvement'. Leadership was rated as 'Inadequate'. Essex CRC supervises 4,000 people."
        )
        outcomes = {(field, outcome) for field, outcome, _ in accuracy.evaluate(entry, extraction)}
        self.assertIn(("overall", "wrong"), outcomes)
        self.assertIn(("standards", "wrong"), outcomes)
        self.assertIn(("facts", "wrong"), outcomes)  # a figure the label does not have


class ProseRatingTests(SimpleTestCase):
    def test_all_four_case_supervision_standards(self):
        extraction = read(
            "Inspectors looked at Norfolk and Suffolk Community Rehabilitation Company. For the first time, inspectors "
            "have rated all four of our key case supervision standards – the assessment, planning, implementation and "
            "review of cases – as ‘Inadequate’, the lowest possible rating."
        )
        self.assertEqual(ratings(extraction), dict.fromkeys(("2.1", "2.2", "2.3", "2.4"), "Inadequate"))

    def test_a_list_of_standards_with_one_rating(self):
        extraction = read("Inspectors rated the planning, implementation and review of those cases as 'Inadequate'.")
        self.assertEqual(ratings(extraction), dict.fromkeys(("2.2", "2.3", "2.4"), "Inadequate"))

    def test_was_rated_as_and_judged_to_be(self):
        extraction = read(
            "HM Inspectorate of Probation inspected the CRC. Unpaid work was rated as 'Good'. "
            "Leadership was judged to be good. The management of information and facilities was 'outstanding'."
        )
        self.assertEqual(ratings(extraction), {"4.1": "Good", "1.1": "Good", "1.4": "Outstanding"})
        self.assertFalse(any(found.uncertain for found in extraction.ratings.values()))

    def test_work_to_assess_and_to_plan_is_a_loose_list_of_two_standards(self):
        extraction = read(
            "HM Inspectorate of Probation inspected the CRC. Initial work to assess individuals’ circumstances and "
            "to plan activity to improve these was judged to be good."
        )
        self.assertEqual(ratings(extraction), {"2.1": "Good", "2.2": "Good"})
        self.assertTrue(
            all(found.uncertain and "list read loosely" in found.why for found in extraction.ratings.values())
        )

    def test_standards_each_with_words_of_their_own_joined_by_and(self):
        extraction = read(
            "HM Inspectorate of Probation inspected the CRC. The supervision of people sentenced to unpaid work in the "
            "community and support to individuals leaving prison were also found to be effective and were rated ‘Good’."
        )
        self.assertEqual(ratings(extraction), {"4.1": "Good", "4.2": "Good"})
        self.assertTrue(all(found.uncertain for found in extraction.ratings.values()))

    def test_require_improvements_said_of_a_list(self):
        extraction = read(
            "HM Inspectorate of Probation inspected the CRC. Inspectors said staff, implementation and delivery of the "
            "sentence of the court and the Through the Gate services which address service user’s resettlement needs, "
            "require improvements."
        )
        self.assertEqual(ratings(extraction), dict.fromkeys(("1.2", "2.3", "4.2"), "Requires improvement"))

    def test_a_list_that_were_all_rated_one_word(self):
        extraction = read(
            "The Chief Inspector of Probation released a report. The report identified:\n"
            "  • Leadership, staff, services, planning, and implementation and delivery were all inadequate.\n"
        )
        self.assertEqual(ratings(extraction), dict.fromkeys(("1.1", "1.2", "1.3", "2.2", "2.3"), "Inadequate"))
        ending = read(
            "HM Inspectorate of Probation inspected the CRC. Leadership, staff and services were all rated good."
        )
        self.assertEqual(ratings(ending), dict.fromkeys(("1.1", "1.2", "1.3"), "Good"))
        self.assertNotIn("overall", ending.fields)  # not the service rated: services, the standard
        praise = read("HM Inspectorate of Probation rated the CRC. Leadership and staff were all good people.")
        self.assertEqual(ratings(praise), {})

    def test_other_phrasings_of_a_rating(self):
        cases = [
            ("The CRC was rated 'requires improvement'.", "overall", "Requires improvement"),
            ("The CRC was rated as good for leadership.", "1.1", "Good"),
            ("Ms Stacey branded the company “inadequate,” the lowest possible rating.", "overall", "Inadequate"),
        ]
        for text, key, rating in cases:
            with self.subTest(text):
                extraction = read("HM Inspectorate of Probation inspected the CRC. " + text)
                values = ratings(extraction) | {k: f.value for k, f in extraction.fields.items() if k == "overall"}
                self.assertEqual(values, {key: rating})

    def test_two_ratings_for_two_things_are_not_a_choice(self):
        extraction = read(
            "HM Inspectorate of Probation inspected the CRC. Inspectors rated the CRC 'Good' for leadership and "
            "'Requires improvement' overall."
        )
        self.assertEqual(ratings(extraction), {"1.1": "Good"})
        self.assertEqual(extraction.fields["overall"].value, "Requires improvement")

    def test_they_required_improvement_is_uncertain(self):
        text = "A report by HM Inspectorate of Probation concluded they required improvement"
        overall = read(text + ".").fields["overall"]
        self.assertEqual((overall.value, overall.uncertain), ("Requires improvement", True))
        self.assertNotIn("overall", read(text + " in training.").fields)

    def test_a_count_after_the_rating_is_not_a_rating(self):
        extraction = read(
            "HM Inspectorate of Probation found Essex Community Rehabilitation Company (CRC) ‘required improvements’ "
            "in seven of ten categories assessed."
        )
        self.assertNotIn("overall", extraction.fields)

    def test_a_maintained_rating_is_this_inspections_rating(self):
        extraction = read("The inspectors said: “The CRC has maintained its ‘Outstanding’ rating for leadership.”")
        self.assertEqual(ratings(extraction), {"1.1": "Outstanding"})

    def test_through_the_gate_now_rated_and_resettlement_is_uncertain(self):
        extraction = read(
            "HM Inspectorate of Probation found Through the Gate services much improved, now rated 'outstanding'. "
        )
        self.assertEqual(ratings(extraction), {"4.2": "Outstanding"})
        loose = read("Inspectors said its resettlement services were rated 'Good'.")
        self.assertEqual(ratings(loose), {"4.2": "Good"})
        self.assertTrue(loose.ratings["4.2"].uncertain)
        self.assertIn("loose synonym", loose.ratings["4.2"].why)

    def test_a_count_of_standards_is_not_a_standard(self):
        extraction = read(
            "HM Inspectorate of Probation looked at four standards and rated performance against half of these as "
            "'good'. Inspectors rated three aspects of work ‘Outstanding’ – the highest possible mark."
        )
        self.assertEqual(ratings(extraction), {})
        self.assertNotIn("overall", extraction.fields)

    def test_a_choice_of_ratings_and_other_providers_are_ignored(self):
        extraction = read(
            "The inspectorate said: “We have found work with victims to be good or outstanding in other NPS divisions.” "
            "The division was rated 'Good'."
        )
        self.assertEqual((ratings(extraction), extraction.fields["overall"].value), ({}, "Good"))

    def test_two_readings_that_disagree_are_left_for_an_editor(self):
        extraction = read(
            "The report by HM Inspectorate of Probation rated that Community Rehabilitation Company as inadequate. "
            "The report awarded the service a rating of ‘requires improvement’."
        )
        self.assertNotIn("overall", extraction.fields)
        self.assertIn("neither is taken", extraction.conflicts[0])


SPLIT_RATINGS_TABLE = """HM Inspectorate of Probation
An inspection of probation services in: Essex Community Rehabilitation Company

Ratings
Essex Community Rehabilitation Company
Score
12/30
Overall rating
Requires
improvement

1. Organisational delivery
1.1
Leadership
Good
1.2
Staff
Requires
improvement
1.3
Services
Good
1.4
Information and
facilities
Good

2. Case supervision
2.1
Assessment
Requires improvement
2.2
Planning
Inadequate
2.3
Implementation and delivery
Requires
improvement
2.4
Reviewing
Inadequate

4. CRC-specific work
4.1
Unpaid work
Good
4.2
Through the Gate
Requires improvement

Executive summary
"""


class RatingsTableTests(SimpleTestCase):
    def test_a_ratings_table_whose_cells_a_pdf_copy_split_across_lines(self):
        extraction = read(SPLIT_RATINGS_TABLE)
        self.assertEqual(extraction.kind, "standards_report")
        self.assertEqual(values(extraction, "overall", "provider_name"), ("Requires improvement", "Essex"))
        self.assertEqual(
            ratings(extraction),
            {
                "1.1": "Good", "1.2": "Requires improvement", "1.3": "Good", "1.4": "Good",
                "2.1": "Requires improvement", "2.2": "Inadequate", "2.3": "Requires improvement", "2.4": "Inadequate",
                "4.1": "Good", "4.2": "Requires improvement",
            },
        )  # fmt: skip
        self.assertFalse(any(found.uncertain for found in extraction.ratings.values()))

    def test_a_table_ends_at_a_blank_line_before_text_that_is_not_a_row(self):
        text = SPLIT_RATINGS_TABLE.replace("Executive summary\n", "Good practice example\nThe CRC's team is good.\n")
        self.assertEqual(ratings(read(text))["4.2"], "Requires improvement")


class EarlierInspectionTests(SimpleTestCase):
    def test_we_last_inspected_is_context_not_this_inspection(self):
        extraction = read(
            "HM Inspectorate of Probation inspected Essex Community Rehabilitation Company in May 2019. "
            "We last inspected Essex CRC in June 2018 and gave the service an overall rating of 'Requires improvement'."
        )
        self.assertNotIn("overall", extraction.fields)
        self.assertEqual(extraction.fields["fieldwork_start"].value, "2019-05")
        self.assertEqual(
            [found.value for found in extraction.previous_ratings],
            [{"subject": "overall", "rating": "Requires improvement", "when": "June 2018"}],
        )

    def test_no_fieldwork_date_from_a_previous_inspection(self):
        text = "We last inspected Merseyside CRC in June 2018, say HM Inspectorate of Probation, rated it."
        self.assertNotIn("fieldwork_start", read(text).fields)

    def test_a_raised_rating_is_the_new_one_and_the_old_one_is_kept_apart(self):
        extraction = read(
            "Chief Inspector of Probation Justin Russell said: “We last inspected Durham Tees Valley CRC in 2018 and we gave the service an overall rating of "
            "‘Requires improvement’. As a result, we have raised the CRC’s overall rating from ‘Requires improvement’ "
            "to ‘Good’.”"
        )
        self.assertEqual(extraction.fields["overall"].value, "Good")
        self.assertEqual(
            {(found.value["rating"], found.value["when"]) for found in extraction.previous_ratings},
            {("Requires improvement", "2018")},
        )

    def test_a_rating_in_a_sentence_opening_with_its_year_is_the_earlier_one(self):
        extraction = read(
            "The organisation was given an overall rating of “requires improvement”. In 2017, inspectors found the CRC "
            "to be “good” overall with some exemplary practices."
        )
        self.assertEqual(extraction.fields["overall"].value, "Requires improvement")
        self.assertEqual(
            [found.value for found in extraction.previous_ratings],
            [{"subject": "overall", "rating": "Good", "when": "2017"}],
        )

    def test_an_earlier_rating_without_a_date_is_dropped(self):
        extraction = read(
            "At our previous inspection the inspectorate rated the CRC 'Inadequate'. The CRC was rated 'Good'."
        )
        self.assertEqual((extraction.fields["overall"].value, extraction.previous_ratings), ("Good", []))


class FiguresTests(SimpleTestCase):
    def test_a_key_question_percentage_with_its_sample(self):
        extraction = read(
            "Inspectors found the assessment of risk of harm was sufficient in only 33 per cent of cases."
        )
        self.assertEqual([s.value for s in extraction.scores], [{"key_question": "2.1.3", "percent": "33"}])
        sample = read("Inspectors found planning focused sufficiently on engaging the person in 71% of 52 cases.")
        self.assertEqual(sample.scores[0].value, {"key_question": "2.2.1", "percent": "71", "sample": 52})

    def test_an_inverse_percentage_is_a_case_figure_never_a_score(self):
        extraction = read("Inspectors found risk of harm was NOT adequately assessed in 48 per cent of cases.")
        self.assertEqual(extraction.scores, [])
        self.assertEqual(extraction.case_figures[0].value["percent"], "48")
        self.assertIn("NOT adequately assessed", extraction.case_figures[0].value["wording"])

    def test_figures_keep_their_qualifier(self):
        extraction = read(
            "HM Inspectorate of Probation rated the CRC. The CRC supervises more than 6,000 people. "
            "The division manages nearly 4,000 offenders. It supervised 3,729 people at the time of the inspection "
            "in November 2018."
        )
        facts = [(f.value["qualifier"], f.value["number"], f.value["period"]) for f in extraction.facts]
        self.assertEqual(facts, [("more_than", 6000, None), ("almost", 4000, None), ("exact", 3729, "2018-11")])


class ProviderTests(SimpleTestCase):
    def assertProvider(self, extraction, slug, uncertain):
        provider = extraction.fields["provider"]
        self.assertEqual((provider.value, provider.uncertain), (slug, uncertain))

    def test_a_title_with_lost_words_is_certain_only_with_the_full_running_header(self):
        title = (
            "HM Inspectorate of Probation\nAn inspection of probation services in: Humberside, & North Community "
            "Rehabilitation Company\nOverall rating Requires improvement\n"
        )
        header = "Inspection of probation services: Humberside, Lincolnshire & North Yorkshire CRC 2\n"
        self.assertProvider(read(title + header), "humberside-lincolnshire-north-yorkshire-crc", uncertain=False)
        self.assertProvider(read(title), "humberside-lincolnshire-north-yorkshire-crc", uncertain=True)

    def test_noise_before_the_title_and_glued_words(self):
        extraction = read(
            "49\nUpload: others\nPost on 13-Jul-2020\nDocuments\nHMInspectorate ofProbation\n\nAn inspection of\n\n"
            "Cheshire and Greater ManchesterCommunity Rehabilitation Company\n\nHM Inspectorate of Probation\nAPRIL 2019\n"
            "Summary of ratings\n"
        )
        self.assertEqual(values(extraction, "provider", "cover_date"), ("cheshire-greater-manchester-crc", "2019-04"))

    def test_the_area_inspected_not_the_crc_that_manages_it(self):
        extraction = read(
            "HM Inspectorate of Probation\nAn inspection of Bristol, Gloucestershire, Somerset and Wiltshire probation "
            "services managed by Kent, Surrey and Sussex Community Rehabilitation Company\n"
            "Overall rating Requires improvement\n"
        )
        self.assertProvider(extraction, "bgsw-crc", uncertain=False)
        self.assertEqual(extraction.fields["provider_name"].value, "Bristol, Gloucestershire, Somerset and Wiltshire")

    def test_an_operator_named_after_run_by_is_not_the_provider(self):
        for phrase in ("run by", "owned by", "operated by"):
            with self.subTest(phrase):
                extraction = read(
                    "HM Inspectorate of Probation rated the probation service in the area 'Good'. The service, "
                    f"{phrase} Kent, Surrey and Sussex Community Rehabilitation Company, was praised. The service "
                    f"{phrase} Kent, Surrey and Sussex Community Rehabilitation Company has improved."
                )
                self.assertNotIn("provider", extraction.fields)

    def test_a_news_item_naming_the_crc_once_in_full(self):
        text = (
            "Probation service told to improve\nHM Inspectorate of Probation rated Warwickshire and West Mercia "
            "Community Rehabilitation Company 'Requires improvement'. The probation service supervises offenders."
        )
        self.assertProvider(read(text), "warwickshire-west-mercia-crc", uncertain=False)

    def test_a_short_or_partial_name_once_or_another_provider_or_a_round_is_not_enough(self):
        texts = [
            "HM Inspectorate of Probation rated Essex CRC 'Requires improvement'.",
            "HM Inspectorate of Probation rated Warwickshire and Mercia Community Rehabilitation Company 'Good'.",
            "HM Inspectorate of Probation rated Warwickshire and West Mercia Community Rehabilitation Company 'Good', "
            "like Essex CRC.",
            "HM Inspectorate of Probation rated Warwickshire and West Mercia Community Rehabilitation Company 'Good', "
            "one of 19 (out of 21) CRCs inspected.",
        ]
        for text in texts:
            with self.subTest(text):
                self.assertNotIn("provider", read(text).fields)

    def test_an_nps_division(self):
        text = (
            "HM Inspectorate of Probation conducted a routine inspection of the North East Division of the National "
            "Probation Service (NPS). The Inspectorate has given the North East division of the NPS an overall ‘Good’ rating."
        )
        self.assertEqual(read(text).fields["provider"].value, "nps-north-east")

    def test_two_providers_equally_likely_is_a_problem_not_a_guess(self):
        extraction = read(
            "HM Inspectorate of Probation rated Essex CRC and Merseyside CRC. Essex CRC and Merseyside CRC were both "
            "rated 'Requires improvement'."
        )
        self.assertNotIn("provider", extraction.fields)
        self.assertIn("no one provider stands out", extraction.provider_problem)
        self.assertIn("looked for the report's title", extraction.provider_problem)


class ImportOfRealTextsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_import_report_recognises_the_provider_of_a_pdf_that_starts_with_unrelated_text(self):
        pdf = make_pdf(
            [
                ["Upload: others", "Post on 13-Jul-2020", "3 views", "An inspection of", "Essex",
                 "Community Rehabilitation Company", "HM Inspectorate of Probation", "JUNE 2020"],
                ["Inspection of probation services: Essex CRC 2", "Overall findings",
                 "Overall, Essex CRC is rated as: Requires improvement.", "Summary of ratings"],
            ]
        )  # fmt: skip
        path = Path(self.enterContext(__import__("tempfile").TemporaryDirectory())) / "essex.pdf"
        path.write_bytes(pdf)
        stdout = StringIO()
        call_command("import_report", str(path), "--dry-run", "--json", stdout=stdout, stderr=StringIO())
        data = json.loads(stdout.getvalue())
        self.assertEqual(data["extracted"]["fields"]["provider"]["value"], "essex-crc")
        self.assertEqual(data["inspections"][0]["provider"], "Essex CRC")
        self.assertEqual(data["inspections"][0]["overall_rating"], "Requires improvement")

    def test_an_unidentifiable_text_is_refused_naming_what_was_looked_for_and_nothing_is_written(self):
        before = Report.objects.count()
        text = b"HM Inspectorate of Probation\nAn inspection of probation services\nOverall rating Good\n"
        with self.assertRaisesMessage(ReportImportError, "no provider recognised: looked for the report's title"):
            build_plan(text, "nameless.txt")
        with self.assertRaises(CommandError):
            call_command("import_report", str(self.file(text, "nameless.txt")), stdout=StringIO(), stderr=StringIO())
        self.assertEqual(Report.objects.count(), before)

    def file(self, data, name):
        path = Path(self.enterContext(__import__("tempfile").TemporaryDirectory())) / name
        path.write_bytes(data)
        return path

    def test_uncertain_values_are_left_out_unless_included(self):
        # The title lost words and no running header confirms it: the provider is uncertain.
        text = (
            b"HM Inspectorate of Probation\nAn inspection of probation services in: Humberside, & North Community "
            b"Rehabilitation Company\nOverall findings Overall, the CRC is rated as: Requires improvement.\n"
        )
        plan = build_plan(text, "hlny.txt")
        self.assertEqual(plan.data["inspections"], [])
        self.assertIn("provider: read as humberside-lincolnshire-north-yorkshire-crc but uncertain", plan.missing[-1])
        path = self.file(text, "hlny.txt")
        with self.assertRaisesMessage(CommandError, "no provider could be matched"):
            call_command("import_report", str(path), stdout=StringIO(), stderr=StringIO())
        stdout = StringIO()
        call_command("import_report", str(path), "--dry-run", "--json", stdout=stdout, stderr=StringIO())
        self.assertTrue(json.loads(stdout.getvalue())["extracted"]["fields"]["provider"]["uncertain"])
        stdout = StringIO()
        call_command(
            "import_report", str(path), "--dry-run", "--json", "--include-uncertain", stdout=stdout, stderr=StringIO()
        )
        data = json.loads(stdout.getvalue())
        self.assertEqual(data["inspections"][0]["overall_rating"], "Requires improvement")

    def test_a_changed_published_value_needs_a_reason_and_is_recorded(self):
        inspection = Inspection.objects.filter(
            provider__slug="cheshire-greater-manchester-crc", report__published__year=2019
        ).get()
        text = (
            ROOT / "tests" / "fixtures" / "reports" / "cheshire-greater-manchester-crc-2019-report-extract.txt"
        ).read_bytes()
        text = text.replace(b"is rated as: Requires improvement", b"is rated as: Good", 1)
        plan = build_plan(text, "cgm.txt")
        self.assertIn(
            {
                "provider": "cheshire-greater-manchester-crc",
                "what": "overall rating",
                "old": "Requires improvement",
                "new": "Good",
            },
            [{key: change[key] for key in ("provider", "what", "old", "new")} for change in plan.changes],
        )
        with self.assertRaisesMessage(ReportImportError, "give the reason for the correction (--reason)"):
            write(plan, "cgm.txt")
        self.assertEqual(Correction.objects.count(), 0)
        write(plan, "cgm.txt", reason="The report's foreword", editor="tester")
        correction = Correction.objects.get(inspection=inspection)
        self.assertEqual(correction.reason, "The report's foreword")
        self.assertIn("overall rating: 'Requires improvement' -> 'Good'", correction.changes)
