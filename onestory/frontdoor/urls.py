from django.urls import path

from . import views, views_settings, views_steps

app_name = "frontdoor"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("request/", views.request_support, name="request"),
    path("request/<uuid:contact_id>/sent/", views.request_sent, name="request-sent"),
    path("my-requests/", views.my_requests, name="my-requests"),
    path("contacts/<uuid:contact_id>/", views.contact_detail, name="contact"),
    path("contacts/<uuid:contact_id>/assign/", views.contact_assign, name="contact-assign"),
    path(
        "contacts/<uuid:contact_id>/people/<uuid:named_id>/",
        views.person_link,
        name="person-link",
    ),
    path(
        "contacts/<uuid:contact_id>/information-requests/add/",
        views.information_request_add,
        name="information-request-add",
    ),
    path(
        "contacts/<uuid:contact_id>/information-requests/<uuid:request_id>/reply/",
        views.information_reply,
        name="information-reply",
    ),
    path("contacts/<uuid:contact_id>/decide/", views.contact_decide, name="contact-decide"),
    path("contacts/<uuid:contact_id>/sign-off/", views.decision_sign_off, name="sign-off"),
    path("contacts/<uuid:contact_id>/close/", views.contact_close, name="contact-close"),
    path("step-up/<uuid:person_id>/", views_steps.step_up, name="step-up"),
    path("step-down/<uuid:person_id>/", views_steps.step_down, name="step-down"),
    path(
        "contacts/<uuid:contact_id>/strategy-discussion/",
        views_steps.strategy_discussion,
        name="strategy-discussion",
    ),
    path("settings/", views_settings.settings_page, name="settings"),
    path("settings/levels/<int:level>/", views_settings.level_edit, name="level-edit"),
]
