"""Placeholder: filled in by the protection work."""

urlpatterns = []
