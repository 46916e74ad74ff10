"""Test data built in code: a small standards framework and a provider, as in the real catalogue."""

import datetime
from pathlib import Path

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
    SourceDocument,
    Standard,
)

RULES_2018 = {
    "rating_points": {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0},
    "overall_bands": [[0, "Inadequate"], [6, "Requires improvement"], [16, "Good"], [26, "Outstanding"]],
    "key_question_bands": [[0, "Inadequate"], [50, "Requires improvement"], [65, "Good"], [80, "Outstanding"]],
}

STANDARDS_2018 = [
    ("1", "1.1", "Leadership", "", False),
    ("1", "1.2", "Staff", "", False),
    ("1", "1.3", "Services", "", False),
    ("1", "1.4", "Information and facilities", "", False),
    ("2", "2.1", "Assessment", "", True),
    ("2", "2.2", "Planning", "", True),
    ("2", "2.3", "Implementation and delivery", "", True),
    ("2", "2.4", "Reviewing", "", True),
    ("3", "3.1", "Court reports and case allocation", "NPS", False),
    ("3", "3.2", "Statutory victim work", "NPS", False),
    ("4", "4.1", "Unpaid work", "CRC", False),
    ("4", "4.2", "Through the Gate", "CRC", False),
]


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
    for position, (domain, code, name, applies_to, case_sample) in enumerate(STANDARDS_2018):
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
        cls.report = Report.objects.create(
            slug="cgm-2019",
            title="An inspection of Cheshire and Greater Manchester CRC",
            framework=cls.framework,
            published=datetime.date(2019, 4, 1),
            published_precision=DatePrecision.MONTH,
            document=cls.source,
        )
        cls.inspection = Inspection.objects.create(report=cls.report, provider=cls.crc, source=cls.source)

    @classmethod
    def standard(cls, code):
        return Standard.objects.get(framework=cls.framework, code=code)


# A small bundle in the loader's own format, kept apart from inspections/data so that a correction
# to the real data never breaks a test: tests that need a realistic record (several providers,
# frameworks, owners, sources, facts, findings) load this, and assert what it holds.
TEST_BUNDLE = Path(__file__).resolve().parent / "fixtures" / "bundle"


def load_test_bundle():
    return load_bundled_data(TEST_BUNDLE)
