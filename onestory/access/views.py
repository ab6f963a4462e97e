"""Sign-in, second factor, break the glass, grants, consent, restriction, access log, messages.

Views are thin: they fetch through selectors (which 404 for records the worker may not open),
bind a form, call one action and turn a DomainError into a form error.
"""

import base64
import io
import time as time_module
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from onestory.core.clock import LONDON, now, today_in_london
from onestory.core.errors import DomainError
from onestory.workforce.models import Agency
from onestory.workforce.rules import (
    CASE_ROLES,
    MAY_BREAK_THE_GLASS,
    MAY_GRANT_ACCESS,
    MAY_READ_ACCESS_LOG,
    MAY_RECORD_CONSENT,
    MAY_RESTRICT_RECORDS,
    MUST_USE_SECOND_FACTOR,
    Role,
)

from . import actions, audit, selectors
from .audit_report import unusual_access_on
from .decorators import access_rule
from .forms import (
    ConsentForm,
    GrantAccessForm,
    LiftRestrictionForm,
    NameWorkerForm,
    ReasonForm,
    RestrictForm,
    SecondFactorForm,
    SignInForm,
    UnusualAccessDayForm,
)
from .middleware import SECOND_FACTOR_REQUIRED, SIGNED_IN_AT
from .models import AccessGrant

BACKUP_CODES = 10
# The secret of an authenticator being set up, until its first code is entered.
SECOND_FACTOR_KEY = "onestory_second_factor_key"

LOCKED_OUT = (
    "You cannot sign in for the next 15 minutes because there were too many failed attempts "
    "for this username. Wait, then try again, or ask your system administrator to unlock it."
)


def _safe_next(request, default: str) -> str:
    """The `next` address if it is a path on this site; otherwise the default (no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _form_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _end_of_day(day) -> datetime:
    """The end of a Europe/London calendar day, as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)


def _start_of_day(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _roles(roles) -> str:
    return "roles:" + ",".join(sorted(r.value for r in roles))


# Sign-in -------------------------------------------------------------------------------------


@access_rule("signed_in")
def home(request):
    """The worker's start page: their records, messages for them, and their second factor."""
    context = selectors.home_page_for(request.user, now=now(), request=request)
    return render(request, "access/home.html", context)


@never_cache
@access_rule("public")
def sign_in(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"],
                            password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            # django-axes replaces this response with locked_out() below.
            form.add_error(None, LOCKED_OUT)
        elif user is None:
            audit.record(actor=None, action="sign_in_failed", at=now(), request=request)
            form.add_error(None, "The username or password is not right. Check them and try again.")
        else:
            login(request, user)
            request.session[SIGNED_IN_AT] = time_module.time()
            audit.record(actor=user, action="sign_in", at=now(), request=request)
            next_url = _safe_next(request, "")
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                request.session[SECOND_FACTOR_REQUIRED] = True
                return redirect(_with_next(reverse("access:second-factor"), next_url))
            return redirect(next_url or "access:home")
    return render(request, "access/sign_in.html", {"form": form, "next": _safe_next(request, "")})


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this (AXES_LOCKOUT_CALLABLE) once a username or address is locked out.

    It is not a URL of its own, so it declares no access rule.
    """
    return render(request, "access/locked_out.html", status=429)


@access_rule("signed_in")
@require_POST
def sign_out(request):
    audit.record(actor=request.user, action="sign_out", at=now(), request=request)
    logout(request)
    messages.success(request, "You have signed out.")
    response = redirect("access:sign-in")
    # Forget what this browser kept of unsent forms (onestory/static/onestory/autosave.mjs): the
    # next person at a shared computer must not find it. Drafts saved to the service are kept.
    response["Clear-Site-Data"] = '"storage"'
    return response


@never_cache
@access_rule("second_factor")
def second_factor(request):
    """Set up an authenticator app (the first time) or enter its code.

    Anyone may set one up; every role must (ONESTORY_REQUIRE_SECOND_FACTOR) before they can
    reach any other page. Once set up, the code is asked for at every sign-in.
    """
    if not request.user.is_authenticated:
        return redirect("access:sign-in")
    next_url = _safe_next(request, "")
    device = TOTPDevice.objects.filter(user=request.user).order_by("-confirmed", "id").first()
    if device is not None and device.confirmed and request.user.is_verified():
        messages.success(request, "Your second factor is set up and you have used it to sign in.")
        return redirect(next_url or "access:home")
    if device is None:
        # Opening the page writes nothing: the new secret waits in the session until a code
        # from it is entered (the device is saved then), so reading this page changes no row.
        key = request.session.get(SECOND_FACTOR_KEY) or default_key()
        request.session[SECOND_FACTOR_KEY] = key
        device = TOTPDevice(user=request.user, name="Authenticator app", confirmed=False, key=key)
    form = SecondFactorForm(request.POST or None)
    if not device.confirmed:
        form.fields["token"].help_text = "The 6-digit code your authenticator app shows"
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].replace(" ", "")
        if device.confirmed:
            matched = match_token(request.user, token)
        else:
            matched = device if device.verify_token(token) else None
        if matched is None:
            form.add_error("token", "The security code is not right. Enter the current code "
                                    "from your app.")
        else:
            otp_login(request, matched)
            request.session.pop(SECOND_FACTOR_REQUIRED, None)
            request.session.pop(SECOND_FACTOR_KEY, None)
            if not device.confirmed:
                codes = _confirm_device(request.user, device)
                return render(request, "access/backup_codes.html",
                              {"codes": codes, "next": next_url or reverse("access:home")})
            audit.record(actor=request.user, action="sign_in", at=now(),
                         detail={"second_factor": True}, request=request)
            return redirect(next_url or "access:home")
    context = {"form": form, "setting_up": not device.confirmed, "next": next_url,
               "required": settings.ONESTORY_REQUIRE_SECOND_FACTOR
               and request.user.role in MUST_USE_SECOND_FACTOR}
    if not device.confirmed:
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buffer = io.BytesIO()
        image.save(buffer)
        encoded = base64.b64encode(buffer.getvalue()).decode()
        context["qr_data_uri"] = "data:image/svg+xml;base64," + encoded
        secret = base64.b32encode(device.bin_key).decode()
        context["secret"] = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render(request, "access/second_factor.html", context)


def _confirm_device(user, device) -> list[str]:
    """Confirm a new authenticator and make fresh backup codes, shown once."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=c) for c in codes])
    audit.record(actor=user, action="update", at=now(), obj=device,
                 detail={"second_factor": "set up"})
    return codes


# Break the glass and grants ------------------------------------------------------------------


@access_rule(_roles(MAY_BREAK_THE_GLASS))
def break_the_glass(request, person_id):
    """Open a record the worker is not allocated to, with a reason; time-limited; manager told.

    The page is the same for a record that exists and one that does not.
    """
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.break_the_glass(person_id=person_id, reason=form.cleaned_data["reason"],
                                    acting_user=request.user, now=now(), request=request)
        except DomainError as refusal:
            _form_error(form, refusal)
        else:
            messages.success(request, "You can open this record for the next "
                             f"{_hours()} hours. Your reason has been recorded and the "
                             "record's team manager has been told.")
            return redirect("people:person", person_id=person_id)
    return render(request, "access/break_the_glass.html",
                  {"form": form, "person_id": person_id, "hours": _hours()})


def _hours() -> int:
    return settings.ONESTORY_BREAK_GLASS_HOURS


@access_rule("person", roles=MAY_GRANT_ACCESS)
def grant_access(request, person_id):
    """A team manager lets another worker open this record until a date, with a reason."""
    moment = now()
    person = selectors.access_person_by_id(request.user, person_id, now=moment, request=request,
                                           page="grant access")
    workers = selectors.case_workers().exclude(pk=request.user.pk)
    form = GrantAccessForm(request.POST or None, workers=workers)
    if request.method == "POST" and form.is_valid():
        try:
            actions.grant_access(
                person_id=person.pk, worker=form.cleaned_data["worker"],
                reason=form.cleaned_data["reason"],
                expires_at=_end_of_day(form.cleaned_data["expires_on"]),
                acting_user=request.user, now=moment, request=request,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            worker, until = form.cleaned_data["worker"], form.cleaned_data["expires_on"]
            messages.success(request, f"{worker.get_full_name() or worker.username} can open "
                             f"this record until the end of {until:%d/%m/%Y}.")
            return redirect("access:grant-access", person_id=person.pk)
    grants = (
        AccessGrant.objects.filter(person=person, revoked_at__isnull=True,
                                   kind__in=[AccessGrant.Kind.GRANT, AccessGrant.Kind.BREAK_GLASS])
        .exclude(expires_at__lte=moment)
        .select_related("worker", "granted_by")
        .order_by("expires_at")
    )
    return render(request, "access/grant_access.html",
                  {"person": person, "form": form, "grants": list(grants)})


# Consent -------------------------------------------------------------------------------------


@access_rule("person", roles=MAY_RECORD_CONSENT)
def consent(request, person_id):
    """The consent recorded for sharing this person's information, and a form to record more."""
    moment = now()
    person = selectors.access_person_by_id(request.user, person_id, now=moment, request=request,
                                           page="consent")
    agencies = Agency.objects.filter(workers__isnull=False).distinct().order_by("name")
    form = ConsentForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_consent(
                person_id=person.pk, status=data["status"], given_by=data["given_by"],
                agencies=data["agencies"], purposes=data["purposes"],
                valid_from=_start_of_day(data["valid_from"]) if data["valid_from"] else moment,
                valid_to=_end_of_day(data["valid_to"]) if data["valid_to"] else None,
                notes=data["notes"], acting_user=request.user, now=moment, request=request,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, {
                "given": "Consent has been recorded.",
                "refused": "The refusal has been recorded. Those agencies cannot see the record.",
                "withdrawn": "The withdrawal has been recorded. Those agencies can no longer "
                             "see the record.",
            }[data["status"]])
            return redirect("access:consent", person_id=person.pk)
    return render(request, "access/consent.html", {
        "person": person, "form": form, "consents": selectors.consents_of(person, now=moment),
    })


# Restriction ---------------------------------------------------------------------------------


def _restriction_page(request, person, *, restrict_form=None, add_form=None, lift_form=None,
                      status=200):
    moment = now()
    restriction, named = selectors.restriction_of(person)
    named_ids = [g.worker_id for g in named]
    candidates = selectors.case_workers().exclude(pk__in=named_ids)
    if restriction is None and restrict_form is None:
        who = [w.pk for w in selectors.workers_who_can_open(person, now=moment)
               if w.pk != request.user.pk]
        restrict_form = RestrictForm(workers=selectors.case_workers().filter(pk__in=who))
    context = {
        "person": person,
        "restriction": restriction,
        "named": named,
        "restrict_form": restrict_form,
        "add_form": add_form or NameWorkerForm(workers=candidates, prefix="add"),
        "lift_form": lift_form or LiftRestrictionForm(prefix="lift"),
        "may_open_record": request.user.role in CASE_ROLES,
        "form": restrict_form if restriction is None else (add_form or lift_form),
    }
    return render(request, "access/restriction.html", context, status=status)


def _governed(request, person_id, page: str):
    return selectors.access_person_for_governance(request.user, person_id, now=now(),
                                                  request=request, page=page)


@access_rule("person", roles=MAY_RESTRICT_RECORDS)
def restriction(request, person_id):
    """Restrict a record to named workers (team managers and the data protection officer)."""
    person = _governed(request, person_id, "restriction")
    if request.method != "POST":
        return _restriction_page(request, person)
    moment = now()
    who = [w.pk for w in selectors.workers_who_can_open(person, now=moment)]
    form = RestrictForm(request.POST, workers=selectors.case_workers().filter(pk__in=who))
    if form.is_valid():
        try:
            actions.restrict_record(person_id=person.pk, reason=form.cleaned_data["reason"],
                                    named_workers=form.cleaned_data["named"],
                                    acting_user=request.user, now=moment, request=request)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "The record is restricted. Only the people named below "
                                      "can open it.")
            return redirect("access:restriction", person_id=person.pk)
    return _restriction_page(request, person, restrict_form=form)


@access_rule("person", roles=MAY_RESTRICT_RECORDS)
@require_POST
def restriction_add(request, person_id):
    person = _governed(request, person_id, "restriction")
    _, named = selectors.restriction_of(person)
    candidates = selectors.case_workers().exclude(pk__in=[g.worker_id for g in named])
    form = NameWorkerForm(request.POST, workers=candidates, prefix="add")
    if form.is_valid():
        worker = form.cleaned_data["worker"]
        try:
            actions.name_on_restricted_record(person_id=person.pk, worker=worker,
                                              acting_user=request.user, now=now(),
                                              request=request)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"{worker.get_full_name() or worker.username} can now "
                                      "open this record.")
            return redirect("access:restriction", person_id=person.pk)
    return _restriction_page(request, person, add_form=form)


@access_rule("person", roles=MAY_RESTRICT_RECORDS)
@require_POST
def restriction_remove(request, person_id, grant_id):
    person = _governed(request, person_id, "restriction")
    try:
        grant = actions.remove_from_restricted_record(person_id=person.pk, grant_id=grant_id,
                                                      acting_user=request.user, now=now(),
                                                      request=request)
    except DomainError as error:
        raise Http404("No such person named") from error
    messages.success(request, f"{grant.worker.get_full_name() or grant.worker.username} can no "
                              "longer open this record.")
    return redirect("access:restriction", person_id=person.pk)


@access_rule("person", roles=MAY_RESTRICT_RECORDS)
@require_POST
def restriction_lift(request, person_id):
    person = _governed(request, person_id, "restriction")
    form = LiftRestrictionForm(request.POST, prefix="lift")
    if form.is_valid():
        try:
            actions.lift_restriction(person_id=person.pk, reason=form.cleaned_data["reason"],
                                     acting_user=request.user, now=now(), request=request)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "The restriction has been lifted.")
            return redirect("access:restriction", person_id=person.pk)
    return _restriction_page(request, person, lift_form=form)


# Access log and messages ---------------------------------------------------------------------


@access_rule("person", roles=MAY_READ_ACCESS_LOG)
def person_access_log(request, person_id):
    """Who opened or changed this record, when, why and from where.

    For a team manager who can open the record, and for the data protection officer.
    """
    person, events = selectors.access_log_for(request.user, person_id, now=now(), request=request)
    return render(request, "access/access_log.html", {
        "person": person, "events": events, "may_open_record": request.user.role in CASE_ROLES,
    })


@access_rule("signed_in", roles=[Role.DATA_PROTECTION_OFFICER])
def unusual_access(request):
    """The data protection officer's daily report: workers who opened many records outside
    their caseload on a day (yesterday unless another day is chosen)."""
    at = now()
    form = UnusualAccessDayForm(request.GET or None)
    day = (
        form.cleaned_data["day"]
        if form.is_bound and form.is_valid()
        else today_in_london(at) - timedelta(days=1)
    )
    found = unusual_access_on(day)
    audit.record(
        actor=request.user, action="view", at=at, request=request,
        detail={"page": "unusual access", "day": day.isoformat(), "workers": len(found)},
    )  # fmt: skip
    return render(request, "access/unusual_access.html", {
        "form": form if form.is_bound else UnusualAccessDayForm(initial={"day": day}),
        "day": day, "found": found, "threshold": settings.ONESTORY_AUDIT_REPORT_THRESHOLD,
    })  # fmt: skip


@access_rule("signed_in")
@require_POST
def notification_read(request, notification_id):
    try:
        actions.mark_notification_read(notification_id=notification_id, acting_user=request.user,
                                       now=now(), request=request)
    except DomainError as error:
        raise Http404("No such message") from error
    messages.success(request, "The message has been marked as read.")
    return redirect("access:home")
