"""What every endpoint shares: the API object, its error shape, paging, lookups and links."""

from typing import Annotated, Literal

from django.http import Http404
from django.urls import reverse
from ninja import Field, NinjaAPI, Schema
from ninja.decorators import decorate_view
from ninja.errors import ValidationError
from pydantic import BeforeValidator

from dashboard.caching import cached_page
from dashboard.filters import RATING_CHOICES
from inspections.models import Inspection, OwnerGroup, Provider, ProviderKind, Standard
from inspections.rules import Rating


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation):
        # The ids the schema gave when the API was one module (dashboard/api.py), so that clients
        # generated from the schema keep their method names.
        return f"dashboard_api_{operation.view_func.__name__}"


api = Api(
    title="CRC performance dashboard API",
    version="1.0.0",
    description=(
        "HM Inspectorate of Probation's ratings of the Community Rehabilitation Companies and National "
        "Probation Service divisions (2016-2021), each value with its source. Read-only, no key needed. "
        "Values no source states are null, never guessed. `our_computation` blocks are this project's "
        "derivations, not the inspectorate's judgement. Open Government Licence v3.0."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
)

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
RatingSlug = Literal[tuple(slug for slug, _label in RATING_CHOICES)]
RatingLabel = Literal[tuple(rating.label for rating in Rating)]
Kind = Literal[tuple(ProviderKind.values)]
# Field types that read a model's column as the API states it: a blank text is null, a stored
# rating is its label.
BlankAsNull = Annotated[str | None, BeforeValidator(lambda text: text or None)]
KindOrNull = Annotated[Kind | None, BeforeValidator(lambda text: text or None)]
RatingOf = Annotated[RatingLabel | None, BeforeValidator(Rating.label_of)]


def endpoint(router, path, schema, name, tag):
    """A GET endpoint answering `schema` (or an error), its answers kept in the page cache."""

    def register(view):
        cached_view = decorate_view(cached_page)(view)
        return router.get(path, response={200: schema, **ERRORS}, url_name=name, tags=[tag])(cached_view)

    return register


class Problem(Schema):
    field: str | None = Field(None, description="The parameter at fault, if one.")
    reason: str


class ErrorOut(Schema):
    status: int
    error: str
    detail: list[Problem]


ERRORS = {400: ErrorOut, 404: ErrorOut}


def error_response(request, status, error, problems):
    return api.create_response(request, {"status": status, "error": error, "detail": problems}, status=status)


class BadParameter(Exception):
    def __init__(self, field, reason):
        super().__init__(reason)
        self.field, self.reason = field, reason


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    problems = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "filters")]
        problems.append({"field": ".".join(location) or None, "reason": error.get("msg", "invalid value")})
    return error_response(request, 400, "bad_request", problems)


@api.exception_handler(BadParameter)
def bad_parameter(request, exc):
    return error_response(request, 400, "bad_request", [{"field": exc.field, "reason": exc.reason}])


@api.exception_handler(Http404)
def not_found(request, exc):
    return error_response(request, 404, "not_found", [{"field": None, "reason": str(exc) or "Not found."}])


class Page(Schema):
    count: int = Field(description="Items matching the filters, on every page.")
    page: int
    page_size: int
    pages: int
    next: str | None = Field(description="Absolute URL of the next page, with the same filters.")
    previous: str | None


class Paging(Schema):
    """Every list's paging parameters."""

    page: int = Field(1, ge=1, le=100000, description="Page number, from 1.")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1-{MAX_PAGE_SIZE}.")


def paginate(request, queryset, paging):
    """(page metadata, the page's items). A page past the last is a 404 naming the last."""
    page, page_size = paging.page, paging.page_size
    count = queryset.count()
    pages = max(1, -(-count // page_size))
    if page > pages:
        raise Http404(f"Page {page} does not exist; the last page is {pages}.")
    items = list(queryset[(page - 1) * page_size : page * page_size])

    def link(number):
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    meta = {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": link(page + 1) if page < pages else None,
        "previous": link(page - 1) if page > 1 else None,
    }
    return meta, items


def lookup(model, field, slug, what):
    """The object with this slug, or a 400 naming the parameter (a filter, not a path)."""
    if slug is None:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise BadParameter(field, f"No {what} with slug {slug!r}.")
    return found


def absolute(request, name, *args):
    return request.build_absolute_uri(reverse(name, args=args))


def links(request, name, *args):
    """An object's page on this site (`url`) and in this API (`api_url`), both URL names `name`."""
    return {"url": absolute(request, f"dashboard:{name}", *args), "api_url": absolute(request, f"api:{name}", *args)}


# Where each kind of object lives: the same URL name and arguments on the site and in the API.
ROUTES = {
    Inspection: lambda inspection: ("inspection", inspection.pk),
    OwnerGroup: lambda owner: ("owner", owner.slug),
    Provider: lambda provider: ("provider", provider.slug),
    Standard: lambda standard: ("standard", standard.framework.slug, standard.code),
}


def route_of(obj):
    return ROUTES[type(obj)](obj)


class Linked(Schema):
    """A schema of model objects whose `url` and `api_url` fields (each schema lists them where it
    wants them) are the object's page on this site and in this API."""

    @staticmethod
    def resolve_url(obj, context):
        name, *args = route_of(obj)
        return absolute(context["request"], f"dashboard:{name}", *args)

    @staticmethod
    def resolve_api_url(obj, context):
        name, *args = route_of(obj)
        return absolute(context["request"], f"api:{name}", *args)
