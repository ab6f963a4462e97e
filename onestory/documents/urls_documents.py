"""Uploaded documents and the search across notes and documents."""

urlpatterns: list = []
