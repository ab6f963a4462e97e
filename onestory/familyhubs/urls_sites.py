"""Family hubs: the sites pages (filled in by this part)."""

urlpatterns = []
