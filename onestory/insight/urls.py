"""The performance hub (mounted at /performance/): dashboards, needs analysis, the board report
and case audits."""

from django.urls import include, path

app_name = "insight"
urlpatterns = [
    path("", include("onestory.insight.urls_dashboard")),
    path("board-reports/", include("onestory.insight.urls_report")),
    path("case-audits/", include("onestory.insight.urls_audits")),
]
