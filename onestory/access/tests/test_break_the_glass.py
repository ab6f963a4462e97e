import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.html import escape

from onestory.access import actions
from onestory.access.models import AccessGrant, AuditEvent, Notification
from onestory.access.selectors import visible_to
from onestory.access.tests.factories import AllocationFactory, RecordRestrictionFactory
from onestory.core.errors import DomainError
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

pytestmark = pytest.mark.django_db

REASON = "Police called about the child tonight and the allocated team is closed"


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def allocated_to_a_team():
    """A person allocated to a social work team that has a manager."""
    manager = worker_with_role(Role.TEAM_MANAGER)
    person = PersonFactory()
    AllocationFactory(person=person, worker=None, team=manager.team)
    return person, manager


def test_breaking_the_glass_opens_the_record_for_the_configured_hours(now, allocated_to_a_team):
    person, _ = allocated_to_a_team
    worker = worker_with_role(Role.FRONT_DOOR)
    assert not visible_to(worker, now=now).filter(pk=person.pk).exists()

    with override_settings(ONESTORY_BREAK_GLASS_HOURS=4):
        grant = actions.break_the_glass(
            person_id=person.pk, reason=REASON, acting_user=worker, now=now
        )

    assert grant.kind == AccessGrant.Kind.BREAK_GLASS
    assert grant.expires_at == now + datetime.timedelta(hours=4)
    assert visible_to(worker, now=now).filter(pk=person.pk).exists()
    assert (
        not visible_to(worker, now=now + datetime.timedelta(hours=4)).filter(pk=person.pk).exists()
    )


def test_breaking_the_glass_tells_the_manager_of_the_allocated_team(now, allocated_to_a_team):
    person, manager = allocated_to_a_team
    worker = worker_with_role(Role.SOCIAL_WORKER, first_name="Ada", last_name="Okafor")

    actions.break_the_glass(person_id=person.pk, reason=REASON, acting_user=worker, now=now)

    note = Notification.objects.get(recipient=manager)
    assert "Ada Okafor" in note.message and REASON in note.message
    assert note.person == person
    assert person.full_name not in note.message


def test_breaking_the_glass_on_an_unallocated_record_tells_the_workers_own_manager(now):
    own_manager = worker_with_role(Role.TEAM_MANAGER)
    worker = worker_with_role(Role.SOCIAL_WORKER, team=own_manager.team)
    person = PersonFactory()

    actions.break_the_glass(person_id=person.pk, reason=REASON, acting_user=worker, now=now)

    assert Notification.objects.filter(recipient=own_manager, person=person).count() == 1


def test_breaking_the_glass_is_audited_with_its_reason(now, allocated_to_a_team):
    person, _ = allocated_to_a_team
    worker = worker_with_role(Role.FRONT_DOOR)

    grant = actions.break_the_glass(person_id=person.pk, reason=REASON, acting_user=worker, now=now)

    event = AuditEvent.objects.get(action="break_glass")
    assert (event.actor, event.person_id, event.reason) == (worker, person.pk, REASON)
    assert event.object_id == str(grant.pk)


def test_a_restricted_record_cannot_be_opened_by_breaking_the_glass_and_the_attempt_is_audited(now):
    restricted = RecordRestrictionFactory().person
    worker = worker_with_role(Role.SOCIAL_WORKER)

    with pytest.raises(actions.BreakGlassRefused):
        actions.break_the_glass(person_id=restricted.pk, reason=REASON, acting_user=worker, now=now)

    assert not AccessGrant.objects.filter(worker=worker).exists()
    assert AuditEvent.objects.filter(
        action="denied", actor=worker, person_id=restricted.pk
    ).exists()


@pytest.mark.parametrize("role", [Role.EARLY_HELP, Role.PARTNER, Role.ANALYST, Role.ADMIN])
def test_roles_not_trusted_to_break_the_glass_are_refused(now, role):
    person = PersonFactory()
    with pytest.raises(DomainError):
        actions.break_the_glass(
            person_id=person.pk, reason=REASON, acting_user=worker_with_role(role), now=now
        )
    assert not AccessGrant.objects.exists()


def test_a_reason_is_required(now):
    with pytest.raises(DomainError) as refusal:
        actions.break_the_glass(
            person_id=PersonFactory().pk,
            reason="  ",
            acting_user=worker_with_role(Role.FRONT_DOOR),
            now=now,
        )
    assert refusal.value.field == "reason"


# The page --------------------------------------------------------------------------------------


def test_the_page_needs_a_reason_and_keeps_what_was_typed(client, sign_in):
    sign_in(Role.FRONT_DOOR)
    person = PersonFactory()

    response = client.post(f"/people/{person.pk}/break-the-glass/", {"reason": "urgent"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Give a fuller reason" in body
    assert "urgent</textarea>" in body
    assert not AccessGrant.objects.exists()


def test_the_page_opens_the_record_and_shows_it(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)
    person = PersonFactory()
    assert client.get(f"/people/{person.pk}/").status_code == 404

    response = client.post(f"/people/{person.pk}/break-the-glass/", {"reason": REASON}, follow=True)

    assert response.status_code == 200
    assert escape(person.full_name) in response.content.decode()


def test_a_refusal_on_the_page_reads_the_same_for_a_restricted_and_a_missing_record(
    client, sign_in
):
    sign_in(Role.SOCIAL_WORKER)
    restricted = RecordRestrictionFactory().person
    missing = "5b0d8c8e-0b7e-4a43-9d1e-9a1f1b2f3c4d"

    answers = [
        client.post(f"/people/{pk}/break-the-glass/", {"reason": REASON}).content.decode()
        for pk in (restricted.pk, missing)
    ]

    assert all("cannot be opened by breaking the glass" in a for a in answers)
    assert escape(restricted.full_name) not in answers[0]


def test_the_page_is_not_found_for_roles_that_may_not_break_the_glass(client, sign_in):
    sign_in(Role.EARLY_HELP)
    assert client.get(f"/people/{PersonFactory().pk}/break-the-glass/").status_code == 404


def test_the_not_found_page_offers_breaking_the_glass_to_roles_that_may(client, sign_in):
    sign_in(Role.FRONT_DOOR)
    person = PersonFactory()

    response = client.get(f"/people/{person.pk}/")

    assert response.status_code == 404
    assert f"/people/{person.pk}/break-the-glass/" in response.content.decode()


def test_the_not_found_page_offers_nothing_to_partners(client, sign_in):
    sign_in(Role.PARTNER)
    response = client.get(f"/people/{PersonFactory().pk}/")
    assert response.status_code == 404
    assert "break-the-glass" not in response.content.decode()


def test_the_managers_team_is_also_told_when_a_team_member_is_allocated(now):
    manager = worker_with_role(Role.TEAM_MANAGER)
    colleague = worker_with_role(Role.SOCIAL_WORKER, team=manager.team)
    person = AllocationFactory(worker=colleague).person
    other = worker_with_role(Role.SOCIAL_WORKER, team=TeamFactory())

    actions.break_the_glass(person_id=person.pk, reason=REASON, acting_user=other, now=now)

    assert Notification.objects.filter(recipient=manager).count() == 1
