"""Strategy discussions, section 47 enquiries, initial and review conferences and child
protection plans, as the social worker records them."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.frontdoor.models import StrategyDiscussion as FrontDoorDiscussion
from onestory.people.models import ChronologyEntry

from ..actions import protection as actions
from ..models import ChildProtectionConference, ChildProtectionPlan, StrategyDiscussion
from .factories_protection import (
    cin_plan,
    cp_plan,
    enquiry,
    referred_child,
    strategy_discussion,
    team_pair,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
REFERRED = date(2026, 5, 1)
SOCIAL_CARE = {"name": "Asha Patel", "role": "Social worker", "agency_kind": "social_care"}
POLICE = {"name": "DC Green", "role": "Detective", "agency_kind": "police"}


@pytest.fixture
def case():
    worker, manager = team_pair()
    child, referral = referred_child(worker, now=NOW, referral_date=REFERRED)
    return worker, child, referral


def _record(worker, child, referral, **changes):
    args = {
        "person_id": child.pk,
        "referral_id": referral.pk,
        "held_on": date(2026, 5, 6),
        "summary": "Agreed to enquire.",
        "outcome": StrategyDiscussion.Outcome.SECTION_47,
        "participants": [SOCIAL_CARE, POLICE],
        "form_token": new_form_token(),
        "acting_user": worker,
        "now": NOW,
    }
    return actions.strategy_record(**(args | changes))


def test_a_strategy_discussion_records_its_participants(case):
    worker, child, referral = case
    discussion = _record(worker, child, referral)
    assert [p.name for p in discussion.participants.order_by("name")] == ["Asha Patel", "DC Green"]
    assert AuditEvent.objects.filter(object_id=str(discussion.pk)).exists()
    assert ChronologyEntry.objects.filter(source_id=str(discussion.pk)).exists()


def test_a_strategy_discussion_without_the_police_is_refused(case):
    worker, child, referral = case
    with pytest.raises(DetailsRefused) as refused:
        _record(worker, child, referral, participants=[SOCIAL_CARE])
    assert refused.value.problems["participants"] == actions.NEEDS_AGENCIES


def test_a_strategy_discussion_cannot_be_in_the_future(case):
    worker, child, referral = case
    with pytest.raises(DetailsRefused, match="cannot be in the future"):
        _record(worker, child, referral, held_on=date(2026, 6, 16))


def test_the_front_door_discussion_is_used_without_typing_it_again(case):
    worker, child, referral = case
    FrontDoorDiscussion.objects.create(
        contact=referral.contact,
        due_at=timezone.now(),
        held_at=datetime(2026, 5, 1, 15, 0, tzinfo=UTC),
        agencies_present=["social_care", "police", "health"],
        summary="Same-day discussion.",
        outcome="section_47",
    )
    discussion = actions.strategy_from_front_door(
        person_id=child.pk, referral_id=referral.pk, acting_user=worker, now=NOW
    )
    assert discussion.held_on == date(2026, 5, 1)
    assert discussion.outcome == "section_47"
    assert sorted(discussion.participants.values_list("agency_kind", flat=True)) == [
        "health",
        "police",
        "social_care",
    ]
    with pytest.raises(DetailsRefused, match="already on this child's record"):
        actions.strategy_from_front_door(
            person_id=child.pk, referral_id=referral.pk, acting_user=worker, now=NOW
        )


def test_section_47_is_due_to_conference_15_working_days_after_the_discussion(case):
    worker, child, referral = case
    discussion = strategy_discussion(child, referral, worker, held_on=date(2026, 5, 6))
    item = actions.section47_start(
        person_id=child.pk,
        discussion_id=discussion.pk,
        starts_on=date(2026, 5, 6),
        acting_user=worker,
        now=NOW,
    )
    # 6 May 2026 + 15 working days, skipping the spring bank holiday on 25 May.
    assert item.conference_due_on == date(2026, 5, 28)


def test_section_47_before_the_discussion_or_without_its_decision_is_refused(case):
    worker, child, referral = case
    discussion = strategy_discussion(child, referral, worker, held_on=date(2026, 5, 6))
    with pytest.raises(DetailsRefused, match="before the strategy discussion"):
        actions.section47_start(
            person_id=child.pk,
            discussion_id=discussion.pk,
            starts_on=date(2026, 5, 5),
            acting_user=worker,
            now=NOW,
        )
    other = strategy_discussion(
        child, referral, worker, held_on=date(2026, 5, 7), outcome="assessment"
    )
    with pytest.raises(DetailsRefused, match="Only a strategy discussion"):
        actions.section47_start(
            person_id=child.pk,
            discussion_id=other.pk,
            starts_on=date(2026, 5, 7),
            acting_user=worker,
            now=NOW,
        )


def test_no_conference_needs_a_reason(case):
    worker, child, referral = case
    item = enquiry(strategy_discussion(child, referral, worker, held_on=date(2026, 5, 6)), worker)
    with pytest.raises(DetailsRefused) as refused:
        actions.section47_complete(
            person_id=child.pk,
            enquiry_id=item.pk,
            version=item.version,
            completed_on=date(2026, 5, 20),
            outcome="not_required",
            acting_user=worker,
            now=NOW,
        )
    assert "not_required_reason" in refused.value.problems


def _conference(worker, child, item, **changes):
    args = {
        "person_id": child.pk,
        "enquiry_id": item.pk,
        "held_on": date(2026, 5, 27),
        "decision": "plan",
        "category": "PHY",
        "chair": "Independent chair",
        "acting_user": worker,
        "now": NOW,
    }
    return actions.conference_initial(**(args | changes))


def test_a_plan_decision_starts_the_child_protection_plan(case):
    worker, child, referral = case
    cp_plan(child, referral, worker, starts_on=date(2025, 1, 10), ends_on=date(2025, 9, 1))
    item = enquiry(
        strategy_discussion(child, referral, worker, held_on=date(2026, 5, 6)),
        worker,
        completed_on=date(2026, 5, 20),
        outcome="conference",
    )
    conference = _conference(worker, child, item)
    plan = conference.plan
    assert plan.starts_on == date(2026, 5, 27)
    assert (plan.initial_category, plan.latest_category) == ("PHY", "PHY")
    assert plan.previous_plans == 1
    assert plan.next_review_on == date(2026, 8, 27)
    assert conference.due_on == item.conference_due_on


def test_a_conference_before_the_strategy_discussion_is_refused_in_plain_words(case):
    worker, child, referral = case
    item = enquiry(
        strategy_discussion(child, referral, worker, held_on=date(2026, 5, 6)),
        worker,
        completed_on=date(2026, 5, 20),
        outcome="conference",
    )
    with pytest.raises(DetailsRefused) as refused:
        _conference(worker, child, item, held_on=date(2026, 5, 5))
    assert refused.value.problems["held_on"] == (
        "The conference cannot be before the strategy discussion (6 May 2026)."
    )
    assert not ChildProtectionPlan.objects.exists()


def test_a_review_continues_the_plan_under_its_latest_category(case):
    worker, child, referral = case
    plan = cp_plan(child, referral, worker, starts_on=date(2026, 3, 2))
    actions.conference_review(
        person_id=child.pk,
        plan_id=plan.pk,
        version=plan.version,
        held_on=date(2026, 6, 1),
        decision="continue",
        category="EMO",
        acting_user=worker,
        now=NOW,
    )
    plan.refresh_from_db()
    assert plan.latest_category == "EMO"
    assert plan.initial_category == "NEG"
    assert plan.next_review_on == date(2026, 12, 1)


def test_a_review_before_the_initial_conference_is_refused(case):
    worker, child, referral = case
    plan = cp_plan(child, referral, worker, starts_on=date(2026, 3, 2))
    with pytest.raises(DetailsRefused, match="cannot be before the initial conference"):
        actions.conference_review(
            person_id=child.pk,
            plan_id=plan.pk,
            version=plan.version,
            held_on=date(2026, 3, 1),
            decision="continue",
            category="NEG",
            acting_user=worker,
            now=NOW,
        )


def test_a_review_that_ends_the_plan_needs_a_reason_and_ends_it(case):
    worker, child, referral = case
    plan = cp_plan(child, referral, worker, starts_on=date(2026, 3, 2))
    kwargs = {
        "person_id": child.pk,
        "plan_id": plan.pk,
        "version": plan.version,
        "held_on": date(2026, 6, 1),
        "decision": "end",
        "acting_user": worker,
        "now": NOW,
    }
    with pytest.raises(DetailsRefused) as refused:
        actions.conference_review(**kwargs)
    assert "end_reason" in refused.value.problems
    actions.conference_review(**kwargs, end_reason="no_longer_at_risk")
    plan.refresh_from_db()
    assert (plan.ends_on, plan.end_reason) == (date(2026, 6, 1), "no_longer_at_risk")
    assert ChildProtectionConference.objects.filter(plan=plan, kind="review").count() == 1


def test_a_second_saver_of_the_same_plan_is_refused(case):
    worker, child, referral = case
    plan = cp_plan(child, referral, worker, starts_on=date(2026, 3, 2))
    version = plan.version
    actions.conference_review(
        person_id=child.pk,
        plan_id=plan.pk,
        version=version,
        held_on=date(2026, 6, 1),
        decision="continue",
        category="NEG",
        acting_user=worker,
        now=NOW,
    )
    with pytest.raises(StaleEdit):
        actions.cp_plan_end(
            person_id=child.pk,
            plan_id=plan.pk,
            version=version,
            ends_on=date(2026, 6, 10),
            end_reason="moved",
            acting_user=worker,
            now=NOW,
        )


def test_a_plan_cannot_end_before_it_started(case):
    worker, child, referral = case
    plan = cp_plan(child, referral, worker, starts_on=date(2026, 3, 2))
    with pytest.raises(DetailsRefused) as refused:
        actions.cp_plan_end(
            person_id=child.pk,
            plan_id=plan.pk,
            version=plan.version,
            ends_on=date(2026, 3, 1),
            end_reason="moved",
            acting_user=worker,
            now=NOW,
        )
    assert (
        refused.value.problems["ends_on"] == "The plan cannot end before it started (2 March 2026)."
    )


def test_a_protection_plan_ends_the_childs_child_in_need_plan_the_same_day(case):
    worker, child, referral = case
    plan = cin_plan(child, referral, starts_on=date(2026, 5, 2))
    item = enquiry(
        strategy_discussion(child, referral, worker, held_on=date(2026, 5, 6)),
        worker,
        completed_on=date(2026, 5, 20),
        outcome="conference",
    )
    _conference(worker, child, item)
    plan.refresh_from_db()
    assert (plan.ends_on, plan.end_reason) == (date(2026, 5, 27), actions.CIN_REPLACED)


def test_a_conference_recorded_later_sits_on_its_day_in_the_chronology(case):
    worker, child, referral = case
    item = enquiry(
        strategy_discussion(child, referral, worker, held_on=date(2026, 5, 6)),
        worker,
        completed_on=date(2026, 5, 20),
        outcome="conference",
    )
    conference = _conference(worker, child, item)
    line = ChronologyEntry.objects.get(source_id=str(conference.pk))
    assert line.occurred_at.date() == date(2026, 5, 27)
