"""The family page and the chronology page."""

from datetime import UTC, date, datetime

import pytest

from onestory.access.models import AuditEvent
from onestory.people.models import ChronologyEntry, HouseholdMember
from onestory.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
    RelationshipFactory,
)
from onestory.people.tests.record_helpers import allocated_person
from onestory.workforce.rules import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(sign_in):
    """A household of three: the worker can open the child and her brother, not the father."""
    worker = sign_in(Role.EARLY_HELP)
    household = HouseholdFactory(name="The Synthetic household")
    child = allocated_person(worker, given_name="Daisy", sex="F")
    brother = allocated_person(worker, given_name="Eli", sex="M")
    father = PersonFactory(given_name="Unseen", family_name="Father", sex="M")
    for person in (child, brother, father):
        HouseholdMemberFactory(household=household, person=person)
    RelationshipFactory(from_person=father, to_person=child, kind="parent")
    RelationshipFactory(from_person=brother, to_person=child, kind="sibling")
    return worker, household, child, brother, father


def test_the_family_page_shows_members_the_worker_can_open_and_hides_the_rest(client, family):
    worker, household, child, brother, father = family

    page = client.get(f"/families/{household.pk}/").content.decode()

    assert "Daisy" in page and "Eli" in page
    assert "Brother" in page and "Sister" in page
    assert "Another member (you do not have access)" in page
    assert "Unseen" not in page and str(father.pk) not in page
    assert "Father: another member (you do not have access)" in page


def test_opening_the_family_page_is_audited_once_for_each_member_shown(client, family):
    worker, household, child, brother, father = family

    client.get(f"/families/{household.pk}/")

    viewed = AuditEvent.objects.filter(action="view", actor=worker, object_id=str(household.pk))
    assert sorted(viewed.values_list("person_id", flat=True)) == sorted([child.pk, brother.pk])


def test_a_household_with_no_member_the_worker_can_open_is_not_found(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    member = HouseholdMemberFactory()

    response = client.get(f"/families/{member.household_id}/")

    assert response.status_code == 404
    assert member.household.name not in response.content.decode()
    assert AuditEvent.objects.filter(action="denied", actor=worker).exists()


def test_a_member_who_has_left_does_not_open_the_household(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    left = allocated_person(worker)
    member = HouseholdMemberFactory(person=left, valid_to=date(2020, 1, 1))
    HouseholdMemberFactory(household=member.household)

    assert client.get(f"/families/{member.household_id}/").status_code == 404


def test_a_worker_adds_a_person_to_a_new_household_then_a_second_member(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    mother = allocated_person(worker)
    baby = allocated_person(worker)

    response = client.post(f"/people/{mother.pk}/households/add/",
                           {"new_household_name": "The Synthetic family"})
    household_id = HouseholdMember.objects.get(person=mother).household_id
    assert response.url == f"/families/{household_id}/"

    client.post(f"/families/{household_id}/members/add/", {"person": str(baby.pk)})
    assert HouseholdMember.objects.filter(household_id=household_id).count() == 2


def test_removing_a_member_the_worker_cannot_open_is_not_found(client, family):
    worker, household, child, brother, father = family
    hidden = HouseholdMember.objects.get(person=father)

    url = f"/families/{household.pk}/members/{hidden.pk}/remove/"
    assert client.post(url).status_code == 404
    hidden.refresh_from_db()
    assert hidden.valid_to is None


def test_removing_a_member_records_that_they_left(client, family):
    worker, household, child, brother, father = family
    membership = HouseholdMember.objects.get(person=brother)

    client.post(f"/families/{household.pk}/members/{membership.pk}/remove/")

    membership.refresh_from_db()
    assert membership.valid_to is not None
    page = client.get(f"/families/{household.pk}/").content.decode()
    assert f"/people/{brother.pk}/" not in page and f"/people/{child.pk}/" in page


# --- Chronology -------------------------------------------------------------------------------


def _entry(person, when, category, summary):
    return ChronologyEntry.objects.create(person=person, occurred_at=when, category=category,
                                          summary=summary)


def test_the_chronology_lists_everything_newest_first(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    person = allocated_person(worker)
    _entry(person, datetime(2025, 1, 10, 9, tzinfo=UTC), "record", "Oldest thing")
    _entry(person, datetime(2026, 3, 1, 9, tzinfo=UTC), "household", "Newest thing")

    page = client.get(f"/people/{person.pk}/chronology/").content.decode()

    assert page.index("Newest thing") < page.index("Oldest thing")
    assert AuditEvent.objects.filter(action="view", person_id=person.pk,
                                     detail__page="chronology").exists()


def test_the_chronology_filters_by_category_and_by_dates(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    person = allocated_person(worker)
    _entry(person, datetime(2025, 1, 10, 9, tzinfo=UTC), "record", "January record")
    _entry(person, datetime(2025, 6, 1, 9, tzinfo=UTC), "household", "June household")
    _entry(person, datetime(2026, 3, 1, 9, tzinfo=UTC), "record", "March record")
    url = f"/people/{person.pk}/chronology/"

    by_category = client.get(url, {"category": "record"}).content.decode()
    assert "January record" in by_category and "March record" in by_category
    assert "June household" not in by_category

    by_dates = client.get(url, {"date_from": "01/02/2025", "date_to": "01/03/2026"})
    page = by_dates.content.decode()
    assert "June household" in page and "March record" in page
    assert "January record" not in page


def test_a_bad_chronology_date_is_explained(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    person = allocated_person(worker)

    page = client.get(f"/people/{person.pk}/chronology/", {"date_from": "32/13/2025"})

    assert "There is a problem" in page.content.decode()
    assert "Enter the ‘from’ date as day/month/year" in page.content.decode()


def test_an_unallocated_worker_cannot_read_the_chronology(client, sign_in):
    sign_in(Role.EARLY_HELP)
    person = PersonFactory()
    _entry(person, datetime(2025, 1, 10, 9, tzinfo=UTC), "record", "Private thing")

    response = client.get(f"/people/{person.pk}/chronology/")

    assert response.status_code == 404
    assert "Private thing" not in response.content.decode()


def test_joining_a_household_the_worker_cannot_open_is_refused(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    person = allocated_person(worker)
    elsewhere = HouseholdMemberFactory()

    response = client.post(f"/people/{person.pk}/households/add/",
                           {"household": str(elsewhere.household_id)})

    assert "Choose a household from the list" in response.content.decode()
    assert not person.households.exists()
