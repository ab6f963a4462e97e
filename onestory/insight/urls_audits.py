"""URLs: filled in by the audits work."""

urlpatterns = []
