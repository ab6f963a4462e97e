"""Case recording's pages: case notes, drafts, management oversight and supervision."""

from django.urls import path

from . import views, views_drafts, views_supervision

app_name = "recording"
urlpatterns = [
    path("drafts/form/", views_drafts.form_draft, name="form-draft"),
    path("notes/start/", views.note_start, name="note-start"),
    path("notes/drafts/", views.drafts, name="drafts"),
    path("notes/<uuid:note_id>/", views.note_detail, name="note-detail"),
    path("notes/<uuid:note_id>/edit/", views.note_edit, name="note-edit"),
    path("notes/<uuid:note_id>/add/", views.note_add, name="note-add"),
    path("notes/<uuid:note_id>/autosave/", views.note_autosave, name="note-autosave"),
    path("people/<uuid:person_id>/notes/", views.person_notes, name="person-notes"),
    path("oversight/add/", views.oversight_add, name="oversight-add"),
    path("supervision/", views_supervision.supervisions, name="supervisions"),
    path("supervision/new/", views_supervision.supervision_add, name="supervision-add"),
    path(
        "supervision/<uuid:supervision_id>/",
        views_supervision.supervision_detail,
        name="supervision-detail",
    ),
]
