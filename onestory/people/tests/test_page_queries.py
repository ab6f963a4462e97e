"""The pages practitioners open all day (a person, their chronology, "Known to us?") take the
same number of database queries however much is recorded about the person: a record with a big
family or a long history opens as fast as a new one, and 300 practitioners at once stay within
what one server can answer (proof item 19)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestory.people.models import ChronologyEntry
from onestory.people.tests.factories import (
    AddressFactory,
    HouseholdMemberFactory,
    PersonFactory,
    RelationshipFactory,
)
from onestory.people.tests.record_helpers import allocated_person
from onestory.workforce.rules import Role

pytestmark = pytest.mark.django_db

# The most each page may take (session, sign-in, the access check, the audit row and each
# section of the page); the tests below also check the count does not grow with the record.
PERSON_PAGE_QUERIES = 30
CHRONOLOGY_QUERIES = 12
SEARCH_QUERIES = 16


def _queries(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        answer = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert answer.status_code == 200
    return len(queries)


def _grow(person, worker, size: int, start: int) -> None:
    """Relatives (some the worker may open, some not), a household of them and a history."""
    household = HouseholdMemberFactory(person=person).household
    for i in range(start, start + size):
        opened = allocated_person(worker, given_name=f"Kin{i}") if i % 2 else PersonFactory()
        RelationshipFactory(from_person=opened, to_person=person, kind="parent")
        HouseholdMemberFactory(person=opened, household=household)
        AddressFactory(person=person, valid_to=datetime(2020, 1, 1 + i % 28).date())
        ChronologyEntry.objects.create(
            person=person,
            occurred_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=i),
            category="record",
            summary=f"Event {i}",
        )


def test_the_person_page_takes_the_same_queries_however_big_the_family(
    client, sign_in, django_assert_max_num_queries
):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = allocated_person(worker, given_name="Ada")
    _grow(child, worker, 1, 0)
    url = f"/people/{child.pk}/"
    client.get(url)
    few = _queries(client, "get", url)
    _grow(child, worker, 12, 100)
    assert _queries(client, "get", url) == few
    with django_assert_max_num_queries(PERSON_PAGE_QUERIES):
        page = client.get(url).content.decode()
    assert "Kin101" in page  # the relatives are on the page, not left out to save queries


def test_the_chronology_takes_the_same_queries_however_long(
    client, sign_in, django_assert_max_num_queries
):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = allocated_person(worker)
    _grow(child, worker, 1, 0)
    url = f"/people/{child.pk}/chronology/"
    few = _queries(client, "get", url)
    _grow(child, worker, 20, 100)
    assert _queries(client, "get", url) == few
    with django_assert_max_num_queries(CHRONOLOGY_QUERIES):
        page = client.get(url).content.decode()
    assert "Event 119" in page


def test_known_to_us_takes_the_same_queries_however_many_match(
    client, sign_in, django_assert_max_num_queries
):
    worker = sign_in(Role.FRONT_DOOR)
    typed = {"given_name": "Kezia", "family_name": "Oduya"}
    PersonFactory(given_name="Kezia", family_name="Oduya")
    few = _queries(client, "post", "/known-to-us/", typed)
    for i in range(10):
        person = PersonFactory(given_name="Kezia", family_name="Oduya")
        AddressFactory(person=person)
        if i % 2:
            allocated_person(worker)
    assert _queries(client, "post", "/known-to-us/", typed) == few
    with django_assert_max_num_queries(SEARCH_QUERIES):
        page = client.post("/known-to-us/", typed).content.decode()
    assert page.count("Oduya") >= 11
