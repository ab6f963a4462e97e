"""The dashboards: headline measures, each figure's children, needs analysis by ward,
disproportionality, the workforce, the strategy's measures, family hubs' reach and what the data
covers."""

from django.urls import path

from . import views_dashboard as views
from .views_data import about_data
from .views_reach import reach

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("measures/<slug:id>/", views.measure, name="measure"),
    path("measures/<slug:id>/children/", views.measure_children, name="measure-children"),
    path("wards/", views.wards, name="wards"),
    path("disproportionality/", views.disproportionality, name="disproportionality"),
    path("workforce/", views.workforce, name="workforce"),
    path("strategy/", views.strategy, name="strategy"),
    path("family-hubs/", reach, name="reach"),
    path("data/", about_data, name="data"),
]
