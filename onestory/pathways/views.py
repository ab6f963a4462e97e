"""A child's pathways: flags, panel referrals, decisions and reviews, missing episodes, and
links to contexts. Every page opens the child's record first (404 for a record the worker may
not open); thin views over selectors and actions."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from onestory.access.decorators import access_rule
from onestory.access.selectors import access_person_by_id
from onestory.core.clock import LONDON, now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.idempotency import new_form_token

from . import actions, forms, rules, selectors

READERS = sorted(rules.READING_ROLES)
COUNCIL = sorted(rules.COUNCIL_CASE_ROLES)


def _child(request, person_id, *, at, page):
    return access_person_by_id(
        request.user, person_id, now=at, request=request, page=f"pathways: {page}"
    )


def _bound(request):
    return request.POST if request.method == "POST" else None


def _form_page(request, person, form, *, title: str, button: str, back: str, **extra):
    return render(
        request,
        "pathways/form.html",
        {
            "person": person,
            "form": form,
            "title": title,
            "caption": person.full_name,
            "button": button,
            "back_url": back,
            "back_label": "Back",
            **extra,
        },
    )


def _person_url(person) -> str:
    return reverse("people:person", args=[person.pk])


def _flag_url(person, flag) -> str:
    return reverse("pathways:flag", args=[person.pk, flag.pk])


@access_rule("person", roles=COUNCIL)
def flag_raise(request, person_id):
    at = now()
    person = _child(request, person_id, at=at, page="raise a flag")
    initial = None
    if request.method != "POST":
        initial = {"form_token": new_form_token(), "raised_on": today_in_london(at)}
    form = forms.FlagRaiseForm(_bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            flag = actions.flag_raise(
                form_token=data["form_token"],
                person_id=person.pk,
                pathway=data["pathway"],
                raised_on=data["raised_on"],
                reason=data["reason"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Flag raised: {flag.pathway_enum.label}.")
            return redirect(_flag_url(person, flag))
    return _form_page(
        request,
        person,
        form,
        title="Raise a pathway flag",
        button="Raise the flag",
        back=_person_url(person),
        intro="A flag shows everyone who works with the child that they may be at risk outside "
        "the home. You can refer the child to the panel for the pathway once the flag is raised.",
    )


@access_rule("person", roles=READERS)
def flag_detail(request, person_id, flag_id):
    at = now()
    person = _child(request, person_id, at=at, page="flag")
    context = selectors.flag_page(request.user, person, flag_id, now=at)
    return render(request, "pathways/flag_detail.html", context)


@access_rule("person", roles=COUNCIL)
def flag_end(request, person_id, flag_id):
    at = now()
    person = _child(request, person_id, at=at, page="end a flag")
    flag = selectors.flag_of(person, flag_id)
    if not flag.is_active:
        messages.info(request, "This flag has already ended.")
        return redirect(_flag_url(person, flag))
    initial = None
    if request.method != "POST":
        initial = {"version": flag.version, "ended_on": today_in_london(at)}
    form = forms.FlagEndForm(_bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.flag_end(
                flag_id=flag.pk,
                version=data["version"],
                ended_on=data["ended_on"],
                end_reason=data["end_reason"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Flag ended: {flag.pathway_enum.label}.")
            return redirect(_flag_url(person, flag))
    return _form_page(
        request,
        person,
        form,
        title=f"End the flag: {flag.pathway_enum.label}",
        button="End the flag",
        back=_flag_url(person, flag),
    )


@access_rule("person", roles=COUNCIL)
def panel_refer(request, person_id, flag_id):
    at = now()
    person = _child(request, person_id, at=at, page="refer to a panel")
    flag = selectors.flag_of(person, flag_id)
    panel = flag.pathway_enum.panel
    initial = None
    if request.method != "POST":
        initial = {"form_token": new_form_token(), "referred_on": today_in_london(at)}
    form = forms.PanelReferForm(_bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.panel_refer(
                form_token=data["form_token"],
                flag_id=flag.pk,
                referred_on=data["referred_on"],
                reason=data["reason"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Referred to the {panel.label}.")
            return redirect(_flag_url(person, flag))
    return _form_page(
        request,
        person,
        form,
        title=f"Refer to the {panel.label}",
        button="Send the referral",
        back=_flag_url(person, flag),
        intro=f"For the flag “{flag.pathway_enum.label}”. The panel's duty: "
        f"{rules.PANEL_SOURCES[panel]}.",
    )


@access_rule("person", roles=COUNCIL)
def panel_decide(request, person_id, referral_id):
    at = now()
    person = _child(request, person_id, at=at, page="panel decision")
    referral = selectors.referral_of(person, referral_id)
    back = _flag_url(person, referral.flag)
    if referral.is_decided:
        messages.info(request, "The panel's decision on this referral has already been recorded.")
        return redirect(back)
    initial = None
    if request.method != "POST":
        initial = {"version": referral.version, "decided_on": today_in_london(at)}
    form = forms.PanelDecideForm(_bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.panel_decide(
                referral_id=referral.pk,
                version=data["version"],
                decision=data["decision"],
                decided_on=data["decided_on"],
                decision_notes=data["decision_notes"],
                next_review_on=data["next_review_on"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            text = f"Decision recorded: {rules.Decision(referral.decision).label}."
            if referral.next_review_on:
                text += f" Next review {referral.next_review_on:%d/%m/%Y}."
            messages.success(request, text)
            return redirect(back)
    return _form_page(
        request,
        person,
        form,
        title=f"Record the {referral.panel_enum.label}'s decision",
        button="Save the decision",
        back=back,
    )


@access_rule("person", roles=COUNCIL)
def panel_review(request, person_id, referral_id):
    at = now()
    person = _child(request, person_id, at=at, page="panel review")
    referral = selectors.referral_of(person, referral_id)
    back = _flag_url(person, referral.flag)
    if not referral.is_held_by_panel:
        messages.info(
            request, "The panel is not holding this case: only an accepted case is reviewed."
        )
        return redirect(back)
    initial = None
    if request.method != "POST":
        initial = {
            "form_token": new_form_token(),
            "version": referral.version,
            "held_on": today_in_london(at),
        }
    form = forms.PanelReviewForm(_bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = actions.panel_review(
                form_token=data["form_token"],
                referral_id=referral.pk,
                version=data["version"],
                held_on=data["held_on"],
                outcome=data["outcome"],
                closes_case=data["closes_case"],
                next_review_on=data["next_review_on"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if review.closes_case:
                messages.success(request, "Review recorded: the panel closed the case.")
            else:
                messages.success(
                    request,
                    f"Review recorded. Next review {review.next_review_on:%d/%m/%Y}.",
                )
            return redirect(back)
    return _form_page(
        request,
        person,
        form,
        title=f"Record a {referral.panel_enum.label} review",
        button="Save the review",
        back=back,
    )


@access_rule("person", roles=COUNCIL)
def missing_add(request, person_id, flag_id):
    at = now()
    person = _child(request, person_id, at=at, page="missing episode")
    flag = selectors.flag_of(person, flag_id)
    back = _flag_url(person, flag)
    if flag.pathway != rules.Pathway.MISSING or not flag.is_active:
        messages.info(
            request, "Missing episodes are recorded on an active “Missing children” flag."
        )
        return redirect(back)
    initial = {"form_token": new_form_token()} if request.method != "POST" else None
    form = forms.MissingEpisodeForm(_bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.missing_episode_add(
                form_token=data["form_token"],
                flag_id=flag.pk,
                went_missing_at=form.went_missing_at(),
                returned_at=form.returned_at(),
                notes=data["notes"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Missing episode recorded.")
            return redirect(back)
    return _form_page(
        request,
        person,
        form,
        title="Record a missing episode",
        button="Save",
        back=back,
        intro="If the child is missing now and may be in danger, call the police on 999 first.",
    )


@access_rule("person", roles=COUNCIL)
def missing_return(request, person_id, episode_id):
    at = now()
    person = _child(request, person_id, at=at, page="missing episode")
    episode = selectors.missing_episode_of(person, episode_id)
    back = _flag_url(person, episode.flag)
    initial = None
    if request.method != "POST":
        initial = {
            "version": episode.version,
            "returned_on": episode.returned_at and today_in_london(episode.returned_at),
            "returned_time": episode.returned_at and episode.returned_at.astimezone(LONDON).time(),
            "interview_offered_on": episode.interview_offered_on,
            "interview_held_on": episode.interview_held_on,
        }
    form = forms.MissingReturnForm(_bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.missing_return_record(
                episode_id=episode.pk,
                version=data["version"],
                returned_at=form.returned_at(),
                interview_offered_on=data["interview_offered_on"],
                interview_held_on=data["interview_held_on"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Return and return interview recorded.")
            return redirect(back)
    return _form_page(
        request,
        person,
        form,
        title="Return and return interview",
        button="Save",
        back=back,
    )


@access_rule("person", roles=COUNCIL)
def context_link(request, person_id):
    at = now()
    person = _child(request, person_id, at=at, page="link to a context")
    contexts = list(selectors.contexts_to_link(person).order_by("name"))
    initial = None
    if request.method != "POST":
        initial = {"form_token": new_form_token(), "linked_on": today_in_london(at)}
    form = forms.ContextLinkForm(_bound(request), initial=initial, contexts=contexts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link = actions.context_link_child(
                form_token=data["form_token"],
                context_id=data["context"],
                person_id=person.pk,
                linked_on=data["linked_on"],
                reason=data["reason"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Linked to the context “{link.context.name}”.")
            return redirect(_person_url(person))
    return _form_page(
        request,
        person,
        form,
        title="Link to a context",
        button="Link the child",
        back=_person_url(person),
        no_contexts=not contexts,
        intro="A context is a place, peer group, school or online space where several children "
        "meet a risk outside the home.",
    )


@access_rule("person", roles=COUNCIL)
def context_unlink(request, person_id, link_id):
    at = now()
    person = _child(request, person_id, at=at, page="end a context link")
    link = selectors.link_of(person, link_id)
    if not link.is_current:
        messages.info(request, "This child is no longer linked to this context.")
        return redirect(_person_url(person))
    initial = None
    if request.method != "POST":
        initial = {"version": link.version, "ended_on": today_in_london(at)}
    form = forms.ContextUnlinkForm(_bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.context_unlink(
                link_id=link.pk,
                version=data["version"],
                ended_on=data["ended_on"],
                end_reason=data["end_reason"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"No longer linked to the context “{link.context.name}”.")
            return redirect(_person_url(person))
    return _form_page(
        request,
        person,
        form,
        title=f"End the link to “{link.context.name}”",
        button="End the link",
        back=_person_url(person),
    )
