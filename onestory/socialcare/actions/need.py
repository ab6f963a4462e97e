"""Child in need plans (section 17): what needs to change, reviews on the council's local
standard, and the plan's end."""

from datetime import date, datetime

from django.db import transaction

from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused
from onestory.core.idempotency import once_per_form
from onestory.core.rules import day_words
from onestory.frontdoor.models import Referral

from .. import rules
from ..models import ChildInNeedPlan, ChildInNeedReview, LocalStandard
from ..selectors import local_standard
from .closure import NOT_THIS_CHILD
from .common import (
    audit_change,
    bump,
    chronology,
    locked,
    refuse_future,
    require_working_role,
)
from .visits import occurred_at

ONE_PLAN = "The child already has an open child in need plan."
PLAN_ENDED = "This plan has ended: it changes no more."
REFERRAL_CLOSED = "This referral is closed: nothing new can start under it."


def _next_review(plan: ChildInNeedPlan, held: list[date], today: date) -> date:
    return rules.cin_review_due_on(
        plan_started_on=plan.starts_on,
        reviews_held=held,
        months=local_standard(LocalStandard.Key.CIN_REVIEW_MONTHS, today),
    )


@once_per_form(ChildInNeedPlan)
def cin_plan_start(
    *,
    person_id,
    referral_id,
    starts_on: date,
    what_needs_to_change: str,
    acting_user,
    now: datetime,
    request=None,
) -> ChildInNeedPlan:
    """Start a child in need plan under the child's open referral."""
    require_working_role(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        referral = locked(Referral, referral_id, what="referral")
        if referral.person_id != person_id:
            raise DetailsRefused({None: NOT_THIS_CHILD})
        if referral.closed_on is not None:
            raise DetailsRefused({None: REFERRAL_CLOSED})
        if ChildInNeedPlan.objects.filter(person_id=person_id, ends_on__isnull=True).exists():
            raise DetailsRefused({None: ONE_PLAN})
        problems = refuse_future(starts_on, today, "starts_on", "The plan's start date")
        if starts_on < referral.referral_date:
            problems["starts_on"] = (
                f"The plan cannot start before the referral ({day_words(referral.referral_date)})."
            )
        if not what_needs_to_change.strip():
            problems["what_needs_to_change"] = "Enter what needs to change for the child."
        if problems:
            raise DetailsRefused(problems)
        plan = ChildInNeedPlan(
            referral=referral,
            person_id=person_id,
            starts_on=starts_on,
            what_needs_to_change=what_needs_to_change,
        )
        plan.next_review_on = _next_review(plan, [], today)
        plan.save()
        audit_change(
            plan, "create", person_id=person_id, acting_user=acting_user, now=now, request=request
        )
        chronology(
            [person_id],
            f"Child in need plan started (first review by {day_words(plan.next_review_on)}).",
            acting_user=acting_user,
            now=now,
            obj=plan,
        )
    return plan


def _open_plan(plan_id, person_id, version=None) -> ChildInNeedPlan:
    plan = locked(ChildInNeedPlan, plan_id, version=version, what="child in need plan")
    if plan.person_id != person_id:
        raise DetailsRefused({None: NOT_THIS_CHILD})
    if plan.ends_on is not None:
        raise DetailsRefused({None: PLAN_ENDED})
    return plan


def cin_plan_edit(
    *,
    person_id,
    plan_id,
    version: int,
    what_needs_to_change: str,
    acting_user,
    now: datetime,
    request=None,
) -> ChildInNeedPlan:
    """Change what the plan says needs to change (refused if someone saved it meanwhile)."""
    require_working_role(acting_user)
    with transaction.atomic():
        plan = _open_plan(plan_id, person_id, version)
        if not what_needs_to_change.strip():
            raise DetailsRefused(
                {"what_needs_to_change": "Enter what needs to change for the child."}
            )
        plan.what_needs_to_change = what_needs_to_change
        bump(plan, "what_needs_to_change")
        audit_change(
            plan,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["what_needs_to_change"]},
        )
        chronology(
            [person_id], "Child in need plan updated.", acting_user=acting_user, now=now, obj=plan
        )
    return plan


@once_per_form(ChildInNeedReview)
def cin_review_add(
    *, person_id, plan_id, held_on: date, summary: str, acting_user, now: datetime, request=None
) -> ChildInNeedReview:
    """Record a review of the plan; the next review falls due by the local standard."""
    require_working_role(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        plan = _open_plan(plan_id, person_id)
        problems = refuse_future(held_on, today, "held_on", "The review date")
        if held_on < plan.starts_on:
            problems["held_on"] = (
                f"The review cannot be before the plan started ({day_words(plan.starts_on)})."
            )
        if not summary.strip():
            problems["summary"] = "Enter what the review found and decided."
        if problems:
            raise DetailsRefused(problems)
        review = ChildInNeedReview.objects.create(
            plan=plan, held_on=held_on, summary=summary, recorded_by=acting_user
        )
        held = list(plan.reviews.values_list("held_on", flat=True))
        plan.next_review_on = _next_review(plan, held, today)
        bump(plan, "next_review_on")
        audit_change(
            review, "create", person_id=person_id, acting_user=acting_user, now=now, request=request
        )
        chronology(
            [person_id],
            f"Child in need plan reviewed (next review by {day_words(plan.next_review_on)}).",
            acting_user=acting_user,
            now=now,
            obj=review,
            occurred_at=occurred_at(held_on, now),
        )
    return review


def cin_plan_end(
    *,
    person_id,
    plan_id,
    version: int,
    ends_on: date,
    end_reason: str,
    acting_user,
    now: datetime,
    request=None,
) -> ChildInNeedPlan:
    """End the plan on `ends_on`, saying why."""
    require_working_role(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        plan = _open_plan(plan_id, person_id, version)
        problems = refuse_future(ends_on, today, "ends_on", "The end date")
        if ends_on < plan.starts_on:
            problems["ends_on"] = (
                f"The plan cannot end before it started ({day_words(plan.starts_on)})."
            )
        if not end_reason.strip():
            problems["end_reason"] = "Say why the plan is ending."
        if problems:
            raise DetailsRefused(problems)
        plan.ends_on = ends_on
        plan.end_reason = end_reason
        plan.next_review_on = None
        bump(plan, "ends_on", "end_reason", "next_review_on")
        audit_change(
            plan,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["ends_on", "end_reason"]},
        )
        chronology(
            [person_id], "Child in need plan ended.", acting_user=acting_user, now=now, obj=plan
        )
    return plan
