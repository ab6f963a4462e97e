"""The Team Around the Family, the action plan, reviews and the review cadence (in the
"earlyhelp" namespace, mounted at /early-help/)."""

from django.urls import path

from . import views_plan

urlpatterns: list = [
    path("settings/", views_plan.settings_page, name="settings"),
    path("<uuid:episode_id>/meetings/add/", views_plan.meeting_add, name="meeting-add"),
    path("<uuid:episode_id>/meetings/<uuid:meeting_id>/", views_plan.meeting, name="meeting"),
    path("<uuid:episode_id>/actions/add/", views_plan.action_add, name="action-add"),
    path(
        "<uuid:episode_id>/actions/<uuid:action_id>/",
        views_plan.action_edit,
        name="action-edit",
    ),
    path("<uuid:episode_id>/reviews/add/", views_plan.review_add, name="review-add"),
]
