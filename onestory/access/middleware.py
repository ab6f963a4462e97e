"""Deny by default: every page needs a signed-in worker unless its view is declared public.

Administrators must also have passed a second factor (TOTP) in this session.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import resolve, reverse

from onestory.workforce.rules import MUST_USE_SECOND_FACTOR

from .decorators import rule_of


class SignInRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(settings.STATIC_URL):
            return None
        rule = rule_of(view_func)
        if rule == "public" or rule == "second_factor":
            return None
        user = request.user
        if not user.is_authenticated:
            if request.path.startswith("/api/"):
                return None  # DRF answers 403 itself
            return redirect(f"{reverse('access:sign-in')}?next={request.path}")
        needs_otp = settings.ONESTORY_REQUIRE_OTP_FOR_ADMIN and user.role in MUST_USE_SECOND_FACTOR
        if needs_otp and not user.is_verified():
            return redirect("access:second-factor")
        return None


def current_route_name(request) -> str:
    try:
        match = resolve(request.path_info)
    except Exception:  # noqa: BLE001 - a 404 path has no route
        return ""
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name or ""
