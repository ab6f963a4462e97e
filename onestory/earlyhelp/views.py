"""Early help pages: the families a practitioner works with, opening an episode, the episode,
consent, the lead professional, closure and step up. Thin views over selectors and actions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onestory.access.decorators import access_rule
from onestory.access.selectors import access_person_by_id
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.idempotency import new_form_token
from onestory.frontdoor.forms import StepUpForm
from onestory.frontdoor.rules import Consent as ContactConsent
from onestory.workforce.models import Agency

from . import actions, forms, selectors
from .actions.episodes import OPENING_ROLES
from .models import EpisodeMember


@access_rule("signed_in", roles=OPENING_ROLES)
def my_families(request):
    at = now()
    episodes = list(selectors.families_of(request.user, now=at))
    return render(
        request,
        "earlyhelp/families.html",
        {
            "episodes": episodes,
            "waiting": len(selectors.waiting_to_open(request.user, now=at)),
            "today": today_in_london(at),
        },
    )


@access_rule("signed_in", roles=OPENING_ROLES)
def waiting(request):
    at = now()
    return render(
        request,
        "earlyhelp/waiting.html",
        {"decisions": selectors.waiting_to_open(request.user, now=at)},
    )


@require_POST
@access_rule("signed_in", roles=OPENING_ROLES)
def open_from_front_door(request, contact_id):
    at = now()
    selectors.decision_to_open(request.user, contact_id, now=at, request=request)
    try:
        episode = actions.open_from_front_door(
            contact_id=contact_id, acting_user=request.user, now=at, request=request
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("earlyhelp:waiting")
    messages.success(request, f"Early help episode {episode.reference} is open.")
    return redirect("earlyhelp:episode", episode_id=episode.pk)


@access_rule("person", roles=OPENING_ROLES)
def open_by_agency(request, person_id):
    """An agency that knows the family opens early help for a child whose record it can open."""
    at = now()
    child = access_person_by_id(
        request.user, person_id, now=at, request=request, page="open early help"
    )
    household = selectors.household_to_offer(request.user, child, now=at, request=request)
    form = forms.OpenByAgencyForm(
        request.POST if request.method == "POST" else None,
        initial={"form_token": new_form_token()} if request.method != "POST" else None,
        household=household.offered,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            episode = actions.open_by_agency(
                form_token=data["form_token"],
                child=child,
                others=form.chosen_people(),
                consent_given_by=data["consent_given_by"],
                consent_given_on=data["consent_given_on"],
                what_the_family_wants=data["what_the_family_wants"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"Early help episode {episode.reference} is open, and you are its lead "
                "professional.",
            )
            return redirect("earlyhelp:episode", episode_id=episode.pk)
    return render(request, "earlyhelp/open.html", {"child": child, "form": form})


def _access(request, episode_id, *, at, page="early help episode", working=False):
    access = selectors.access_episode_by_id(
        request.user, episode_id, now=at, request=request, page=page
    )
    if working and not access.may_work_on:
        raise Http404("No page found")
    return access


@access_rule("signed_in")
def episode(request, episode_id):
    at = now()
    access = _access(request, episode_id, at=at)
    item = access.episode
    members = selectors.visible_members(request.user, item, now=at)
    roles = dict(item.members.values_list("person_id", "role"))
    return render(
        request,
        "earlyhelp/episode.html",
        {
            "access": access,
            "episode": item,
            "members": members,
            "children": [p for p in members if roles[p.pk] == EpisodeMember.Role.CHILD],
            "adults": [p for p in members if roles[p.pk] == EpisodeMember.Role.ADULT],
            "hidden_members": item.members.count() - len(members),
            "leads": item.leads.select_related("worker", "agency", "changed_by"),
            "agencies": item.agencies.order_by("name"),
            "today": today_in_london(at),
        },
    )


@access_rule("signed_in")
def consent(request, episode_id):
    at = now()
    item = _access(request, episode_id, at=at, page="early help consent", working=True).episode
    form = forms.EpisodeConsentForm(
        request.POST or None,
        initial={
            "version": item.version,
            "consent_given_by": item.consent_given_by,
            "consent_given_on": item.consent_given_on,
        },
        agencies=Agency.objects.exclude(pk__in=item.agencies.values("pk")).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_consent(
                episode_id=item.pk,
                version=data["version"],
                consent_given_by=data["consent_given_by"],
                consent_given_on=data["consent_given_on"],
                agencies=list(data["agencies"]),
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "The family's consent is recorded.")
            return redirect("earlyhelp:episode", episode_id=item.pk)
    return render(request, "earlyhelp/consent.html", {"episode": item, "form": form})


@access_rule("signed_in")
def lead_professional(request, episode_id):
    at = now()
    item = _access(
        request, episode_id, at=at, page="early help lead professional", working=True
    ).episode
    form = forms.LeadProfessionalForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_lead_professional(
                episode_id=item.pk,
                version=data["version"],
                worker=data["worker"],
                handover_note=data["handover_note"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, f"{data['worker'].get_full_name()} is now the lead professional."
            )
            return redirect("earlyhelp:episode", episode_id=item.pk)
    return render(request, "earlyhelp/lead_professional.html", {"episode": item, "form": form})


@access_rule("signed_in")
def close(request, episode_id):
    at = now()
    item = _access(request, episode_id, at=at, page="close early help", working=True).episode
    form = forms.CloseForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.close_episode(
                episode_id=item.pk,
                version=data["version"],
                reason=data["reason"],
                summary=data["summary"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Early help episode {item.reference} is closed.")
            return redirect("earlyhelp:episode", episode_id=item.pk)
    return render(request, "earlyhelp/close.html", {"episode": item, "form": form})


@access_rule("signed_in")
def step_up(request, episode_id):
    """Ask the front door for statutory help for the family, carrying the episode over."""
    at = now()
    access = _access(request, episode_id, at=at, page="early help step up", working=True)
    item = access.episode
    members = selectors.visible_members(request.user, item, now=at)
    roles = dict(item.members.values_list("person_id", "role"))
    children = [p for p in members if roles[p.pk] == EpisodeMember.Role.CHILD]
    adults = [p for p in members if roles[p.pk] == EpisodeMember.Role.ADULT]
    initial = None
    if request.method != "POST":
        initial = {
            "form_token": new_form_token(),
            "child_ids": [str(p.pk) for p in children],
            "adult_ids": [str(p.pk) for p in adults],
            "handover_summary": selectors.step_up_draft(item, now=at),
            "consent": ContactConsent.GIVEN if item.has_consent else "",
        }
    form = StepUpForm(request.POST or None, initial=initial, children=children, adults=adults)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = actions.step_up(
                episode_id=item.pk,
                version=item.version,
                form_token=data["form_token"],
                child_ids=form.chosen("child_ids"),
                adult_ids=form.chosen("adult_ids"),
                what_has_changed=data["what_has_changed"],
                handover_summary=data["handover_summary"],
                consent=data["consent"],
                consent_explanation=data["consent_explanation"],
                immediate_danger=data["immediate_danger"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"Stepped up to the front door: contact {contact.reference}. Early help episode "
                f"{item.reference} is closed as stepped up.",
            )
            return redirect("earlyhelp:episode", episode_id=item.pk)
    return render(request, "earlyhelp/step_up.html", {"episode": item, "form": form})
