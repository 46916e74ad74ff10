"""The report importer: parsing the shared report texts, PDFs, bad input, and all-or-nothing writes."""

import os
import unittest
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import TestCase
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from inspections.models import Fact, Finding, Inspection, Recommendation, Report, StandardRating
from inspections.report_import import build_plan, write
from inspections.report_parser import MAX_BYTES, ReportImportError, parse_report, read_document
from tests.base import CGM_2019_RATINGS, load_test_bundle
from tests.pdf import encrypt, make_pdf

FIXTURES = Path(settings.BASE_DIR) / "tests" / "fixtures" / "reports"
# Third-party texts (news, blog) are read from the shared folder beside the clone, not copied.
SHARED_REPORTS = Path(os.environ.get("SHARED_DIR", Path(settings.BASE_DIR).parent / "shared")) / "reports"
REPORTS = FIXTURES
CGM_2019 = "cheshire-greater-manchester-crc-2019-report-extract.txt"
GM_2017 = "greater-manchester-quality-impact-2017-report.txt"
STANDARDS = [
    ("1.1", "Leadership"), ("1.2", "Staff"), ("1.3", "Services"), ("1.4", "Information and facilities"),
    ("2.1", "Assessment"), ("2.2", "Planning"), ("2.3", "Implementation and delivery"), ("2.4", "Reviewing"),
    ("3.1", "Court reports and case allocation"), ("3.2", "Statutory victim work"), ("4.1", "Unpaid work"),
    ("4.2", "Through the Gate"),
]  # fmt: skip
NEEDS = ["Thinking and behaviour", "Drug misuse", "Relationships", "Alcohol misuse", "Emotional well-being",
         "Attitudes to offending", "Accommodation", "Education, training and employment"]  # fmt: skip
KEY_QUESTIONS = [(f"RR.{n}", f"Interventions delivered sufficiently: {need}") for n, need in enumerate(NEEDS, start=1)]


def shared(name):
    path = FIXTURES / name
    if path.exists():
        return path.read_bytes()
    path = SHARED_REPORTS / name
    if not path.exists():
        raise unittest.SkipTest(f"{path} is not here: third-party texts are read from the shared folder")
    return path.read_bytes()


def parse(name):
    return parse_report(read_document(shared(name), name), STANDARDS, KEY_QUESTIONS)


def values(extraction):
    return {name: found.value for name, found in extraction.fields.items()}


class ParsedReportTestCase(TestCase):
    """Tests of what the parser reads from one report of ../shared/reports/ (`report`)."""

    report = None

    @classmethod
    def setUpTestData(cls):
        cls.extraction = parse(cls.report)


class StandardsReportParsingTests(ParsedReportTestCase):
    report = CGM_2019

    def test_it_is_read_as_a_standards_report_with_its_details(self):
        fields = values(self.extraction)
        self.assertEqual(self.extraction.kind, "standards_report")
        self.assertEqual(fields["provider_name"], "Cheshire and Greater Manchester")
        # The cover's month is not a publication date (a report can be published the month before).
        self.assertEqual(fields["cover_date"], "2019-04")
        self.assertNotIn("published", fields)
        self.assertEqual(fields["fieldwork_start"], "2018-12")
        self.assertEqual(fields["lead_inspector"], "Vivienne Raine")
        self.assertEqual(fields["chief_inspector"], "Dame Glenys Stacey")
        self.assertEqual(fields["overall"], "Requires improvement")
        self.assertEqual(self.extraction.fields["lead_inspector"].location, "p.2, line 15")

    def test_the_scrambled_summary_of_ratings_is_read_as_the_report_states_it(self):
        ratings = {code: found.value for code, found in self.extraction.ratings.items()}
        self.assertEqual(ratings, CGM_2019_RATINGS)
        self.assertEqual(self.extraction.ratings["2.2"].location, "line 25")
        self.assertIn(
            "read in order as the ratings of the standards with none beside them: 1.1, 1.4, 2.1, 2.4, 4.1, 4.2",
            self.extraction.notes[0],
        )
        self.assertEqual(self.extraction.conflicts, [])

    def test_contextual_facts_keep_the_national_figure_and_target(self):
        facts = {found.value["metric"]: found.value for found in self.extraction.facts}
        self.assertEqual(len(self.extraction.facts), 6)
        self.assertEqual(facts["individuals-supervised"]["value"], "11,856")
        self.assertEqual(facts["proven-reoffending"]["value"], "41%")
        self.assertEqual(
            (
                facts["order-completions"]["value"],
                facts["order-completions"]["national"],
                facts["order-completions"]["target"],
            ),
            ("79%", "79%", "75%"),
        )
        self.assertEqual(
            (facts["licence-compliance"]["national"], facts["licence-compliance"]["target"]), ("71%", "65%")
        )
        self.assertEqual(
            (facts["unpaid-work-completions"]["national"], facts["unpaid-work-completions"]["target"]), ("88%", "90%")
        )
        self.assertIn(
            "value of the fact 'The number of CRCs owned by Purple Futures' (not beside its label in the text)",
            self.extraction.missing,
        )

    def test_recommendations_with_their_addressee(self):
        recommendations = [found.value for found in self.extraction.recommendations]
        self.assertEqual([r["number"] for r in recommendations], list(range(1, 9)))
        self.assertTrue(recommendations[0]["text"].startswith("manage workloads so that responsible officers"))
        self.assertTrue(recommendations[6]["text"].startswith("improve the ability of responsible officers"))
        self.assertEqual(recommendations[7]["addressee"], "Purple Futures")
        self.assertTrue(recommendations[7]["text"].startswith("make sure that the CRC has appropriate time"))
        self.assertEqual({r["addressee"] for r in recommendations[:7]}, {"Cheshire and Greater Manchester CRC"})

    def test_strengths_areas_for_improvement_and_key_findings_per_domain(self):
        by_kind = {}
        for found in self.extraction.findings:
            by_kind.setdefault((found.value["kind"], found.value["domain"]), []).append(found.value["text"])
        self.assertEqual(len(by_kind[("strength", "1")]), 5)
        self.assertTrue(by_kind[("strength", "1")][0].startswith("The CRC has a strong leadership team"))
        self.assertEqual(len(by_kind[("improvement", "1")]), 5)
        self.assertEqual(len(by_kind[("key_finding", "1")]), 4)
        self.assertEqual(len(by_kind[("key_finding", "2")]), 5)
        self.assertTrue(by_kind[("key_finding", "4")][1].startswith("Through the Gate practice is poor"))


class QualityAndImpactParsingTests(ParsedReportTestCase):
    report = GM_2017

    def test_details_and_case_sample(self):
        fields = values(self.extraction)
        self.assertEqual(self.extraction.kind, "quality_impact_report")
        self.assertEqual((fields["cover_date"], fields["lead_inspector"]), ("2017-02", "Avtar Singh"))
        self.assertNotIn("published", fields)
        self.assertEqual((fields["crc_name"], fields["nps_name"]), ("Cheshire & Greater Manchester", "NPS North West"))
        self.assertEqual((fields["crc_case_sample"], fields["nps_case_sample"]), (73, 42))

    def test_judgements_per_organisation_and_domain(self):
        judgements = {
            (j.value["organisation"], j.value["domain"]): j.value["judgement"] for j in self.extraction.judgements
        }
        self.assertEqual(len(judgements), 9)
        self.assertEqual(
            judgements[("CRC", "PP")],
            "Overall, performance fell short of our expectations despite strong local strategic partnerships.",
        )
        self.assertEqual(judgements[("NPS", "PP")], "NPS performance was good.")
        self.assertEqual(judgements[("CRC", "AS")], "Overall, performance was good.")

    def test_sufficiency_tables_by_assessed_need(self):
        scores = {
            (s.value["organisation"], s.value["key_question"]): s.value["percent"] for s in self.extraction.scores
        }
        self.assertEqual(len(scores), 16)
        self.assertEqual((scores[("CRC", "RR.6")], scores[("NPS", "RR.6")]), ("29", "38"))
        self.assertEqual(scores[("NPS", "RR.7")], "73")

    def test_tables_as_printed(self):
        tables = {t.value["number"]: t.value for t in self.extraction.tables}
        self.assertEqual(sorted(tables), ["1", "2", "3", "6"])
        self.assertEqual(tables["3"]["rows"][-1][:2], ["All four clusters Combined", "165.9"])
        self.assertEqual(tables["6"]["rows"][-1], ["Totals", "53", "32"])

    def test_key_facts_and_recommendations(self):
        facts = [f.value for f in self.extraction.facts]
        self.assertEqual(len(facts), 8)
        reduction = next(f for f in facts if f["label"].startswith("The volume reduction"))
        self.assertEqual(reduction["comparator_text"], "The reduction across CRCs ranged from -6% to -36%")
        licence = next(f for f in facts if f["metric"] == "licence-compliance")
        self.assertEqual((licence["value"], licence["national"], licence["target"]), ("79%", "75%", "65%"))
        recommendations = [r.value for r in self.extraction.recommendations]
        self.assertEqual(len(recommendations), 7)
        self.assertEqual(
            [r["organisation"] for r in recommendations], ["joint", "joint", "CRC", "CRC", "CRC", "NPS", "NPS"]
        )
        self.assertTrue(recommendations[0]["text"].startswith("agree and collect data"))

    def test_enablers_and_barriers(self):
        self.assertEqual(len(self.extraction.findings), 39)
        self.assertEqual(len([f for f in self.extraction.findings if f.value["organisation"] == "joint"]), 9)


class SecondarySourceParsingTests(TestCase):
    def test_the_press_release_gives_dates_caseload_and_the_ratings_in_its_prose(self):
        extraction = parse("cheshire-greater-manchester-crc-2019-press-release.txt")
        fields = values(extraction)
        self.assertEqual(extraction.kind, "secondary")
        self.assertEqual((fields["published"], fields["fieldwork_start"]), ("2019-04-03", "2018-12"))
        self.assertEqual(extraction.facts[0].value["value"], "11,836")
        self.assertIn("overall rating", extraction.missing)
        # "found the CRC's work to supervise Unpaid Work Orders ... to be good, though its 'Through the
        # Gate' services for those leaving prison were inadequate"
        self.assertEqual(
            {code: found.value for code, found in extraction.ratings.items()}, {"4.1": "Good", "4.2": "Inadequate"}
        )

    def test_the_news_article_gives_the_ratings_it_states_plainly(self):
        extraction = parse("west-yorkshire-crc-2020-news-article.txt")
        ratings = {code: found.value for code, found in extraction.ratings.items()}
        self.assertEqual(extraction.fields["overall"].value, "Requires improvement")
        self.assertEqual(
            ratings,
            {
                "1.1": "Good",
                "2.1": "Inadequate",
                "2.2": "Inadequate",
                "2.3": "Inadequate",
                "2.4": "Inadequate",
                "4.2": "Good",
            },
        )

    def test_the_blog_gives_provider_and_fieldwork(self):
        extraction = parse("warwickshire-west-mercia-2017-blog-with-report-extracts.txt")
        self.assertEqual(extraction.fields["provider_name"].value, "Warwickshire & West Mercia")
        self.assertEqual(extraction.fields["fieldwork_start"].value, "2017-07")
        self.assertEqual(extraction.ratings, {})


class ConflictTests(TestCase):
    def document(self, text):
        return read_document(text.encode(), "made-up.txt")

    def test_a_heading_that_contradicts_the_summary_is_a_conflict(self):
        text = (
            "HM Inspectorate of Probation An inspection of Essex Community Rehabilitation Company\n"
            "Overall findings Overall, Essex CRC is rated as: Requires improvement.\n"
            "Service: Overall rating Requires improvement 1. Organisational delivery 1.1 Leadership Good 1.2 Staff Good\n\n"
            "1.1. Leadership Outstanding The leadership of the organisation supports...\n"
        )
        extraction = parse_report(self.document(text), STANDARDS)
        self.assertEqual(extraction.ratings["1.1"].value, "Good")
        self.assertIn(
            "1.1 Leadership: the summary of ratings says 'Good' (line 3) but the section heading says 'Outstanding' (line 5)",
            extraction.conflicts,
        )

    def test_a_gathered_list_of_the_wrong_length_is_left_for_an_editor(self):
        text = (
            "HM Inspectorate of Probation An inspection of Essex Community Rehabilitation Company\n"
            "Overall rating Requires improvement 1.1 Leadership 1.2 Staff 1.3 Services Good Inadequate\n"
        )
        extraction = parse_report(self.document(text), STANDARDS)
        self.assertEqual(extraction.ratings, {})
        self.assertIn("3 standards have no rating beside them but 2 ratings follow", extraction.conflicts[0])
        self.assertIn("rating for 1.1 Leadership", extraction.missing)

    def test_annex_key_question_scores(self):
        text = (
            "HM Inspectorate of Probation An inspection of Essex Community Rehabilitation Company\n"
            "Overall findings Overall, Essex CRC is rated as: Good.\n"
            "Annex 2: Inspection results Does planning focus sufficiently on keeping other people safe? 38%\n"
        )
        questions = [("2.2.3", "Does planning focus sufficiently on keeping other people safe?")]
        extraction = parse_report(self.document(text), STANDARDS, questions)
        self.assertEqual(
            [(s.value["key_question"], s.value["percent"], s.location) for s in extraction.scores],
            [("2.2.3", "38", "line 3")],
        )


class BadInputTests(TestCase):
    def assertRefused(self, data, filename, message, line=None):
        with self.assertRaises(ReportImportError) as raised:
            parse_report(read_document(data, filename), STANDARDS)
        self.assertIn(filename, str(raised.exception))
        self.assertIn(message, str(raised.exception))
        if line:
            self.assertEqual(raised.exception.line, line)

    def test_empty_file(self):
        self.assertRefused(b"  \n", "empty.txt", "the file is empty")

    def test_text_that_is_not_a_report(self):
        self.assertRefused(
            b"Minutes of the parish council.\nThe hedges were cut.", "minutes.txt", "the inspectorate is not named"
        )
        self.assertRefused(
            b"HM Inspectorate of Probation is recruiting inspectors.", "advert.txt", "this is not an inspection report"
        )

    def test_a_truncated_report_is_read_as_an_extract_and_never_written(self):
        head = b"\n".join(shared(CGM_2019).split(b"\n")[:19])
        extraction = parse_report(read_document(head, "truncated.txt"), STANDARDS)
        self.assertEqual(extraction.kind, "report_extract")
        self.assertFalse(extraction.is_report)
        self.assertEqual(extraction.fields["lead_inspector"].value, "Vivienne Raine")

    def test_wrong_encoding_names_the_line(self):
        data = "HM Inspectorate of Probation\nAn inspection of Wales CRC\nRated: Requires improvement – café\n".encode(
            "cp1252"
        )
        self.assertRefused(data, "latin.txt", "not UTF-8", line=3)

    def test_a_50_mb_file(self):
        self.assertRefused(b"x" * (50 * 1024 * 1024), "huge.txt", f"the limit is {MAX_BYTES // 1024 // 1024} MB")

    def test_an_encrypted_pdf(self):
        self.assertRefused(encrypt(make_pdf([["HM Inspectorate of Probation"]])), "locked.pdf", "the PDF is encrypted")

    def test_an_image_only_pdf(self):
        self.assertRefused(make_pdf([[], []]), "scan.pdf", "no text layer")

    def test_a_damaged_pdf(self):
        self.assertRefused(b"%PDF-1.4\n garbage", "broken.pdf", "the PDF cannot be read")


class PdfTests(TestCase):
    def test_page_numbers_are_kept_for_citations(self):
        pdf = make_pdf([
            ["HM Inspectorate of Probation", "An inspection of Essex Community Rehabilitation Company"],
            ["Overall findings Overall, Essex CRC is rated as: Requires improvement."],
        ])  # fmt: skip
        extraction = parse_report(read_document(pdf, "essex.pdf"), STANDARDS)
        self.assertEqual(extraction.fields["overall"].value, "Requires improvement")
        self.assertEqual(extraction.fields["overall"].location, "p.2, line 3")


class ImportWriteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_importing_the_report_updates_the_bundled_inspection_in_place(self):
        before = Inspection.objects.count()
        plan = build_plan(shared(CGM_2019), CGM_2019)
        exported = write(plan, CGM_2019)
        self.assertEqual(Inspection.objects.count(), before)
        self.assertEqual(exported[0]["ratings"]["4.2"]["rating"], "Inadequate")
        self.assertEqual(exported[0]["published"], "2019-04-03")  # the day another source gave is kept
        inspection = Inspection.objects.get(
            provider__slug="cheshire-greater-manchester-crc", report__published__year=2019
        )
        self.assertEqual(inspection.ratings.get(standard__code="2.2").location, "line 25")
        self.assertEqual(inspection.recommendations.count(), 8)

    def test_importing_twice_never_duplicates(self):
        write(build_plan(shared(GM_2017), GM_2017), GM_2017)
        counts = [
            model.objects.count() for model in (Report, Inspection, StandardRating, Fact, Finding, Recommendation)
        ]
        write(build_plan(shared(GM_2017), GM_2017), GM_2017)
        self.assertEqual(
            [model.objects.count() for model in (Report, Inspection, StandardRating, Fact, Finding, Recommendation)],
            counts,
        )

    def test_a_dry_run_writes_nothing(self):
        Report.objects.filter(slug="cheshire-greater-manchester-crc-2019-04").update(title="Edited")
        exported = write(build_plan(shared(CGM_2019), CGM_2019), CGM_2019, dry_run=True)
        self.assertEqual(
            exported[0]["report"], "An inspection of Cheshire and Greater Manchester Community Rehabilitation Company"
        )
        self.assertEqual(Report.objects.get(slug="cheshire-greater-manchester-crc-2019-04").title, "Edited")

    def test_a_secondary_source_naming_no_held_inspection_is_never_written_as_a_report(self):
        name = "west-yorkshire-crc-2020-news-article.txt"
        plan = build_plan(shared(name), name)
        with self.assertRaisesMessage(ReportImportError, "not an inspection report, and it names no inspection"):
            write(plan, name)

    def test_an_unknown_provider_override_is_named(self):
        with self.assertRaisesMessage(ReportImportError, "--provider: no provider with the slug 'nowhere'"):
            build_plan(shared(CGM_2019), CGM_2019, provider_slug="nowhere")


class ImportCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_json_output_has_the_export_shape_and_what_is_missing(self):
        import json

        stdout = StringIO()
        call_command("import_report", str(REPORTS / CGM_2019), "--dry-run", "--json", stdout=stdout, stderr=StringIO())
        data = json.loads(stdout.getvalue())
        self.assertEqual(
            set(data), {"kind", "inspections", "extracted", "uncertain", "changes", "missing", "conflicts", "notes"}
        )
        self.assertEqual(data["inspections"][0]["overall_rating"], "Requires improvement")
        self.assertIn("our_computation", data["inspections"][0])
        self.assertEqual(data["extracted"]["ratings"]["1.1"]["location"], "line 25")

    def test_bad_input_is_a_command_error_naming_the_file(self):
        with self.assertRaisesMessage(CommandError, "Nothing was written. nothing.txt: cannot read the file"):
            call_command("import_report", "nothing.txt", stdout=StringIO(), stderr=StringIO())


class ImportFuzzTests(HypothesisTestCase):
    """Mutated and random text: the importer succeeds or raises its own error, and never half-writes."""

    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.base = shared(CGM_2019).decode()

    def snapshot(self, except_report=None):
        """Rows per report (and per model), leaving out the report an import wrote to."""
        rows = {}
        for model in (Inspection, StandardRating, Fact, Finding, Recommendation):
            report_field = "report" if model in (Inspection, Finding, Recommendation) else "inspection__report"
            counts = model.objects.all()
            if except_report:
                counts = counts.exclude(**{f"{report_field}__slug": except_report})
            counted = (
                counts.values_list(f"{report_field}__slug")
                .annotate(n=Count("pk"))
                .values_list(f"{report_field}__slug", "n")
            )
            rows[model.__name__] = sorted(counted, key=lambda row: (row[0] or "", row[1]))
        return rows

    @hypothesis_settings(
        max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        cuts=st.lists(st.tuples(st.integers(0, 31000), st.integers(0, 400)), max_size=4),
        insert=st.text(max_size=200),
        at=st.integers(0, 31000),
    )
    def test_mutated_reports(self, cuts, insert, at):
        text = self.base
        for start, length in cuts:
            text = text[:start] + text[start + length :]
        text = text[:at] + insert + text[at:]
        self.assertImportIsAllOrNothing(text.encode("utf-8", "surrogatepass"))

    @hypothesis_settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")), deadline=None)
    @given(st.binary(max_size=3000))
    def test_random_bytes(self, data):
        self.assertImportIsAllOrNothing(data)

    def assertImportIsAllOrNothing(self, data):
        before = self.snapshot()
        reports = set(Report.objects.values_list("slug", flat=True))
        try:
            plan = build_plan(data, "fuzz.txt")
            exported = write(plan, "fuzz.txt")
        except ReportImportError:
            self.assertEqual(self.snapshot(), before)
            self.assertEqual(set(Report.objects.values_list("slug", flat=True)), reports)
            return
        # Written: to one report only, whose inspections read back as the import said.
        slug = plan.data["slug"]
        self.assertLessEqual(set(Report.objects.values_list("slug", flat=True)) - reports, {slug})
        self.assertEqual(self.snapshot(except_report=slug), self.snapshot_without(before, slug))
        held = Inspection.objects.filter(report__slug=slug)
        self.assertEqual(
            sorted(i["provider_slug"] for i in exported), sorted(held.values_list("provider__slug", flat=True))
        )

    @staticmethod
    def snapshot_without(snapshot, slug):
        return {name: [row for row in rows if row[0] != slug] for name, rows in snapshot.items()}


class PdfLimitTests(TestCase):
    """A PDF built to exhaust a worker is refused with the limit it broke, and nothing is written."""

    def test_too_many_pages_names_the_limit(self):
        from inspections.report_parser import documents

        data = make_pdf([["HM Inspectorate of Probation"]] * (documents.MAX_PDF_PAGES + 1))
        with self.assertRaisesMessage(ReportImportError, f"pages; the limit is {documents.MAX_PDF_PAGES}"):
            read_document(data, "many.pdf")

    def test_reading_past_the_time_limit_stops_with_a_message(self):
        from inspections.report_parser import documents

        data = make_pdf([["HM Inspectorate of Probation"]] * 3)
        limit, documents.MAX_PDF_SECONDS = documents.MAX_PDF_SECONDS, -1
        try:
            with self.assertRaisesMessage(ReportImportError, "took over -1 s (the limit) after 0 pages"):
                read_document(data, "slow.pdf")
        finally:
            documents.MAX_PDF_SECONDS = limit
