from django.urls import path

from . import urls_assessment, urls_plan, urls_supporting_families, views

app_name = "earlyhelp"
urlpatterns = [
    path("", views.my_families, name="families"),
    path("to-open/", views.waiting, name="waiting"),
    path("open/<uuid:contact_id>/", views.open_from_front_door, name="open-from-front-door"),
    path("start/<uuid:person_id>/", views.open_by_agency, name="open-by-agency"),
    path("<uuid:episode_id>/", views.episode, name="episode"),
    path("<uuid:episode_id>/consent/", views.consent, name="consent"),
    path("<uuid:episode_id>/lead-professional/", views.lead_professional, name="lead-professional"),
    path("<uuid:episode_id>/step-up/", views.step_up, name="step-up"),
    path("<uuid:episode_id>/close/", views.close, name="close"),
    *urls_assessment.urlpatterns,
    *urls_plan.urlpatterns,
    *urls_supporting_families.urlpatterns,
]
