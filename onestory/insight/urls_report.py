"""The board reports (mounted at /performance/board-reports/)."""

from django.urls import path

from . import views_report as views

urlpatterns = [
    path("", views.report_list, name="board-reports"),
    path("new/", views.report_create, name="board-report-new"),
    path("<uuid:pk>/", views.report_edit, name="board-report"),
    path("<uuid:pk>/pdf/", views.report_pdf, name="board-report-pdf"),
]
