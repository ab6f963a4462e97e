"""Family hubs: registering families at the door, finding them, their hub page, and the register
of a session (filled in on a tablet)."""

from django.urls import path

from . import views_register as views

urlpatterns = [
    path("families/", views.family_find, name="family-find"),
    path("families/register/", views.family_register, name="family-register"),
    path("families/<uuid:pk>/", views.family_detail, name="family"),
    path("families/<uuid:pk>/edit/", views.family_edit, name="family-edit"),
    path("families/<uuid:pk>/add-someone/", views.family_member_add, name="family-member-add"),
    path("families/<uuid:pk>/end/", views.family_end, name="family-end"),
    path("sessions/<uuid:pk>/register/", views.session_register, name="register"),
]
