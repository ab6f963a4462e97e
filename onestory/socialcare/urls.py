"""Statutory social care pages. Each area keeps its own URL module; this joins them."""

from django.urls import include, path

app_name = "socialcare"
urlpatterns = [
    path("", include("onestory.socialcare.urls_casework")),
    path("", include("onestory.socialcare.urls_protection")),
    path("", include("onestory.socialcare.urls_care")),
]
