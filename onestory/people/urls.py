from django.urls import path

from . import views, views_matching

app_name = "people"
urlpatterns = [
    # The record: person, family, chronology, edits (views.py)
    path("people/new/", views.person_create, name="person-create"),
    path("people/<uuid:person_id>/", views.person_detail, name="person"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="person-edit"),
    path("people/<uuid:person_id>/chronology/", views.person_chronology, name="person-chronology"),
    path("families/<uuid:household_id>/", views.household_detail, name="household"),
    # Known to us? and possible duplicates (views_matching.py)
    path("known-to-us/", views_matching.search, name="search"),
    path("duplicates/", views_matching.duplicates, name="duplicates"),
]
