"""Test data built in code: a small standards framework and a provider, as in the real catalogue."""

import datetime
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django import forms
from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse

from inspections.loader import load_bundled_data
from inspections.models import (
    DatePrecision,
    Domain,
    Framework,
    Inspection,
    KeyQuestion,
    OwnerGroup,
    Provider,
    ProviderKind,
    Report,
    Round,
    SourceDocument,
    Standard,
    StandardRating,
)

RULES_2018 = {
    "rating_points": {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0},
    "overall_bands": [[0, "Inadequate"], [6, "Requires improvement"], [16, "Good"], [26, "Outstanding"]],
    "key_question_bands": [[0, "Inadequate"], [50, "Requires improvement"], [65, "Good"], [80, "Outstanding"]],
}

# By domain: (code, name, applies to, rated from the case sample).
STANDARDS_2018 = {
    "1": [("1.1", "Leadership", "", False), ("1.2", "Staff", "", False), ("1.3", "Services", "", False),
          ("1.4", "Information and facilities", "", False)],
    "2": [("2.1", "Assessment", "", True), ("2.2", "Planning", "", True),
          ("2.3", "Implementation and delivery", "", True), ("2.4", "Reviewing", "", True)],
    "3": [("3.1", "Court reports and case allocation", "NPS", False), ("3.2", "Statutory victim work", "NPS", False)],
    "4": [("4.1", "Unpaid work", "CRC", False), ("4.2", "Through the Gate", "CRC", False)],
}  # fmt: skip

# The standard ratings Cheshire and Greater Manchester CRC's 2019 report states (the test bundle
# holds them; the importer reads them from the report's text).
CGM_2019_RATINGS = {
    "1.1": "Good",
    "1.2": "Requires improvement",
    "1.3": "Requires improvement",
    "1.4": "Good",
    "2.1": "Requires improvement",
    "2.2": "Inadequate",
    "2.3": "Inadequate",
    "2.4": "Requires improvement",
    "4.1": "Good",
    "4.2": "Inadequate",
}


def make_standards_framework(slug="standards-2018"):
    framework = Framework.objects.create(
        slug=slug,
        name=f"Standards framework ({slug})",
        short_name="Standards 2018",
        has_four_point_ratings=True,
        standards_per_provider=10,
        started=datetime.date(2018, 6, 1),
        **RULES_2018,
    )
    domains = {}
    for position, (code, name) in enumerate(
        [("1", "Organisational delivery"), ("2", "Case supervision"), ("3", "NPS specific"), ("4", "CRC specific")]
    ):
        domains[code] = Domain.objects.create(framework=framework, code=code, name=name, position=position)
    standards = [(domain, *standard) for domain, listed in STANDARDS_2018.items() for standard in listed]
    for position, (domain, code, name, applies_to, case_sample) in enumerate(standards):
        standard = Standard.objects.create(
            framework=framework,
            domain=domains[domain],
            code=code,
            name=name,
            applies_to=applies_to,
            rated_from_case_sample=case_sample,
            position=position,
        )
        if case_sample:
            for number, focus in enumerate(["engaging", "desistance", "safety"], start=1):
                KeyQuestion.objects.create(
                    standard=standard,
                    code=f"{code}.{number}",
                    text=f"Does {name.lower()} focus sufficiently on {focus}?",
                    focus=focus,
                    position=number,
                )
    return framework


def make_quality_impact_framework():
    framework = Framework.objects.create(
        slug="quality-impact-2016", name="Quality & Impact", short_name="Q&I", has_four_point_ratings=False
    )
    domain = Domain.objects.create(framework=framework, code="PP", name="Protecting the public")
    Standard.objects.create(framework=framework, domain=domain, code="PP", name="Protecting the public")
    return framework


class CatalogueMixin:
    """setUpTestData helpers for TestCase subclasses."""

    @classmethod
    def make_catalogue(cls):
        cls.framework = make_standards_framework()
        cls.source = SourceDocument.objects.create(slug="report", title="A report", kind=SourceDocument.Kind.REPORT)
        cls.owner = OwnerGroup.objects.create(slug="purple-futures", name="Purple Futures")
        cls.crc = Provider.objects.create(
            slug="cgm-crc", name="Cheshire & Greater Manchester CRC", short_name="CGM", kind=ProviderKind.CRC
        )
        cls.nps = Provider.objects.create(slug="nps-north-west", name="NPS North West", kind=ProviderKind.NPS)
        cls.report = cls.make_report(
            "cgm-2019", "An inspection of Cheshire and Greater Manchester CRC", datetime.date(2019, 4, 1)
        )
        cls.inspection = Inspection.objects.create(report=cls.report, provider=cls.crc, source=cls.source)

    @classmethod
    def make_report(cls, slug, title, published, precision=DatePrecision.MONTH, **fields):
        """A report in the catalogue's framework whose document is the catalogue's source."""
        return Report.objects.create(
            slug=slug,
            title=title,
            framework=cls.framework,
            published=published,
            published_precision=precision,
            document=cls.source,
            **fields,
        )

    @classmethod
    def make_round(cls, slug, name, **fields):
        """A round of the catalogue's framework, named for short by its slug ('2018-19')."""
        return Round.objects.create(framework=cls.framework, slug=slug, name=name, short_name=slug, **fields)

    @classmethod
    def standard(cls, code):
        return Standard.objects.get(framework=cls.framework, code=code)


# A small bundle in the loader's own format, kept apart from inspections/data so that a correction
# to the real data never breaks a test: tests that need a realistic record (several providers,
# frameworks, owners, sources, facts, findings) load this, and assert what it holds.
TEST_BUNDLE = Path(__file__).resolve().parent / "fixtures" / "bundle"


def load_test_bundle():
    return load_bundled_data(TEST_BUNDLE)


@contextmanager
def edited_test_bundle(report_slug, edit):
    """A copy of the test bundle in a temporary folder (yielded), with the text of
    reports/<report_slug>.toml passed through `edit`."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        shutil.copytree(TEST_BUNDLE, data_dir)
        path = data_dir / "reports" / f"{report_slug}.toml"
        path.write_text(edit(path.read_text()))
        yield data_dir


def cgm_2019():
    """The test bundle's 2019 inspection of Cheshire and Greater Manchester CRC."""
    return Inspection.objects.get(provider__slug="cheshire-greater-manchester-crc", report__published__year=2019)


def admin_form_data(response):
    """The change form's current values, as a browser would post them back."""
    data = {}
    for form in [response.context["adminform"].form] + [
        f for formset in response.context["inline_admin_formsets"] for f in formset.formset.forms
    ]:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            widget = form.fields[name].widget
            if value is None:
                continue
            if isinstance(widget, forms.MultiWidget):  # a date range: one input per bound
                parts = value if isinstance(value, list | tuple) else widget.decompress(value)
                for suffix, part in zip(widget.widgets_names, parts, strict=True):
                    data[key + suffix] = "" if part is None else str(part)
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            else:
                data[key] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


class EditorTestCase(TestCase):
    """The test bundle, and an editor who corrects its 2019 Cheshire and Greater Manchester
    inspection (`cgm`) in the admin."""

    @classmethod
    def setUpTestData(cls):
        load_test_bundle()
        cls.cgm = cgm_2019()
        cls.editor = User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")

    def post_edit(self, reason, planning=None, **fields):
        """Post cgm's admin change form back as the editor would: standard 2.2 rated `planning` (if
        given), `fields` changed, and `reason` given for the change."""
        self.client.force_login(self.editor)
        change_url = reverse("admin:inspections_inspection_change", args=[self.cgm.pk])
        data = admin_form_data(self.client.get(change_url))
        if planning is not None:
            rating = StandardRating.objects.get(inspection=self.cgm, standard__code="2.2")
            prefix = next(
                k[:-3]
                for k, v in data.items()
                if k.startswith("ratings-") and k.endswith("-id") and str(v) == str(rating.pk)
            )
            data[f"{prefix}-rating"] = planning
        data.update(fields)
        data["change_reason"] = reason
        return self.client.post(change_url, data)
