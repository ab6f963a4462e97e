"""Child in need plans: start, edit with optimistic locking, reviews on the local standard, end."""

from datetime import UTC, date, datetime

import pytest

from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused, StaleEdit
from onestory.people.models import ChronologyEntry

from ..actions import need as actions
from ..models import LocalStandard
from .factories_protection import cin_plan, referred_child, team_pair

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
REFERRED = date(2026, 5, 1)


@pytest.fixture
def case():
    worker, _ = team_pair()
    child, referral = referred_child(worker, now=NOW, referral_date=REFERRED)
    return worker, child, referral


def test_a_plan_is_first_reviewed_by_the_councils_latest_standard(case):
    worker, child, referral = case
    LocalStandard.objects.create(key="cin_review_months", value=2, valid_from=date(2026, 1, 1))
    LocalStandard.objects.create(key="cin_review_months", value=1, valid_from=date(2026, 7, 1))
    plan = actions.cin_plan_start(
        person_id=child.pk,
        referral_id=referral.pk,
        starts_on=date(2026, 5, 20),
        what_needs_to_change="A safe home.",
        acting_user=worker,
        now=NOW,
    )
    assert plan.next_review_on == date(2026, 7, 20)
    assert AuditEvent.objects.filter(object_id=str(plan.pk), action="create").exists()
    assert ChronologyEntry.objects.filter(source_id=str(plan.pk)).exists()


def test_a_second_open_plan_is_refused(case):
    worker, child, referral = case
    cin_plan(child, referral, starts_on=date(2026, 5, 20))
    with pytest.raises(DetailsRefused, match="already has an open child in need plan"):
        actions.cin_plan_start(
            person_id=child.pk,
            referral_id=referral.pk,
            starts_on=date(2026, 5, 21),
            what_needs_to_change="Again.",
            acting_user=worker,
            now=NOW,
        )


def test_a_review_moves_the_next_review_on_and_cannot_predate_the_plan(case):
    worker, child, referral = case
    plan = cin_plan(child, referral, starts_on=date(2026, 5, 20))
    with pytest.raises(DetailsRefused, match="cannot be before the plan started"):
        actions.cin_review_add(
            person_id=child.pk,
            plan_id=plan.pk,
            held_on=date(2026, 5, 19),
            summary="Early.",
            acting_user=worker,
            now=NOW,
        )
    actions.cin_review_add(
        person_id=child.pk,
        plan_id=plan.pk,
        held_on=date(2026, 6, 10),
        summary="Going well.",
        acting_user=worker,
        now=NOW,
    )
    plan.refresh_from_db()
    assert plan.next_review_on == date(2026, 9, 10)


def test_a_second_saver_of_the_plan_is_refused(case):
    worker, child, referral = case
    plan = cin_plan(child, referral, starts_on=date(2026, 5, 20))
    kwargs = {
        "person_id": child.pk,
        "plan_id": plan.pk,
        "version": plan.version,
        "acting_user": worker,
    }
    actions.cin_plan_edit(**kwargs, what_needs_to_change="First.", now=NOW)
    with pytest.raises(StaleEdit):
        actions.cin_plan_edit(**kwargs, what_needs_to_change="Second.", now=NOW)


def test_a_plan_cannot_end_before_it_started_or_without_a_reason(case):
    worker, child, referral = case
    plan = cin_plan(child, referral, starts_on=date(2026, 5, 20))
    with pytest.raises(DetailsRefused) as refused:
        actions.cin_plan_end(
            person_id=child.pk,
            plan_id=plan.pk,
            version=plan.version,
            ends_on=date(2026, 5, 19),
            end_reason=" ",
            acting_user=worker,
            now=NOW,
        )
    assert refused.value.problems == {
        "ends_on": "The plan cannot end before it started (20 May 2026).",
        "end_reason": "Say why the plan is ending.",
    }
