"""Pages for assessments, children in need, visits and closing a child in need episode. Thin
views: open the child through access_person_by_id (404 for anyone who may not), fetch the record
as that child's (404 otherwise), bind the form, call the action, show its refusal beside the
fields with the input kept, redirect with a message.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.idempotency import new_form_token
from onestory.core.rules import day_words
from onestory.frontdoor.census_warnings import show as show_warnings
from onestory.workforce.rules import Role

from . import census_warnings
from . import forms_protection as forms
from . import selectors_protection as selectors
from .actions import assessment as assessment_actions
from .actions import closure as closure_actions
from .actions import need as need_actions
from .actions import visits as visit_actions
from .models import Assessment, Visit
from .views_common import PROTECTION_FORM, ROLES, bound_form, child_url, form_page, open_child


def _yes(value) -> bool:
    return value == "yes"


# --- Assessments -------------------------------------------------------------------------------


@access_rule("person", roles=ROLES)
def assessment_start(request, person_id, referral_id):
    at = now()
    person = open_child(request, person_id, at=at, page="start an assessment")
    referral = selectors.referral_of(person, referral_id)
    form = bound_form(
        request,
        forms.AssessmentStartForm,
        {"form_token": new_form_token(), "started_on": today_in_london(at)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            row = assessment_actions.assessment_start(
                person_id=person.pk,
                referral_id=referral.pk,
                started_on=form.cleaned_data["started_on"],
                form_token=form.cleaned_data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Assessment started.")
            show_warnings(request, census_warnings.after_assessment_start(row))
            return redirect("socialcare:assessment", person_id=person.pk, assessment_id=row.pk)
    return form_page(
        request,
        person,
        form,
        template=PROTECTION_FORM,
        title="Start a child and family assessment",
        button="Start the assessment",
        intro=(
            f"Referred on {day_words(referral.referral_date)}. The assessment is due by "
            f"{day_words(referral.assessment_due_on)} (45 working days from the referral)."
        ),
    )


@access_rule("person", roles=ROLES)
def assessment(request, person_id, assessment_id):
    """The assessment: its due date, visits, findings; save, or submit for authorisation."""
    at = now()
    today = today_in_london(at)
    person = open_child(request, person_id, at=at, page="assessment")
    item = selectors.assessment_of(person, assessment_id)
    form = bound_form(
        request,
        forms.AssessmentForm,
        {
            "version": item.version,
            "factors": item.factors,
            "child_views": item.child_views,
            "family_views": item.family_views,
            "analysis": item.analysis,
            "outcome": item.outcome,
            "completed_on": item.completed_on or today,
        },
    )
    if request.method == "POST" and item.status == Assessment.Status.IN_PROGRESS:
        submit = "submit" in request.POST
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment_actions.assessment_update(
                    person_id=person.pk,
                    assessment_id=item.pk,
                    version=data["version"],
                    factors=data["factors"],
                    child_views=data["child_views"],
                    family_views=data["family_views"],
                    analysis=data["analysis"],
                    outcome=data["outcome"],
                    submit=submit,
                    completed_on=data["completed_on"],
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request,
                    "Assessment sent to your manager to authorise."
                    if submit
                    else "Assessment saved.",
                )
                return redirect("socialcare:assessment", person_id=person.pk, assessment_id=item.pk)
    authorise = None
    if item.status == Assessment.Status.SUBMITTED and request.user.role == Role.TEAM_MANAGER:
        authorise = forms.AuthoriseForm(initial={"version": item.version})
    visits = selectors.visits_during(
        person, kind=Visit.Kind.ASSESSMENT, since=item.started_on, until=item.completed_on
    )
    return render(
        request,
        "socialcare/protection/assessment.html",
        {
            "person": person,
            "assessment": item,
            "due": selectors.due(
                started_on=item.referral.referral_date,
                due_on=item.due_on,
                today=today,
                done=item.completed_on is not None,
            ),
            "form": form,
            "authorise": authorise,
            "visits": visits,
            "back_url": child_url(person),
            "factor_labels": [
                (code, forms.reference.ASSESSMENT_FACTORS.get(code, code)) for code in item.factors
            ],
        },
    )


@access_rule("person", roles=ROLES)
def assessment_authorise(request, person_id, assessment_id):
    """A team manager authorises the assessment or returns it with a comment."""
    at = now()
    person = open_child(request, person_id, at=at, page="authorise an assessment")
    item = selectors.assessment_of(person, assessment_id)
    if request.user.role != Role.TEAM_MANAGER:
        raise Http404("No page found")
    form = bound_form(request, forms.AuthoriseForm, {"version": item.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decided = assessment_actions.assessment_authorise(
                person_id=person.pk,
                assessment_id=item.pk,
                version=data["version"],
                decision=data["decision"],
                comment=data["comment"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                "Assessment authorised."
                if data["decision"] == assessment_actions.AUTHORISE
                else "Assessment returned to the social worker.",
            )
            show_warnings(request, census_warnings.after_assessment_authorise(decided))
            return redirect("socialcare:assessment", person_id=person.pk, assessment_id=item.pk)
    return form_page(
        request,
        person,
        form,
        template=PROTECTION_FORM,
        title="Authorise the assessment",
        button="Save your decision",
        intro=f"Outcome proposed: {item.get_outcome_display()}.",
        back_url=reverse("socialcare:assessment", args=[person.pk, item.pk]),
    )


# --- Visits ------------------------------------------------------------------------------------


@access_rule("person", roles=ROLES)
def visit_add(request, person_id):
    """Record a statutory visit of any kind (?kind= chooses one to start with)."""
    at = now()
    person = open_child(request, person_id, at=at, page="record a visit")
    kind = request.GET.get("kind", "")
    referral = selectors.open_referral(person)
    form = bound_form(
        request,
        forms.VisitForm,
        {
            "form_token": new_form_token(),
            "kind": kind if kind in Visit.Kind.values else "",
            "visited_on": today_in_london(at),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit_actions.visit_record(
                person_id=person.pk,
                kind=data["kind"],
                visited_on=data["visited_on"],
                child_seen=_yes(data["child_seen"]),
                seen_alone=_yes(data["seen_alone"]),
                notes=data["notes"],
                referral_id=referral.pk if referral else None,
                form_token=data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Visit recorded.")
            back = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = child_url(person)
            return redirect(back)
    return form_page(
        request,
        person,
        form,
        template=PROTECTION_FORM,
        title="Record a visit",
        button="Record the visit",
    )


# --- Children in need --------------------------------------------------------------------------


@access_rule("person", roles=ROLES)
def cin_plan_start(request, person_id, referral_id):
    at = now()
    person = open_child(request, person_id, at=at, page="start a child in need plan")
    referral = selectors.referral_of(person, referral_id)
    form = bound_form(
        request,
        forms.CinPlanStartForm,
        {"form_token": new_form_token(), "starts_on": today_in_london(at)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = need_actions.cin_plan_start(
                person_id=person.pk,
                referral_id=referral.pk,
                starts_on=data["starts_on"],
                what_needs_to_change=data["what_needs_to_change"],
                form_token=data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Child in need plan started.")
            show_warnings(request, census_warnings.after_cin_plan_start(plan))
            return redirect("socialcare:cin-plan", person_id=person.pk, plan_id=plan.pk)
    return form_page(
        request,
        person,
        form,
        template=PROTECTION_FORM,
        title="Start a child in need plan",
        button="Start the plan",
    )


@access_rule("person", roles=ROLES)
def cin_plan(request, person_id, plan_id):
    """The child in need plan, its reviews and visits; edit what needs to change."""
    at = now()
    today = today_in_london(at)
    person = open_child(request, person_id, at=at, page="child in need plan")
    plan = selectors.cin_plan_of(person, plan_id)
    form = bound_form(
        request,
        forms.CinPlanEditForm,
        {"version": plan.version, "what_needs_to_change": plan.what_needs_to_change},
    )
    if request.method == "POST" and form.is_valid():
        try:
            need_actions.cin_plan_edit(
                person_id=person.pk,
                plan_id=plan.pk,
                version=form.cleaned_data["version"],
                what_needs_to_change=form.cleaned_data["what_needs_to_change"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Child in need plan updated.")
            return redirect("socialcare:cin-plan", person_id=person.pk, plan_id=plan.pk)
    return render(
        request,
        "socialcare/protection/cin_plan.html",
        {
            "person": person,
            "plan": plan,
            "form": form,
            "reviews": plan.reviews.select_related("recorded_by"),
            "review_due": selectors.due(
                started_on=plan.starts_on, due_on=plan.next_review_on, today=today
            ),
            "visits": selectors.visits_during(
                person, kind=Visit.Kind.CHILD_IN_NEED, since=plan.starts_on, until=plan.ends_on
            ),
            "back_url": child_url(person),
        },
    )


@access_rule("person", roles=ROLES)
def cin_review_add(request, person_id, plan_id):
    at = now()
    person = open_child(request, person_id, at=at, page="review a child in need plan")
    plan = selectors.cin_plan_of(person, plan_id)
    form = bound_form(
        request,
        forms.CinReviewForm,
        {"form_token": new_form_token(), "held_on": today_in_london(at)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            need_actions.cin_review_add(
                person_id=person.pk,
                plan_id=plan.pk,
                held_on=data["held_on"],
                summary=data["summary"],
                form_token=data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Review recorded.")
            return redirect("socialcare:cin-plan", person_id=person.pk, plan_id=plan.pk)
    return form_page(
        request,
        person,
        form,
        template=PROTECTION_FORM,
        title="Review the child in need plan",
        button="Record the review",
        intro=f"The plan started on {day_words(plan.starts_on)}.",
        back_url=reverse("socialcare:cin-plan", args=[person.pk, plan.pk]),
    )


@access_rule("person", roles=ROLES)
def cin_plan_end(request, person_id, plan_id):
    at = now()
    person = open_child(request, person_id, at=at, page="end a child in need plan")
    plan = selectors.cin_plan_of(person, plan_id)
    form = bound_form(
        request, forms.PlanEndForm, {"version": plan.version, "ends_on": today_in_london(at)}
    )

    def save(data):
        ended = need_actions.cin_plan_end(
            person_id=person.pk,
            plan_id=plan.pk,
            version=data["version"],
            ends_on=data["ends_on"],
            end_reason=data["end_reason"],
            acting_user=request.user,
            now=at,
            request=request,
        )
        return census_warnings.after_cin_plan_end(ended)

    return form_page(
        request,
        person,
        form,
        template=PROTECTION_FORM,
        save=save,
        success="Child in need plan ended.",
        title="End the child in need plan",
        button="End the plan",
        back_url=reverse("socialcare:cin-plan", args=[person.pk, plan.pk]),
    )


# --- Closing the child in need episode -----------------------------------------------------------


@access_rule("person", roles=ROLES)
def referral_close(request, person_id, referral_id):
    at = now()
    person = open_child(request, person_id, at=at, page="close a child in need episode")
    referral = selectors.referral_of(person, referral_id)
    form = bound_form(
        request, forms.ClosureForm, {"version": referral.version, "closed_on": today_in_london(at)}
    )

    def save(data):
        closed = closure_actions.referral_close(
            person_id=person.pk,
            referral_id=referral.pk,
            version=data["version"],
            closed_on=data["closed_on"],
            closure_reason=data["closure_reason"],
            acting_user=request.user,
            now=at,
            request=request,
        )
        return census_warnings.after_referral_close(closed)

    return form_page(
        request,
        person,
        form,
        template=PROTECTION_FORM,
        save=save,
        success="Child in need episode closed.",
        title="Close the child in need episode",
        button="Close the episode",
        intro=f"Referred on {day_words(referral.referral_date)}.",
        blockers=closure_actions.closure_blockers(referral),
    )
