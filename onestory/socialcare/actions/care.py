"""Children in care: periods of care with their legal statuses and placements, reviews,
missing episodes, health checks, unaccompanied children, and leaving care.

Every change is one transaction with its audit row and a line in the child's chronology.
A child comes into care under a child in need episode: the front door's open referral.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.frontdoor.models import Referral
from onestory.people.models import Address, Person
from onestory.people.rules import normalise_postcode

from .. import geography, reference, rules
from ..models import (
    CarePeriod,
    CareReview,
    HealthCheck,
    LegalStatus,
    MissingEpisode,
    Placement,
    UnaccompaniedChild,
)
from .common import (
    audit_change,
    bump,
    chronology,
    holidays_around,
    locked,
    refuse_future,
    require_working_role,
)

NO_REFERRAL = (
    "There is no open referral for this child. Record the referral at the front door first: "
    "a child comes into care under a child in need episode."
)
ALREADY_IN_CARE = "This child is already in care. End the current period of care first."
NOT_IN_CARE = "This child is not in care now."
POSTCODE_FORMAT = "Enter a real postcode, like LU1 1AA."
SDQ_RANGE = range(0, 41)  # The strengths and difficulties questionnaire's total runs 0 to 40.


def day_words(value: date) -> str:
    return f"{value:%-d %B %Y}"


def open_referral(person_id) -> Referral | None:
    """The child's latest open child in need episode (front-door referral)."""
    return (
        Referral.objects.filter(person_id=person_id, closed_on__isnull=True)
        .order_by("-referral_date", "-created_at")
        .first()
    )


def open_period(person_id) -> CarePeriod | None:
    return CarePeriod.objects.filter(person_id=person_id, ends_on__isnull=True).first()


def home_postcode_of(person_id) -> str:
    """The postcode of the child's current address ("" when none is recorded)."""
    address = (
        Address.objects.filter(person_id=person_id, valid_to__isnull=True)
        .order_by("-valid_from")
        .first()
    )
    return address.postcode if address else ""


def _postcode_problem(value: str, what: str) -> tuple[geography.Place | None, str | None]:
    """(place, None) for a postcode the directory knows; (None, message) otherwise."""
    if not value:
        return None, None
    normal = normalise_postcode(value)
    if normal is None:
        return None, f"The {what} “{value}” is not in the right format. {POSTCODE_FORMAT}"
    place = geography.look_up(normal)
    if place is None:
        return None, (
            f"{normal} is not a real postcode in the postcode directory. Check the {what} "
            "against the address and enter it again."
        )
    return place, None


def placement_geography(*, home_postcode: str, placement_postcode: str) -> dict:
    """The placement's distance and area fields, or DetailsRefused naming the postcode wrong."""
    home, home_problem = _postcode_problem(home_postcode, "home postcode")
    placed, placed_problem = _postcode_problem(placement_postcode, "placement postcode")
    problems = {}
    if home_problem:
        problems["home_postcode"] = home_problem
    if placed_problem:
        problems["placement_postcode"] = placed_problem
    if problems:
        raise DetailsRefused(problems)
    fields = {
        "home_postcode": home.postcode if home else "",
        "placement_postcode": placed.postcode if placed else "",
        "distance_miles": None,
        "placement_area_code": placed.area_code if placed else "",
        "inside_area": None,
        "outside_england": bool(placed and not placed.in_england),
    }
    if placed and placed.in_england:
        fields["inside_area"] = placed.area_code == geography.council_area_code()
    if home and placed and home.grid and placed.grid:
        miles = rules.placement_distance_miles(home.grid, placed.grid)
        fields["distance_miles"] = Decimal(str(miles))
    return fields


def _placement_problems(*, place: str, provider: str) -> dict:
    problems = {}
    if place not in reference.PLACEMENT_TYPES:
        problems["place"] = "Choose the kind of placement."
    elif place in reference.PLACEMENTS_WITHOUT_PROVIDER:
        if provider:
            problems["provider"] = (
                "This kind of placement has no provider in the returns: leave the provider empty."
            )
    elif provider not in reference.PLACEMENT_PROVIDERS:
        problems["provider"] = "Choose who provides the placement."
    return problems


def _placement_summary(placement: Placement) -> str:
    where = reference.PLACEMENT_TYPES[placement.place]
    if placement.outside_england:
        where += ", outside England"
    elif placement.inside_area is not None:
        where += ", inside the council's area" if placement.inside_area else ", outside the area"
    if placement.distance_miles is not None:
        where += f", {placement.distance_miles} miles from home"
    return where


def _new_placement(*, period, person_id, starts_on, details: dict) -> Placement:
    geography_fields = placement_geography(
        home_postcode=details.get("home_postcode", ""),
        placement_postcode=details.get("placement_postcode", ""),
    )
    placement = Placement(
        period=period,
        person_id=person_id,
        place=details["place"],
        provider=details.get("provider", ""),
        carer=details.get("carer", ""),
        urn=details.get("urn", ""),
        starts_on=starts_on,
        long_term=bool(details.get("long_term")),
        **geography_fields,
    )
    full_clean_or_refuse(placement)
    placement.save()
    return placement


PLACEMENT_KEYS = (
    "place",
    "provider",
    "carer",
    "urn",
    "long_term",
    "home_postcode",
    "placement_postcode",
)


# --- Coming into care ------------------------------------------------------------------------


@once_per_form(CarePeriod)
def care_start(
    *,
    person_id,
    starts_on: date,
    legal_status: str,
    placement: dict,
    category_of_need: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> CarePeriod:
    """Start a period of care with its first legal status and first placement (`placement`
    holds place, provider, carer, urn, long_term, home_postcode, placement_postcode)."""
    require_working_role(acting_user)
    today = today_in_london(now)
    problems = {
        **refuse_future(starts_on, today, "starts_on", "The day care began"),
        **_placement_problems(
            place=placement.get("place", ""), provider=placement.get("provider", "")
        ),
    }
    if legal_status not in reference.LEGAL_STATUSES:
        problems["legal_status"] = "Choose the legal status the child came into care under."
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        child = Person.objects.select_for_update().get(pk=person_id)
        if open_period(child.pk) is not None:
            raise DomainError(ALREADY_IN_CARE)
        referral = open_referral(child.pk)
        if referral is None:
            raise DomainError(NO_REFERRAL)
        latest = CarePeriod.objects.filter(person=child).order_by("-starts_on").first()
        if latest and latest.ends_on and starts_on < latest.ends_on:
            raise DetailsRefused(
                {
                    "starts_on": "A new period of care cannot start before the last one ended "
                    f"({day_words(latest.ends_on)})."
                }
            )
        period = CarePeriod(
            person=child,
            referral=referral,
            starts_on=starts_on,
            category_of_need=category_of_need or referral.primary_need,
        )
        full_clean_or_refuse(period)
        period.save()
        LegalStatus.objects.create(period=period, status=legal_status, starts_on=starts_on)
        first = _new_placement(
            period=period, person_id=child.pk, starts_on=starts_on, details=placement
        )
        audit_change(
            period,
            "create",
            person_id=child.pk,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["legal_status", "placement"]},
        )
        chronology(
            [child.pk],
            f"Came into care ({legal_status}: {reference.LEGAL_STATUSES[legal_status]}). "
            f"Placed: {_placement_summary(first)}.",
            acting_user=acting_user,
            now=now,
            obj=period,
        )
    return period


def _locked_open_period(period_id, person_id) -> CarePeriod:
    period = locked(CarePeriod, period_id, what="period of care")
    if period.person_id != person_id:
        raise CarePeriod.DoesNotExist
    if period.ends_on is not None:
        raise DomainError(f"This period of care ended on {day_words(period.ends_on)}.")
    return period


def legal_status_change(
    *,
    person_id,
    period_id,
    status: str,
    starts_on: date,
    acting_user,
    now: datetime,
    request=None,
) -> LegalStatus:
    """A new legal status from `starts_on`; the current one ends that day."""
    require_working_role(acting_user)
    problems = refuse_future(starts_on, today_in_london(now), "starts_on", "The new legal status")
    if status not in reference.LEGAL_STATUSES:
        problems["status"] = "Choose the new legal status."
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        period = _locked_open_period(period_id, person_id)
        current = period.legal_statuses.filter(ends_on__isnull=True).order_by("-starts_on").first()
        begun = current.starts_on if current else period.starts_on
        if starts_on <= begun:
            raise DetailsRefused(
                {
                    "starts_on": "The new legal status must start after the "
                    f"current one began ({day_words(begun)})."
                }
            )
        if current and current.status == status:
            raise DetailsRefused({"status": "This is already the child's legal status."})
        if current:
            current.ends_on = starts_on
            bump(current, "ends_on")
        row = LegalStatus.objects.create(period=period, status=status, starts_on=starts_on)
        audit_change(
            row,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["status", "starts_on"]},
        )
        chronology(
            [person_id],
            f"Legal status changed to {status}: {reference.LEGAL_STATUSES[status]}.",
            acting_user=acting_user,
            now=now,
            obj=row,
        )
    return row


@once_per_form(Placement)
def placement_move(
    *,
    person_id,
    period_id,
    version: int | None,
    starts_on: date,
    change_reason: str,
    placement: dict,
    acting_user,
    now: datetime,
    request=None,
) -> Placement:
    """Move the child: the current placement ends on `starts_on` with the reason for the
    change, and the new one starts that day. `version` is the current placement's, as read."""
    require_working_role(acting_user)
    problems = {
        **refuse_future(starts_on, today_in_london(now), "starts_on", "The move"),
        **_placement_problems(
            place=placement.get("place", ""), provider=placement.get("provider", "")
        ),
    }
    with transaction.atomic():
        period = _locked_open_period(period_id, person_id)
        current = period.placements.filter(ends_on__isnull=True).order_by("-starts_on").first()
        if current is not None:
            current = locked(Placement, current.pk, version=version, what="placement")
            if change_reason not in reference.PLACEMENT_CHANGE_REASONS:
                problems["change_reason"] = "Choose the reason the placement changed."
            if starts_on < current.starts_on:
                problems["starts_on"] = (
                    "The move cannot be before the current placement "
                    f"began ({day_words(current.starts_on)})."
                )
        elif starts_on < period.starts_on:
            problems["starts_on"] = (
                f"The placement cannot start before care began ({day_words(period.starts_on)})."
            )
        if problems:
            raise DetailsRefused(problems)
        if current is not None:
            current.ends_on = starts_on
            current.change_reason = change_reason
            bump(current, "ends_on", "change_reason")
        new = _new_placement(
            period=period, person_id=person_id, starts_on=starts_on, details=placement
        )
        audit_change(
            new,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": [*PLACEMENT_KEYS, "change_reason"]},
        )
        reason = f" ({reference.PLACEMENT_CHANGE_REASONS[change_reason]})" if current else ""
        chronology(
            [person_id],
            f"Placement changed{reason}. Placed: {_placement_summary(new)}.",
            acting_user=acting_user,
            now=now,
            obj=new,
        )
    return new


def placement_edit(
    *,
    person_id,
    placement_id,
    version: int,
    placement: dict,
    acting_user,
    now: datetime,
    request=None,
) -> Placement:
    """Correct a placement's details (kind, provider, carer, URN, postcodes, long-term)."""
    require_working_role(acting_user)
    problems = _placement_problems(
        place=placement.get("place", ""), provider=placement.get("provider", "")
    )
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        row = locked(Placement, placement_id, version=version, what="placement")
        if row.person_id != person_id:
            raise Placement.DoesNotExist
        fields = placement_geography(
            home_postcode=placement.get("home_postcode", ""),
            placement_postcode=placement.get("placement_postcode", ""),
        )
        fields.update({k: placement.get(k, "") for k in ("place", "provider", "carer", "urn")})
        fields["long_term"] = bool(placement.get("long_term"))
        changed = [k for k, v in fields.items() if getattr(row, k) != v]
        for key, value in fields.items():
            setattr(row, key, value)
        full_clean_or_refuse(row)
        bump(row, *fields)
        audit_change(
            row,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": changed},
        )
        chronology(
            [person_id],
            f"Placement details corrected: {_placement_summary(row)}.",
            acting_user=acting_user,
            now=now,
            obj=row,
        )
    return row


# --- Reviews, missing episodes, health -------------------------------------------------------


def review_due_on(period: CarePeriod) -> date:
    return rules.cla_review_due_on(
        care_started_on=period.starts_on,
        reviews_held=[r.held_on for r in period.reviews.all()],
        holidays=holidays_around(period.starts_on),
    )


@once_per_form(CareReview)
def review_record(
    *,
    person_id,
    period_id,
    held_on: date,
    participation: str,
    chair: str = "",
    summary: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> CareReview:
    """A review of the child's care plan, with the date it was due and how the child took
    part."""
    require_working_role(acting_user)
    problems = refuse_future(held_on, today_in_london(now), "held_on", "The review")
    if participation not in reference.REVIEW_PARTICIPATION:
        problems["participation"] = "Choose how the child took part in the review."
    with transaction.atomic():
        period = locked(CarePeriod, period_id, what="period of care")
        if period.person_id != person_id:
            raise CarePeriod.DoesNotExist
        problems.update(
            rules.order_problems(
                [
                    (
                        "held_on",
                        period.starts_on,
                        held_on,
                        f"The review cannot be before care began ({day_words(period.starts_on)}).",
                    ),
                    (
                        "held_on",
                        held_on,
                        period.ends_on,
                        f"The review cannot be after care ended ({day_words(period.ends_on)})."
                        if period.ends_on
                        else "",
                    ),
                ]
            )
        )
        if problems:
            raise DetailsRefused(problems)
        review = CareReview(
            period=period,
            person_id=person_id,
            due_on=review_due_on(period),
            held_on=held_on,
            participation=participation,
            chair=chair,
            summary=summary,
            recorded_by=acting_user,
        )
        full_clean_or_refuse(review)
        review.save()
        audit_change(
            review,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["held_on", "participation", "chair", "summary"]},
        )
        late = " (late)" if held_on > review.due_on else ""
        chronology(
            [person_id],
            f"Review of the care plan held{late}. {reference.REVIEW_PARTICIPATION[participation]}.",
            acting_user=acting_user,
            now=now,
            obj=review,
        )
    return review


@once_per_form(MissingEpisode)
def missing_record(
    *,
    person_id,
    kind: str,
    started_at: datetime,
    ended_at: datetime | None,
    return_interview_offered: bool | None,
    return_interview_accepted: bool | None,
    return_interview_on: date | None,
    notes: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> MissingEpisode:
    """A time the child was missing or away without authorisation, and the return interview."""
    require_working_role(acting_user)
    problems = {}
    if kind not in reference.MISSING_KINDS:
        problems["kind"] = "Choose whether the child was missing or away without authorisation."
    if started_at > now:
        problems["started_at"] = "When the child went missing cannot be in the future."
    if ended_at is not None and ended_at > now:
        problems["ended_at"] = "When the child came back cannot be in the future."
    elif ended_at is not None and ended_at < started_at:
        problems["ended_at"] = "The child cannot have come back before they went missing."
    problems.update(
        refuse_future(
            return_interview_on, today_in_london(now), "return_interview_on", "The return interview"
        )
    )
    if return_interview_on and ended_at and return_interview_on < today_in_london(ended_at):
        problems["return_interview_on"] = (
            "The return interview cannot be before the child came back."
        )
    if return_interview_on and not return_interview_offered:
        problems["return_interview_offered"] = (
            "A return interview was held, so it was offered: answer yes."
        )
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        period = open_period(person_id)
        row = MissingEpisode(
            person_id=person_id,
            period=period,
            kind=kind,
            started_at=started_at,
            ended_at=ended_at,
            return_interview_offered=return_interview_offered,
            return_interview_accepted=return_interview_accepted,
            return_interview_on=return_interview_on,
            notes=notes,
            recorded_by=acting_user,
        )
        full_clean_or_refuse(row)
        row.save()
        audit_change(
            row,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["kind", "started_at", "ended_at", "return_interview"]},
        )
        chronology(
            [person_id],
            f"{reference.MISSING_KINDS[kind]}"
            + (" and came back." if ended_at else ": not back yet."),
            acting_user=acting_user,
            now=now,
            obj=row,
            occurred_at=started_at,
        )
    return row


@once_per_form(HealthCheck)
def health_check_record(
    *,
    person_id,
    kind: str,
    done_on: date,
    score: int | None = None,
    notes: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> HealthCheck:
    """A health assessment, dental check or strengths and difficulties questionnaire."""
    require_working_role(acting_user)
    problems = refuse_future(done_on, today_in_london(now), "done_on", "The check")
    if kind not in HealthCheck.Kind.values:
        problems["kind"] = "Choose the kind of check."
    elif kind == HealthCheck.Kind.STRENGTHS:
        if score is None or score not in SDQ_RANGE:
            problems["score"] = "Enter the questionnaire's total score, a number from 0 to 40."
    elif score is not None:
        problems["score"] = "Only the strengths and difficulties questionnaire has a score."
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        row = HealthCheck(
            person_id=person_id,
            kind=kind,
            done_on=done_on,
            score=score,
            notes=notes,
            recorded_by=acting_user,
        )
        full_clean_or_refuse(row)
        row.save()
        audit_change(
            row,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["kind", "done_on", "score"]},
        )
        chronology(
            [person_id],
            f"{HealthCheck.Kind(kind).label} recorded.",
            acting_user=acting_user,
            now=now,
            obj=row,
        )
    return row


def unaccompanied_record(
    *,
    person_id,
    version: int | None,
    arrived_on: date | None,
    became_looked_after_on: date | None,
    national_transfer_scheme: bool,
    age_assessed: bool,
    status_ceased_on: date | None = None,
    ceased_reason: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> UnaccompaniedChild:
    """Record (or correct) that the child is an unaccompanied asylum-seeking child, with the
    dates the returns need. The person's own flag follows: it is the same fact."""
    require_working_role(acting_user)
    today = today_in_london(now)
    problems = {
        **refuse_future(arrived_on, today, "arrived_on", "The day the child arrived"),
        **refuse_future(
            became_looked_after_on,
            today,
            "became_looked_after_on",
            "The day the child became looked after",
        ),
        **refuse_future(
            status_ceased_on,
            today,
            "status_ceased_on",
            "The day the child stopped being an unaccompanied asylum seeker",
        ),
        **rules.order_problems(
            [
                (
                    "became_looked_after_on",
                    arrived_on,
                    became_looked_after_on,
                    "The child cannot have become looked after before they arrived.",
                ),
                (
                    "status_ceased_on",
                    arrived_on,
                    status_ceased_on,
                    "The status cannot have ended before the child arrived.",
                ),
            ]
        ),
    }
    if arrived_on is None:
        problems["arrived_on"] = "Enter the day the child arrived in the UK."
    if status_ceased_on and not ceased_reason.strip():
        problems["ceased_reason"] = "Say why the child is no longer an unaccompanied asylum seeker."
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        child = Person.objects.select_for_update().get(pk=person_id)
        existing = UnaccompaniedChild.objects.filter(person=child).first()
        if existing is None:
            row = UnaccompaniedChild(person=child)
        else:
            row = locked(
                UnaccompaniedChild, existing.pk, version=version, what="unaccompanied child record"
            )
        fields = {
            "arrived_on": arrived_on,
            "became_looked_after_on": became_looked_after_on,
            "national_transfer_scheme": national_transfer_scheme,
            "age_assessed": age_assessed,
            "status_ceased_on": status_ceased_on,
            "ceased_reason": ceased_reason,
        }
        for key, value in fields.items():
            setattr(row, key, value)
        full_clean_or_refuse(row)
        if existing is None:
            row.save()
        else:
            bump(row, *fields)
        flag = status_ceased_on is None
        if child.unaccompanied_asylum_seeking != flag:
            child.unaccompanied_asylum_seeking = flag
            child.save(update_fields=["unaccompanied_asylum_seeking", "updated_at"])
        audit_change(
            row,
            "update",
            person_id=child.pk,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": list(fields)},
        )
        chronology(
            [child.pk],
            "Recorded as an unaccompanied asylum-seeking child."
            if flag
            else "No longer an unaccompanied asylum-seeking child.",
            acting_user=acting_user,
            now=now,
            obj=row,
        )
    return row


# --- Leaving care ----------------------------------------------------------------------------


def care_end(
    *,
    person_id,
    period_id,
    version: int,
    ends_on: date,
    end_reason: str,
    acting_user,
    now: datetime,
    request=None,
) -> CarePeriod:
    """End the period of care with its reason; the open placement and legal status end the
    same day."""
    require_working_role(acting_user)
    problems = refuse_future(ends_on, today_in_london(now), "ends_on", "The day care ended")
    if end_reason not in reference.CARE_END_REASONS:
        problems["end_reason"] = "Choose why care ended."
    with transaction.atomic():
        period = locked(CarePeriod, period_id, version=version, what="period of care")
        if period.person_id != person_id:
            raise CarePeriod.DoesNotExist
        if period.ends_on is not None:
            raise DomainError(f"This period of care already ended on {day_words(period.ends_on)}.")
        latest_start = max(
            [period.starts_on]
            + [p.starts_on for p in period.placements.filter(ends_on__isnull=True)]
            + [s.starts_on for s in period.legal_statuses.filter(ends_on__isnull=True)]
        )
        if ends_on < period.starts_on:
            problems["ends_on"] = (
                f"Care cannot end before it began ({day_words(period.starts_on)})."
            )
        elif ends_on < latest_start:
            problems["ends_on"] = (
                "Care cannot end before the current placement or legal "
                f"status began ({day_words(latest_start)})."
            )
        if problems:
            raise DetailsRefused(problems)
        period.ends_on = ends_on
        period.end_reason = end_reason
        bump(period, "ends_on", "end_reason")
        for row in period.placements.filter(ends_on__isnull=True):
            row.ends_on = ends_on
            bump(row, "ends_on")
        for row in period.legal_statuses.filter(ends_on__isnull=True):
            row.ends_on = ends_on
            bump(row, "ends_on")
        audit_change(
            period,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["ends_on", "end_reason"]},
        )
        chronology(
            [person_id],
            f"Left care: {reference.CARE_END_REASONS[end_reason]}.",
            acting_user=acting_user,
            now=now,
            obj=period,
        )
    return period
