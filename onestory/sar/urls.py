from django.urls import path

from . import views

app_name = "sar"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<uuid:sar_id>/", views.request_detail, name="detail"),
    path("<uuid:sar_id>/extend/", views.request_extend, name="extend"),
    path("<uuid:sar_id>/build/", views.bundle_build, name="build"),
    path("<uuid:sar_id>/bundle/", views.bundle_review, name="bundle"),
    path("<uuid:sar_id>/bundle.html", views.bundle_download_html, name="bundle-html"),
    path("<uuid:sar_id>/bundle.pdf", views.bundle_download_pdf, name="bundle-pdf"),
    path("<uuid:sar_id>/release/", views.request_release, name="release"),
]
