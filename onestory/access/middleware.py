"""Deny by default: every page needs a signed-in worker unless its view is declared public.

A worker must also have passed their second factor (TOTP) in this session when their role
requires one (every role, under ONESTORY_REQUIRE_SECOND_FACTOR) or when they have set one
up themselves. Until then every page except the second-factor page sends them there.

A session ends after ONESTORY_IDLE_MINUTES without a request (Django's session age, renewed on
every request) and, however busy, ONESTORY_ABSOLUTE_SESSION_HOURS after signing in.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.utils.cache import add_never_cache_headers

from onestory.workforce.rules import MUST_USE_SECOND_FACTOR

from .decorators import rule_of

SECOND_FACTOR_REQUIRED = "onestory_second_factor_required"
# When the worker signed in (seconds since the epoch): the session's absolute limit counts from it.
SIGNED_IN_AT = "onestory_signed_in_at"
OPEN_TO_ALL = {"public", "second_factor"}


def needs_second_factor(request) -> bool:
    user = request.user
    if user.is_verified():
        return False
    if settings.ONESTORY_REQUIRE_SECOND_FACTOR and user.role in MUST_USE_SECOND_FACTOR:
        return True
    return bool(request.session.get(SECOND_FACTOR_REQUIRED))


class SignInRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            signed_in_at = request.session.get(SIGNED_IN_AT)
            limit = settings.ONESTORY_ABSOLUTE_SESSION_HOURS * 3600
            if not isinstance(signed_in_at, int | float):
                # A session from before the limit was kept (or a test's forced sign-in) starts
                # counting now.
                request.session[SIGNED_IN_AT] = time.time()
            elif time.time() - signed_in_at >= limit:
                logout(request)
                messages.info(
                    request,
                    f"You have been signed out because you signed in more than "
                    f"{settings.ONESTORY_ABSOLUTE_SESSION_HOURS} hours ago. Sign in again.",
                )
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            # Whatever a signed-in worker is shown may be about a child: no browser, proxy or
            # shared computer keeps a copy (the back button after signing out shows nothing).
            add_never_cache_headers(response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(settings.STATIC_URL):
            return None
        if rule_of(view_func) in OPEN_TO_ALL:
            return None
        is_api = request.path.startswith("/api/")
        user = request.user
        if not user.is_authenticated:
            if is_api:
                return None  # the API's own permission classes answer 403
            query = urlencode({"next": request.path})
            return redirect(f"{reverse('access:sign-in')}?{query}")
        if needs_second_factor(request):
            if is_api:
                return JsonResponse(
                    {"detail": "Sign in with your second factor first."}, status=403
                )
            query = urlencode({"next": request.path})
            return redirect(f"{reverse('access:second-factor')}?{query}")
        return None


def current_route_name(request) -> str:
    try:
        match = resolve(request.path_info)
    except Exception:  # noqa: BLE001 - a 404 path has no route
        return ""
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name or ""
