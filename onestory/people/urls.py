from django.urls import path

from . import views, views_matching

app_name = "people"
urlpatterns = [
    # The record: person, family, chronology, edits (views.py)
    path("people/new/", views.person_create, name="person-create"),
    path("people/<uuid:person_id>/", views.person_detail, name="person"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="person-edit"),
    path("people/<uuid:person_id>/chronology/", views.person_chronology, name="person-chronology"),
    path("people/<uuid:person_id>/names/add/", views.name_add, name="person-name-add"),
    path("people/<uuid:person_id>/addresses/add/", views.address_add, name="person-address-add"),
    path(
        "people/<uuid:person_id>/addresses/<uuid:address_id>/end/",
        views.address_end,
        name="person-address-end",
    ),
    path(
        "people/<uuid:person_id>/relationships/add/",
        views.relationship_add,
        name="person-relationship-add",
    ),
    path(
        "people/<uuid:person_id>/households/add/", views.household_join, name="person-household-add"
    ),
    path("families/<uuid:household_id>/", views.household_detail, name="household"),
    path(
        "families/<uuid:household_id>/chronology/",
        views.household_chronology,
        name="household-chronology",
    ),
    path(
        "families/<uuid:household_id>/members/add/",
        views.household_member_add,
        name="household-member-add",
    ),
    path(
        "families/<uuid:household_id>/members/<uuid:member_id>/remove/",
        views.household_member_remove,
        name="household-member-remove",
    ),
    # Known to us? and possible duplicates (views_matching.py)
    path("known-to-us/", views_matching.search, name="search"),
    path("duplicates/", views_matching.duplicates, name="duplicates"),
    path("duplicates/<uuid:candidate_id>/", views_matching.duplicate_pair, name="duplicate"),
    path("people/<uuid:person_id>/merges/", views_matching.merge_history, name="person-merges"),
    path("merges/<uuid:merge_id>/undo/", views_matching.merge_undo, name="merge-undo"),
]
