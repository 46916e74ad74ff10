from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path, register_converter
from django.views.generic import RedirectView

from dashboard import data_views, health_views, round_views, views
from dashboard.api import api, without_trailing_slash


class StandardCodeConverter:
    """A standard's code as the inspectorate numbers it: '2.2', 'RR'."""

    regex = r"[A-Za-z0-9.]{1,10}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(StandardCodeConverter, "code")

public_patterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("providers/", views.provider_list, name="providers"),
    path("providers/<slug:slug>/", views.provider_detail, name="provider"),
    path("owners/", views.owner_list, name="owners"),
    path("owners/<slug:slug>/", views.owner_detail, name="owner"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/standards/<code:code>/", views.inspection_standard, name="inspection_standard"),
    path("rounds/", round_views.round_list, name="rounds"),
    path("rounds/<slug:slug>/", round_views.round_detail, name="round"),
    path("standards/", views.standard_list, name="standards"),
    path("standards/<slug:framework>/<code:code>/", views.standard_detail, name="standard"),
    path("compare/", views.compare, name="compare"),
    path("search/", views.search_page, name="search"),
    path("data/", data_views.data_index, name="data"),
    path("data/feed/", data_views.releases_feed, name="feed"),
    path("data/releases/<slug:identifier>/", data_views.release_detail, name="release"),
    path("data/releases/<slug:identifier>/<slug:slug>.<slug:fmt>", data_views.release_download, name="release_file"),
    path("data/<slug:slug>.<slug:fmt>", data_views.data_download, name="download"),
    path("healthz/", health_views.healthz, name="healthz"),
    path("readyz/", health_views.readyz, name="readyz"),
]


class FaviconRedirect(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        # Resolved per request: the hashed static name exists only after collectstatic.
        return static("favicon.svg")


urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says; the admin's pages name none.
    path("favicon.ico", FaviconRedirect.as_view()),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>[^?]+?)/$", without_trailing_slash),
    path("", include((public_patterns, "dashboard"))),
]
