"""Closing a child in need episode: a census reason, and never while work is open."""

from datetime import UTC, date, datetime

import pytest

from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused

from ..actions import closure as actions
from ..models import Assessment, CarePeriod
from .factories_protection import assessment, cin_plan, cp_plan, referred_child, team_pair

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def case():
    worker, _ = team_pair()
    child, referral = referred_child(worker, now=NOW, referral_date=date(2026, 5, 1))
    return worker, child, referral


def _close(worker, child, referral, **changes):
    args = {
        "person_id": child.pk,
        "referral_id": referral.pk,
        "version": referral.version,
        "closed_on": date(2026, 6, 12),
        "closure_reason": "RC7",
        "acting_user": worker,
        "now": NOW,
    }
    return actions.referral_close(**(args | changes))


def test_closing_sets_the_census_reason_with_an_audit_row(case):
    worker, child, referral = case
    _close(worker, child, referral)
    referral.refresh_from_db()
    assert (referral.closed_on, referral.closure_reason) == (date(2026, 6, 12), "RC7")
    assert AuditEvent.objects.filter(object_id=str(referral.pk), action="update").exists()


def test_an_episode_closed_with_nothing_done_under_it_needed_no_further_action(case):
    worker, child, referral = case
    _close(worker, child, referral, closure_reason="RC8")
    referral.refresh_from_db()
    assert referral.no_further_action  # the census's ReferralNFA


def test_an_episode_closed_after_an_assessment_did_not_end_with_no_further_action(case):
    worker, child, referral = case
    assessment(
        child, referral, worker, status=Assessment.Status.AUTHORISED, completed_on=date(2026, 6, 1)
    )
    _close(worker, child, referral)
    referral.refresh_from_db()
    assert not referral.no_further_action


@pytest.mark.parametrize("open_work", ["cp", "cin", "care"])
def test_closing_is_refused_while_work_is_open(case, open_work):
    worker, child, referral = case
    if open_work == "cp":
        cp_plan(child, referral, worker, starts_on=date(2026, 5, 20))
    elif open_work == "cin":
        cin_plan(child, referral, starts_on=date(2026, 5, 20))
    else:
        CarePeriod.objects.create(person=child, referral=referral, starts_on=date(2026, 5, 20))
    with pytest.raises(DetailsRefused) as refused:
        _close(worker, child, referral)
    expected = {"cp": actions.OPEN_CP_PLAN, "cin": actions.OPEN_CIN_PLAN, "care": actions.IN_CARE}
    assert expected[open_work] in refused.value.problems[None]


def test_closing_before_the_referral_or_for_an_unknown_reason_is_refused(case):
    worker, child, referral = case
    with pytest.raises(DetailsRefused) as refused:
        _close(worker, child, referral, closed_on=date(2026, 4, 30), closure_reason="RC0")
    assert set(refused.value.problems) == {"closed_on", "closure_reason"}
