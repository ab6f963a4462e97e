"""Family hubs: referrals of a family to directory services, followed through to attendance
(mounted at /family-hubs/referrals/)."""

from django.urls import path

from . import views_referrals as views

urlpatterns = [
    path("", views.referrals, name="referrals"),
    path("new/", views.referral_create, name="referral-create"),
    path("<uuid:referral_id>/", views.referral, name="referral"),
    path("<uuid:referral_id>/answer/", views.referral_decide, name="referral-decide"),
    path("<uuid:referral_id>/close/", views.referral_close, name="referral-close"),
]
