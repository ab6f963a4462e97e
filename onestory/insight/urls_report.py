"""URLs: filled in by the report work."""

urlpatterns = []
