"""Family hubs: the referrals pages (filled in by this part)."""

urlpatterns = []
