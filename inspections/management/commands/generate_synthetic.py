"""Synthetic data at N times the real volume, for benchmarks. Everything it writes is marked
synthetic (slugs and names start with 'synthetic-' / 'Synthetic'; its source document says so)."""

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateRange

from inspections.loader import refresh_planner_statistics
from inspections.models import (
    DatePrecision,
    Fact,
    Finding,
    Framework,
    Inspection,
    KeyQuestion,
    KeyQuestionScore,
    Metric,
    OwnerGroup,
    Ownership,
    Provider,
    ProviderKind,
    Recommendation,
    Report,
    SourceDocument,
    StandardRating,
)

# The real volume: about 29 providers and 60 inspections once the catalogue is complete.
REAL_PROVIDERS = 20
REAL_INSPECTIONS = 60
BATCH = 2000


class Command(BaseCommand):
    help = "Generate synthetic providers and inspections at --scale N times the real volume."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, required=True)
        parser.add_argument("--force", action="store_true", help="Allow on a database holding real data.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, scale, force, seed, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more")
        real = Inspection.objects.exclude(provider__slug__startswith="synthetic-").exists()
        if real and not force:
            raise CommandError("This database holds real inspections; synthetic data would mix with it. Use --force.")
        framework = Framework.objects.filter(slug=Framework.STANDARDS_2018).first()
        if framework is None:
            raise CommandError("Load the catalogue first: manage.py load_bundled_data")
        random.seed(seed)
        started = time.monotonic()
        with transaction.atomic():
            rows = self.generate(framework, scale)
            refresh_planner_statistics()
        elapsed = time.monotonic() - started
        self.stdout.write(f"{rows:,} rows in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s) at scale {scale}")

    def generate(self, framework, scale):
        source, _ = SourceDocument.objects.get_or_create(
            slug="synthetic-source",
            defaults={
                "title": "SYNTHETIC data for benchmarks (not real inspections)",
                "kind": SourceDocument.Kind.REPORT,
            },
        )
        owners = list(OwnerGroup.objects.all())
        standards = {kind: list(framework.standards.for_kind(kind)) for kind in ProviderKind.values}
        questions = list(KeyQuestion.objects.filter(standard__framework=framework).select_related("standard"))
        metric = Metric.objects.get(slug="order-completions")
        count = 0
        offset = Provider.objects.filter(slug__startswith="synthetic-").count()
        providers = Provider.objects.bulk_create(
            Provider(
                slug=f"synthetic-{offset + n}",
                name=f"Synthetic provider {offset + n}",
                kind=ProviderKind.CRC if n % 4 else ProviderKind.NPS,
                match_names=[f"synthetic provider {offset + n}"],
            )
            for n in range(REAL_PROVIDERS * scale)
        )
        count += len(providers)
        Ownership.objects.bulk_create(
            Ownership(provider=p, owner=random.choice(owners), period=DateRange(datetime.date(2015, 2, 1), None, "[)"))
            for p in providers
        )
        count += len(providers)
        per_provider = REAL_INSPECTIONS // REAL_PROVIDERS
        reports = []
        for provider in providers:
            for number in range(per_provider):
                published = datetime.date(2018 + number, random.randint(1, 12), 1)
                reports.append(Report(
                    slug=f"{provider.slug}-{number}", title=f"Synthetic inspection of {provider.name}", framework=framework,
                    published=published, published_precision=DatePrecision.MONTH, document=source,
                ))  # fmt: skip
        reports = Report.objects.bulk_create(reports, batch_size=BATCH)
        count += len(reports)
        by_slug = {p.slug: p for p in providers}
        inspections = Inspection.objects.bulk_create(
            (
                Inspection(
                    report=report,
                    provider=by_slug[report.slug.rsplit("-", 1)[0]],
                    owner=random.choice(owners),
                    overall_rating=random.choice([0, 1, 1, 1, 2, 2, 3, None]),
                    source=source,
                    location="synthetic",
                )  # fmt: skip
                for report in reports
            ),
            batch_size=BATCH,
        )
        count += len(inspections)
        ratings, scores, facts, findings, recommendations = self.children(
            inspections, standards, questions, metric, source
        )
        for model, objects in ((StandardRating, ratings), (KeyQuestionScore, scores), (Fact, facts),
                               (Finding, findings), (Recommendation, recommendations)):  # fmt: skip
            model.objects.bulk_create(objects, batch_size=BATCH)
            count += len(objects)
        return count

    @staticmethod
    def children(inspections, standards, questions, metric, source):
        """Ratings (80% of standards), scores, a fact, findings and recommendations per inspection."""
        ratings, scores, facts, findings, recommendations = [], [], [], [], []
        for inspection in inspections:
            for standard in standards[inspection.provider.kind]:
                if random.random() < 0.8:
                    ratings.append(StandardRating(inspection=inspection, standard=standard, rating=random.randint(0, 3),
                                                  source=source, location="synthetic"))  # fmt: skip
            for question in questions:
                scores.append(KeyQuestionScore(inspection=inspection, key_question=question,
                                               percent=random.randint(20, 95), source=source))  # fmt: skip
            value = random.randint(60, 95)
            facts.append(Fact(inspection=inspection, metric=metric, label="Synthetic completions", value_text=f"{value}%",
                              qualifier="exact", value=value, unit="%", national_value=79, national_text="79%",
                              target_value=75, target_text="75%", source=source))  # fmt: skip
            for position in range(3):
                findings.append(Finding(report=inspection.report, inspection=inspection, kind=Finding.Kind.STRENGTH,
                                        text=f"Synthetic finding {position} about supervision and home visits.",
                                        position=position, source=source))  # fmt: skip
            for number in range(1, 4):
                recommendations.append(Recommendation(report=inspection.report, inspection=inspection, number=number,
                                                      addressee=inspection.provider.name, text="Synthetic recommendation.",
                                                      source=source))  # fmt: skip
        return ratings, scores, facts, findings, recommendations
