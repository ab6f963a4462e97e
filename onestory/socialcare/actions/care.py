"""Periods of care: a child comes into care with a legal status and a first placement, the
legal status changes, and care ends.

Every change is one transaction with its audit row and a line in the child's chronology.
A child comes into care under a child in need episode: the front door's open referral.
"""

from datetime import date, datetime

from django.db import transaction

from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.core.rules import day_words
from onestory.people.models import Person

from .. import reference
from ..models import CarePeriod, LegalStatus
from .care_common import (
    ALREADY_IN_CARE,
    NO_REFERRAL,
    locked_open_period,
    open_period,
    open_referral,
)
from .common import (
    audit_change,
    bump,
    chronology,
    locked,
    refuse_future,
    require_working_role,
)
from .placements import new_placement, placement_problems, placement_summary

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
        **placement_problems(
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
        first = new_placement(
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
            f"Placed: {placement_summary(first)}.",
            acting_user=acting_user,
            now=now,
            obj=period,
        )
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
        period = locked_open_period(period_id, person_id)
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
