"""The statutory returns' pages (mounted at /returns/): each return's readiness for a collection
year, every issue of one rule, and checking a return now."""

from django.urls import path

from . import views

app_name = "returns"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:source>/", views.readiness_page, name="readiness"),
    path("<str:source>/check/", views.check_now, name="check"),
    path("<str:source>/rules/<str:rule>/", views.rule_page, name="rule"),
]
