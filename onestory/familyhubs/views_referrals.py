"""Pages for referrals to directory services: the worker's referrals, making one from an early
help episode or a front-door contact, one referral, the service's answer and the close. Thin
views over selectors_referrals and actions.referrals."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from onestory.access.decorators import access_rule
from onestory.core.clock import now
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.workforce.rules import CASE_ROLES

from . import forms_referrals as forms
from . import rules_referrals, selectors_directory
from . import selectors_referrals as selectors
from .actions import referrals as actions
from .rules import ReferralStatus


def _uuid_or_404(value: str):
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        raise Http404("No page found") from None


def _origin(request, *, at):
    """Where the referral is made from, given by ?episode=<id> or ?contact=<id>, or 404."""
    episode_id = request.GET.get("episode")
    contact_id = request.GET.get("contact")
    if bool(episode_id) == bool(contact_id):
        raise Http404("No page found")
    if episode_id:
        return selectors.origin_episode(
            request.user, _uuid_or_404(episode_id), now=at, request=request
        )
    return selectors.origin_contact(request.user, _uuid_or_404(contact_id), now=at, request=request)


@access_rule("signed_in", roles=CASE_ROLES)
def referrals(request):
    """The referrals this worker and their teams made: waiting first, then to close."""
    at = now()
    return render(
        request,
        "familyhubs/referrals/list.html",
        {
            "mine": selectors.referrals_of(request.user, now=at, request=request),
            "follow_up_days": rules_referrals.FOLLOW_UP_WORKING_DAYS,
        },
    )


@access_rule("signed_in", roles=selectors.REFERRING_ROLES)
def referral_create(request):
    """Refer a family to a service: search the directory, choose one, then who and why."""
    at = now()
    origin = _origin(request, at=at)
    here = reverse("familyhubs:referral-create")
    service = None
    if request.GET.get("service"):
        service = selectors.service_to_refer(_uuid_or_404(request.GET["service"]))
    if service is None:
        search = forms.ServiceSearchForm(
            request.GET, categories=selectors_directory.categories(request.user)
        )
        found = []
        if search.is_valid():
            found = selectors.services_to_choose(
                request.user,
                query=search.cleaned_data["q"],
                category=search.cleaned_data["category"],
            )
        return render(
            request,
            "familyhubs/referrals/choose_service.html",
            {
                "origin": origin,
                "search": search,
                "searched": "q" in request.GET or "category" in request.GET,
                "services": found,
                "choose_url": f"{here}?{urlencode(origin.query)}",
                "limit": selectors.SEARCH_LIMIT,
            },
        )
    posted = request.method == "POST"
    form = forms.ReferralForm(
        request.POST if posted else None,
        initial=None
        if posted
        else {
            "form_token": new_form_token(),
            "people": [str(o.person.pk) for o in origin.offered if o.is_child],
        },
        offered=origin.offered,
    )
    if posted and service.accepts_referrals and form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.referral_create(
                service_id=service.pk,
                people_ids=data["people"],
                reason=data["reason"],
                episode_id=origin.episode.pk if origin.episode else None,
                contact_id=origin.contact.pk if origin.contact else None,
                form_token=data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"The family is referred to {service.name}.")
            return redirect("familyhubs:referral", referral_id=referral.pk)
    return render(
        request,
        "familyhubs/referrals/create.html",
        {
            "origin": origin,
            "service": service,
            "form": form,
            "choose_url": f"{here}?{urlencode(origin.query)}",
        },
    )


@access_rule("signed_in", roles=CASE_ROLES)
def referral(request, referral_id):
    """One referral: the service, who was referred and why, and each step since."""
    at = now()
    row = selectors.access_referral_by_id(request.user, referral_id, now=at, request=request)
    return render(request, "familyhubs/referrals/detail.html", {"row": row})


def _follow_up(request, referral_id, *, at, page: str, status: ReferralStatus):
    """The referral, if this worker may follow it up and it is waiting for this step."""
    row = selectors.access_referral_by_id(
        request.user, referral_id, now=at, request=request, page=page
    )
    if not row.may_follow_up:
        raise Http404("No page found")
    if row.referral.status != status:
        messages.info(request, f"This referral is {row.status_label.lower()}: nothing to record.")
        return row, redirect("familyhubs:referral", referral_id=row.referral.pk)
    return row, None


def _follow_up_step(request, referral_id, *, page, status, form_class, save, done, template):
    """One step of following a referral up: the form for a referral in `status`, saved by
    `save(form, referral_id, version, at)`; a stale save keeps what was typed and says so."""
    at = now()
    row, finished = _follow_up(request, referral_id, at=at, page=page, status=status)
    if finished and request.method != "POST":
        return finished
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial={"version": row.referral.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            save(form, row.referral.pk, form.cleaned_data["version"], at)
        except StaleEdit as error:
            row = selectors.access_referral_by_id(request.user, referral_id, now=at)
            form = form.with_version(row.referral.version)
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, done)
            return redirect("familyhubs:referral", referral_id=row.referral.pk)
    return render(request, template, {"row": row, "form": form})


@access_rule("signed_in", roles=CASE_ROLES)
def referral_decide(request, referral_id):
    """Record the service's answer: accepted, or declined and why."""

    def save(form, pk, version, at):
        actions.referral_decide(
            referral_id=pk,
            version=version,
            accepted=form.accepted,
            declined_reason=form.cleaned_data["declined_reason"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _follow_up_step(
        request,
        referral_id,
        page="record a service's answer",
        status=ReferralStatus.MADE,
        form_class=forms.DecideForm,
        save=save,
        done="The service's answer is recorded.",
        template="familyhubs/referrals/decide.html",
    )


@access_rule("signed_in", roles=CASE_ROLES)
def referral_close(request, referral_id):
    """Close an accepted referral with whether the family attended and what came of it."""

    def save(form, pk, version, at):
        actions.referral_close(
            referral_id=pk,
            version=version,
            attended=form.attended_value,
            outcome=form.cleaned_data["outcome"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _follow_up_step(
        request,
        referral_id,
        page="close a service referral",
        status=ReferralStatus.ACCEPTED,
        form_class=forms.CloseForm,
        save=save,
        done="The referral is closed.",
        template="familyhubs/referrals/close.html",
    )
