"""Closing a child in need episode (the front door's referral) with its census reason.

An episode stays open while the child has an open child protection or child in need plan, an
assessment still in progress, or is in care: closing it then would drop the child from the
children in need census while work goes on.
"""

from datetime import date, datetime

from django.db import transaction

from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused
from onestory.core.rules import day_words
from onestory.frontdoor.models import Referral

from .. import reference
from ..models import Assessment, CarePeriod, ChildInNeedPlan, ChildProtectionPlan
from .common import (
    audit_change,
    bump,
    chronology,
    locked,
    refuse_future,
    require_working_role,
)

OPEN_CP_PLAN = "The child has an open child protection plan: end the plan before closing."
OPEN_CIN_PLAN = "The child has an open child in need plan: end the plan before closing."
IN_CARE = "The child is in care: the episode stays open until care ends."
OPEN_ASSESSMENT = "An assessment is not yet authorised: finish it before closing."
ALREADY_CLOSED = "This referral is already closed."
NOT_THIS_CHILD = "This record belongs to another child."


def closure_blockers(referral: Referral, *, ignore_assessment=None) -> list[str]:
    """What keeps this child in need episode open, in plain words (empty: it may close)."""
    person_id = referral.person_id
    blockers = []
    if ChildProtectionPlan.objects.filter(person_id=person_id, ends_on__isnull=True).exists():
        blockers.append(OPEN_CP_PLAN)
    if ChildInNeedPlan.objects.filter(person_id=person_id, ends_on__isnull=True).exists():
        blockers.append(OPEN_CIN_PLAN)
    if CarePeriod.objects.filter(person_id=person_id, ends_on__isnull=True).exists():
        blockers.append(IN_CARE)
    assessments = Assessment.objects.filter(referral=referral).exclude(
        status=Assessment.Status.AUTHORISED
    )
    if ignore_assessment is not None:
        assessments = assessments.exclude(pk=ignore_assessment.pk)
    if assessments.exists():
        blockers.append(OPEN_ASSESSMENT)
    return blockers


def close_referral_row(
    referral: Referral, *, closed_on: date, reason: str, no_further_action: bool = False
) -> None:
    """Set the closure on a locked referral (used here and by an authorised assessment)."""
    referral.closed_on = closed_on
    referral.closure_reason = reason
    referral.no_further_action = no_further_action
    bump(referral, "closed_on", "closure_reason", "no_further_action")


def referral_close(
    *,
    person_id,
    referral_id,
    version: int,
    closed_on: date,
    closure_reason: str,
    acting_user,
    now: datetime,
    request=None,
) -> Referral:
    """Close the child in need episode on `closed_on` for a census reason (RC1 to RC9)."""
    require_working_role(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        referral = locked(Referral, referral_id, version=version, what="referral")
        if referral.person_id != person_id:
            raise DetailsRefused({None: NOT_THIS_CHILD})
        if referral.closed_on is not None:
            raise DetailsRefused({None: ALREADY_CLOSED})
        problems = {}
        if closure_reason not in reference.CIN_CLOSURE_REASONS:
            problems["closure_reason"] = "Choose why the episode is closing."
        if closed_on is None:
            problems["closed_on"] = "Enter the date the episode closed."
        else:
            problems |= refuse_future(closed_on, today, "closed_on", "The closure date")
            if closed_on < referral.referral_date:
                problems["closed_on"] = (
                    "The episode cannot close before the referral "
                    f"({day_words(referral.referral_date)})."
                )
        blockers = closure_blockers(referral)
        if blockers:
            problems[None] = " ".join(blockers)
        if problems:
            raise DetailsRefused(problems)
        # The census's ReferralNFA: an episode closed with nothing done under it (no assessment,
        # no strategy discussion) was a referral that needed no further action.
        nothing_done = not (referral.assessments.exists() or referral.strategy_discussions.exists())
        close_referral_row(
            referral,
            closed_on=closed_on,
            reason=closure_reason,
            no_further_action=nothing_done,
        )
        audit_change(
            referral,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["closed_on", "closure_reason", "no_further_action"]},
        )
        chronology(
            [person_id],
            f"Child in need episode closed: {reference.CIN_CLOSURE_REASONS[closure_reason]}.",
            acting_user=acting_user,
            now=now,
            obj=referral,
        )
    return referral
