"""Editors keep the data right in the admin: one page per inspection, readable errors, history."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.test import TestCase
from django.urls import reverse

from inspections.models import DatePrecision, Inspection, KeyQuestion, Metric, Report
from inspections.rules import Rating
from tests.base import CatalogueMixin, make_quality_impact_framework

INLINES = ["ratings", "scores", "facts", "findings", "recommendations"]


class EditorAdminTests(CatalogueMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_catalogue()
        cls.metric = Metric.objects.create(slug="people", name="Individuals supervised", unit="people")
        cls.other_framework = make_quality_impact_framework()
        cls.editor = User.objects.create_user("editor", password="a long editor password", is_staff=True)
        cls.editor.groups.add(Group.objects.get(name="Editors"))
        cls.new_report = Report.objects.create(
            slug="nps-2019", title="An inspection of NPS North West", framework=cls.framework, document=cls.source
        )

    def setUp(self):
        self.client.force_login(self.editor)

    def form(self, **inlines):
        data = {
            "report": self.new_report.pk,
            "provider": self.crc.pk,
            "owner": "",
            "owner_text": "",
            "case_sample_size": "",
            "overall_rating": Rating.REQUIRES_IMPROVEMENT,
            "source": self.source.pk,
            "location": "Summary of ratings, p.7",
            "quote": "",
            "summary": "",
            "notes": "",
        }
        for prefix in INLINES:
            rows = inlines.get(prefix, [])
            data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0})
            for index, row in enumerate(rows):
                data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
        return data

    def rating(self, standard, rating=Rating.GOOD):
        return {"standard": standard.pk, "rating": rating, "source": self.source.pk, "location": "p.7"}

    def add(self, **inlines):
        return self.client.post(reverse("admin:inspections_inspection_add"), self.form(**inlines))

    def test_an_editor_adds_an_inspection_with_every_inline_on_one_page(self):
        question = KeyQuestion.objects.get(code="2.2.3")
        response = self.add(
            ratings=[self.rating(self.standard("1.1")), self.rating(self.standard("2.2"), Rating.INADEQUATE)],
            scores=[{"key_question": question.pk, "percent": "38", "source": self.source.pk, "location": "Annex 2"}],
            facts=[
                {
                    "metric": self.metric.pk,
                    "label": "Individuals supervised",
                    "value_text": "more than 6,500",
                    "qualifier": "more_than",
                    "value": "6500",
                    "unit": "people",
                    "position": 0,
                    "source": self.source.pk,
                }
            ],
            findings=[{"kind": "strength", "text": "Strong leadership.", "position": 0, "source": self.source.pk}],
            recommendations=[
                {"number": 1, "addressee": "The CRC", "text": "Improve planning.", "source": self.source.pk}
            ],
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        inspection = Inspection.objects.get(report=self.new_report)
        self.assertEqual(inspection.ratings.count(), 2)
        self.assertEqual(inspection.scores.get().percent, 38)
        self.assertEqual(inspection.facts.get().qualifier, "more_than")
        self.assertEqual(inspection.findings.get().report, self.new_report)
        self.assertEqual(inspection.recommendations.get().report, self.new_report)
        self.assertTrue(LogEntry.objects.filter(user=self.editor, object_id=str(inspection.pk)).exists())

    def assertRefusedWith(self, response, message):
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, message)
        self.assertFalse(Inspection.objects.filter(report=self.new_report).exists())

    def test_a_standard_from_another_framework_is_refused_readably(self):
        other = self.other_framework.standards.get()
        rating = {"standard": other.pk, "judgement": "Overall, performance was good.", "source": self.source.pk}
        self.assertRefusedWith(self.add(ratings=[rating]), "belongs to Quality &amp; Impact")

    def test_a_standard_for_the_other_kind_of_provider_is_refused_readably(self):
        response = self.add(ratings=[self.rating(self.standard("3.1"))])
        self.assertRefusedWith(response, "applies to National Probation Service divisions only")

    def test_a_duplicate_rating_is_refused_readably(self):
        response = self.add(ratings=[self.rating(self.standard("1.1")), self.rating(self.standard("1.1"))])
        self.assertRefusedWith(response, "Please correct the duplicate data")

    def test_a_percentage_outside_0_to_100_is_refused_readably(self):
        question = KeyQuestion.objects.get(code="2.2.3")
        score = {"key_question": question.pk, "percent": "101", "source": self.source.pk}
        self.assertRefusedWith(self.add(scores=[score]), "Ensure this value is less than or equal to 100.")

    def test_a_number_without_its_qualifier_is_refused_readably(self):
        fact = {"metric": self.metric.pk, "label": "People", "value_text": "6,500", "value": "6500", "position": 0,
                "source": self.source.pk}  # fmt: skip
        self.assertRefusedWith(self.add(facts=[fact]), "Say how the source states the number")

    def test_publication_before_fieldwork_is_refused_readably(self):
        url = reverse("admin:inspections_report_change", args=[self.report.pk])
        data = {
            "title": self.report.title,
            "slug": self.report.slug,
            "framework": self.framework.pk,
            "published": "2019-04-01",
            "published_precision": DatePrecision.MONTH,
            "fieldwork_start": "2019-06-01",
            "fieldwork_start_precision": DatePrecision.MONTH,
            "document": self.source.pk,
        }
        for prefix in ("inspections", "findings", "tables"):
            data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
        response = self.client.post(url, data)
        self.assertContains(response, "Publication (April 2019) cannot be before fieldwork started (June 2019).")
        self.report.refresh_from_db()
        self.assertIsNone(self.report.fieldwork_start)

    def test_the_rule_derived_rating_is_shown_beside_the_published_one(self):
        for code in ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "4.1", "4.2"):
            self.inspection.ratings.create(standard=self.standard(code), rating=Rating.GOOD, source=self.source)
        self.inspection.overall_rating = Rating.REQUIRES_IMPROVEMENT
        self.inspection.save()
        response = self.client.get(reverse("admin:inspections_inspection_change", args=[self.inspection.pk]))
        self.assertContains(response, "Rule-derived overall rating (our computation")
        self.assertContains(response, "score 20 of 30 points (16-25 gives Good)")
        self.assertContains(
            response, "Disagreement: Overall rating: published Requires improvement, the rule gives Good."
        )

    def test_the_changelist_filters_by_framework_kind_owner_year_and_rating(self):
        url = reverse("admin:inspections_inspection_changelist")
        response = self.client.get(url, {"provider__kind": "CRC", "year": "2019", "overall_rating": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "year published")

    def test_editors_cannot_manage_users(self):
        self.assertEqual(self.client.get(reverse("admin:auth_user_changelist")).status_code, 403)
        self.assertEqual(self.client.get(reverse("admin:auth_group_changelist")).status_code, 403)

    def test_the_framework_catalogue_is_read_only_for_editors(self):
        url = reverse("admin:inspections_standard_change", args=[self.standard("1.1").pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="_save"')

    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        self.client.logout()
        response = self.client.get(reverse("admin:inspections_inspection_changelist"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])

    def test_an_editor_logs_in_with_a_password(self):
        self.client.logout()
        response = self.client.post(
            reverse("admin:login"), {"username": "editor", "password": "a long editor password", "next": "/admin/"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
