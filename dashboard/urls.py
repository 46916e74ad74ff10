from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from dashboard import views

public_patterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("providers/<slug:slug>/", views.provider_detail, name="provider"),
    path("owners/", views.owner_list, name="owners"),
    path("owners/<slug:slug>/", views.owner_detail, name="owner"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/standards/<str:code>/", views.inspection_standard, name="inspection_standard"),
    path("standards/", views.standard_list, name="standards"),
    path("standards/<slug:framework>/<str:code>/", views.standard_detail, name="standard"),
    path("compare/", views.compare, name="compare"),
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", views.readyz, name="readyz"),
]

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says; the admin's pages name none.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include((public_patterns, "dashboard"))),
]
