from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/second-factor/", views.second_factor, name="second-factor"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("messages/<uuid:notification_id>/read/", views.notification_read,
         name="notification-read"),
    path("people/<uuid:person_id>/break-the-glass/", views.break_the_glass, name="break-glass"),
    path("people/<uuid:person_id>/grant-access/", views.grant_access, name="grant-access"),
    path("people/<uuid:person_id>/consent/", views.consent, name="consent"),
    path("people/<uuid:person_id>/restriction/", views.restriction, name="restriction"),
    path("people/<uuid:person_id>/restriction/add/", views.restriction_add,
         name="restriction-add"),
    path("people/<uuid:person_id>/restriction/<uuid:grant_id>/remove/", views.restriction_remove,
         name="restriction-remove"),
    path("people/<uuid:person_id>/restriction/lift/", views.restriction_lift,
         name="restriction-lift"),
    path("unusual-access/", views.unusual_access, name="unusual-access"),
    path("people/<uuid:person_id>/access-log/", views.person_access_log, name="person-access-log"),
]
