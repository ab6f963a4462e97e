"""Family hubs: the start page, sites, activities, the sessions timetable and bookings."""

from django.urls import path

from . import views_sessions, views_sites

urlpatterns = [
    path("", views_sites.home, name="home"),
    path("sites/", views_sites.site_list, name="sites"),
    path("sites/new/", views_sites.site_create, name="site-create"),
    path("sites/<uuid:pk>/", views_sites.site_detail, name="site"),
    path("sites/<uuid:pk>/edit/", views_sites.site_edit, name="site-edit"),
    path("activities/", views_sites.activity_list, name="activities"),
    path("activities/new/", views_sites.activity_create, name="activity-create"),
    path("activities/<uuid:pk>/edit/", views_sites.activity_edit, name="activity-edit"),
    path("sessions/", views_sessions.session_list, name="sessions"),
    path("sessions/new/", views_sessions.session_create, name="session-create"),
    path("sessions/<uuid:pk>/", views_sessions.session_detail, name="session"),
    path("sessions/<uuid:pk>/edit/", views_sessions.session_edit, name="session-edit"),
    path("sessions/<uuid:pk>/cancel/", views_sessions.session_cancel, name="session-cancel"),
    path("sessions/<uuid:pk>/book/", views_sessions.booking_create, name="booking-create"),
    path("bookings/<uuid:pk>/cancel/", views_sessions.booking_cancel, name="booking-cancel"),
]
