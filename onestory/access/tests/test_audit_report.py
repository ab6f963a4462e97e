"""The daily report of workers who opened many records outside their caseload."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from onestory.access import audit
from onestory.access.audit_report import unusual_access_on
from onestory.access.models import AuditEvent
from onestory.access.tests.factories import AllocationFactory
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 2)
MORNING = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)


def opened(worker, people, *, at=MORNING):
    for person in people:
        audit.record(actor=worker, action="view", at=at, person_id=person.pk)


def test_a_worker_browsing_many_records_outside_their_caseload_is_named():
    snooper = worker_with_role(Role.SOCIAL_WORKER)
    opened(snooper, PersonFactory.create_batch(45))

    found = unusual_access_on(DAY, threshold=40)

    assert [(f.worker, f.outside_caseload, f.opened) for f in found] == [(snooper, 45, 45)]


def test_a_busy_worker_within_their_caseload_is_not_named():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    children = [AllocationFactory(worker=worker).person for _ in range(45)]
    opened(worker, children)
    opened(worker, PersonFactory.create_batch(3))  # a colleague's cases on duty

    assert unusual_access_on(DAY, threshold=40) == []


def test_a_manager_reading_their_teams_cases_is_not_named():
    manager = worker_with_role(Role.TEAM_MANAGER)
    team = TeamFactory(manager=manager)
    colleague = worker_with_role(Role.SOCIAL_WORKER, team=team)
    children = [AllocationFactory(worker=colleague, team=team).person for _ in range(45)]
    opened(manager, children)

    assert unusual_access_on(DAY, threshold=40) == []


def test_looks_on_another_day_do_not_count():
    snooper = worker_with_role(Role.SOCIAL_WORKER)
    opened(snooper, PersonFactory.create_batch(45), at=MORNING + datetime.timedelta(days=1))

    assert unusual_access_on(DAY, threshold=40) == []


def test_the_command_names_the_worker_and_the_count():
    snooper = worker_with_role(Role.SOCIAL_WORKER, username="curious")
    opened(snooper, PersonFactory.create_batch(41))
    out = StringIO()

    call_command("audit_report", "--day", "2026-11-02", "--threshold", "40", stdout=out)

    assert "curious" in out.getvalue() and "41 records outside their caseload" in out.getvalue()


def test_the_data_protection_officer_reads_the_report_for_a_chosen_day(client, sign_in, settings):
    settings.ONESTORY_AUDIT_REPORT_THRESHOLD = 40
    snooper = worker_with_role(Role.SOCIAL_WORKER, first_name="Nosy", last_name="Parker")
    opened(snooper, PersonFactory.create_batch(41))
    dpo = sign_in(Role.DATA_PROTECTION_OFFICER)
    url = reverse("access:unusual-access")

    page = client.get(url, {"day": "02/11/2026"}).content.decode()

    assert "Nosy Parker" in page and "<strong>41</strong>" in page
    event = AuditEvent.objects.get(actor=dpo, detail__page="unusual access")
    assert event.detail["day"] == "2026-11-02" and event.detail["workers"] == 1
    quiet = client.get(url, {"day": "03/11/2026"}).content.decode()
    assert "Nobody opened an unusual number" in quiet
    assert "Enter a real date" in client.get(url, {"day": "31/02/2026"}).content.decode()


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.ANALYST])
def test_only_the_data_protection_officer_has_the_report(client, sign_in, role):
    sign_in(role)
    assert client.get(reverse("access:unusual-access")).status_code == 404
