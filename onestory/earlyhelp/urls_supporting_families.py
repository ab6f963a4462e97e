from django.urls import path

from . import views_supporting_families as views

urlpatterns = [
    path("supporting-families/", views.report, name="supporting-families"),
    path("supporting-families/claim.csv", views.claim_csv, name="supporting-families-csv"),
    path("supporting-families/claim/", views.claim, name="supporting-families-claim"),
    path(
        "supporting-families/<uuid:episode_id>/",
        views.family,
        name="supporting-families-family",
    ),
]
