"""The per-person access log, the messages on the home page and the access panel."""

import pytest
from django.template import Context, Template
from django.utils import timezone
from django.utils.html import escape

from onestory.access.models import AuditEvent, Notification
from onestory.access.tests.factories import AllocationFactory
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def managed_record():
    manager = worker_with_role(Role.TEAM_MANAGER)
    person = AllocationFactory(worker=None, team=manager.team).person
    return person, manager


def test_the_access_log_shows_who_opened_the_record_when_and_from_where(client, managed_record):
    person, manager = managed_record
    worker = worker_with_role(
        Role.SOCIAL_WORKER, team=manager.team, first_name="Jo", last_name="Marsh"
    )
    client.force_login(worker)
    client.get(f"/people/{person.pk}/", REMOTE_ADDR="10.20.30.40")
    client.force_login(manager)

    response = client.get(f"/people/{person.pk}/access-log/")

    body = response.content.decode()
    assert response.status_code == 200
    assert '<table class="govuk-table' in body
    assert "Jo Marsh" in body and "Social worker" in body
    assert "Viewed" in body and "Person" in body and "10.20.30.40" in body


def test_the_access_log_shows_refusals_and_reasons(client, managed_record):
    person, manager = managed_record
    AuditEvent.objects.create(
        at=timezone.now(),
        action="break_glass",
        person_id=person.pk,
        actor=worker_with_role(Role.FRONT_DOOR),
        reason="Police called about the child tonight",
    )
    AuditEvent.objects.create(
        at=timezone.now(),
        action="denied",
        person_id=person.pk,
        actor=worker_with_role(Role.PARTNER),
        detail={"page": "person"},
    )
    client.force_login(manager)

    body = client.get(f"/people/{person.pk}/access-log/").content.decode()

    assert "Broke the glass" in body and "Police called about the child tonight" in body
    assert "Refused access" in body


def test_the_data_protection_officer_reads_the_log_of_any_record(client):
    person = PersonFactory()
    client.force_login(worker_with_role(Role.DATA_PROTECTION_OFFICER))

    response = client.get(f"/people/{person.pk}/access-log/")

    assert response.status_code == 200
    assert escape(person.full_name) in response.content.decode()
    assert AuditEvent.objects.filter(
        action="view", person_id=person.pk, detail__page="access log"
    ).exists()


def test_a_manager_who_cannot_open_the_record_gets_not_found(client):
    person = PersonFactory()
    client.force_login(worker_with_role(Role.TEAM_MANAGER))
    response = client.get(f"/people/{person.pk}/access-log/")
    assert response.status_code == 404
    assert escape(person.full_name) not in response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.EARLY_HELP, Role.PARTNER, Role.FRONT_DOOR, Role.ANALYST]
)
def test_other_roles_get_not_found_even_for_their_own_records(client, sign_in, role):
    worker = sign_in(role)
    person = AllocationFactory(worker=worker).person
    assert client.get(f"/people/{person.pk}/access-log/").status_code == 404


def test_a_refused_look_is_kept_in_the_audit_trail(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    person = PersonFactory()

    assert client.get(f"/people/{person.pk}/").status_code == 404

    assert AuditEvent.objects.filter(action="denied", actor=worker, person_id=person.pk).exists()


# Messages --------------------------------------------------------------------------------------


def test_unread_messages_show_on_the_home_page_and_can_be_marked_as_read(client, sign_in):
    worker = sign_in(Role.TEAM_MANAGER)
    note = Notification.objects.create(recipient=worker, message="Sam opened a record")

    assert "Sam opened a record" in client.get("/").content.decode()
    response = client.post(f"/messages/{note.pk}/read/", follow=True)

    assert "The message has been marked as read." in response.content.decode()
    assert "Sam opened a record" not in client.get("/").content.decode()
    note.refresh_from_db()
    assert note.read_at is not None


def test_another_workers_message_cannot_be_marked_as_read(client, sign_in):
    sign_in(Role.TEAM_MANAGER)
    note = Notification.objects.create(
        recipient=worker_with_role(Role.TEAM_MANAGER), message="Not yours"
    )

    assert client.post(f"/messages/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


# The access panel for the person page --------------------------------------------------------


def panel(person, user) -> str:
    template = Template('{% include "access/person_access_panel.html" %}')
    return template.render(Context({"person": person, "user": user}))


def test_the_panel_shows_a_manager_every_access_page(managed_record):
    person, manager = managed_record
    html = panel(person, manager)
    for path in ["consent", "grant-access", "restriction", "access-log"]:
        assert f"/people/{person.pk}/{path}/" in html


def test_the_panel_shows_a_social_worker_consent_only():
    person = PersonFactory()
    html = panel(person, worker_with_role(Role.SOCIAL_WORKER))
    assert f"/people/{person.pk}/consent/" in html
    assert "grant-access" not in html and "access-log" not in html and "restriction" not in html


def test_the_panel_shows_partners_nothing():
    assert panel(PersonFactory(), worker_with_role(Role.PARTNER)).strip() == ""


# Navigation ------------------------------------------------------------------------------------


def test_partners_are_not_offered_pages_their_role_cannot_use(client, sign_in):
    sign_in(Role.PARTNER)
    body = client.get("/").content.decode()
    assert "Known to us?" in body
    assert "Add a person" not in body and "Possible duplicates" not in body


def test_a_worker_without_a_second_factor_is_offered_no_navigation(client, sign_in, settings):
    settings.ONESTORY_REQUIRE_SECOND_FACTOR = True
    sign_in(Role.SOCIAL_WORKER)
    body = client.get("/sign-in/second-factor/").content.decode()
    assert '<a class="govuk-service-navigation__link"' not in body  # only "Sign out" is offered
