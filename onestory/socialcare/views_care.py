"""Pages for children in care, care leavers and homeless 16-17 year olds. Thin views: open the
child through access_person_by_id (404 for anyone who may not), fetch the child's own rows,
bind the form, call the action, show its refusal beside the fields, redirect with a message.
"""

from datetime import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from onestory.access.decorators import access_rule
from onestory.access.selectors import access_person_by_id
from onestory.core.clock import LONDON, now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.idempotency import new_form_token
from onestory.workforce.rules import Role

from . import forms_care as forms
from . import reference
from . import selectors_care as selectors
from .actions import care, homeless, leaving_care
from .models import CareLeaver, UnaccompaniedChild

ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)


def _child(request, person_id, *, at, page):
    return access_person_by_id(request.user, person_id, now=at, request=request, page=page)


def child_url(person) -> str:
    """The child's statutory page where it exists, else their care page."""
    try:
        return reverse("socialcare:child", kwargs={"person_id": person.pk})
    except NoReverseMatch:
        return reverse("socialcare:care", kwargs={"person_id": person.pk})


def _form_page(request, *, person, form, save, success, title, rows=(), intro=""):
    """Show the form; on a valid post run `save(cleaned_data)`, mapping refusals to the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, success)
            return redirect(child_url(person))
    return render(
        request,
        "socialcare/care/form.html",
        {
            "person": person,
            "form": form,
            "title": title,
            "rows": rows,
            "intro": intro,
            "back": child_url(person),
        },
    )


def _bound(request, form_class, initial, **kwargs):
    posted = request.method == "POST"
    return form_class(
        request.POST if posted else None, initial=None if posted else initial, **kwargs
    )


def _day(value) -> str:
    return f"{value:%-d %B %Y}" if value else "Not recorded"


def _placement_rows(placement):
    if placement is None:
        return []
    return [
        ("Current placement", reference.PLACEMENT_TYPES[placement.place]),
        ("Carer or provider", placement.carer or "Not recorded"),
        ("Began", _day(placement.starts_on)),
    ]


# --- The care page ---------------------------------------------------------------------------


@access_rule("person", roles=ROLES)
def care_page(request, person_id):
    """The child's care, leaving care and homelessness record, with links to record more."""
    at = now()
    person = _child(request, person_id, at=at, page="children in care")
    return render(
        request,
        "socialcare/care/care.html",
        {"person": person, "user": request.user, "today": today_in_london(at)},
    )


# --- Periods of care -------------------------------------------------------------------------


@access_rule("person", roles=ROLES)
def care_start(request, person_id):
    at = now()
    person = _child(request, person_id, at=at, page="start a period of care")
    form = _bound(
        request,
        forms.CareStartForm,
        {"form_token": new_form_token(), "home_postcode": care.home_postcode_of(person.pk)},
    )

    def save(data):
        care.care_start(
            person_id=person.pk,
            starts_on=data["starts_on"],
            legal_status=data["legal_status"],
            placement=form.placement(),
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        success="Period of care started.",
        title="Start a period of care",
    )


@access_rule("person", roles=ROLES)
def legal_status_change(request, person_id, period_id):
    at = now()
    person = _child(request, person_id, at=at, page="change legal status")
    period = selectors.period_of(person, period_id)
    form = _bound(request, forms.LegalStatusForm, {})
    current = period.legal_statuses.filter(ends_on__isnull=True).last()

    def save(data):
        care.legal_status_change(
            person_id=person.pk,
            period_id=period.pk,
            status=data["status"],
            starts_on=data["starts_on"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    rows = [
        (
            "Current legal status",
            f"{reference.LEGAL_STATUSES[current.status]} since {_day(current.starts_on)}"
            if current
            else "None",
        )
    ]
    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        rows=rows,
        success="Legal status changed.",
        title="Change the legal status",
    )


@access_rule("person", roles=ROLES)
def placement_move(request, person_id, period_id):
    at = now()
    person = _child(request, person_id, at=at, page="move placement")
    period = selectors.period_of(person, period_id)
    current = selectors.current_placement(period)
    form = _bound(
        request,
        forms.PlacementMoveForm,
        {
            "form_token": new_form_token(),
            "version": current.version if current else None,
            "home_postcode": current.home_postcode if current else care.home_postcode_of(person.pk),
        },
        first=current is None,
    )

    def save(data):
        care.placement_move(
            person_id=person.pk,
            period_id=period.pk,
            version=data.get("version"),
            starts_on=data["starts_on"],
            change_reason=data.get("change_reason", ""),
            placement=form.placement(),
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        rows=_placement_rows(current),
        success="Placement recorded." if current is None else "Placement move recorded.",
        title="Record a placement" if current is None else "Move to a new placement",
    )


@access_rule("person", roles=ROLES)
def placement_edit(request, person_id, placement_id):
    at = now()
    person = _child(request, person_id, at=at, page="correct placement")
    placement = selectors.placement_of(person, placement_id)
    initial = {
        key: getattr(placement, key)
        for key in (
            "place",
            "provider",
            "carer",
            "urn",
            "long_term",
            "home_postcode",
            "placement_postcode",
        )
    }
    form = _bound(request, forms.PlacementEditForm, initial | {"version": placement.version})

    def save(data):
        care.placement_edit(
            person_id=person.pk,
            placement_id=placement.pk,
            version=data["version"],
            placement=form.placement(),
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        rows=[("Began", _day(placement.starts_on))],
        success="Placement details saved.",
        title="Correct the placement",
    )


@access_rule("person", roles=ROLES)
def review_add(request, person_id, period_id):
    at = now()
    person = _child(request, person_id, at=at, page="record a care review")
    period = selectors.period_of(person, period_id)
    form = _bound(request, forms.CareReviewForm, {"form_token": new_form_token()})

    def save(data):
        care.review_record(
            person_id=person.pk,
            period_id=period.pk,
            held_on=data["held_on"],
            participation=data["participation"],
            chair=data["chair"],
            summary=data["summary"],
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    rows = [
        ("Care began", _day(period.starts_on)),
        ("Review due by", _day(care.review_due_on(period))),
    ]
    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        rows=rows,
        success="Review recorded.",
        title="Record a review of the care plan",
    )


@access_rule("person", roles=ROLES)
def care_end(request, person_id, period_id):
    at = now()
    person = _child(request, person_id, at=at, page="end a period of care")
    period = selectors.period_of(person, period_id)
    form = _bound(request, forms.CareEndForm, {"version": period.version})

    def save(data):
        care.care_end(
            person_id=person.pk,
            period_id=period.pk,
            version=data["version"],
            ends_on=data["ends_on"],
            end_reason=data["end_reason"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        rows=[
            ("Care began", _day(period.starts_on)),
            *_placement_rows(selectors.current_placement(period)),
        ],
        intro="The current placement and legal status end the same day.",
        success="Period of care ended.",
        title="Leaving care",
    )


@access_rule("person", roles=ROLES)
def missing_add(request, person_id):
    at = now()
    person = _child(request, person_id, at=at, page="record missing episode")
    form = _bound(request, forms.MissingForm, {"form_token": new_form_token()})

    def save(data):
        ended = (
            datetime.combine(data["ended_on"], data["ended_time"], tzinfo=LONDON)
            if data.get("ended_on") and data.get("ended_time")
            else None
        )
        care.missing_record(
            person_id=person.pk,
            kind=data["kind"],
            started_at=datetime.combine(data["started_on"], data["started_time"], tzinfo=LONDON),
            ended_at=ended,
            return_interview_offered=forms.yes_no(data["return_interview_offered"]),
            return_interview_accepted=forms.yes_no(data["return_interview_accepted"]),
            return_interview_on=data.get("return_interview_on"),
            notes=data["notes"],
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        success="Missing episode recorded.",
        title="Record a missing or away episode",
    )


@access_rule("person", roles=ROLES)
def health_check_add(request, person_id):
    at = now()
    person = _child(request, person_id, at=at, page="record health check")
    form = _bound(request, forms.HealthCheckForm, {"form_token": new_form_token()})

    def save(data):
        care.health_check_record(
            person_id=person.pk,
            kind=data["kind"],
            done_on=data["done_on"],
            score=data.get("score"),
            notes=data["notes"],
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        success="Health check recorded.",
        title="Record a health check",
    )


@access_rule("person", roles=ROLES)
def unaccompanied(request, person_id):
    at = now()
    person = _child(request, person_id, at=at, page="unaccompanied child")
    row = UnaccompaniedChild.objects.filter(person=person).first()
    initial = {"version": None}
    if row:
        initial = {
            key: getattr(row, key)
            for key in (
                "version",
                "arrived_on",
                "became_looked_after_on",
                "national_transfer_scheme",
                "age_assessed",
                "status_ceased_on",
                "ceased_reason",
            )
        }
    form = _bound(request, forms.UnaccompaniedForm, initial)

    def save(data):
        care.unaccompanied_record(
            person_id=person.pk,
            version=data.get("version"),
            arrived_on=data["arrived_on"],
            became_looked_after_on=data.get("became_looked_after_on"),
            national_transfer_scheme=data["national_transfer_scheme"],
            age_assessed=data["age_assessed"],
            status_ceased_on=data.get("status_ceased_on"),
            ceased_reason=data["ceased_reason"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        success="Unaccompanied asylum-seeking child details saved.",
        title="Unaccompanied asylum-seeking child",
    )


# --- Care leavers ----------------------------------------------------------------------------


@access_rule("person", roles=ROLES)
def care_leaver(request, person_id):
    at = now()
    person = _child(request, person_id, at=at, page="care leaver")
    row = CareLeaver.objects.filter(person=person).first()
    initial = (
        {
            "version": row.version,
            "personal_adviser": row.personal_adviser_id,
            "support_to_25": row.support_to_25,
        }
        if row
        else {"version": None}
    )
    form = _bound(request, forms.CareLeaverForm, initial)

    def save(data):
        leaving_care.care_leaver_record(
            person_id=person.pk,
            version=data.get("version"),
            personal_adviser_id=data["personal_adviser"].pk,
            support_to_25=data["support_to_25"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        success="Care leaver details saved.",
        title="Care leaver",
        intro="The leaving-care category is worked out from the "
        "periods of care: weeks looked after since 14, and when care ended.",
    )


@access_rule("person", roles=ROLES)
def pathway_plan_start(request, person_id):
    at = now()
    person = _child(request, person_id, at=at, page="start pathway plan")
    form = _bound(
        request,
        forms.PathwayPlanForm,
        {"form_token": new_form_token(), "starts_on": today_in_london(at)},
    )

    def save(data):
        leaving_care.pathway_plan_start(
            person_id=person.pk,
            starts_on=data["starts_on"],
            summary=data["summary"],
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        success="Pathway plan started.",
        title="Start a pathway plan",
    )


@access_rule("person", roles=ROLES)
def pathway_plan_edit(request, person_id, plan_id):
    at = now()
    person = _child(request, person_id, at=at, page="update pathway plan")
    plan = selectors.plan_of(person, plan_id)
    form = _bound(
        request,
        forms.PathwayPlanEditForm,
        {"version": plan.version, "summary": plan.summary, "ends_on": plan.ends_on},
    )

    def save(data):
        leaving_care.pathway_plan_edit(
            person_id=person.pk,
            plan_id=plan.pk,
            version=data["version"],
            summary=data["summary"],
            ends_on=data.get("ends_on"),
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        rows=[("Started", _day(plan.starts_on))],
        success="Pathway plan saved.",
        title="Update the pathway plan",
    )


@access_rule("person", roles=ROLES)
def pathway_review_add(request, person_id, plan_id):
    at = now()
    person = _child(request, person_id, at=at, page="review pathway plan")
    plan = selectors.plan_of(person, plan_id)
    form = _bound(request, forms.PathwayReviewForm, {"form_token": new_form_token()})

    def save(data):
        leaving_care.pathway_review_record(
            person_id=person.pk,
            plan_id=plan.pk,
            held_on=data["held_on"],
            summary=data["summary"],
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        rows=[("Started", _day(plan.starts_on)), ("Review due by", _day(plan.next_review_on))],
        success="Pathway plan review recorded.",
        title="Record a pathway plan review",
    )


@access_rule("person", roles=ROLES)
def contact_add(request, person_id):
    at = now()
    person = _child(request, person_id, at=at, page="care leaver contact")
    row = CareLeaver.objects.filter(person=person).first()
    ages = leaving_care.birthday_ages(row) if row else ()
    form = _bound(request, forms.ContactForm, {"form_token": new_form_token()}, ages=ages)

    def save(data):
        leaving_care.contact_record(
            person_id=person.pk,
            birthday_age=data["birthday_age"],
            contact_on=data["contact_on"],
            in_touch=data["in_touch"],
            activity=data["activity"],
            accommodation=data["accommodation"],
            accommodation_suitable=forms.yes_no(data["accommodation_suitable"]),
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        success="Birthday contact recorded.",
        title="Record a birthday contact",
        intro="A contact counts for a birthday from 3 months before it to 1 month after.",
    )


# --- Homeless 16 and 17 year olds ------------------------------------------------------------


def _homeless_call(data):
    return {
        "joint_assessment_on": data.get("joint_assessment_on"),
        "young_persons_wishes": data["young_persons_wishes"],
        "advised_of_care_entitlements": data["advised_of_care_entitlements"],
        "decision": data.get("decision", ""),
        "reason": data["reason"],
        "decided_on": data.get("decided_on"),
    }


@access_rule("person", roles=ROLES)
def homeless_add(request, person_id):
    at = now()
    person = _child(request, person_id, at=at, page="homeless assessment")
    form = _bound(request, forms.HomelessForm, {"form_token": new_form_token()})

    def save(data):
        homeless.homeless_assessment_record(
            person_id=person.pk,
            presented_on=data["presented_on"],
            housing_officer=data["housing_officer"],
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
            **_homeless_call(data),
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        success="Homeless assessment recorded.",
        title="Homeless 16 or 17 year old: joint assessment",
    )


@access_rule("person", roles=ROLES)
def homeless_decide(request, person_id, assessment_id):
    at = now()
    person = _child(request, person_id, at=at, page="homeless decision")
    row = selectors.homeless_of(person, assessment_id)
    initial = {
        key: getattr(row, key)
        for key in (
            "version",
            "joint_assessment_on",
            "young_persons_wishes",
            "advised_of_care_entitlements",
            "reason",
            "decided_on",
        )
    }
    form = _bound(request, forms.HomelessForm, initial, deciding=True)

    def save(data):
        homeless.homeless_decide(
            person_id=person.pk,
            assessment_id=row.pk,
            version=data["version"],
            acting_user=request.user,
            now=at,
            request=request,
            **_homeless_call(data),
        )

    return _form_page(
        request,
        person=person,
        form=form,
        save=save,
        rows=[("Presented", _day(row.presented_on)), ("Housing officer", row.housing_officer)],
        success="Decision recorded.",
        title="Record the decision",
    )
