"""`/healthz`: whether the application answers, for a load balancer or an operator's monitor."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from .decorators import access_rule


@never_cache
@access_rule("public")
def healthz(request):
    """Answers "ok" without a database query, a session or a template: that the process serves
    requests, and nothing about anyone (the proof's load check uses it as the ceiling)."""
    return HttpResponse("ok", content_type="text/plain")
