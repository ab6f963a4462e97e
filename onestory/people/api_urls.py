from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from onestory.access.decorators import access_rule

from . import api

app_name = "api"
urlpatterns = [
    path("people/", api.PersonList.as_view(), name="people"),
    path("people/<uuid:person_id>/", api.PersonDetail.as_view(), name="person"),
    path("families/", api.FamilyList.as_view(), name="families"),
    path("families/<uuid:household_id>/", api.FamilyDetail.as_view(), name="family"),
    path("schema/", access_rule("signed_in")(SpectacularAPIView.as_view()), name="schema"),
]
