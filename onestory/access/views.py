"""Sign-in, second factor, break the glass, access log."""

import base64
import io

import qrcode
import qrcode.image.svg
from axes.helpers import get_lockout_message
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestory.core.clock import now

from . import actions, audit, selectors
from .decorators import access_rule
from .forms import ReasonForm, SecondFactorForm, SignInForm


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@access_rule("signed_in")
def home(request):
    """The worker's start page: their records, their team's, and messages for them."""
    return render(request, "access/home.html", selectors.home_page_for(request.user, now=now()))


@access_rule("public")
def sign_in(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            form.add_error(None, get_lockout_message() or _LOCKED)
        elif user is None:
            audit.record(actor=None, action="sign_in_failed", at=now(), request=request)
            form.add_error(None, "The username or password is not right. Check them and try again.")
        else:
            login(request, user)
            audit.record(actor=user, action="sign_in", at=now(), request=request)
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                return redirect(f"/sign-in/second-factor/?next={_safe_next(request, '/')}")
            return redirect(_safe_next(request, "/"))
    return render(request, "access/sign_in.html", {"form": form, "next": _safe_next(request, "")})


_LOCKED = "This account is locked for 15 minutes after too many failed sign-ins. Try again later or ask your administrator."


@access_rule("public")
def locked_out(request, credentials=None, *args, **kwargs):
    form = SignInForm()
    form.add_error(None, _LOCKED)
    return render(request, "access/sign_in.html", {"form": form}, status=429)


@require_POST
@access_rule("signed_in")
def sign_out(request):
    audit.record(actor=request.user, action="sign_out", at=now(), request=request)
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("access:sign-in")


@access_rule("second_factor")
def second_factor(request):
    """Set up (first time) or enter the TOTP code. Required for administrators."""
    if not request.user.is_authenticated:
        return redirect("access:sign-in")
    device = TOTPDevice.objects.filter(user=request.user).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        matched = match_token(request.user, form.cleaned_data["token"])
        if matched is None and not device.confirmed and device.verify_token(form.cleaned_data["token"]):
            matched = device
        if matched is None:
            form.add_error("token", "The security code is not right. Enter the current code from your app.")
        else:
            if not device.confirmed and matched == device:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, matched)
            return redirect(_safe_next(request, "/"))
    context = {"form": form, "setting_up": not device.confirmed, "next": _safe_next(request, "")}
    if not device.confirmed:
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buffer = io.BytesIO()
        image.save(buffer)
        context["qr_data_uri"] = "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "access/second_factor.html", context)


@access_rule("signed_in")
def break_the_glass(request, person_id):
    """Open a record the worker is not allocated to, with a reason; time-limited; the manager is told."""
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.break_the_glass(person_id=person_id, reason=form.cleaned_data["reason"],
                                    acting_user=request.user, now=now(), request=request)
        except actions.BreakGlassRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "You can open this record for the next few hours. Your reason has been recorded.")
            return redirect("people:person", person_id=person_id)
    return render(request, "access/break_the_glass.html", {"form": form, "person_id": person_id})


@access_rule("person")
def person_access_log(request, person_id):
    """Who opened or changed this record, and why. For the team manager and the data protection officer."""
    person, events = selectors.access_log_for(request.user, person_id, now=now(), request=request)
    return render(request, "access/access_log.html", {"person": person, "events": events})
