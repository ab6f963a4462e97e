"""Casework actions: the story so far, allocating a child, moving a case with a handover, and
the caseload settings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from onestory.access.models import Allocation, AuditEvent, Notification
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.people.models import ChronologyEntry
from onestory.socialcare import rules, selectors
from onestory.socialcare.actions import casework
from onestory.socialcare.models import CaseloadLimit, CaseWeight, Handover, StorySoFar
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import referred_child
from .factories_casework import give_children, team_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def manager():
    return worker_with_role(Role.TEAM_MANAGER)


def test_the_story_so_far_is_written_then_a_stale_second_save_is_refused(now):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=now)
    first = casework.story_save(
        person=child, text="Ama is 10.", version=0, acting_user=worker, now=now
    )
    casework.story_save(
        person=child,
        text="Ama is 10 and loves football.",
        version=first.version,
        acting_user=worker,
        now=now,
    )
    with pytest.raises(StaleEdit):
        casework.story_save(
            person=child, text="A late edit", version=first.version, acting_user=worker, now=now
        )
    story = StorySoFar.objects.get(person=child)
    assert story.text == "Ama is 10 and loves football."
    assert story.version == 2
    assert ChronologyEntry.objects.filter(person=child, summary="Story so far updated").count() == 2
    assert AuditEvent.objects.filter(person_id=child.pk, action="update").exists()


def test_an_empty_story_is_refused(now):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=now)
    with pytest.raises(DetailsRefused) as refused:
        casework.story_save(person=child, text="  ", version=0, acting_user=worker, now=now)
    assert "text" in refused.value.problems


def test_a_manager_allocates_a_waiting_child_once_however_often_the_form_is_sent(now, manager):
    (worker,) = team_of(manager)
    child, _ = referred_child(None, now=now, team=manager.team)
    assert selectors.waiting_for_social_worker(manager, now=now)[0].person == child
    token = new_form_token()
    for _ in range(2):
        casework.allocate(
            form_token=token, person=child, worker=worker, acting_user=manager, now=now
        )
    allocation = Allocation.objects.get(person=child, worker=worker)
    assert allocation.purpose == rules.ALLOCATION_PURPOSES[rules.CaseKind.ASSESSMENT]
    assert selectors.waiting_for_social_worker(manager, now=now) == []
    assert Notification.objects.filter(recipient=worker, person=child).count() == 1
    assert ChronologyEntry.objects.filter(person=child, summary__startswith="Allocated to").exists()
    assert AuditEvent.objects.filter(person_id=child.pk, action="create").exists()


def test_allocating_over_the_limit_needs_an_explicit_allocate_anyway(now, manager):
    (worker,) = team_of(manager)
    CaseloadLimit.objects.create(limit=Decimal("2"), valid_from=today_in_london(now))
    give_children(worker, 2, now=now)
    child, _ = referred_child(None, now=now, team=manager.team)
    with pytest.raises(DetailsRefused) as refused:
        casework.allocate(person=child, worker=worker, acting_user=manager, now=now)
    assert "over their caseload limit" in refused.value.problems["allocate_anyway"]
    assert not Allocation.objects.filter(person=child, worker=worker).exists()
    casework.allocate(
        person=child, worker=worker, allocate_anyway=True, acting_user=manager, now=now
    )
    assert selectors.caseload_of(worker, now=now).status == rules.CaseloadStatus.OVER


def test_a_manager_cannot_allocate_to_a_worker_outside_their_teams(now, manager):
    stranger = worker_with_role(Role.SOCIAL_WORKER)
    child, _ = referred_child(None, now=now, team=manager.team)
    with pytest.raises(DetailsRefused):
        casework.allocate(person=child, worker=stranger, acting_user=manager, now=now)


def test_a_social_worker_cannot_allocate(now, manager):
    (worker,) = team_of(manager)
    child, _ = referred_child(None, now=now, team=manager.team)
    with pytest.raises(DomainError):
        casework.allocate(person=child, worker=worker, acting_user=worker, now=now)


def test_moving_a_case_ends_the_old_allocation_and_tells_the_new_worker(now, manager):
    old, new = team_of(manager, 2)
    child, _ = referred_child(old, now=now - timedelta(days=10))
    summary = casework.handover_summary(person=child, now=now)
    assert "Story so far" in summary and "What is due" in summary
    token = new_form_token()
    for _ in range(2):
        casework.move_case(
            form_token=token,
            person=child,
            to_worker=new,
            reason="LEFTRL",
            summary=summary,
            acting_user=manager,
            now=now,
        )
    handover = Handover.objects.get(person=child)
    assert handover.from_worker == old and handover.to_worker == new
    assert Allocation.objects.get(person=child, worker=old).ends_at == now
    assert selectors.current_case_holder(child, now=now).worker == new
    assert Notification.objects.filter(recipient=new, person=child).count() == 1
    line = ChronologyEntry.objects.get(person=child, source_type="socialcare.handover")
    assert line.summary == (
        f"Case moved from {old.get_full_name()} to {new.get_full_name()}: "
        "The social worker left the role"
    )
    assert AuditEvent.objects.filter(person_id=child.pk, object_type="socialcare.handover").exists()
    assert selectors.social_workers_in_last_year([child.pk], today=today_in_london(now)) == {
        child.pk: 2
    }


def test_moving_a_case_needs_a_reason_and_a_summary(now, manager):
    old, new = team_of(manager, 2)
    child, _ = referred_child(old, now=now)
    with pytest.raises(DetailsRefused) as refused:
        casework.move_case(
            person=child, to_worker=new, reason="", summary=" ", acting_user=manager, now=now
        )
    assert set(refused.value.problems) == {"reason", "summary"}
    assert Allocation.objects.get(person=child, worker=old).ends_at is None


def test_changed_settings_are_new_dated_rows_and_history_is_kept(now, manager):
    today = today_in_london(now)
    later = today + timedelta(days=7)
    made = casework.change_settings(
        valid_from=later,
        weights={"child_protection": Decimal("2.00"), "assessment": Decimal("1.00")},
        limit=Decimal("16"),
        team=manager.team,
        standards={"cp_visit_working_days": 10, "cin_visit_working_days": 15},
        acting_user=manager,
        now=now,
    )
    assert len(made) == 3  # child protection weight, the team's limit, CIN visits
    assert selectors.weights_on(today)["child_protection"] == 1.5
    assert selectors.weights_on(later)["child_protection"] == 2.0
    assert selectors.limit_on(manager.team_id, later) == 16.0
    assert selectors.limit_on(None, later) == rules.DEFAULT_CASELOAD_LIMIT
    assert selectors.standards_on(later)["cin_visit_working_days"] == 15
    assert CaseWeight.objects.filter(kind="child_protection").count() >= 2


def test_settings_cannot_start_in_the_past(now, manager):
    with pytest.raises(DetailsRefused) as refused:
        casework.change_settings(
            valid_from=today_in_london(now) - timedelta(days=1),
            weights={},
            limit=None,
            standards={},
            acting_user=manager,
            now=now,
        )
    assert "valid_from" in refused.value.problems


def test_moving_a_care_leavers_case_moves_the_personal_adviser(now, manager):
    old, new = team_of(manager, 2)
    child, _ = referred_child(old, now=now - timedelta(days=5), kind=rules.CaseKind.CARE_LEAVER)
    casework.move_case(
        person=child,
        to_worker=new,
        reason="MANAGE",
        summary="Hand over",
        acting_user=manager,
        now=now,
    )
    holder = selectors.current_case_holder(child, now=now)
    assert holder.worker == new
    assert holder.purpose == rules.ALLOCATION_PURPOSES[rules.CaseKind.CARE_LEAVER]


@pytest.mark.django_db(transaction=True)
def test_two_allocations_of_one_child_at_the_same_moment_leave_one_social_worker(now, manager):
    """Two managers' tabs allocating the same waiting child to two workers at once: one wins,
    the other is told the child already has a social worker."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises every write")
    import threading

    from django.db import connections

    first, second = team_of(manager, 2)
    child, _ = referred_child(None, now=now, team=manager.team)
    barrier = threading.Barrier(2)
    outcomes = []

    def allocate(worker):
        try:
            barrier.wait()
            casework.allocate(
                form_token=new_form_token(), person=child, worker=worker, acting_user=manager,
                now=now,
            )  # fmt: skip
            outcomes.append("allocated")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate, args=(w,)) for w in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["allocated", casework.ALREADY_ALLOCATED])
    assert (
        Allocation.objects.filter(
            person=child, ends_at__isnull=True, purpose__in=rules.SOCIAL_WORKER_PURPOSES
        ).count()
        == 1
    )
