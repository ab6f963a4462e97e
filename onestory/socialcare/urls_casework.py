"""Casework: the child's statutory page, story so far, allocation, moving a case, caseloads and
"My work"."""

from django.urls import path

from . import views_casework as views

urlpatterns = [
    path("children/<uuid:person_id>/", views.child, name="child"),
    path("children/<uuid:person_id>/story/", views.story_edit, name="story-edit"),
    path("children/<uuid:person_id>/allocate/", views.allocate, name="allocate"),
    path("children/<uuid:person_id>/move/", views.move_case, name="move-case"),
    path("allocations/", views.allocations, name="allocations"),
    path("caseloads/", views.caseloads, name="caseloads"),
    path("caseloads/settings/", views.caseload_settings, name="caseload-settings"),
    path("my-work/", views.my_work, name="my-work"),
]
