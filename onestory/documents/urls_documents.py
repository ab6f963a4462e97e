"""Uploaded documents and the search across notes and documents."""

from django.urls import path

from . import views_documents, views_search

urlpatterns: list = [
    path(
        "people/<uuid:person_id>/",
        views_documents.person_documents,
        name="person-documents",
    ),
    path(
        "people/<uuid:person_id>/add/",
        views_documents.document_upload,
        name="document-upload",
    ),
    path(
        "<uuid:document_id>/download/",
        views_documents.document_download,
        name="document-download",
    ),
    path(
        "<uuid:document_id>/remove/",
        views_documents.document_remove,
        name="document-remove",
    ),
    path("search/", views_search.search, name="search"),
]
