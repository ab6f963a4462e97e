"""Pages for assessments, children in need, visits, child protection and closing a child in
need episode. Thin views: open the child through access_person_by_id (404 for anyone who may
not), fetch the record as that child's (404 otherwise), bind the form, call the action, show
its refusal beside the fields with the input kept, redirect with a message.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from onestory.access.decorators import access_rule
from onestory.access.selectors import access_person_by_id
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.idempotency import new_form_token
from onestory.workforce.rules import Role

from . import forms_protection as forms
from . import selectors_protection as selectors
from .actions import assessment as assessment_actions
from .actions import closure as closure_actions
from .actions import need as need_actions
from .actions import protection as protection_actions
from .actions import visits as visit_actions
from .models import Assessment, Section47Enquiry, StrategyDiscussion, Visit

WORKERS = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
FORM_PAGE = "socialcare/protection/form.html"


def _child(request, person_id, page: str, at):
    return access_person_by_id(request.user, person_id, now=at, request=request, page=page)


def overview_url(person) -> str:
    """The child's statutory page, or this area's own page until that exists."""
    try:
        return reverse("socialcare:child", args=[person.pk])
    except NoReverseMatch:
        return reverse("socialcare:protection", args=[person.pk])


def _initial(request, initial: dict | None = None):
    return None if request.method == "POST" else initial


def _data(request):
    return request.POST if request.method == "POST" else None


def _form_page(request, person, form, *, title, button, caption="", intro="", **extra):
    return render(
        request,
        extra.pop("template", FORM_PAGE),
        {
            "person": person,
            "form": form,
            "title": title,
            "button": button,
            "caption": caption or person.full_name,
            "intro": intro,
            "back_url": extra.pop("back_url", overview_url(person)),
            **extra,
        },
    )


def _yes(value) -> bool:
    return value == "yes"


@access_rule("person", roles=WORKERS)
def protection(request, person_id):
    """The child's assessments, child in need and child protection record on one page."""
    at = now()
    person = _child(request, person_id, "child protection and children in need", at)
    return render(
        request,
        "socialcare/protection/child.html",
        {"person": person, "today": today_in_london(at), "overview_url": overview_url(person)},
    )


# --- Assessments -------------------------------------------------------------------------------


@access_rule("person", roles=WORKERS)
def assessment_start(request, person_id, referral_id):
    at = now()
    person = _child(request, person_id, "start an assessment", at)
    referral = selectors.referral_of(person, referral_id)
    form = forms.AssessmentStartForm(
        _data(request),
        initial=_initial(
            request, {"form_token": new_form_token(), "started_on": today_in_london(at)}
        ),
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
            return redirect("socialcare:assessment", person_id=person.pk, assessment_id=row.pk)
    return _form_page(
        request,
        person,
        form,
        title="Start a child and family assessment",
        button="Start the assessment",
        intro=(
            f"Referred on {referral.referral_date:%-d %B %Y}. The assessment is due by "
            f"{referral.assessment_due_on:%-d %B %Y} (45 working days from the referral)."
        ),
    )


@access_rule("person", roles=WORKERS)
def assessment(request, person_id, assessment_id):
    """The assessment: its due date, visits, findings; save, or submit for authorisation."""
    at = now()
    today = today_in_london(at)
    person = _child(request, person_id, "assessment", at)
    item = selectors.assessment_of(person, assessment_id)
    form = forms.AssessmentForm(
        _data(request),
        initial={
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
            "back_url": overview_url(person),
            "factor_labels": [
                (code, forms.reference.ASSESSMENT_FACTORS.get(code, code)) for code in item.factors
            ],
        },
    )


@access_rule("person", roles=WORKERS)
def assessment_authorise(request, person_id, assessment_id):
    """A team manager authorises the assessment or returns it with a comment."""
    at = now()
    person = _child(request, person_id, "authorise an assessment", at)
    item = selectors.assessment_of(person, assessment_id)
    if request.user.role != Role.TEAM_MANAGER:
        raise Http404("No page found")
    form = forms.AuthoriseForm(_data(request), initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment_actions.assessment_authorise(
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
            return redirect("socialcare:assessment", person_id=person.pk, assessment_id=item.pk)
    return _form_page(
        request,
        person,
        form,
        title="Authorise the assessment",
        button="Save your decision",
        intro=f"Outcome proposed: {item.get_outcome_display()}.",
        back_url=reverse("socialcare:assessment", args=[person.pk, item.pk]),
    )


# --- Visits ------------------------------------------------------------------------------------


@access_rule("person", roles=WORKERS)
def visit_add(request, person_id):
    """Record a statutory visit of any kind (?kind= chooses one to start with)."""
    at = now()
    person = _child(request, person_id, "record a visit", at)
    kind = request.GET.get("kind", "")
    referral = selectors.open_referral(person)
    form = forms.VisitForm(
        _data(request),
        initial=_initial(
            request,
            {
                "form_token": new_form_token(),
                "kind": kind if kind in Visit.Kind.values else "",
                "visited_on": today_in_london(at),
            },
        ),
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
                back = overview_url(person)
            return redirect(back)
    return _form_page(request, person, form, title="Record a visit", button="Record the visit")


# --- Children in need --------------------------------------------------------------------------


@access_rule("person", roles=WORKERS)
def cin_plan_start(request, person_id, referral_id):
    at = now()
    person = _child(request, person_id, "start a child in need plan", at)
    referral = selectors.referral_of(person, referral_id)
    form = forms.CinPlanStartForm(
        _data(request),
        initial=_initial(
            request, {"form_token": new_form_token(), "starts_on": today_in_london(at)}
        ),
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
            return redirect("socialcare:cin-plan", person_id=person.pk, plan_id=plan.pk)
    return _form_page(
        request, person, form, title="Start a child in need plan", button="Start the plan"
    )


@access_rule("person", roles=WORKERS)
def cin_plan(request, person_id, plan_id):
    """The child in need plan, its reviews and visits; edit what needs to change."""
    at = now()
    today = today_in_london(at)
    person = _child(request, person_id, "child in need plan", at)
    plan = selectors.cin_plan_of(person, plan_id)
    form = forms.CinPlanEditForm(
        _data(request),
        initial={"version": plan.version, "what_needs_to_change": plan.what_needs_to_change},
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
            "back_url": overview_url(person),
        },
    )


@access_rule("person", roles=WORKERS)
def cin_review_add(request, person_id, plan_id):
    at = now()
    person = _child(request, person_id, "review a child in need plan", at)
    plan = selectors.cin_plan_of(person, plan_id)
    form = forms.CinReviewForm(
        _data(request),
        initial=_initial(request, {"form_token": new_form_token(), "held_on": today_in_london(at)}),
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
    return _form_page(
        request,
        person,
        form,
        title="Review the child in need plan",
        button="Record the review",
        intro=f"The plan started on {plan.starts_on:%-d %B %Y}.",
        back_url=reverse("socialcare:cin-plan", args=[person.pk, plan.pk]),
    )


@access_rule("person", roles=WORKERS)
def cin_plan_end(request, person_id, plan_id):
    at = now()
    person = _child(request, person_id, "end a child in need plan", at)
    plan = selectors.cin_plan_of(person, plan_id)
    form = forms.PlanEndForm(
        _data(request), initial={"version": plan.version, "ends_on": today_in_london(at)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            need_actions.cin_plan_end(
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
            messages.success(request, "Child in need plan ended.")
            return redirect(overview_url(person))
    return _form_page(
        request,
        person,
        form,
        title="End the child in need plan",
        button="End the plan",
        back_url=reverse("socialcare:cin-plan", args=[person.pk, plan.pk]),
    )


# --- Strategy discussions ----------------------------------------------------------------------


@access_rule("person", roles=WORKERS)
def strategy_add(request, person_id, referral_id):
    """Record a strategy discussion: who took part, from which agencies, what it decided."""
    at = now()
    person = _child(request, person_id, "record a strategy discussion", at)
    referral = selectors.referral_of(person, referral_id)
    form = forms.StrategyForm(
        _data(request),
        initial=_initial(request, {"form_token": new_form_token(), "held_on": today_in_london(at)}),
    )
    participants = forms.participant_formset(_data(request))
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
            "back_url": overview_url(person),
        },
    )


@require_POST
@access_rule("person", roles=WORKERS)
def strategy_from_front_door(request, person_id, referral_id):
    """Use the front door's strategy discussion: nothing is typed twice."""
    at = now()
    person = _child(request, person_id, "use the front door's strategy discussion", at)
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
        return redirect(overview_url(person))
    messages.success(request, "The front door's strategy discussion is on the child's record.")
    return redirect("socialcare:strategy", person_id=person.pk, discussion_id=discussion.pk)


@access_rule("person", roles=WORKERS)
def strategy(request, person_id, discussion_id):
    at = now()
    person = _child(request, person_id, "strategy discussion", at)
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
            "back_url": overview_url(person),
        },
    )


# --- Section 47 --------------------------------------------------------------------------------


@access_rule("person", roles=WORKERS)
def section47_start(request, person_id, discussion_id):
    at = now()
    person = _child(request, person_id, "start a section 47 enquiry", at)
    discussion = selectors.discussion_of(person, discussion_id)
    form = forms.Section47StartForm(
        _data(request),
        initial=_initial(
            request, {"form_token": new_form_token(), "starts_on": today_in_london(at)}
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            protection_actions.section47_start(
                person_id=person.pk,
                discussion_id=discussion.pk,
                starts_on=form.cleaned_data["starts_on"],
                form_token=form.cleaned_data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Section 47 enquiry started.")
            return redirect(overview_url(person))
    return _form_page(
        request,
        person,
        form,
        title="Start a section 47 enquiry",
        button="Start the enquiry",
        intro=(
            f"The strategy discussion on {discussion.held_on:%-d %B %Y} decided on a section 47 "
            "enquiry. The initial child protection conference is due within 15 working days of "
            "that discussion."
        ),
        back_url=reverse("socialcare:strategy", args=[person.pk, discussion.pk]),
    )


@access_rule("person", roles=WORKERS)
def section47_complete(request, person_id, enquiry_id):
    at = now()
    person = _child(request, person_id, "complete a section 47 enquiry", at)
    enquiry = selectors.enquiry_of(person, enquiry_id)
    form = forms.Section47CompleteForm(
        _data(request), initial={"version": enquiry.version, "completed_on": today_in_london(at)}
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
            return redirect(overview_url(person))
    return _form_page(
        request,
        person,
        form,
        title="Complete the section 47 enquiry",
        button="Complete the enquiry",
        intro=(
            f"Started on {enquiry.starts_on:%-d %B %Y}. The initial conference is due by "
            f"{enquiry.conference_due_on:%-d %B %Y}."
        ),
    )


# --- Conferences and plans ---------------------------------------------------------------------


@access_rule("person", roles=WORKERS)
def conference_initial(request, person_id, enquiry_id):
    at = now()
    person = _child(request, person_id, "initial child protection conference", at)
    enquiry = selectors.enquiry_of(person, enquiry_id)
    form = forms.InitialConferenceForm(
        _data(request),
        initial=_initial(request, {"form_token": new_form_token(), "held_on": today_in_london(at)}),
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
                return redirect(
                    "socialcare:cp-plan", person_id=person.pk, plan_id=conference.plan_id
                )
            messages.success(request, "Conference recorded.")
            return redirect(overview_url(person))
    return _form_page(
        request,
        person,
        form,
        title="Record the initial child protection conference",
        button="Record the conference",
        intro=(
            f"Due by {enquiry.conference_due_on:%-d %B %Y} (15 working days after the "
            f"strategy discussion on {enquiry.strategy_discussion.held_on:%-d %B %Y})."
        ),
    )


@access_rule("person", roles=WORKERS)
def cp_plan(request, person_id, plan_id):
    """The child protection plan: categories, conferences, next review and next visit due."""
    at = now()
    today = today_in_london(at)
    person = _child(request, person_id, "child protection plan", at)
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
            "back_url": overview_url(person),
        },
    )


@access_rule("person", roles=WORKERS)
def cp_review(request, person_id, plan_id):
    at = now()
    person = _child(request, person_id, "review child protection conference", at)
    plan = selectors.cp_plan_of(person, plan_id)
    form = forms.ReviewConferenceForm(
        _data(request),
        initial=_initial(
            request,
            {
                "form_token": new_form_token(),
                "version": plan.version,
                "held_on": today_in_london(at),
                "category": plan.latest_category,
            },
        ),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            protection_actions.conference_review(
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
            return redirect("socialcare:cp-plan", person_id=person.pk, plan_id=plan.pk)
    intro = (
        f"The next review is due by {plan.next_review_on:%-d %B %Y}." if plan.next_review_on else ""
    )
    return _form_page(
        request,
        person,
        form,
        title="Record a review child protection conference",
        button="Record the review",
        intro=intro,
        back_url=reverse("socialcare:cp-plan", args=[person.pk, plan.pk]),
    )


@access_rule("person", roles=WORKERS)
def cp_plan_end(request, person_id, plan_id):
    """End a plan outside a conference (came into care, moved away, reached 18, died)."""
    at = now()
    person = _child(request, person_id, "end a child protection plan", at)
    plan = selectors.cp_plan_of(person, plan_id)
    form = forms.CpPlanEndForm(
        _data(request), initial={"version": plan.version, "ends_on": today_in_london(at)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            protection_actions.cp_plan_end(
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
            return redirect("socialcare:cp-plan", person_id=person.pk, plan_id=plan.pk)
    return _form_page(
        request,
        person,
        form,
        title="End the child protection plan",
        button="End the plan",
        intro="A plan ends because the child is no longer at risk only at a review conference.",
        back_url=reverse("socialcare:cp-plan", args=[person.pk, plan.pk]),
    )


# --- Closing the child in need episode -----------------------------------------------------------


@access_rule("person", roles=WORKERS)
def referral_close(request, person_id, referral_id):
    at = now()
    person = _child(request, person_id, "close a child in need episode", at)
    referral = selectors.referral_of(person, referral_id)
    form = forms.ClosureForm(
        _data(request), initial={"version": referral.version, "closed_on": today_in_london(at)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            closure_actions.referral_close(
                person_id=person.pk,
                referral_id=referral.pk,
                version=data["version"],
                closed_on=data["closed_on"],
                closure_reason=data["closure_reason"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Child in need episode closed.")
            return redirect(overview_url(person))
    return _form_page(
        request,
        person,
        form,
        title="Close the child in need episode",
        button="Close the episode",
        intro=f"Referred on {referral.referral_date:%-d %B %Y}.",
        blockers=closure_actions.closure_blockers(referral),
    )
