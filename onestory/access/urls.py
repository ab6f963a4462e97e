from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/second-factor/", views.second_factor, name="second-factor"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("people/<uuid:person_id>/break-the-glass/", views.break_the_glass, name="break-glass"),
    path("people/<uuid:person_id>/access-log/", views.person_access_log, name="person-access-log"),
]
