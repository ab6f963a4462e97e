from django.urls import path

from . import views_assessment

urlpatterns = [
    path(
        "<uuid:episode_id>/assessment/start/",
        views_assessment.assessment_start,
        name="assessment-start",
    ),
    path(
        "<uuid:episode_id>/assessment/<uuid:assessment_id>/",
        views_assessment.assessment,
        name="assessment",
    ),
    path(
        "<uuid:episode_id>/assessment/<uuid:assessment_id>/autosave/",
        views_assessment.assessment_autosave,
        name="assessment-autosave",
    ),
]
