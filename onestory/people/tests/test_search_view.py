"""The "Known to us?" page: who finds what, what is shown, and what is recorded."""

from datetime import date

import pytest

from onestory.access.models import AccessGrant, AuditEvent
from onestory.access.tests.factories import (
    AccessGrantFactory,
    AllocationFactory,
    RecordRestrictionFactory,
)
from onestory.people.tests.factories import AddressFactory, PersonFactory
from onestory.workforce.rules import Role

pytestmark = pytest.mark.django_db

URL = "/known-to-us/"
BORN = date(2014, 2, 11)
TYPED = {"given_name": "Kezia", "family_name": "Oduya", "date_of_birth": "11/02/2014"}


@pytest.fixture
def kezia():
    person = PersonFactory(given_name="Kezia", family_name="Oduya", date_of_birth=BORN)
    AddressFactory(person=person, postcode="LU3 2QP")
    return person


def test_front_door_sees_an_unallocated_person_with_identifying_details_but_no_link_to_open(
    client, sign_in, kezia
):
    sign_in(Role.FRONT_DOOR)
    page = client.post(URL, TYPED).content.decode()
    assert "Kezia Oduya" in page
    assert "11 February 2014" in page
    assert "LU3 2QP" in page
    assert "Likely match" in page
    assert f'href="/people/{kezia.pk}/"' not in page
    assert f'href="/people/{kezia.pk}/break-the-glass/"' in page


def test_front_door_gets_a_link_to_open_a_record_they_may_open(client, sign_in, kezia):
    worker = sign_in(Role.FRONT_DOOR)
    AllocationFactory(person=kezia, worker=worker)
    page = client.post(URL, TYPED).content.decode()
    assert f'href="/people/{kezia.pk}/"' in page
    assert "break-the-glass" not in page


def test_the_page_says_why_each_record_matched(client, sign_in, kezia):
    sign_in(Role.FRONT_DOOR)
    page = client.post(URL, {**TYPED, "given_name": "Kesia", "date_of_birth": "02/11/2014"})
    text = page.content.decode()
    assert "Date of birth matches with day and month swapped" in text
    assert "First name sounds like Kezia" in text


def test_a_social_worker_finds_only_the_records_allocated_to_them(client, sign_in, kezia):
    worker = sign_in(Role.SOCIAL_WORKER)
    twin = PersonFactory(given_name="Kezia", family_name="Oduya", date_of_birth=BORN)
    AllocationFactory(person=twin, worker=worker)
    page = client.post(URL, TYPED).content.decode()
    assert f'href="/people/{twin.pk}/"' in page
    assert str(kezia.pk) not in page
    assert "1 record may match" in page


def test_a_social_worker_is_not_told_about_records_they_cannot_open(client, sign_in, kezia):
    sign_in(Role.SOCIAL_WORKER)
    page = client.post(URL, TYPED).content.decode()
    assert "No matching records" in page
    assert "LU3 2QP" not in page


@pytest.mark.parametrize("role", [Role.FRONT_DOOR, Role.SOCIAL_WORKER, Role.TEAM_MANAGER])
def test_a_restricted_record_is_never_shown_to_anyone_not_named_on_it(client, sign_in, kezia, role):
    worker = sign_in(role)
    AllocationFactory(person=kezia, worker=worker)
    RecordRestrictionFactory(person=kezia)
    page = client.post(URL, TYPED).content.decode()
    assert str(kezia.pk) not in page
    assert "No matching records" in page


def test_a_restricted_record_is_shown_to_a_worker_named_on_it(client, sign_in, kezia):
    worker = sign_in(Role.SOCIAL_WORKER)
    RecordRestrictionFactory(person=kezia)
    AccessGrantFactory(person=kezia, worker=worker, kind=AccessGrant.Kind.RESTRICTED)
    page = client.post(URL, TYPED).content.decode()
    assert f'href="/people/{kezia.pk}/"' in page


def test_a_search_is_audited_with_the_fields_used_and_the_count_but_not_the_values(
    client, sign_in, kezia
):
    worker = sign_in(Role.FRONT_DOOR)
    client.post(URL, {**TYPED, "postcode": "LU3 2QP"})
    events = list(AuditEvent.objects.filter(actor=worker))
    assert [e.action for e in events] == ["search"]
    detail = events[0].detail
    assert detail["fields"] == ["first name", "last name", "date of birth", "postcode"]
    assert detail["results"] == 1
    stored = str(detail) + events[0].reason + events[0].object_id
    for value in ("Kezia", "Oduya", "2014", "LU3"):
        assert value not in stored
    assert events[0].person_id is None


@pytest.mark.parametrize("role", [Role.ANALYST, Role.DATA_PROTECTION_OFFICER, Role.ADMIN])
def test_roles_that_do_not_work_on_cases_get_not_found(client, sign_in, settings, kezia, role):
    sign_in(role)
    assert client.get(URL).status_code == 404
    assert client.post(URL, TYPED).status_code == 404
    assert not AuditEvent.objects.filter(action="search").exists()


def test_the_form_sends_details_by_post_and_a_query_string_searches_nothing(client, sign_in, kezia):
    sign_in(Role.FRONT_DOOR)
    page = client.get(URL, {"given_name": "Kezia", "family_name": "Oduya"}).content.decode()
    assert 'method="post"' in page
    assert "Kezia Oduya" not in page
    assert not AuditEvent.objects.filter(action="search").exists()


def test_a_wrong_postcode_is_explained_and_what_was_typed_is_kept(client, sign_in, kezia):
    sign_in(Role.FRONT_DOOR)
    page = client.post(URL, {**TYPED, "postcode": "LU99"}).content.decode()
    assert "There is a problem" in page
    assert 'href="#id_postcode"' in page
    assert "Enter a real postcode, like LU1 1AA" in page
    assert 'value="Kezia"' in page
    assert 'value="LU99"' in page
    assert not AuditEvent.objects.filter(action="search").exists()


def test_a_wrong_nhs_number_is_explained(client, sign_in):
    sign_in(Role.FRONT_DOOR)
    page = client.post(URL, {"nhs_number": "1234567890"}).content.decode()
    assert 'href="#id_nhs_number"' in page
    assert "Enter a real NHS number" in page


def test_too_few_details_asks_for_more(client, sign_in):
    sign_in(Role.FRONT_DOOR)
    page = client.post(URL, {"family_name": "Oduya"}).content.decode()
    assert "There is a problem" in page
    assert "Enter a first and last name, a date of birth, an NHS number or a UPN" in page
