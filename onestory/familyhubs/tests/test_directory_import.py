"""Loading an Open Referral UK feed into the directory: from the console (`onestory
directory_import`) and from the page team managers upload a feed file on."""

import json
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import AuditEvent
from onestory.familyhubs.models import Service
from onestory.familyhubs.tests.factories import ServiceFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def _run(*args) -> str:
    out = StringIO()
    call_command("directory_import", *map(str, args), stdout=out)
    return out.getvalue()


def test_the_command_loads_the_good_services_and_lists_each_rejected_one():
    output = _run(DATA / "openreferral_malformed.json")

    assert sorted(Service.objects.values_list("name", flat=True)) == [
        "Baby massage",
        "Food bank referrals",
    ]
    assert "New services: 2" in output
    assert "Services rejected: 6" in output
    assert "- Service 5, id c3f2e4d0-0005-4d80-9e3c-000000000005 (“Youth club”)" in output
    massage = Service.objects.get(name="Baby massage")
    assert massage.source == Service.Source.OPEN_REFERRAL
    assert massage.external_id == "c3f2e4d0-0001-4d80-9e3c-000000000001"


def test_imported_services_keep_the_feeds_checked_day_or_take_the_import_day():
    _run(DATA / "openreferral_v3.json")

    dads = Service.objects.get(name="Dads' stay and play")
    online = Service.objects.get(name="Online parenting course")
    assert dads.last_checked_on == date(2025, 2, 20)
    assert online.last_checked_on == timezone.localdate()
    assert online.active is False


def test_importing_the_same_feed_again_changes_nothing():
    _run(DATA / "openreferral_v3.json")
    versions = dict(Service.objects.values_list("external_id", "version"))

    output = _run(DATA / "openreferral_v3.json")

    assert "Services unchanged: 2" in output and "New services: 0" in output
    assert dict(Service.objects.values_list("external_id", "version")) == versions
    assert Service.objects.count() == 2


def test_a_changed_service_is_updated_and_keeps_its_owner_and_referral_setting():
    _run(DATA / "openreferral_v3.json")
    owner = worker_with_role(Role.FAMILY_HUB)
    dads = Service.objects.get(name="Dads' stay and play")
    Service.objects.filter(pk=dads.pk).update(
        owner=owner, accepts_referrals=False, description="Out of date"
    )

    output = _run(DATA / "openreferral_v3.json")

    dads.refresh_from_db()
    assert "Services updated: 1" in output
    assert dads.description == "Saturday morning play for dads and their children."
    assert dads.owner == owner and dads.accepts_referrals is False


def test_a_service_missing_from_the_feed_is_left_as_it_is_and_reported():
    gone = ServiceFactory(
        name="Closed toddler group", source=Service.Source.OPEN_REFERRAL, external_id="old-1"
    )
    local = ServiceFactory(name="Our own group")

    output = _run(DATA / "openreferral_v3.json")

    assert Service.objects.filter(pk=gone.pk, active=True).exists()
    assert "1 services loaded from a feed before are not in this feed" in output
    assert "- Closed toddler group (id old-1)" in output
    assert local.name not in output


def test_a_dry_run_reports_and_loads_nothing():
    output = _run(DATA / "openreferral_v3.json", "--dry-run")

    assert "New services: 2" in output and "Dry run: nothing was loaded." in output
    assert not Service.objects.exists()


def test_a_file_that_is_not_json_loads_nothing_and_says_why():
    with pytest.raises(CommandError, match="Nothing was loaded. The file is not JSON"):
        _run(DATA / "openreferral_not_json.json")

    assert not Service.objects.exists()


def test_the_import_names_who_ran_it_and_new_services_owner_in_the_audit():
    manager = worker_with_role(Role.TEAM_MANAGER)
    owner = worker_with_role(Role.FAMILY_HUB)

    _run(DATA / "openreferral_v3.json", "--as", manager.username, "--owner", owner.username)

    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.actor == manager
    assert event.detail["created"] == 2 and event.detail["rejected"] == 0
    assert set(Service.objects.values_list("owner", flat=True)) == {owner.pk}


def test_only_a_team_manager_may_be_named_as_importing():
    practitioner = worker_with_role(Role.EARLY_HELP)

    with pytest.raises(CommandError, match="Only team managers"):
        _run(DATA / "openreferral_v3.json", "--as", practitioner.username)

    assert not Service.objects.exists()


def test_a_stale_reminder_is_cleared_when_the_feed_says_it_was_checked_since(tmp_path):
    checked = timezone.localdate() - timedelta(days=10)
    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps(
            [
                {
                    "id": "s-1",
                    "name": "Toy library",
                    "organization": {"name": "Synthetic Toy Library"},
                    "assured_date": checked.isoformat(),
                }
            ]
        )
    )
    ServiceFactory(
        name="Toy library",
        organisation="Synthetic Toy Library",
        source=Service.Source.OPEN_REFERRAL,
        external_id="s-1",
        last_checked_on=date(2024, 1, 1),
        stale_reminded_on=date(2024, 7, 2),
    )

    _run(feed)

    toy = Service.objects.get(external_id="s-1")
    assert toy.last_checked_on == checked
    assert toy.stale_reminded_on is None


# --- The upload page ------------------------------------------------------------------------


def _upload(client, name: str, *, dry_run=False):
    data = {"feed": SimpleUploadedFile(name, (DATA / name).read_bytes(), "application/json")}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("familyhubs:directory-import"), data)


def test_a_team_manager_uploads_a_feed_and_sees_what_was_loaded_and_rejected(client, sign_in):
    sign_in(Role.TEAM_MANAGER)

    response = _upload(client, "openreferral_malformed.json")

    assert response.status_code == 200
    page = response.content.decode()
    assert "The feed was loaded" in page
    assert "Youth club" in page and "minimum_age (19) is above its maximum_age (11)" in page
    assert Service.objects.count() == 2
    assert AuditEvent.objects.get(action=AuditEvent.Action.IMPORT).detail["source"] == (
        "the file openreferral_malformed.json"
    )


def test_uploading_a_file_that_is_not_json_shows_why_and_loads_nothing(client, sign_in):
    sign_in(Role.TEAM_MANAGER)

    response = _upload(client, "openreferral_not_json.json")

    assert "The file is not JSON" in response.content.decode()
    assert not Service.objects.exists()


def test_an_upload_can_be_checked_without_loading(client, sign_in):
    sign_in(Role.TEAM_MANAGER)

    response = _upload(client, "openreferral_v3.json", dry_run=True)

    assert "The feed was checked: nothing was loaded" in response.content.decode()
    assert not Service.objects.exists()


@pytest.mark.parametrize("role", [Role.FAMILY_HUB, Role.EARLY_HELP, Role.ANALYST])
def test_only_team_managers_reach_the_upload_page(client, sign_in, role):
    sign_in(role)

    assert client.get(reverse("familyhubs:directory-import")).status_code == 404
    assert _upload(client, "openreferral_v3.json").status_code == 404
    assert not Service.objects.exists()
