"""Placeholder: filled in by the care work."""

urlpatterns = []
