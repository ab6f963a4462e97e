"""Placeholder: filled in by the casework work."""

urlpatterns = []
