"""Type-to-find for the compare page's chooser (`static/js/compare.js`): inspections matching the
words typed, at most MAX_MATCHES of them, so an answer weighs the same at any scale.

"""

from ninja import Field, Query, Router, Schema

from dashboard.api.base import Kind, RatingOf, endpoint
from dashboard.api.inspections import PUBLISHED, InspectionFields
from dashboard.forms import MAX_MATCHES, first_matches, inspections_matching

router = Router()


class Suggestion(InspectionFields):
    id: int
    label: str = Field(description="The provider and when the report was published, as the pages name it.")
    provider: str
    kind: Kind
    published: str | None = Field(description=PUBLISHED)
    overall_rating: RatingOf
    url: str
    api_url: str

    @staticmethod
    def resolve_label(inspection):
        return f"{inspection.provider.name} ({inspection.report.when_text})"


class Suggestions(Schema):
    results: list[Suggestion] = Field(description=f"At most {MAX_MATCHES}, by provider and date.")
    more: bool = Field(description="More inspections match than are listed: add a word or a year to narrow them.")


@endpoint(router, "/suggest/inspections", Suggestions, "suggest_inspections", "inspections")
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
    return {"results": found, "more": more}
