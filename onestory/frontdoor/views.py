"""The front door's pages: thin views over selectors and actions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.people import matching
from onestory.workforce.models import Team
from onestory.workforce.rules import Role

from . import actions, census_warnings, configuration, forms, rules, selectors
from .models import Contact, ContactPerson, InformationRequest

SCREENING = [r.value for r in actions.SCREENING_ROLES]
MAY_ASK = [Role.FRONT_DOOR, Role.PARTNER, Role.EARLY_HELP, Role.SOCIAL_WORKER, Role.TEAM_MANAGER]


# --- Asking for support ----------------------------------------------------------------------


def _show_request_problems(form, filled, problems: dict) -> None:
    """Put each problem beside its field, or its person's row; none is said twice."""
    for field, message in problems.items():
        if field and field.startswith("person-"):
            target = filled[int(field.removeprefix("person-"))]
            if message not in target.non_field_errors():
                target.add_error(None, message)
        elif field in form.fields:
            if not form.has_error(field):
                form.add_error(field, message)
        elif message not in form.non_field_errors():
            form.add_error(None, message)


@access_rule("signed_in", roles=MAY_ASK)
def request_support(request):
    """The request for support: online for partners, and for front-door staff taking a call."""
    user = request.user
    at = now()
    is_front_door = selectors.screens(user)
    initial = {"form_token": new_form_token()}
    if not is_front_door:
        initial.update(
            {
                "referrer_name": user.get_full_name(),
                "referrer_job_title": user.job_title,
                "referrer_agency_name": user.agency.name if user.agency_id else "",
                "referrer_contact": user.email,
            }
        )
    else:
        initial["channel"] = Contact.Channel.PHONE
    if request.method == "POST":
        form = forms.RequestForm(request.POST)
        adding = "add_person" in request.POST
        people = forms.people_formset(request.POST, add_one=adding)
        if not adding and form.is_valid() & people.is_valid():
            filled = [p for p in people if p.has_content()]
            named = [p.cleaned_data for p in filled]
            data = form.cleaned_data
            try:
                contact = actions.contact_submit(
                    form_token=data["form_token"],
                    channel=data["channel"]
                    if is_front_door and data["channel"]
                    else Contact.Channel.ONLINE,
                    referrer_name=data["referrer_name"],
                    referrer_job_title=data["referrer_job_title"],
                    referrer_agency=None if is_front_door else user.agency,
                    referrer_agency_name=data["referrer_agency_name"],
                    referrer_contact=data["referrer_contact"],
                    referral_source=data["referral_source"] if is_front_door else "",
                    what_happened=data["what_happened"],
                    family_knows=data["family_knows"],
                    consent=data["consent"],
                    consent_explanation=data["consent_explanation"],
                    immediate_danger=data["immediate_danger"],
                    people=named,
                    acting_user=user,
                    now=at,
                    request=request,
                )
            except DetailsRefused as error:
                _show_request_problems(form, filled, error.problems)
            else:
                return redirect("frontdoor:request-sent", contact_id=contact.pk)
        elif not adding:
            # Say everything that is wrong at once, not only what the form itself checks.
            filled = [p for p in people if getattr(p, "cleaned_data", None) and p.has_content()]
            _show_request_problems(
                form,
                filled,
                rules.request_problems(
                    people=[
                        rules.NamedPerson(
                            p.cleaned_data["role"],
                            p.cleaned_data["given_name"],
                            p.cleaned_data["family_name"],
                        )
                        for p in filled
                    ],
                    what_happened=form.data.get("what_happened", ""),
                    consent=form.data.get("consent", ""),
                    consent_explanation=form.data.get("consent_explanation", ""),
                    immediate_danger=False,
                    referrer_contact=form.data.get("referrer_contact", ""),
                ),
            )
    else:
        form = forms.RequestForm(initial=initial)
        people = forms.people_formset()
    return render(
        request,
        "frontdoor/request_support.html",
        {
            "form": form,
            "people": people,
            "is_front_door": is_front_door,
        },
    )


@access_rule("signed_in", roles=MAY_ASK)
def request_sent(request, contact_id):
    """The acknowledgement: the request is saved, its reference, and what happens next."""
    at = now()
    contact = (
        selectors.contacts_visible_to(request.user, now=at)
        .filter(pk=contact_id, recorded_by=request.user)
        .first()
    )
    if contact is None:
        raise Http404("No page found")
    return render(request, "frontdoor/request_sent.html", {"contact": contact})


@access_rule("signed_in", roles=MAY_ASK)
def my_requests(request):
    return render(
        request, "frontdoor/my_requests.html", {"contacts": selectors.my_requests(request.user)}
    )


# --- Screening -------------------------------------------------------------------------------


@access_rule("signed_in", roles=SCREENING)
def queue(request):
    at = now()
    if not selectors.screens(request.user):
        raise Http404("No page found")
    assigned = request.GET.get("assigned", "")
    if assigned not in ("", "me", "nobody"):
        assigned = ""
    counts = selectors.queue_counts(now=at)
    return render(
        request,
        "frontdoor/queue.html",
        {
            "page": selectors.screening_queue(
                request.user, now=at, assigned=assigned, page_number=request.GET.get("page")
            ),
            "counts": counts,
            "may_configure": configuration.may_configure(request.user),
            "figures": [
                (counts["open"], "waiting for a decision"),
                (counts["immediate_danger"], "in immediate danger"),
                (counts["overdue"], "overdue"),
                (counts["unassigned"], "not given to a screener"),
            ],
            "assigned": assigned,
            "page_query": f"assigned={assigned}" if assigned else "",
            "sign_off": selectors.waiting_for_sign_off(request.user),
            "strategy": selectors.strategy_discussions_due(request.user, now=at),
            "now": at,
        },
    )


def _contact(request, contact_id, *, at, page="contact", screening=False):
    contact, view = selectors.access_contact_by_id(
        request.user, contact_id, now=at, request=request, page=page
    )
    if screening and view != selectors.View.SCREEN:
        raise Http404("No page found")
    return contact, view


@access_rule("signed_in", roles=MAY_ASK)
def contact_detail(request, contact_id):
    at = now()
    contact, view = _contact(request, contact_id, at=at)
    context = selectors.contact_page(request.user, contact, view, now=at)
    if context.get("may_act"):
        context["assign_form"] = forms.AssignForm(
            initial={"version": contact.version, "worker": contact.assigned_to_id},
            screeners=selectors.screeners(),
        )
    if context.get("may_sign_off"):
        context["sign_off_form"] = forms.SignOffForm()
    return render(request, "frontdoor/contact_detail.html", context)


@require_POST
@access_rule("signed_in", roles=SCREENING)
def contact_assign(request, contact_id):
    at = now()
    contact, _ = _contact(request, contact_id, at=at, page="assign", screening=True)
    form = forms.AssignForm(request.POST, screeners=selectors.screeners())
    worker = request.user
    if form.is_valid() and form.cleaned_data["worker"] and "to_me" not in request.POST:
        worker = form.cleaned_data["worker"]
    try:
        actions.contact_assign(
            contact_id=contact.pk,
            to_worker=worker,
            version=form.cleaned_data["version"] if form.is_valid() else -1,
            acting_user=request.user,
            now=at,
            request=request,
        )
        messages.success(request, f"Contact {contact.reference} is now with {worker}.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("frontdoor:contact", contact_id=contact.pk)


@access_rule("signed_in", roles=SCREENING)
def person_link(request, contact_id, named_id):
    """Match one person named in a contact: the records that may be them, with the evidence."""
    at = now()
    contact, _ = _contact(request, contact_id, at=at, page="matching", screening=True)
    named = ContactPerson.objects.filter(contact=contact, pk=named_id).first()
    if named is None:
        raise Http404("No page found")
    if named.person_id:
        messages.info(request, "This person is already linked to a record.")
        return redirect("frontdoor:contact", contact_id=contact.pk)
    create_form = forms.CreateRecordForm(request.POST if "create" in request.POST else None)
    if request.method == "POST":
        try:
            if "create" in request.POST:
                create_form.is_valid()
                actions.contact_person_create_record(
                    contact_person_id=named.pk,
                    none_of_the_matches=create_form.cleaned_data.get("none_of_the_matches", False),
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
                messages.success(request, f"New record made for {named.typed_name}.")
            else:
                link = forms.LinkForm(request.POST)
                if not link.is_valid():
                    raise DomainError("Choose the record that is this person.")
                actions.contact_person_link(
                    contact_person_id=named.pk,
                    person_id=link.cleaned_data["person_id"],
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
                messages.success(request, f"{named.typed_name} linked to their record.")
            return redirect("frontdoor:contact", contact_id=contact.pk)
        except DomainError as error:
            create_form.add_domain_error(error)
    results = matching.known_to_us(
        request.user,
        matching.prepare_query(
            given_name=named.given_name,
            family_name=named.family_name,
            date_of_birth=named.date_of_birth,
            postcode=named.postcode,
            nhs_number=named.nhs_number,
            upn=named.upn,
        ),
        now=at,
        request=request,
    )
    return render(
        request,
        "frontdoor/person_link.html",
        {
            "contact": contact,
            "named": named,
            "results": results,
            "form": create_form,
            "likely": any(r.person.match.band == "Likely match" for r in results),
        },
    )


@access_rule("signed_in", roles=SCREENING)
def information_request_add(request, contact_id):
    at = now()
    contact, _ = _contact(request, contact_id, at=at, page="information request", screening=True)
    form = forms.InformationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.information_request_add(
                contact_id=contact.pk,
                acting_user=request.user,
                now=at,
                request=request,
                **form.cleaned_data,
            )
            messages.success(request, "Information request recorded.")
            return redirect("frontdoor:contact", contact_id=contact.pk)
        except DomainError as error:
            form.add_domain_error(error)
    return render(
        request, "frontdoor/information_request_add.html", {"contact": contact, "form": form}
    )


@access_rule("signed_in", roles=SCREENING)
def information_reply(request, contact_id, request_id):
    at = now()
    contact, _ = _contact(request, contact_id, at=at, page="information reply", screening=True)
    info = InformationRequest.objects.filter(contact=contact, pk=request_id).first()
    if info is None:
        raise Http404("No page found")
    form = forms.ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.information_request_reply(
                information_request_id=info.pk,
                reply=form.cleaned_data["reply"],
                acting_user=request.user,
                now=at,
                request=request,
            )
            messages.success(request, f"Reply from {info.asked_of} recorded.")
            return redirect("frontdoor:contact", contact_id=contact.pk)
        except DomainError as error:
            form.add_domain_error(error)
    return render(
        request,
        "frontdoor/information_reply.html",
        {"contact": contact, "info": info, "form": form},
    )


def _decision_form(data, *, initial, today):
    return forms.DecisionForm(
        data,
        initial=initial,
        levels=selectors.levels_on(today),
        early_help_teams=selectors.teams_of_kind(Team.Kind.EARLY_HELP, Team.Kind.FAMILY_HUB),
        lead_professionals=selectors.lead_professionals(),
        social_work_teams=selectors.teams_of_kind(Team.Kind.SOCIAL_WORK),
    )


@access_rule("signed_in", roles=SCREENING)
def contact_decide(request, contact_id):
    at = now()
    contact, _ = _contact(request, contact_id, at=at, page="decision", screening=True)
    if request.method == "GET" and not rules.may("decide", contact.status):
        messages.info(
            request, f"Contact {contact.reference} is {contact.status_enum.label.lower()}."
        )
        return redirect("frontdoor:contact", contact_id=contact.pk)
    today = today_in_london(at)
    initial = {"version": contact.version, "referral_source": contact.referral_source}
    form = _decision_form(request.POST or None, initial=initial, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = data["outcome"]
        message = data["referrer_message"]
        if not message.strip():
            team = data["early_help_team"] or data["lead_professional"]
            message = rules.draft_referrer_message(
                rules.Outcome(outcome),
                signposting=data["signposting"],
                team=str(team) if team else "",
            )
        try:
            actions.contact_decide(
                contact_id=contact.pk,
                version=data["version"],
                outcome=outcome,
                level=data["level"],
                rationale=data["rationale"],
                referrer_message=message,
                primary_need=data["primary_need"],
                signposting=data["signposting"],
                early_help_team=data["early_help_team"],
                lead_professional=data["lead_professional"],
                social_work_team=data["social_work_team"],
                referral_source=data["referral_source"],
                acting_user=request.user,
                now=at,
                request=request,
            )
            messages.success(request, f"Decision on {contact.reference} saved.")
            census_warnings.show(request, census_warnings.after_referrals(contact))
            return redirect("frontdoor:contact", contact_id=contact.pk)
        except StaleEdit as error:
            # Keep what was typed; a second save, once the screener has looked, goes through.
            form.data = form.data.copy()
            form.data["version"] = Contact.objects.get(pk=contact.pk).version
            form.add_domain_error(error)
        except DomainError as error:
            form.add_domain_error(error)
    return render(
        request,
        "frontdoor/contact_decide.html",
        {
            "contact": contact,
            "form": form,
            "needs_sign_off": {o.value: actions.needs_sign_off(o, today) for o in rules.Outcome},
            "messages_by_outcome": {
                o.value: rules.draft_referrer_message(o) for o in rules.Outcome
            },
        },
    )


@require_POST
@access_rule("signed_in", roles=[r.value for r in actions.SIGN_OFF_ROLES])
def decision_sign_off(request, contact_id):
    at = now()
    contact, _ = _contact(request, contact_id, at=at, page="sign-off", screening=True)
    decision = contact.decisions.first()
    form = forms.SignOffForm(request.POST)
    if decision is None or not form.is_valid():
        messages.error(request, "Choose whether you agree with the decision.")
        return redirect("frontdoor:contact", contact_id=contact.pk)
    try:
        actions.decision_sign_off(
            decision_id=decision.pk,
            agree=form.cleaned_data["agree"],
            comment=form.cleaned_data["comment"],
            acting_user=request.user,
            now=at,
            request=request,
        )
        messages.success(
            request,
            "Decision signed off."
            if form.cleaned_data["agree"]
            else "Decision returned to the screener.",
        )
        census_warnings.show(request, census_warnings.after_referrals(contact))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("frontdoor:contact", contact_id=contact.pk)


@access_rule("signed_in", roles=SCREENING)
def contact_close(request, contact_id):
    at = now()
    contact, _ = _contact(request, contact_id, at=at, page="close", screening=True)
    form = forms.CloseForm(request.POST or None, initial={"version": contact.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.contact_close(
                contact_id=contact.pk,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
                now=at,
                request=request,
            )
            messages.success(request, f"Contact {contact.reference} closed.")
            return redirect("frontdoor:queue")
        except DomainError as error:
            form.add_domain_error(error)
    return render(request, "frontdoor/contact_close.html", {"contact": contact, "form": form})
