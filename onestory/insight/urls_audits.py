"""Case audits (mounted at /performance/case-audits/): the audits to do and the samples drawn,
drawing a sample, grading one case, and the results by team."""

from django.urls import path

from . import views_audits as views

urlpatterns = [
    path("", views.case_audits, name="case-audits"),
    path("sample/", views.sample, name="case-audit-sample"),
    path("results/", views.rollup, name="case-audit-results"),
    path("<uuid:audit_id>/", views.case_audit, name="case-audit"),
]
