"""Answers for an address that matches no page."""

from django.http import JsonResponse
from django.views.defaults import page_not_found


def not_found(request, exception):
    """The API answers in JSON, as it does for a hidden or missing record; people get the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
