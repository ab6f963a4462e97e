import datetime
from html import escape

import pytest
from django.urls import reverse

from onestory.access.tests.factories import AllocationFactory, ConsentFactory
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import WorkerFactory


@pytest.mark.django_db
def test_the_home_page_lists_children_and_adults_allocated_to_the_worker_apart(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = AllocationFactory(
        worker=worker, person=PersonFactory(date_of_birth=datetime.date(2016, 1, 2))
    ).person
    parent = AllocationFactory(
        worker=worker, person=PersonFactory(date_of_birth=datetime.date(1980, 1, 2))
    ).person
    page = client.get("/").content.decode()
    children_part, adults_part = page.split("Adults allocated to you")
    assert escape(child.full_name) in children_part
    assert escape(parent.full_name) not in children_part
    assert escape(parent.full_name) in adults_part


@pytest.mark.django_db
def test_a_child_whose_previous_worker_handed_over_is_on_the_new_worker_s_home_page(
    client, sign_in
):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = PersonFactory(date_of_birth=datetime.date(2016, 1, 2))
    AllocationFactory(
        person=child, ends_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    )  # another worker's, ended
    AllocationFactory(worker=worker, person=child)
    # And one whose allocation to this worker has ended is not.
    former = AllocationFactory(
        worker=worker,
        person=PersonFactory(date_of_birth=datetime.date(2015, 1, 2)),
        ends_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    ).person

    page = client.get("/").content.decode()

    children_part = page.split("Adults allocated to you")[0]
    assert escape(child.full_name) in children_part
    assert escape(former.full_name) not in page


@pytest.mark.django_db
def test_a_team_manager_sees_each_team_members_caseload_of_children(client, sign_in):
    manager = sign_in(Role.TEAM_MANAGER)
    busy = WorkerFactory(team=manager.team, first_name="Busy", last_name="Worker")
    WorkerFactory(team=manager.team, first_name="Quiet", last_name="Worker")
    for _ in range(3):
        AllocationFactory(
            worker=busy, person=PersonFactory(date_of_birth=datetime.date(2015, 5, 5))
        )
    # An adult on the caseload is not counted as a child.
    AllocationFactory(worker=busy, person=PersonFactory(date_of_birth=datetime.date(1985, 5, 5)))
    page = client.get("/").content.decode()
    assert f"Caseloads in {manager.team.name}" in page
    busy_row = page.split("Busy Worker")[1].split("</tr>")[0]
    quiet_row = page.split("Quiet Worker")[1].split("</tr>")[0]
    assert ">3<" in busy_row
    assert ">0<" in quiet_row


@pytest.mark.django_db
def test_a_social_worker_sees_no_team_caseloads(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)
    assert "Caseloads in" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_partner_sees_the_children_shared_with_their_agency_by_consent(client, sign_in):
    partner = sign_in(Role.PARTNER)
    shared = ConsentFactory(agencies=[partner.agency]).person
    not_shared = ConsentFactory(agencies=[]).person
    page = client.get("/").content.decode()
    section = page.split("Shared with your agency by consent")[1].split("allocated to you")[0]
    assert escape(shared.full_name) in section
    assert escape(not_shared.full_name) not in page


@pytest.mark.django_db
def test_nothing_a_signed_in_worker_is_shown_is_kept_by_a_browser_or_cache(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)
    control = client.get(reverse("access:home"))["Cache-Control"]
    assert "no-store" in control and "private" in control
