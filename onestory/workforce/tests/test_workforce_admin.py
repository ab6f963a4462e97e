"""The workforce administration pages: workers, teams, sign-in lockouts, for administrators."""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestory.access.models import AuditEvent
from onestory.core.errors import DomainError, StaleEdit
from onestory.workforce import actions
from onestory.workforce.models import Team, Worker
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import (
    PASSWORD,
    AgencyFactory,
    TeamFactory,
    worker_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    """A system administrator signed in with their second factor."""
    worker = worker_with_role(Role.ADMIN)
    device = TOTPDevice.objects.create(user=worker, name="App", confirmed=True)
    client.force_login(worker)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return worker


def _new_worker(team: Team, **overrides) -> dict:
    data = {
        "form_token": "token-1",
        "username": "asha.patel",
        "first_name": "Asha",
        "last_name": "Patel",
        "email": "asha.patel@example.gov.uk",
        "agency": str(team.agency_id),
        "team": str(team.pk),
        "role": Role.EARLY_HELP.value,
        "job_title": "Family support worker",
    }
    return {**data, **overrides}


def _change(worker: Worker, **overrides) -> dict:
    data = {
        "version": str(worker.version),
        "role": worker.role,
        "agency": str(worker.agency_id),
        "team": str(worker.team_id),
        "is_active": "on" if worker.is_active else "",
    }
    return {k: v for k, v in {**data, **overrides}.items() if v != ""}


# --- Adding a worker ------------------------------------------------------------------------


def test_admin_adds_a_worker_who_can_then_be_found_in_the_list(client, admin):
    team = TeamFactory(name="Early help north", kind=Team.Kind.EARLY_HELP)

    response = client.post(reverse("workforce:worker-create"), _new_worker(team), follow=True)

    worker = Worker.objects.get(username="asha.patel")
    assert (worker.team, worker.agency, worker.role) == (team, team.agency, Role.EARLY_HELP)
    assert not worker.has_usable_password()
    body = response.content.decode()
    assert "onestory changepassword asha.patel" in body
    listed = client.get(reverse("workforce:workers"), {"team": str(team.pk)}).content.decode()
    assert "Asha Patel" in listed and "asha.patel" in listed and "Early help practitioner" in listed


def test_the_team_filter_shows_only_that_teams_workers(client, admin):
    north = TeamFactory(name="North")
    south = TeamFactory(name="South")
    worker_with_role(Role.SOCIAL_WORKER, team=north, first_name="Nadia", last_name="Northcote")
    worker_with_role(Role.SOCIAL_WORKER, team=south, first_name="Sam", last_name="Southgate")

    body = client.get(reverse("workforce:workers"), {"team": str(north.pk)}).content.decode()

    assert "Northcote" in body and "Southgate" not in body


def test_the_list_shows_whether_a_worker_has_a_second_factor(client, admin):
    body = client.get(reverse("workforce:workers")).content.decode()
    assert "Second factor" in body and ">Yes<" in body


def test_team_must_belong_to_the_agency(client, admin):
    team = TeamFactory()
    school = AgencyFactory(name="Synthetic Primary School")

    response = client.post(
        reverse("workforce:worker-create"), _new_worker(team, agency=str(school.pk))
    )

    assert response.status_code == 200
    assert escape(actions.TEAM_NOT_IN_AGENCY) in response.content.decode()
    assert not Worker.objects.filter(username="asha.patel").exists()


def test_the_create_action_refuses_a_team_from_another_agency(admin):
    team = TeamFactory()
    school = AgencyFactory(name="Synthetic Primary School")
    with pytest.raises(DomainError, match="different agency"):
        actions.worker_create(
            username="x", first_name="X", last_name="Y", agency=school, team=team,
            role=Role.PARTNER, acting_user=admin, now=timezone.now(),
        )


def test_a_taken_username_is_refused_clearly(client, admin):
    team = TeamFactory()
    response = client.post(
        reverse("workforce:worker-create"), _new_worker(team, username=admin.username.upper())
    )
    assert escape(actions.USERNAME_TAKEN) in response.content.decode()


def test_double_submitted_create_makes_one_worker(client, admin):
    team = TeamFactory()
    data = _new_worker(team)

    first = client.post(reverse("workforce:worker-create"), data)
    second = client.post(reverse("workforce:worker-create"), data)

    assert first.status_code == second.status_code == 302
    assert Worker.objects.filter(username="asha.patel").count() == 1
    assert AuditEvent.objects.filter(action="create", object_type="workforce.worker").count() == 1


# --- Changing a worker ----------------------------------------------------------------------


def test_admin_changes_a_workers_role_and_team_and_it_is_audited(client, admin):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    new_team = TeamFactory()

    response = client.post(
        reverse("workforce:worker-edit", args=[worker.pk]),
        _change(worker, role=Role.TEAM_MANAGER.value, team=str(new_team.pk)),
    )

    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.role, worker.team, worker.version) == (Role.TEAM_MANAGER, new_team, 2)
    event = AuditEvent.objects.get(action="update", object_id=str(worker.pk))
    assert event.actor == admin and event.object_type == "workforce.worker"
    assert sorted(event.detail["fields"]) == ["role", "team"]


def test_admin_records_that_a_worker_is_agency_staff(client, admin):
    worker = worker_with_role(Role.SOCIAL_WORKER)

    response = client.post(
        reverse("workforce:worker-edit", args=[worker.pk]), _change(worker, is_agency_staff="on")
    )

    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.is_agency_staff
    event = AuditEvent.objects.get(action="update", object_id=str(worker.pk))
    assert event.detail["fields"] == ["is_agency_staff"]


def test_stale_edit_refused_with_input_kept(client, admin):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    opened = _change(worker, role=Role.ANALYST.value)
    actions.worker_update(
        worker=worker, version=worker.version, changes={"is_active": False},
        acting_user=admin, now=timezone.now(),
    )

    response = client.post(reverse("workforce:worker-edit", args=[worker.pk]), opened)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this worker" in body
    assert f'<option value="{Role.ANALYST.value}" selected>' in body
    assert 'name="version" value="2"' in body
    worker.refresh_from_db()
    assert worker.role == Role.SOCIAL_WORKER


def test_the_update_action_refuses_a_stale_version(admin):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    with pytest.raises(StaleEdit):
        actions.worker_update(
            worker=worker, version=worker.version + 1, changes={"role": Role.ANALYST},
            acting_user=admin, now=timezone.now(),
        )


def test_administrator_cannot_deactivate_themselves(client, admin):
    worker_with_role(Role.ADMIN)  # not the last administrator

    response = client.post(
        reverse("workforce:worker-edit", args=[admin.pk]), _change(admin, is_active="")
    )

    assert escape(actions.CANNOT_DEACTIVATE_YOURSELF) in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_last_administrator_cannot_be_deactivated_or_demoted(admin):
    other = worker_with_role(Role.ADMIN)
    Worker.objects.filter(pk=admin.pk).update(is_active=False)  # the only other one is gone
    admin.refresh_from_db()

    for changes in ({"is_active": False}, {"role": Role.ANALYST}):
        with pytest.raises(DomainError, match="last active system administrator"):
            actions.worker_update(
                worker=other, version=other.version, changes=changes,
                acting_user=admin, now=timezone.now(),
            )
    other.refresh_from_db()
    assert other.is_active and other.role == Role.ADMIN


def test_an_administrator_can_be_demoted_while_another_remains(client, admin):
    other = worker_with_role(Role.ADMIN)

    response = client.post(
        reverse("workforce:worker-edit", args=[other.pk]), _change(other, role=Role.ANALYST.value)
    )

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.role == Role.ANALYST


# --- Unlocking sign-in ----------------------------------------------------------------------


def test_unlock_resets_axes_attempts(client, admin):
    from axes.models import AccessAttempt

    worker = worker_with_role(Role.SOCIAL_WORKER)
    elsewhere = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        elsewhere.post("/sign-in/", {"username": worker.username, "password": "wrong"})
    assert elsewhere.post(
        "/sign-in/", {"username": worker.username, "password": PASSWORD}
    ).status_code == 429
    page = client.get(reverse("workforce:worker-unlock", args=[worker.pk])).content.decode()
    recorded = AccessAttempt.objects.get(username=worker.username).failures_since_start
    assert recorded >= settings.AXES_FAILURE_LIMIT
    assert f"{recorded} failed sign-in attempts" in page

    response = client.post(reverse("workforce:worker-unlock", args=[worker.pk]))

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=worker.username).exists()
    assert elsewhere.post(
        "/sign-in/", {"username": worker.username, "password": PASSWORD}
    ).status_code == 302
    event = AuditEvent.objects.get(action="update", object_id=str(worker.pk))
    assert event.detail["sign_in_unlocked"] is True and event.detail["fields"] == []


@override_settings(ONESTORY_REQUIRE_SECOND_FACTOR=True)
def test_a_worker_who_lost_their_phone_is_reset_and_sets_up_a_new_app(client, admin):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    TOTPDevice.objects.create(user=worker, name="App", confirmed=True)
    backup = worker.staticdevice_set.create(name="Backup codes", confirmed=True)
    backup.token_set.create(token="abcdefgh")
    edit = client.get(reverse("workforce:worker-edit", args=[worker.pk])).content.decode()
    assert "They have set up a second factor" in edit

    response = client.post(reverse("workforce:worker-reset-second-factor", args=[worker.pk]))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert not worker.staticdevice_set.exists()  # the old backup codes no longer work
    event = AuditEvent.objects.get(action="update", object_id=str(worker.pk))
    assert event.detail["second_factor_reset"] is True and event.detail["removed"] == 2
    again = Client()
    again.post("/sign-in/", {"username": worker.username, "password": PASSWORD})
    page = again.get("/sign-in/second-factor/").content.decode()
    assert "Set up your authenticator app" in page
    assert again.get("/").url.startswith("/sign-in/second-factor/")


# --- Teams ----------------------------------------------------------------------------------


def test_admin_renames_a_team_and_chooses_its_manager_from_its_members(client, admin):
    team = TeamFactory(name="Old name")
    member = worker_with_role(Role.TEAM_MANAGER, team=team)
    Team.objects.filter(pk=team.pk).update(manager=None)
    team.refresh_from_db()

    response = client.post(
        reverse("workforce:team-edit", args=[team.pk]),
        {"version": str(team.version), "name": "New name", "manager": str(member.pk)},
    )

    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.manager, team.version) == ("New name", member, 2)
    event = AuditEvent.objects.get(action="update", object_type="workforce.team")
    assert sorted(event.detail["fields"]) == ["manager", "name"]
    assert "New name" in client.get(reverse("workforce:teams")).content.decode()


def test_a_manager_from_another_team_cannot_be_chosen(client, admin):
    team = TeamFactory()
    outsider = worker_with_role(Role.TEAM_MANAGER)

    response = client.post(
        reverse("workforce:team-edit", args=[team.pk]),
        {"version": str(team.version), "name": team.name, "manager": str(outsider.pk)},
    )

    assert response.status_code == 200
    team.refresh_from_db()
    assert team.manager is None
    with pytest.raises(DomainError, match="member of this team"):
        actions.team_update(
            team=team, version=team.version, changes={"manager": outsider},
            acting_user=admin, now=timezone.now(),
        )


def test_a_stale_team_edit_is_refused_with_input_kept(client, admin):
    team = TeamFactory(name="Before")
    actions.team_update(
        team=team, version=team.version, changes={"name": "Someone else's"},
        acting_user=admin, now=timezone.now(),
    )

    response = client.post(
        reverse("workforce:team-edit", args=[team.pk]), {"version": "1", "name": "Mine"}
    )

    body = response.content.decode()
    assert "Someone else changed this team" in body and 'value="Mine"' in body
    team.refresh_from_db()
    assert team.name == "Someone else's"


# --- Who may reach these pages --------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_other_roles_get_404_on_every_page(client, role):
    worker = worker_with_role(role)
    team = TeamFactory()
    client.force_login(worker)
    urls = [
        reverse("workforce:workers"),
        reverse("workforce:worker-create"),
        reverse("workforce:worker-edit", args=[worker.pk]),
        reverse("workforce:worker-unlock", args=[worker.pk]),
        reverse("workforce:worker-reset-second-factor", args=[worker.pk]),
        reverse("workforce:teams"),
        reverse("workforce:team-edit", args=[team.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url


def test_only_administrators_see_workforce_in_the_navigation(client, admin):
    assert 'href="/workforce/workers/"' in client.get(reverse("access:home")).content.decode()
    client.force_login(worker_with_role(Role.TEAM_MANAGER))
    assert "/workforce/" not in client.get(reverse("access:home")).content.decode()
