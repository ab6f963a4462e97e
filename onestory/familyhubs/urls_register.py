"""Family hubs: the register pages (filled in by this part)."""

urlpatterns = []
