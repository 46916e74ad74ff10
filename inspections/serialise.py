"""Inspections as plain data (the JSON shape of `manage.py export_inspections`, docs/data-model.md)."""

from inspections.models import Inspection
from inspections.rules import Rating


def slug_of(row):
    """A linked row by its slug, or None where there is no link (a report file, the export)."""
    return row.slug if row else None


def code_of(row):
    """A linked standard or domain by its code, or None where there is no link."""
    return row.code if row else None


def cited(source, location):
    return {"document": source.title, "kind": source.kind, "url": source.url or None, "location": location or None}


def source_of(row):
    return cited(row.source, row.location)


def serialise_inspection(inspection):
    report = inspection.report
    ratings = {}
    for rating in inspection.ratings.all():
        ratings[rating.standard.code] = {
            "standard": rating.standard.name,
            "rating": Rating.label_of(rating.rating),
            "judgement": rating.judgement or None,
            "discretion_note": rating.discretion_note or None,
            "source": source_of(rating),
        }
    assessment = inspection.rule_assessment()
    return {
        "id": inspection.pk,
        "provider": inspection.provider.name,
        "provider_slug": inspection.provider.slug,
        "kind": inspection.provider.kind,
        "owner": inspection.owner.name if inspection.owner else None,
        "owner_as_stated": inspection.owner_text or None,
        "owner_source": cited(inspection.owner_source, inspection.owner_location) if inspection.owner_source else None,
        "framework": report.framework.slug,
        "report": report.title,
        "fieldwork_start": report.fieldwork_start_iso,
        "fieldwork_as_stated": report.fieldwork_text or None,
        "published": report.published_iso,
        "lead_inspector": report.lead_inspector or None,
        "overall_rating": Rating.label_of(inspection.overall_rating),
        "overall_rating_source": source_of(inspection),
        "case_sample_size": inspection.case_sample_size,
        "ratings": ratings,
        "case_sample_scores": [serialise_score(score) for score in inspection.scores.all()],
        "facts": [serialise_fact(fact) for fact in inspection.facts.all()],
        "recommendations": [
            {"number": rec.number, "addressee": rec.addressee, "text": rec.text, "source": source_of(rec)}
            for rec in [*inspection.recommendations.all(), *report.joint_recommendations]
        ],
        "findings": [
            {
                "kind": finding.kind,
                "domain": code_of(finding.domain),
                "standard": code_of(finding.standard),
                "text": finding.text,
                "source": source_of(finding),
            }
            for finding in inspection.findings.all()
        ],
        "our_computation": {
            "note": "Derived by this project from the published ratings with the rating rules in docs/methodology.md; "
            "not the inspectorate's judgement.",
            "total_score": assessment.score.total if assessment.rule_set else None,
            "standards_counted": assessment.score.counted if assessment.rule_set else None,
            "rule_overall_rating": assessment.overall.rating.label if assessment.overall else None,
            "rule_overall_reason": assessment.overall.reason if assessment.overall else None,
            "disagreements": [str(disagreement) for disagreement in assessment.disagreements],
        },
    }


def export_inspections(queryset=None):
    queryset = queryset if queryset is not None else Inspection.objects.all()
    inspections = (
        queryset.with_details()
        .prefetch_related("report__framework__standards__key_questions")
        .order_by("report__published", "provider__name", "pk")
    )
    return [serialise_inspection(inspection) for inspection in inspections]


def number(value):
    return float(value) if value is not None else None


def serialise_score(score):
    return {
        "key_question": score.key_question.code,
        "question": score.key_question.text,
        "standard": score.key_question.standard.code,
        "percent": float(score.percent),
        "cases_sufficient": score.cases_sufficient,
        "cases_total": score.cases_total,
        "source": source_of(score),
    }


def serialise_fact(fact):
    return {
        "metric": fact.metric.slug,
        "label": fact.label,
        "value_as_stated": fact.value_text,
        "qualifier": fact.qualifier or None,
        "value": number(fact.value),
        "unit": fact.unit or None,
        "period": fact.period or None,
        "england_and_wales": number(fact.national_value),
        "target": number(fact.target_value),
        "standard": code_of(fact.standard),
        "is_inverse_of_key_question": fact.is_inverse,
        "source": source_of(fact),
    }
