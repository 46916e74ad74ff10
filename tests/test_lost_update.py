"""Two editors open one inspection; the first saves a correction; the second's save is refused and
loses nothing."""

import datetime

from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import models
from django.test import RequestFactory, TestCase
from django.urls import reverse

from inspections.models import Correction, Inspection, Report, Round, StandardRating
from inspections.rules import Rating
from tests.base import admin_form_data, load_test_bundle


class LostUpdateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.inspection = Inspection.objects.get(report__slug="west-yorkshire-crc-2020-03")
        cls.editors = []
        for name in ("first", "second"):
            user = User.objects.create_user(name, password="a long editor password", is_staff=True)
            user.groups.add(Group.objects.get(name="Editors"))
            cls.editors.append(user)

    def opened_by(self, editor):
        self.client.force_login(editor)
        url = reverse("admin:inspections_inspection_change", args=[self.inspection.pk])
        return url, admin_form_data(self.client.get(url))

    def set_planning(self, data, rating):
        planning = StandardRating.objects.get(inspection=self.inspection, standard__code="2.2")
        prefix = next(
            key[: -len("-id")]
            for key, value in data.items()
            if key.startswith("ratings-") and key.endswith("-id") and str(value) == str(planning.pk)
        )
        return {**data, f"{prefix}-rating": rating, "change_reason": "Checked against the report."}

    def test_the_second_save_of_a_stale_page_is_refused_and_the_first_correction_stands(self):
        url, first = self.opened_by(self.editors[0])
        _, second = self.opened_by(self.editors[1])
        self.client.force_login(self.editors[0])
        self.assertEqual(self.client.post(url, self.set_planning(first, Rating.GOOD)).status_code, 302)
        self.client.force_login(self.editors[1])
        response = self.client.post(url, self.set_planning(second, Rating.OUTSTANDING))
        self.assertContains(response, "Someone else saved this inspection after you opened it")
        planning = StandardRating.objects.get(inspection=self.inspection, standard__code="2.2")
        self.assertEqual(planning.rating, Rating.GOOD)

    def test_a_fresh_page_saves(self):
        url, data = self.opened_by(self.editors[0])
        self.assertEqual(self.client.post(url, self.set_planning(data, Rating.GOOD)).status_code, 302)


def changeable_text_field(model):
    """A plain text column of the model that an editor could change (not a slug, choice or key)."""
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and field.editable
            and not (field.unique or field.choices or isinstance(field, models.SlugField))
        ):
            return field.name
    return None


class EveryChangeFormTests(TestCase):
    """Every admin change form, not only the inspection's, refuses a save from a stale page."""

    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        inspection = Inspection.objects.first()
        Correction.objects.create(
            inspection=inspection, inspection_label=str(inspection), editor="someone", reason="A reason.", changes="x"
        )
        if not Round.objects.exists():
            Round.objects.create(
                slug="2018-19",
                name="First round",
                short_name="2018-19",
                framework=inspection.report.framework,
                started=datetime.date(2018, 6, 1),
            )
        cls.superuser = User.objects.create_superuser("chief", password="a long editor password")

    def editable_admins(self):
        request = RequestFactory().get("/")
        request.user = self.superuser
        for model, model_admin in admin.site._registry.items():
            obj = model._default_manager.first()
            if model._meta.app_label == "inspections" and obj and model_admin.has_change_permission(request, obj):
                yield model, obj

    def test_a_stale_page_is_refused_on_every_change_form(self):
        self.client.force_login(self.superuser)
        checked = []
        for model, obj in self.editable_admins():
            field = changeable_text_field(model)
            if field is None:
                continue
            with self.subTest(model=model.__name__):
                url = reverse(f"admin:inspections_{model._meta.model_name}_change", args=[obj.pk])
                stale = {**admin_form_data(self.client.get(url)), "change_reason": "Checked."}
                # Someone else saves a change after the page was built.
                theirs = f"{getattr(obj, field)} (their change)"[: model._meta.get_field(field).max_length]
                model.objects.filter(pk=obj.pk).update(**{field: theirs})
                response = self.client.post(url, stale)
                self.assertContains(response, "after you opened it, so saving now would undo their change")
                self.assertEqual(getattr(model.objects.get(pk=obj.pk), field), theirs)
                fresh = {**admin_form_data(self.client.get(url)), "change_reason": "Checked."}
                self.assertEqual(self.client.post(url, fresh).status_code, 302, "a fresh page saves")
                checked.append(model.__name__)
        # The forms editors use most, at least, were checked (a test that checked nothing would pass).
        self.assertLessEqual({"Inspection", "Report", "Provider", "SourceDocument", "Fact", "Correction"}, set(checked))

    def test_an_inline_row_changed_by_someone_else_makes_the_page_stale(self):
        self.client.force_login(self.superuser)
        report = Report.objects.filter(inspections__isnull=False).first()
        url = reverse("admin:inspections_report_change", args=[report.pk])
        stale = admin_form_data(self.client.get(url))
        Inspection.objects.filter(report=report).update(notes="Changed by someone else.")
        self.assertContains(self.client.post(url, stale), "Someone else saved this report after you opened it")
