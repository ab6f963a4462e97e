"""The council's front-door settings: renaming levels of need and changing sign-off, by date."""

from datetime import date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestory.access.models import AuditEvent
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.frontdoor import actions, configuration, rules
from onestory.frontdoor.models import Decision, LevelOfNeed, SignOffSetting
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.models import Team
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

from .factories import submit

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
TUESDAY = MONDAY.date() + timedelta(days=1)


def _front_door_manager():
    return worker_with_role(
        Role.TEAM_MANAGER, team=TeamFactory(kind=Team.Kind.FRONT_DOOR, name="MASH")
    )


def _rename(level=2, *, acting_user, now=MONDAY, valid_from=TUESDAY, **changes):
    latest = configuration.latest_level(level)
    values = {
        "level": level,
        "name": "Additional needs",
        "description": "Needs met by one or two agencies working with the family.",
        "valid_from": valid_from,
        "version": latest.version,
        "acting_user": acting_user,
        "now": now,
    }
    values.update(changes)
    return configuration.level_rename(**values)


def _decided_early_help(*, at, screener, referrer) -> Decision:
    """A contact about a new child, decided early help at level 2 at `at`."""
    child = PersonFactory()
    contact = submit(
        referrer,
        now=at - timedelta(hours=1),
        people=[{"role": "child", "given_name": child.given_name, "family_name": "Okafor"}],
    )
    actions.contact_person_link(
        contact_person_id=contact.people.get().pk,
        person_id=child.pk,
        acting_user=screener,
        now=at - timedelta(minutes=30),
    )
    contact.refresh_from_db()
    return actions.contact_decide(
        contact_id=contact.pk,
        version=contact.version,
        outcome="early_help",
        level=2,
        rationale="Parents asked for help with routines; no sign of significant harm.",
        referrer_message="The family will be offered early help.",
        early_help_team=TeamFactory(kind=Team.Kind.EARLY_HELP),
        acting_user=screener,
        now=at,
    )


# --- Renaming a level of need ------------------------------------------------------------------


def test_renaming_a_level_keeps_the_old_name_on_earlier_decisions_and_uses_the_new_from_its_date():
    screener = worker_with_role(Role.FRONT_DOOR)
    manager = _front_door_manager()
    school = worker_with_role(Role.PARTNER)
    before = _decided_early_help(at=MONDAY, screener=screener, referrer=school)

    renamed = _rename(acting_user=manager)

    old = LevelOfNeed.objects.get(level=2, valid_from=date(2000, 1, 1))
    assert old.name == "Targeted" and old.valid_to == TUESDAY  # closed, not rewritten
    assert renamed.valid_from == TUESDAY and renamed.valid_to is None
    assert renamed.changed_by == manager
    assert actions.current_levels(MONDAY.date())[2].name == "Targeted"
    assert actions.current_levels(TUESDAY)[2].name == "Additional needs"

    later = _decided_early_help(at=MONDAY + timedelta(days=1), screener=screener, referrer=school)
    before.refresh_from_db()
    assert before.level.name == "Targeted"
    assert later.level.name == "Additional needs"

    event = AuditEvent.objects.get(action="update", object_id=str(renamed.pk))
    assert event.actor == manager
    assert event.detail["name_before"] == "Targeted" and event.detail["name"] == "Additional needs"


def test_a_rename_from_a_form_opened_before_someone_elses_is_refused_as_stale():
    admin = worker_with_role(Role.ADMIN)
    opened_at = configuration.latest_level(2).version
    _rename(acting_user=admin, name="Additional needs")
    with pytest.raises(StaleEdit):
        _rename(
            acting_user=_front_door_manager(),
            name="Early help",
            version=opened_at,
            valid_from=TUESDAY + timedelta(days=7),
        )
    assert actions.current_levels(TUESDAY + timedelta(days=8))[2].name == "Additional needs"


def test_a_new_name_cannot_start_before_the_current_name_or_in_the_past():
    admin = worker_with_role(Role.ADMIN)
    _rename(acting_user=admin, valid_from=TUESDAY + timedelta(days=10))
    with pytest.raises(DetailsRefused) as refused:
        _rename(acting_user=admin, name="Early help", valid_from=TUESDAY)
    assert "must start after 4 December 2026" in refused.value.problems["valid_from"]
    with pytest.raises(DetailsRefused) as refused:
        _rename(3, acting_user=admin, name="Complex needs", valid_from=MONDAY.date() - timedelta(1))
    assert "today or later" in refused.value.problems["valid_from"]
    assert LevelOfNeed.objects.filter(level=3).count() == 1


def test_only_the_administrator_and_front_door_managers_change_settings():
    for worker in (
        worker_with_role(Role.TEAM_MANAGER),  # manages a social work team
        worker_with_role(Role.FRONT_DOOR),
        worker_with_role(Role.SOCIAL_WORKER),
    ):
        with pytest.raises(DomainError):
            _rename(acting_user=worker)
    assert LevelOfNeed.objects.filter(level=2).count() == 1


# --- Sign-off ----------------------------------------------------------------------------------


def test_changing_sign_off_adds_a_dated_row_and_applies_from_its_date():
    manager = _front_door_manager()
    setting = configuration.sign_off_change(
        outcome="early_help",
        needs_sign_off=True,
        valid_from=TUESDAY,
        acting_user=manager,
        now=MONDAY,
    )
    assert SignOffSetting.objects.filter(outcome="early_help").count() == 2
    assert not actions.needs_sign_off(rules.Outcome.EARLY_HELP, MONDAY.date())
    assert actions.needs_sign_off(rules.Outcome.EARLY_HELP, TUESDAY)
    event = AuditEvent.objects.get(action="update", object_id=str(setting.pk))
    assert event.detail["needs_sign_off"] is True and event.actor == manager
    rows = {row.outcome.value: row for row in configuration.sign_off_settings(MONDAY.date())}
    assert not rows["early_help"].needs_sign_off and rows["early_help"].coming == [setting]
    assert rows["nfa"].needs_sign_off


def test_a_sign_off_change_that_changes_nothing_is_refused():
    with pytest.raises(DetailsRefused) as refused:
        configuration.sign_off_change(
            outcome="nfa",
            needs_sign_off=True,
            valid_from=TUESDAY,
            acting_user=worker_with_role(Role.ADMIN),
            now=MONDAY,
        )
    assert "already" in refused.value.problems["needs_sign_off"]


# --- The pages ---------------------------------------------------------------------------------


def _sign_in_admin(client):
    admin = worker_with_role(Role.ADMIN)
    device = TOTPDevice.objects.create(user=admin, name="App", confirmed=True)
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return admin


@pytest.mark.parametrize(
    "role", [Role.TEAM_MANAGER, Role.FRONT_DOOR, Role.SOCIAL_WORKER, Role.ANALYST]
)
def test_anyone_but_the_administrator_or_a_front_door_manager_gets_the_missing_page(
    client, sign_in, role
):
    sign_in(role)  # a team manager here manages a social work team
    assert client.get(reverse("frontdoor:settings")).status_code == 404
    assert client.post(reverse("frontdoor:settings")).status_code == 404
    assert client.get(reverse("frontdoor:level-edit", args=[2])).status_code == 404


def test_the_settings_page_shows_each_levels_names_and_the_sign_off_rules(client):
    admin = _sign_in_admin(client)
    _rename(acting_user=admin, now=timezone.now(), valid_from=today_in_london())
    page = unescape(client.get(reverse("frontdoor:settings")).content.decode())
    assert "Level 2: Additional needs" in page
    assert "Targeted" in page  # its earlier name, with its dates
    assert reverse("frontdoor:level-edit", args=[4]) in page
    assert "No further action: signpost to universal services" in page


def test_a_front_door_manager_renames_a_level_on_its_page(client):
    manager = _front_door_manager()
    client.force_login(manager)
    url = reverse("frontdoor:level-edit", args=[3])
    form = client.get(url).context["form"]
    today = today_in_london()
    response = client.post(
        url,
        {
            "version": form.initial["version"],
            "name": "Complex needs",
            "description": "Several agencies work together around the family.",
            "valid_from": (today + timedelta(days=1)).strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("frontdoor:settings")
    assert configuration.latest_level(3).name == "Complex needs"
    assert configuration.latest_level(3).changed_by == manager


def test_a_stale_rename_on_the_page_keeps_what_was_typed_and_says_why(client):
    admin = _sign_in_admin(client)
    url = reverse("frontdoor:level-edit", args=[3])
    opened = client.get(url).context["form"].initial["version"]
    tomorrow = today_in_london() + timedelta(days=1)
    _rename(3, acting_user=admin, now=timezone.now(), name="Complex", valid_from=tomorrow)
    response = client.post(
        url,
        {
            "version": opened,
            "name": "Complex needs",
            "description": "",
            "valid_from": (tomorrow + timedelta(days=1)).strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "Someone else changed this level of need after you opened it" in page
    assert 'value="Complex needs"' in page
    assert configuration.latest_level(3).name == "Complex"
    # Having seen the level as it is now, saving again goes ahead.
    assert response.context["form"]["version"].value() == str(opened + 1)


def test_changing_sign_off_on_the_settings_page(client):
    _sign_in_admin(client)
    response = client.post(
        reverse("frontdoor:settings"),
        {
            "outcome": "referral",
            "needs_sign_off": "yes",
            "valid_from": today_in_london().strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    assert actions.needs_sign_off(rules.Outcome.STATUTORY_REFERRAL, today_in_london())


def test_a_sign_off_change_without_a_choice_shows_the_problems(client):
    _sign_in_admin(client)
    response = client.post(reverse("frontdoor:settings"), {"valid_from": ""})
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert 'href="#id_outcome"' in page and 'href="#id_needs_sign_off"' in page
    assert "Enter the date the change starts from." in page
