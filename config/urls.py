from django.urls import include, path

from onestory.access.views_health import healthz

handler404 = "onestory.access.views_errors.not_found"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("onestory.access.urls")),
    path("", include("onestory.people.urls")),
    path("api/", include("onestory.people.api_urls")),
    path("workforce/", include("onestory.workforce.urls")),
    path("front-door/", include("onestory.frontdoor.urls")),
    path("early-help/", include("onestory.earlyhelp.urls")),
    path("pathways/", include("onestory.pathways.urls")),
    path("social-care/", include("onestory.socialcare.urls")),
    path("family-hubs/", include("onestory.familyhubs.urls")),
    path("recording/", include("onestory.recording.urls")),
    path("documents/", include("onestory.documents.urls")),
    path("subject-access/", include("onestory.sar.urls")),
    path("returns/", include("onestory.returns.urls")),
    path("performance/", include("onestory.insight.urls")),
    path("retention/", include("onestory.retention.urls")),
]
