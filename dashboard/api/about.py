"""The API's front door: what it offers, where its schema and documentation are."""

from ninja import Field, Router, Schema

from dashboard.api.base import absolute, api, endpoint

router = Router()


class Endpoint(Schema):
    path: str = Field(description="The endpoint's URL.")
    description: str


class ApiRoot(Schema):
    description: str
    schema_url: str = Field(description="The OpenAPI schema of every endpoint.")
    docs_url: str = Field(description="Interactive documentation.")
    endpoints: list[Endpoint]


@endpoint(router, "/", ApiRoot, "root", "about")
def api_root(request):
    """What this API offers: its endpoints, its schema and its documentation."""

    def endpoint(name, description, *args):
        return {"path": absolute(request, name, *args), "description": description}

    return {
        "description": api.description,
        "schema_url": absolute(request, "api:openapi-json"),
        "docs_url": absolute(request, "api:openapi-view"),
        "endpoints": [
            endpoint("api:providers", "Providers (CRCs and NPS divisions), with their owners; filter by kind."),
            endpoint("api:owners", "Owner groups and the providers they owned."),
            endpoint(
                "api:inspections",
                "Inspections with overall and standard ratings; filter by provider, owner, framework, round, year, rating.",
            ),
            endpoint("api:standards", "The standards each framework rates."),
            endpoint("api:suggest_inspections", "At most 20 inspections matching words typed, for type-to-find."),
        ],
    }
