"""The standards (and Quality & Impact domains) each framework rates, with their key questions."""

from django.db.models import Prefetch
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from dashboard.api.base import ERRORS, Kind, Page, PageNumber, PageSize, links, lookup, paginate
from dashboard.caching import cached_page
from inspections.models import Framework, KeyQuestion, Standard

router = Router()


class KeyQuestionOut(Schema):
    code: str
    text: str
    focus: str


class StandardOut(Schema):
    framework: str
    domain: str
    code: str
    name: str
    statement: str | None
    applies_to: Kind | None = Field(description="null when the standard applies to every provider.")
    rated_from_case_sample: bool
    key_questions: list[KeyQuestionOut]
    url: str
    api_url: str


class StandardList(Page):
    results: list[StandardOut]


def standard_out(request, standard):
    return {
        "framework": standard.framework.slug,
        "domain": f"{standard.domain.code}. {standard.domain.name}",
        "code": standard.code,
        "name": standard.name,
        "statement": standard.statement or None,
        "applies_to": standard.applies_to or None,
        "rated_from_case_sample": standard.rated_from_case_sample,
        "key_questions": [{"code": q.code, "text": q.text, "focus": q.focus} for q in standard.key_questions.all()],
        **links(request, "standard", standard.framework.slug, standard.code),
    }


def standards_queryset():
    return (
        Standard.objects.select_related("framework", "domain")
        .prefetch_related(Prefetch("key_questions", queryset=KeyQuestion.objects.order_by("position")))
        .order_by("framework__started", "position", "pk")
    )


@router.get("/standards", response={200: StandardList, **ERRORS}, url_name="standards", tags=["standards"])
@decorate_view(cached_page)
def list_standards(
    request,
    framework: str | None = Query(None, description="Framework slug."),
    kind: Kind | None = Query(None, description="Only standards that apply to CRCs (or NPS divisions)."),
    page: int = PageNumber,
    page_size: int = PageSize,
):
    """Every standard (and Quality & Impact domain) with its key questions."""
    standards = standards_queryset()
    if framework is not None:
        standards = standards.filter(framework=lookup(Framework, "framework", framework, "framework"))
    if kind:
        standards = standards.for_kind(kind)
    meta, items = paginate(request, standards, page, page_size)
    return {**meta, "results": [standard_out(request, s) for s in items]}


@router.get(
    "/standards/{framework}/{code}", response={200: StandardOut, **ERRORS}, url_name="standard", tags=["standards"]
)
@decorate_view(cached_page)
def get_standard(request, framework: str, code: str):
    """One standard and its key questions."""
    standard = standards_queryset().filter(framework__slug=framework, code=code).first()
    if standard is None:
        raise Http404(f"No standard {code!r} in framework {framework!r}.")
    return standard_out(request, standard)
