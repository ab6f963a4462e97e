"""Pages for children in care: periods of care, legal status, placements, reviews, missing
episodes, health checks and unaccompanied asylum-seeking children. Thin views: open the child
through access_person_by_id (404 for anyone who may not), fetch the child's own rows, bind the
form, call the action, show its refusal beside the fields, redirect with a message.
"""

from datetime import datetime

from django.shortcuts import render

from onestory.access.decorators import access_rule
from onestory.core.clock import LONDON, now, today_in_london
from onestory.core.idempotency import new_form_token

from . import census_warnings, reference
from . import forms_care as forms
from . import selectors_care as selectors
from .actions import care, care_events, placements
from .models import UnaccompaniedChild
from .views_common import CARE_FORM, ROLES, bound_form, day_text, form_page, open_child


def _placement_rows(placement):
    if placement is None:
        return []
    return [
        ("Current placement", reference.PLACEMENT_TYPES[placement.place]),
        ("Carer or provider", placement.carer or "Not recorded"),
        ("Began", day_text(placement.starts_on)),
    ]


# --- The care page ---------------------------------------------------------------------------


@access_rule("person", roles=ROLES)
def care_page(request, person_id):
    """The child's care, leaving care and homelessness record, with links to record more."""
    at = now()
    person = open_child(request, person_id, at=at, page="children in care")
    return render(
        request,
        "socialcare/care/care.html",
        {"person": person, "user": request.user, "today": today_in_london(at)},
    )


# --- Periods of care -------------------------------------------------------------------------


@access_rule("person", roles=ROLES)
def care_start(request, person_id):
    at = now()
    person = open_child(request, person_id, at=at, page="start a period of care")
    form = bound_form(
        request,
        forms.CareStartForm,
        {"form_token": new_form_token(), "home_postcode": placements.home_postcode_of(person.pk)},
    )

    def save(data):
        period = care.care_start(
            person_id=person.pk,
            starts_on=data["starts_on"],
            legal_status=data["legal_status"],
            placement=form.placement(),
            form_token=data["form_token"],
            acting_user=request.user,
            now=at,
            request=request,
        )
        return census_warnings.after_care_start(period)

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        success="Period of care started.",
        title="Start a period of care",
    )


@access_rule("person", roles=ROLES)
def legal_status_change(request, person_id, period_id):
    at = now()
    person = open_child(request, person_id, at=at, page="change legal status")
    period = selectors.period_of(person, period_id)
    form = bound_form(request, forms.LegalStatusForm, {})
    current = period.legal_statuses.filter(ends_on__isnull=True).last()

    def save(data):
        row = care.legal_status_change(
            person_id=person.pk,
            period_id=period.pk,
            status=data["status"],
            starts_on=data["starts_on"],
            acting_user=request.user,
            now=at,
            request=request,
        )
        return census_warnings.after_legal_status_change(row)

    rows = [
        (
            "Current legal status",
            f"{reference.LEGAL_STATUSES[current.status]} since {day_text(current.starts_on)}"
            if current
            else "None",
        )
    ]
    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        rows=rows,
        success="Legal status changed.",
        title="Change the legal status",
    )


@access_rule("person", roles=ROLES)
def placement_move(request, person_id, period_id):
    at = now()
    person = open_child(request, person_id, at=at, page="move placement")
    period = selectors.period_of(person, period_id)
    current = selectors.current_placement(period)
    form = bound_form(
        request,
        forms.PlacementMoveForm,
        {
            "form_token": new_form_token(),
            "version": current.version if current else None,
            "home_postcode": current.home_postcode
            if current
            else placements.home_postcode_of(person.pk),
        },
        first=current is None,
    )

    def save(data):
        row = placements.placement_move(
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
        return census_warnings.after_placement(row)

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        rows=_placement_rows(current),
        success="Placement recorded." if current is None else "Placement move recorded.",
        title="Record a placement" if current is None else "Move to a new placement",
    )


@access_rule("person", roles=ROLES)
def placement_edit(request, person_id, placement_id):
    at = now()
    person = open_child(request, person_id, at=at, page="correct placement")
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
    form = bound_form(request, forms.PlacementEditForm, initial | {"version": placement.version})

    def save(data):
        row = placements.placement_edit(
            person_id=person.pk,
            placement_id=placement.pk,
            version=data["version"],
            placement=form.placement(),
            acting_user=request.user,
            now=at,
            request=request,
        )
        return census_warnings.after_placement(row)

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        rows=[("Began", day_text(placement.starts_on))],
        success="Placement details saved.",
        title="Correct the placement",
    )


@access_rule("person", roles=ROLES)
def review_add(request, person_id, period_id):
    at = now()
    person = open_child(request, person_id, at=at, page="record a care review")
    period = selectors.period_of(person, period_id)
    form = bound_form(request, forms.CareReviewForm, {"form_token": new_form_token()})

    def save(data):
        care_events.review_record(
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
        ("Care began", day_text(period.starts_on)),
        ("Review due by", day_text(care_events.review_due_on(period))),
    ]
    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        rows=rows,
        success="Review recorded.",
        title="Record a review of the care plan",
    )


@access_rule("person", roles=ROLES)
def care_end(request, person_id, period_id):
    at = now()
    person = open_child(request, person_id, at=at, page="end a period of care")
    period = selectors.period_of(person, period_id)
    form = bound_form(request, forms.CareEndForm, {"version": period.version})

    def save(data):
        ended = care.care_end(
            person_id=person.pk,
            period_id=period.pk,
            version=data["version"],
            ends_on=data["ends_on"],
            end_reason=data["end_reason"],
            acting_user=request.user,
            now=at,
            request=request,
        )
        return census_warnings.after_care_end(ended)

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        rows=[
            ("Care began", day_text(period.starts_on)),
            *_placement_rows(selectors.current_placement(period)),
        ],
        intro="The current placement and legal status end the same day.",
        success="Period of care ended.",
        title="Leaving care",
    )


@access_rule("person", roles=ROLES)
def missing_add(request, person_id):
    at = now()
    person = open_child(request, person_id, at=at, page="record missing episode")
    form = bound_form(request, forms.MissingForm, {"form_token": new_form_token()})

    def save(data):
        ended = (
            datetime.combine(data["ended_on"], data["ended_time"], tzinfo=LONDON)
            if data.get("ended_on") and data.get("ended_time")
            else None
        )
        care_events.missing_record(
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

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        success="Missing episode recorded.",
        title="Record a missing or away episode",
    )


@access_rule("person", roles=ROLES)
def health_check_add(request, person_id):
    at = now()
    person = open_child(request, person_id, at=at, page="record health check")
    form = bound_form(request, forms.HealthCheckForm, {"form_token": new_form_token()})

    def save(data):
        care_events.health_check_record(
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

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        success="Health check recorded.",
        title="Record a health check",
    )


@access_rule("person", roles=ROLES)
def unaccompanied(request, person_id):
    at = now()
    person = open_child(request, person_id, at=at, page="unaccompanied child")
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
    form = bound_form(request, forms.UnaccompaniedForm, initial)

    def save(data):
        care_events.unaccompanied_record(
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

    return form_page(
        request,
        person,
        form,
        template=CARE_FORM,
        save=save,
        success="Unaccompanied asylum-seeking child details saved.",
        title="Unaccompanied asylum-seeking child",
    )
