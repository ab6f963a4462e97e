"""The dashboards: headline measures, each figure's children, needs analysis by ward,
disproportionality, the workforce and the strategy's measures."""

from django.urls import path

from . import views_dashboard as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("measures/<slug:id>/", views.measure, name="measure"),
    path("measures/<slug:id>/children/", views.measure_children, name="measure-children"),
    path("wards/", views.wards, name="wards"),
    path("disproportionality/", views.disproportionality, name="disproportionality"),
    path("workforce/", views.workforce, name="workforce"),
    path("strategy/", views.strategy, name="strategy"),
]
