from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("dispose/", views.dispose, name="dispose"),
    path("holds/", views.holds, name="holds"),
    path("people/<uuid:person_id>/hold/", views.hold_place, name="hold-place"),
    path("holds/<uuid:hold_id>/lift/", views.hold_lift, name="hold-lift"),
    path("rules/", views.rules_list, name="rules"),
    path("rules/<uuid:rule_id>/", views.rule_edit, name="rule-edit"),
]
