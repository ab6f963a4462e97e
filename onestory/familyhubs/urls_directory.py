"""Family hubs: the service directory's pages, at /family-hubs/directory/."""

from django.urls import path

from . import views_directory as views

urlpatterns = [
    path("", views.directory, name="directory"),
    path("new/", views.service_create, name="service-create"),
    path("import/", views.directory_import, name="directory-import"),
    path("<uuid:pk>/", views.service, name="service"),
    path("<uuid:pk>/edit/", views.service_edit, name="service-edit"),
    path("<uuid:pk>/checked/", views.service_checked, name="service-checked"),
]
