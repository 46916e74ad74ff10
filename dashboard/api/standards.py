"""The standards (and Quality & Impact domains) each framework rates, with their key questions."""

from django.db.models import Prefetch
from django.http import Http404
from ninja import Field, Query, Router, Schema

from dashboard.api.base import (
    BlankAsNull,
    Kind,
    KindOrNull,
    Linked,
    Page,
    Paging,
    endpoint,
    lookup,
    paginate,
)
from inspections.models import Framework, KeyQuestion, Standard

router = Router()


class KeyQuestionOut(Schema):
    code: str
    text: str
    focus: str


class StandardOut(Linked):
    framework: str = Field(alias="framework.slug")
    domain: str
    code: str
    name: str
    statement: BlankAsNull
    applies_to: KindOrNull = Field(description="null when the standard applies to every provider.")
    rated_from_case_sample: bool
    key_questions: list[KeyQuestionOut]
    url: str
    api_url: str

    @staticmethod
    def resolve_domain(standard):
        return str(standard.domain)


class StandardList(Page):
    results: list[StandardOut]


def standards_queryset():
    return (
        Standard.objects.select_related("framework", "domain")
        .prefetch_related(Prefetch("key_questions", queryset=KeyQuestion.objects.order_by("position")))
        .order_by("framework__started", "position", "pk")
    )


class StandardFilters(Schema):
    framework: str | None = Field(None, description="Framework slug.")
    kind: Kind | None = Field(None, description="Only standards that apply to CRCs (or NPS divisions).")


@endpoint(router, "/standards", StandardList, "standards", "standards")
def list_standards(request, filters: StandardFilters = Query(...), paging: Paging = Query(...)):
    """Every standard (and Quality & Impact domain) with its key questions."""
    standards = standards_queryset()
    if filters.framework is not None:
        standards = standards.filter(framework=lookup(Framework, "framework", filters.framework, "framework"))
    if filters.kind:
        standards = standards.for_kind(filters.kind)
    meta, items = paginate(request, standards, paging)
    return {**meta, "results": items}


@endpoint(router, "/standards/{framework}/{code}", StandardOut, "standard", "standards")
def get_standard(request, framework: str, code: str):
    """One standard and its key questions."""
    standard = standards_queryset().filter(framework__slug=framework, code=code).first()
    if standard is None:
        raise Http404(f"No standard {code!r} in framework {framework!r}.")
    return standard
