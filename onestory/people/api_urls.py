import threading

from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

from onestory.access.decorators import access_rule

from . import api


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, made one request at a time in each process.

    drf-spectacular loads its extensions lazily and not thread-safely: two first requests at
    once in one threaded server process failed with a server error (found by `make proof`).
    """

    _lock = threading.Lock()

    @extend_schema(exclude=True)  # the schema does not describe itself
    def get(self, request, *args, **kwargs):
        with self._lock:
            return super().get(request, *args, **kwargs)


app_name = "api"
urlpatterns = [
    path("people/", api.PersonList.as_view(), name="people"),
    path("people/<uuid:person_id>/", api.PersonDetail.as_view(), name="person"),
    path("families/", api.FamilyList.as_view(), name="families"),
    path("families/<uuid:household_id>/", api.FamilyDetail.as_view(), name="family"),
    path("schema/", access_rule("signed_in")(SchemaView.as_view()), name="schema"),
]
