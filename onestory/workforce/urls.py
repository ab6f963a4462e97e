from django.urls import path

from . import views

app_name = "workforce"
urlpatterns = [
    path("workers/", views.workers, name="workers"),
    path("workers/new/", views.worker_create, name="worker-create"),
    path("workers/<int:worker_id>/edit/", views.worker_edit, name="worker-edit"),
    path("workers/<int:worker_id>/unlock/", views.worker_unlock, name="worker-unlock"),
    path(
        "workers/<int:worker_id>/second-factor/reset/",
        views.worker_reset_second_factor,
        name="worker-reset-second-factor",
    ),
    path("teams/", views.teams, name="teams"),
    path("teams/<uuid:team_id>/edit/", views.team_edit, name="team-edit"),
]
