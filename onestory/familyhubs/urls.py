"""Family hubs' pages, mounted at /family-hubs/: sites, activities and sessions; registering
families and the session register; the service directory; referrals to services."""

from django.urls import include, path

app_name = "familyhubs"

urlpatterns = [
    path("", include("onestory.familyhubs.urls_sites")),
    path("", include("onestory.familyhubs.urls_register")),
    path("directory/", include("onestory.familyhubs.urls_directory")),
    path("referrals/", include("onestory.familyhubs.urls_referrals")),
]
