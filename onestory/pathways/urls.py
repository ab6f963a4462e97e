from django.urls import path

from . import views, views_contexts

app_name = "pathways"

CHILD = "children/<uuid:person_id>/"

urlpatterns = [
    # A child's pathways (views.py): every page opens the child's record first.
    path(f"{CHILD}flags/raise/", views.flag_raise, name="flag-raise"),
    path(f"{CHILD}flags/<uuid:flag_id>/", views.flag_detail, name="flag"),
    path(f"{CHILD}flags/<uuid:flag_id>/end/", views.flag_end, name="flag-end"),
    path(f"{CHILD}flags/<uuid:flag_id>/refer/", views.panel_refer, name="panel-refer"),
    path(f"{CHILD}referrals/<uuid:referral_id>/decide/", views.panel_decide, name="panel-decide"),
    path(f"{CHILD}referrals/<uuid:referral_id>/review/", views.panel_review, name="panel-review"),
    path(f"{CHILD}flags/<uuid:flag_id>/missing/add/", views.missing_add, name="missing-add"),
    path(f"{CHILD}missing/<uuid:episode_id>/return/", views.missing_return, name="missing-return"),
    path(f"{CHILD}contexts/link/", views.context_link, name="context-link"),
    path(f"{CHILD}contexts/<uuid:link_id>/end/", views.context_unlink, name="context-unlink"),
    # Contexts (views_contexts.py).
    path("contexts/", views_contexts.context_list, name="contexts"),
    path("contexts/new/", views_contexts.context_create, name="context-create"),
    path("contexts/<uuid:context_id>/", views_contexts.context_detail, name="context"),
    path(
        "contexts/<uuid:context_id>/change/",
        views_contexts.context_change,
        name="context-change",
    ),
    path(
        "contexts/<uuid:context_id>/notes/add/",
        views_contexts.context_note_add,
        name="context-note-add",
    ),
    path(
        "contexts/<uuid:context_id>/plan/add/",
        views_contexts.context_action_add,
        name="context-action-add",
    ),
    path(
        "contexts/<uuid:context_id>/plan/<uuid:action_id>/",
        views_contexts.context_action_change,
        name="context-action-change",
    ),
]
