from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from onestory.access.decorators import access_rule

app_name = "api"
urlpatterns = [
    path("schema/", access_rule("signed_in")(SpectacularAPIView.as_view()), name="schema"),
]
