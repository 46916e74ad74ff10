"""Type-to-find for the compare page's chooser (`static/js/compare.js`): inspections matching the
words typed, at most MAX_MATCHES of them, so an answer weighs the same at any scale.

"""

from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from dashboard.api.base import ERRORS, Kind, RatingLabel, links
from dashboard.caching import cached_page
from dashboard.forms import MAX_MATCHES, first_matches, inspections_matching
from inspections.rules import Rating

router = Router()


class Suggestion(Schema):
    id: int
    label: str = Field(description="The provider and when the report was published, as the pages name it.")
    provider: str
    kind: Kind
    published: str | None = Field(description="As precise as a source states it: YYYY, YYYY-MM or YYYY-MM-DD.")
    overall_rating: RatingLabel | None
    url: str
    api_url: str


class Suggestions(Schema):
    results: list[Suggestion] = Field(description=f"At most {MAX_MATCHES}, by provider and date.")
    more: bool = Field(description="More inspections match than are listed: add a word or a year to narrow them.")


@router.get(
    "/suggest/inspections",
    response={200: Suggestions, **ERRORS},
    url_name="suggest_inspections",
    tags=["inspections"],
)
@decorate_view(cached_page)
def suggest_inspections(
    request,
    q: str = Query(
        "",
        max_length=100,
        description="Words to match: part of a provider's name, area or owner, CRC or NPS, a round or a year.",
    ),
):
    """Inspections with four-point ratings whose provider, owner, round or year matches every word of `q`
    (none when `q` is empty)."""
    found, more = first_matches(inspections_matching(q))
    results = [
        {
            "id": i.pk,
            "label": f"{i.provider.name} ({i.report.when_text})",
            "provider": i.provider.name,
            "kind": i.provider.kind,
            "published": i.report.published_iso,
            "overall_rating": Rating.label_of(i.overall_rating),
            **links(request, "inspection", i.pk),
        }
        for i in found
    ]
    return {"results": results, "more": more}
