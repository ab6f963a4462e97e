"""Pages for asking the front door from inside the service: step up from early help, step down
from social care, and recording the strategy discussion the front door called. Thin views over
selectors and actions."""

from datetime import datetime

from django.contrib import messages
from django.shortcuts import redirect, render

from onestory.access.decorators import access_rule
from onestory.access.selectors import access_person_by_id
from onestory.core.clock import LONDON, now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.idempotency import new_form_token
from onestory.workforce.models import Team
from onestory.workforce.rules import Role

from . import actions, forms, rules, selectors, selectors_steps

# Roles that may record a strategy discussion; the page then narrows this to the front door and
# social workers in the team holding the discussion.
STRATEGY_ROLES = [Role.FRONT_DOOR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER]


def _family(request, person_id, *, at, page):
    person = access_person_by_id(request.user, person_id, now=at, request=request, page=page)
    return selectors_steps.family_to_carry(request.user, person, now=at, request=request, page=page)


def _initial(request, family: selectors_steps.Family, *, at) -> dict | None:
    """A new form: a one-time token, the child whose record it started from, and a draft."""
    if request.method == "POST":
        return None
    person = family.person
    return {
        "form_token": new_form_token(),
        "child_ids": [str(person.pk)] if person in family.children else [],
        "handover_summary": selectors_steps.handover_draft(person, now=at),
    }


@access_rule("person", roles=actions.STEP_UP_ROLES)
def step_up(request, person_id):
    """Early help asks the front door for statutory help for a child whose record it holds."""
    at = now()
    family = _family(request, person_id, at=at, page="step up")
    form = forms.StepUpForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(request, family, at=at),
        children=family.children,
        adults=family.adults,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = actions.step_up(
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
                f"Stepped up to the front door: contact {contact.reference}. The front door "
                "will decide what help the family needs.",
            )
            return redirect("frontdoor:contact", contact_id=contact.pk)
    return render(
        request,
        "frontdoor/step_up.html",
        {"person": family.person, "family": family, "form": form},
    )


@access_rule("person", roles=actions.STEP_DOWN_ROLES)
def step_down(request, person_id):
    """Children's social care hands a family on to early help, with a handover summary."""
    at = now()
    family = _family(request, person_id, at=at, page="step down")
    form = forms.StepDownForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(request, family, at=at),
        children=family.children,
        adults=family.adults,
        teams=selectors.teams_of_kind(Team.Kind.EARLY_HELP, Team.Kind.FAMILY_HUB),
        levels=selectors_steps.step_down_levels(today_in_london(at)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = actions.step_down(
                form_token=data["form_token"],
                child_ids=form.chosen("child_ids"),
                adult_ids=form.chosen("adult_ids"),
                early_help_team=data["early_help_team"],
                level=data["level"],
                handover_summary=data["handover_summary"],
                rationale=data["rationale"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            team = data["early_help_team"]
            if contact.status == rules.Status.AWAITING_SIGN_OFF:
                text = (
                    f"Step down to {team} recorded as contact {contact.reference}. It takes "
                    "effect when a front door manager signs it off."
                )
            else:
                text = f"Stepped down to {team}: contact {contact.reference}."
            messages.success(request, text)
            return redirect("frontdoor:contact", contact_id=contact.pk)
    return render(
        request,
        "frontdoor/step_down.html",
        {"person": family.person, "family": family, "form": form},
    )


@access_rule("signed_in", roles=STRATEGY_ROLES)
def strategy_discussion(request, contact_id):
    """Record that the strategy discussion was held: who took part and what it decided."""
    at = now()
    contact, view = selectors.access_contact_by_id(
        request.user, contact_id, now=at, request=request, page="strategy discussion"
    )
    discussion = selectors_steps.strategy_discussion_to_record(request.user, contact, view)
    if discussion.held_at:
        messages.info(request, "This strategy discussion has already been recorded.")
        return redirect("frontdoor:contact", contact_id=contact.pk)
    form = forms.StrategyDiscussionForm(
        request.POST if request.method == "POST" else None,
        initial={"held_on": today_in_london(at)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.strategy_discussion_record(
                discussion_id=discussion.pk,
                held_at=datetime.combine(data["held_on"], data["held_time"], tzinfo=LONDON),
                agencies_present=data["agencies_present"],
                summary=data["summary"],
                outcome=data["outcome"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                "Strategy discussion recorded: "
                f"{rules.STRATEGY_OUTCOMES[data['outcome']].lower()}.",
            )
            return redirect("frontdoor:contact", contact_id=contact.pk)
    return render(
        request,
        "frontdoor/strategy_discussion.html",
        {"contact": contact, "discussion": discussion, "form": form},
    )
