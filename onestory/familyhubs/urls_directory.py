"""Family hubs: the directory pages (filled in by this part)."""

urlpatterns = []
