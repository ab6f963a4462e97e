"""The dashboards: headline measures, each figure's children, needs analysis by ward."""

from django.urls import path

from . import views_dashboard as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
