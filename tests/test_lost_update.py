"""Two editors open one inspection; the first saves a correction; the second's save is refused and
loses nothing."""

from django.contrib.auth.models import Group, User
from django.test import TestCase
from django.urls import reverse

from inspections.models import Inspection, StandardRating
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
