"""Test data for assessments, children in need and child protection: rows made the way the
actions make them, so tests start at the step they are about."""

from datetime import date

from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .. import rules
from ..actions.common import holidays_around
from ..models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    Section47Enquiry,
    StrategyDiscussion,
    StrategyParticipant,
)
from .factories import referred_child


def team_pair():
    """(social worker, their team manager)."""
    worker = worker_with_role(Role.SOCIAL_WORKER)
    manager = worker_with_role(Role.TEAM_MANAGER, team=worker.team)
    return worker, manager


def assessment(child, referral, worker, *, started_on: date | None = None, **fields):
    return Assessment.objects.create(
        referral=referral,
        person=child,
        worker=worker,
        started_on=started_on or referral.referral_date,
        due_on=referral.assessment_due_on,
        **fields,
    )


def cin_plan(child, referral, *, starts_on: date, **fields):
    return ChildInNeedPlan.objects.create(
        referral=referral,
        person=child,
        starts_on=starts_on,
        what_needs_to_change="Regular school attendance; a safe, warm home.",
        next_review_on=rules.cin_review_due_on(
            plan_started_on=starts_on, reviews_held=[], months=rules.LOCAL_CIN_REVIEW_MONTHS
        ),
        **fields,
    )


def strategy_discussion(child, referral, worker, *, held_on: date, outcome="section_47"):
    discussion = StrategyDiscussion.objects.create(
        referral=referral,
        person=child,
        held_on=held_on,
        summary="Bruising seen at school; police and social care agreed to enquire.",
        outcome=outcome,
        recorded_by=worker,
    )
    for kind in (StrategyParticipant.AgencyKind.SOCIAL_CARE, StrategyParticipant.AgencyKind.POLICE):
        StrategyParticipant.objects.create(discussion=discussion, agency_kind=kind)
    return discussion


def enquiry(discussion, worker, *, starts_on: date | None = None, **fields):
    held = discussion.held_on
    return Section47Enquiry.objects.create(
        referral=discussion.referral,
        person=discussion.person,
        strategy_discussion=discussion,
        worker=worker,
        starts_on=starts_on or held,
        conference_due_on=rules.initial_conference_due_on(held, holidays_around(held)),
        **fields,
    )


def cp_plan(child, referral, worker, *, starts_on: date, category="NEG", **fields):
    plan = ChildProtectionPlan.objects.create(
        referral=referral,
        person=child,
        starts_on=starts_on,
        initial_category=category,
        latest_category=category,
        next_review_on=rules.cp_review_due_on(initial_conference_on=starts_on, reviews_held=[]),
        **fields,
    )
    ChildProtectionConference.objects.create(
        referral=referral,
        person=child,
        kind=ChildProtectionConference.Kind.INITIAL,
        plan=plan,
        due_on=starts_on,
        held_on=starts_on,
        decision=ChildProtectionConference.Decision.PLAN,
        category=category,
        recorded_by=worker,
    )
    return plan


__all__ = ["referred_child"]
