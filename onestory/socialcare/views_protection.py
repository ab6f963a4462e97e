"""Pages for strategy discussions, section 47 enquiries, child protection conferences and
plans, and the child's assessments, child in need and child protection record on one page. Thin
views: open the child through access_person_by_id (404 for anyone who may not), fetch the record
as that child's (404 otherwise), bind the form, call the action, show its refusal beside the
fields with the input kept, redirect with a message.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.idempotency import new_form_token
from onestory.core.rules import day_words
from onestory.frontdoor.census_warnings import show as show_warnings

from . import census_warnings
from . import forms_protection as forms
from . import selectors_protection as selectors
from .actions import protection as protection_actions
from .models import Section47Enquiry, StrategyDiscussion, Visit
from .views_common import PROTECTION_FORM, ROLES, bound_form, child_url, form_page, open_child


@access_rule("person", roles=ROLES)
def protection(request, person_id):
    """The child's assessments, child in need and child protection record on one page."""
    at = now()
    person = open_child(request, person_id, at=at, page="child protection and children in need")
    return render(
        request,
        "socialcare/protection/child.html",
        {"person": person, "today": today_in_london(at), "overview_url": child_url(person)},
    )


# --- Strategy discussions ----------------------------------------------------------------------


@access_rule("person", roles=ROLES)
def strategy_add(request, person_id, referral_id):
    """Record a strategy discussion: who took part, from which agencies, what it decided."""
    at = now()
    person = open_child(request, person_id, at=at, page="record a strategy discussion")
    referral = selectors.referral_of(person, referral_id)
    form = bound_form(
        request,
        forms.StrategyForm,
        {"form_token": new_form_token(), "held_on": today_in_london(at)},
    )
    participants = forms.participant_formset(form.data if form.is_bound else None)
    if request.method == "POST" and form.is_valid() & participants.is_valid():
        data = form.cleaned_data
        rows = [p for p in (f.participant() for f in participants.forms) if p]
        try:
            discussion = protection_actions.strategy_record(
                person_id=person.pk,
                referral_id=referral.pk,
                held_on=data["held_on"],
                summary=data["summary"],
                outcome=data["outcome"],
                participants=rows,
                form_token=data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DetailsRefused as error:
            problems = dict(error.problems)
            if message := problems.pop("participants", None):
                participants.forms[0].add_error("agency_kind", message)
            for name, message in problems.items():
                form.add_error(form.field_for_problem(name), message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Strategy discussion recorded.")
            return redirect("socialcare:strategy", person_id=person.pk, discussion_id=discussion.pk)
    return render(
        request,
        "socialcare/protection/strategy_add.html",
        {
            "person": person,
            "referral": referral,
            "form": form,
            "participants": participants,
            "error_forms": [form, *participants.forms],
            "any_errors": bool(form.errors) or any(f.errors for f in participants.forms),
            "front_door": selectors.front_door_discussion_unused(person, referral),
            "front_door_token": new_form_token(),
            "back_url": child_url(person),
        },
    )


@require_POST
@access_rule("person", roles=ROLES)
def strategy_from_front_door(request, person_id, referral_id):
    """Use the front door's strategy discussion: nothing is typed twice."""
    at = now()
    person = open_child(request, person_id, at=at, page="use the front door's strategy discussion")
    referral = selectors.referral_of(person, referral_id)
    try:
        discussion = protection_actions.strategy_from_front_door(
            person_id=person.pk,
            referral_id=referral.pk,
            form_token=request.POST.get("form_token", ""),
            acting_user=request.user,
            now=at,
            request=request,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(child_url(person))
    messages.success(request, "The front door's strategy discussion is on the child's record.")
    return redirect("socialcare:strategy", person_id=person.pk, discussion_id=discussion.pk)


@access_rule("person", roles=ROLES)
def strategy(request, person_id, discussion_id):
    at = now()
    person = open_child(request, person_id, at=at, page="strategy discussion")
    discussion = selectors.discussion_of(person, discussion_id)
    return render(
        request,
        "socialcare/protection/strategy.html",
        {
            "person": person,
            "discussion": discussion,
            "participants": discussion.participants.all(),
            "enquiries": discussion.enquiries.all(),
            "may_start_enquiry": discussion.outcome == StrategyDiscussion.Outcome.SECTION_47
            and not discussion.enquiries.exists(),
            "back_url": child_url(person),
        },
    )


# --- Section 47 --------------------------------------------------------------------------------


@access_rule("person", roles=ROLES)
def section47_start(request, person_id, discussion_id):
    at = now()
    person = open_child(request, person_id, at=at, page="start a section 47 enquiry")
    discussion = selectors.discussion_of(person, discussion_id)
    form = bound_form(
        request,
        forms.Section47StartForm,
        {"form_token": new_form_token(), "starts_on": today_in_london(at)},
    )

    def save(data):
        enquiry = protection_actions.section47_start(
            person_id=person.pk,
            discussion_id=discussion.pk,
            starts_on=data["starts_on"],
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )
        return census_warnings.after_section47_start(enquiry)

    return form_page(
        request,
        person,
        form,
        template=PROTECTION_FORM,
        save=save,
        success="Section 47 enquiry started.",
        title="Start a section 47 enquiry",
        button="Start the enquiry",
        intro=(
            f"The strategy discussion on {day_words(discussion.held_on)} decided on a section 47 "
            "enquiry. The initial child protection conference is due within 15 working days of "
            "that discussion."
        ),
        back_url=reverse("socialcare:strategy", args=[person.pk, discussion.pk]),
    )


@access_rule("person", roles=ROLES)
def section47_complete(request, person_id, enquiry_id):
    at = now()
    person = open_child(request, person_id, at=at, page="complete a section 47 enquiry")
    enquiry = selectors.enquiry_of(person, enquiry_id)
    form = bound_form(
        request,
        forms.Section47CompleteForm,
        {"version": enquiry.version, "completed_on": today_in_london(at)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            protection_actions.section47_complete(
                person_id=person.pk,
                enquiry_id=enquiry.pk,
                version=data["version"],
                completed_on=data["completed_on"],
                outcome=data["outcome"],
                not_required_reason=data["not_required_reason"],
                findings=data["findings"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Section 47 enquiry completed.")
            if data["outcome"] == Section47Enquiry.Outcome.CONFERENCE:
                return redirect(
                    "socialcare:conference-initial", person_id=person.pk, enquiry_id=enquiry.pk
                )
            return redirect(child_url(person))
    return form_page(
        request,
        person,
        form,
        template=PROTECTION_FORM,
        title="Complete the section 47 enquiry",
        button="Complete the enquiry",
        intro=(
            f"Started on {day_words(enquiry.starts_on)}. The initial conference is due by "
            f"{day_words(enquiry.conference_due_on)}."
        ),
    )


# --- Conferences and plans ---------------------------------------------------------------------


@access_rule("person", roles=ROLES)
def conference_initial(request, person_id, enquiry_id):
    at = now()
    person = open_child(request, person_id, at=at, page="initial child protection conference")
    enquiry = selectors.enquiry_of(person, enquiry_id)
    form = bound_form(
        request,
        forms.InitialConferenceForm,
        {"form_token": new_form_token(), "held_on": today_in_london(at)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conference = protection_actions.conference_initial(
                person_id=person.pk,
                enquiry_id=enquiry.pk,
                held_on=data["held_on"],
                decision=data["decision"],
                category=data["category"],
                chair=data["chair"],
                child_views=data["child_views"],
                summary=data["summary"],
                form_token=data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if conference.plan_id:
                messages.success(request, "Conference recorded: the child protection plan starts.")
                show_warnings(request, census_warnings.after_conference(conference))
                return redirect(
                    "socialcare:cp-plan", person_id=person.pk, plan_id=conference.plan_id
                )
            messages.success(request, "Conference recorded.")
            show_warnings(request, census_warnings.after_conference(conference))
            return redirect(child_url(person))
    return form_page(
        request,
        person,
        form,
        template=PROTECTION_FORM,
        title="Record the initial child protection conference",
        button="Record the conference",
        intro=(
            f"Due by {day_words(enquiry.conference_due_on)} (15 working days after the "
            f"strategy discussion on {day_words(enquiry.strategy_discussion.held_on)})."
        ),
    )


@access_rule("person", roles=ROLES)
def cp_plan(request, person_id, plan_id):
    """The child protection plan: categories, conferences, next review and next visit due."""
    at = now()
    today = today_in_london(at)
    person = open_child(request, person_id, at=at, page="child protection plan")
    plan = selectors.cp_plan_of(person, plan_id)
    visit_due = None
    if plan.ends_on is None:
        visit_due = selectors.due(
            started_on=plan.starts_on,
            due_on=selectors.next_visit_due(
                person,
                kind=Visit.Kind.CHILD_PROTECTION,
                started_on=plan.starts_on,
                key=selectors.LocalStandard.Key.CP_VISIT_WORKING_DAYS,
                today=today,
            ),
            today=today,
        )
    return render(
        request,
        "socialcare/protection/cp_plan.html",
        {
            "person": person,
            "plan": plan,
            "conferences": plan.conferences.order_by("held_on"),
            "review_due": selectors.due(
                started_on=plan.starts_on, due_on=plan.next_review_on, today=today
            ),
            "visit_due": visit_due,
            "visits": selectors.visits_during(
                person, kind=Visit.Kind.CHILD_PROTECTION, since=plan.starts_on, until=plan.ends_on
            ),
            "back_url": child_url(person),
        },
    )


@access_rule("person", roles=ROLES)
def cp_review(request, person_id, plan_id):
    at = now()
    person = open_child(request, person_id, at=at, page="review child protection conference")
    plan = selectors.cp_plan_of(person, plan_id)
    form = bound_form(
        request,
        forms.ReviewConferenceForm,
        {
            "form_token": new_form_token(),
            "version": plan.version,
            "held_on": today_in_london(at),
            "category": plan.latest_category,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = protection_actions.conference_review(
                person_id=person.pk,
                plan_id=plan.pk,
                version=data["version"],
                held_on=data["held_on"],
                decision=data["decision"],
                category=data["category"],
                end_reason=data["end_reason"],
                chair=data["chair"],
                child_views=data["child_views"],
                summary=data["summary"],
                form_token=data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Review conference recorded.")
            show_warnings(request, census_warnings.after_conference(review))
            return redirect("socialcare:cp-plan", person_id=person.pk, plan_id=plan.pk)
    intro = ""
    if plan.next_review_on:
        intro = f"The next review is due by {day_words(plan.next_review_on)}."
    return form_page(
        request,
        person,
        form,
        template=PROTECTION_FORM,
        title="Record a review child protection conference",
        button="Record the review",
        intro=intro,
        back_url=reverse("socialcare:cp-plan", args=[person.pk, plan.pk]),
    )


@access_rule("person", roles=ROLES)
def cp_plan_end(request, person_id, plan_id):
    """End a plan outside a conference (came into care, moved away, reached 18, died)."""
    at = now()
    person = open_child(request, person_id, at=at, page="end a child protection plan")
    plan = selectors.cp_plan_of(person, plan_id)
    form = bound_form(
        request, forms.CpPlanEndForm, {"version": plan.version, "ends_on": today_in_london(at)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ended = protection_actions.cp_plan_end(
                person_id=person.pk,
                plan_id=plan.pk,
                version=data["version"],
                ends_on=data["ends_on"],
                end_reason=data["end_reason"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Child protection plan ended.")
            show_warnings(request, census_warnings.after_protection_plan(ended))
            return redirect("socialcare:cp-plan", person_id=person.pk, plan_id=plan.pk)
    return form_page(
        request,
        person,
        form,
        template=PROTECTION_FORM,
        title="End the child protection plan",
        button="End the plan",
        intro="A plan ends because the child is no longer at risk only at a review conference.",
        back_url=reverse("socialcare:cp-plan", args=[person.pk, plan.pk]),
    )
