from django.contrib import admin
from django.urls import include, path

from dashboard import views

public_patterns = [
    path("", views.home, name="home"),
    path("providers/<slug:slug>/", views.provider_detail, name="provider"),
    path("owners/<slug:slug>/", views.owner_detail, name="owner"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((public_patterns, "dashboard"))),
]
