"""A manager grants time-limited access; records are restricted to named workers."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from onestory.access import actions
from onestory.access.models import AccessGrant, AuditEvent, Notification, RecordRestriction
from onestory.access.selectors import visible_to
from onestory.access.tests.factories import AllocationFactory, RecordRestrictionFactory
from onestory.core.errors import DomainError
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

REASON = "Covering while the allocated social worker is on leave"


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def managed_record():
    manager = worker_with_role(Role.TEAM_MANAGER)
    person = AllocationFactory(worker=None, team=manager.team).person
    return person, manager


def sees(worker, person, at) -> bool:
    return visible_to(worker, now=at).filter(pk=person.pk).exists()


# Grants --------------------------------------------------------------------------------------


def test_a_manager_grants_a_worker_access_until_a_time(now, managed_record):
    person, manager = managed_record
    worker = worker_with_role(Role.EARLY_HELP)
    until = now + datetime.timedelta(days=3)

    actions.grant_access(
        person_id=person.pk,
        worker=worker,
        reason=REASON,
        expires_at=until,
        acting_user=manager,
        now=now,
    )

    assert sees(worker, person, now)
    assert not sees(worker, person, until)
    event = AuditEvent.objects.get(action="grant")
    assert (event.actor, event.person_id, event.reason) == (manager, person.pk, REASON)
    assert Notification.objects.filter(recipient=worker, person=person).exists()


def test_a_manager_cannot_grant_access_to_a_record_they_cannot_open(now):
    manager = worker_with_role(Role.TEAM_MANAGER)
    with pytest.raises(DomainError):
        actions.grant_access(
            person_id=PersonFactory().pk,
            worker=worker_with_role(Role.EARLY_HELP),
            reason=REASON,
            expires_at=now + datetime.timedelta(days=1),
            acting_user=manager,
            now=now,
        )
    assert not AccessGrant.objects.exists()


@pytest.mark.parametrize("days, field", [(0, "expires_on"), (-1, "expires_on"), (95, "expires_on")])
def test_a_grant_must_end_in_the_future_and_within_ninety_days(now, managed_record, days, field):
    person, manager = managed_record
    with pytest.raises(DomainError) as refusal:
        actions.grant_access(
            person_id=person.pk,
            worker=worker_with_role(Role.EARLY_HELP),
            reason=REASON,
            expires_at=now + datetime.timedelta(days=days),
            acting_user=manager,
            now=now,
        )
    assert refusal.value.field == field


def test_only_a_team_manager_may_grant_access(now):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    person = AllocationFactory(worker=worker).person
    with pytest.raises(DomainError):
        actions.grant_access(
            person_id=person.pk,
            worker=worker_with_role(Role.EARLY_HELP),
            reason=REASON,
            expires_at=now + datetime.timedelta(days=1),
            acting_user=worker,
            now=now,
        )


def test_access_cannot_be_granted_to_a_role_that_does_not_open_records(now, managed_record):
    person, manager = managed_record
    with pytest.raises(DomainError) as refusal:
        actions.grant_access(
            person_id=person.pk,
            worker=worker_with_role(Role.ANALYST),
            reason=REASON,
            expires_at=now + datetime.timedelta(days=1),
            acting_user=manager,
            now=now,
        )
    assert refusal.value.field == "worker"


def test_the_grant_page_gives_access_to_the_worker_picked(client, managed_record):
    person, manager = managed_record
    client.force_login(manager)
    worker = worker_with_role(Role.EARLY_HELP, first_name="Priya", last_name="Shah")
    page = client.get(f"/people/{person.pk}/grant-access/")
    assert "Priya Shah (Early help practitioner" in page.content.decode()
    until = (timezone.localdate() + datetime.timedelta(days=7)).strftime("%d/%m/%Y")

    response = client.post(
        f"/people/{person.pk}/grant-access/",
        {"worker": worker.pk, "expires_on": until, "reason": REASON},
        follow=True,
    )

    body = response.content.decode()
    assert "Priya Shah can open this record until the end of" in body
    assert AccessGrant.objects.get(worker=worker).kind == AccessGrant.Kind.GRANT


def test_the_grant_page_shows_errors_and_keeps_what_was_typed(client, managed_record):
    person, manager = managed_record
    client.force_login(manager)

    response = client.post(
        f"/people/{person.pk}/grant-access/",
        {"worker": "", "expires_on": "31/02/2027", "reason": REASON},
    )

    body = response.content.decode()
    assert "There is a problem" in body
    assert "Choose the worker who needs access" in body
    assert "Enter a real date" in body
    assert 'value="31/02/2027"' in body and REASON in body


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.EARLY_HELP, Role.DATA_PROTECTION_OFFICER]
)
def test_the_grant_page_is_not_found_for_other_roles(client, sign_in, role):
    worker = sign_in(role)
    person = (
        AllocationFactory(worker=worker).person
        if role != Role.DATA_PROTECTION_OFFICER
        else PersonFactory()
    )
    assert client.get(f"/people/{person.pk}/grant-access/").status_code == 404


# Restriction ---------------------------------------------------------------------------------


def test_a_restricted_record_is_seen_only_by_the_people_named(now, managed_record):
    person, manager = managed_record
    allocated = worker_with_role(Role.SOCIAL_WORKER, team=manager.team)
    named = worker_with_role(Role.SOCIAL_WORKER)
    assert sees(allocated, person, now)

    actions.restrict_record(
        person_id=person.pk,
        reason="A relative works in the team",
        named_workers=[named],
        acting_user=manager,
        now=now,
    )

    assert sees(named, person, now)
    assert sees(manager, person, now)  # the manager who restricted it is named too
    assert not sees(allocated, person, now)
    assert AuditEvent.objects.filter(action="restrict", person_id=person.pk).exists()


def test_the_data_protection_officer_may_restrict_any_record_without_being_named(now):
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    person = PersonFactory()
    named = worker_with_role(Role.SOCIAL_WORKER)

    actions.restrict_record(
        person_id=person.pk,
        reason="Subject access request in progress",
        named_workers=[named],
        acting_user=dpo,
        now=now,
    )

    grants = AccessGrant.objects.filter(person=person, kind=AccessGrant.Kind.RESTRICTED)
    assert [g.worker for g in grants] == [named]


def test_a_manager_cannot_restrict_a_record_they_cannot_open(now):
    manager = worker_with_role(Role.TEAM_MANAGER)
    with pytest.raises(DomainError):
        actions.restrict_record(
            person_id=PersonFactory().pk,
            reason="A relative works here",
            named_workers=[],
            acting_user=manager,
            now=now,
        )
    assert not RecordRestriction.objects.exists()


def test_naming_and_removing_a_worker_opens_and_closes_the_record(now):
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    restriction = RecordRestrictionFactory(restricted_by=dpo)
    worker = worker_with_role(Role.EARLY_HELP)

    grant = actions.name_on_restricted_record(
        person_id=restriction.person_id, worker=worker, acting_user=dpo, now=now
    )
    assert sees(worker, restriction.person, now)

    actions.remove_from_restricted_record(
        person_id=restriction.person_id, grant_id=grant.pk, acting_user=dpo, now=now
    )
    assert not sees(worker, restriction.person, now + datetime.timedelta(seconds=1))
    assert AuditEvent.objects.filter(action="revoke").exists()


def test_lifting_a_restriction_returns_the_record_to_its_team(now, managed_record):
    person, manager = managed_record
    allocated = worker_with_role(Role.SOCIAL_WORKER, team=manager.team)
    actions.restrict_record(
        person_id=person.pk,
        reason="A relative works in the team",
        named_workers=[],
        acting_user=manager,
        now=now,
    )

    actions.lift_restriction(
        person_id=person.pk,
        reason="The relative has left the council",
        acting_user=manager,
        now=now,
    )

    assert sees(allocated, person, now)
    assert not AccessGrant.objects.filter(
        kind=AccessGrant.Kind.RESTRICTED, revoked_at__isnull=True
    ).exists()
    assert AuditEvent.objects.filter(action="unrestrict").exists()


def test_the_restriction_page_restricts_the_record_to_the_people_ticked(client, managed_record):
    person, manager = managed_record
    allocated = worker_with_role(Role.SOCIAL_WORKER, team=manager.team)
    other = worker_with_role(Role.SOCIAL_WORKER, team=manager.team)
    client.force_login(manager)
    page = client.get(f"/people/{person.pk}/restriction/").content.decode()
    assert escape(str(allocated)) in page and escape(str(other)) in page

    response = client.post(
        f"/people/{person.pk}/restriction/",
        {"reason": "A relative works in the team", "named": [allocated.pk]},
        follow=True,
    )

    body = response.content.decode()
    assert "This record is restricted" in body
    assert escape(str(allocated)) in body
    now = timezone.now()
    assert sees(allocated, person, now) and not sees(other, person, now)


def test_the_restriction_page_needs_a_reason(client, managed_record):
    person, manager = managed_record
    client.force_login(manager)
    response = client.post(f"/people/{person.pk}/restriction/", {"reason": ""})
    assert "Enter why the record is restricted" in response.content.decode()
    assert not RecordRestriction.objects.exists()


def test_the_restriction_page_adds_removes_and_lifts(client):
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    client.force_login(dpo)
    restriction = RecordRestrictionFactory(restricted_by=dpo)
    person = restriction.person
    worker = worker_with_role(Role.SOCIAL_WORKER, first_name="Tom", last_name="Eze")

    client.post(f"/people/{person.pk}/restriction/add/", {"add-worker": worker.pk})
    grant = AccessGrant.objects.get(worker=worker, kind=AccessGrant.Kind.RESTRICTED)
    assert "Tom Eze" in client.get(f"/people/{person.pk}/restriction/").content.decode()

    client.post(f"/people/{person.pk}/restriction/{grant.pk}/remove/")
    grant.refresh_from_db()
    assert grant.revoked_at is not None

    bad = client.post(f"/people/{person.pk}/restriction/lift/", {"lift-reason": ""})
    assert "Enter why the restriction is being lifted" in bad.content.decode()
    client.post(
        f"/people/{person.pk}/restriction/lift/", {"lift-reason": "The request has been answered"}
    )
    assert not RecordRestriction.objects.exists()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.FRONT_DOOR, Role.ANALYST, Role.ADMIN])
def test_the_restriction_page_is_not_found_for_roles_that_may_not_restrict(client, sign_in, role):
    worker = sign_in(role)
    person = AllocationFactory(worker=worker).person
    response = client.get(f"/people/{person.pk}/restriction/")
    assert response.status_code == 404
    assert escape(person.full_name) not in response.content.decode()


def test_removing_a_grant_of_another_record_is_not_found(client):
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    client.force_login(dpo)
    one, other = RecordRestrictionFactory(), RecordRestrictionFactory()
    grant = actions.name_on_restricted_record(
        person_id=other.person_id,
        worker=worker_with_role(Role.SOCIAL_WORKER),
        acting_user=dpo,
        now=timezone.now(),
    )

    response = client.post(f"/people/{one.person_id}/restriction/{grant.pk}/remove/")

    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None
