"""The person page and the pages that change a person's record, as workers in each role."""

import html
import re
from datetime import date

import pytest
from django.utils.html import escape

from onestory.access.models import AuditEvent
from onestory.access.tests.factories import ConsentFactory
from onestory.people.models import Address, Person, Relationship
from onestory.people.tests.factories import (
    AddressFactory,
    HouseholdMemberFactory,
    PersonFactory,
    RelationshipFactory,
)
from onestory.people.tests.record_helpers import allocated_person, ward_with_postcode
from onestory.workforce.rules import Role

pytestmark = pytest.mark.django_db


def test_an_allocated_worker_sees_the_whole_record(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    ward = ward_with_postcode("LU4 9AA", name="Leagrave")
    child = allocated_person(worker, given_name="Ben", family_name="Synth", sex="M",
                             date_of_birth=date(2015, 3, 27), nhs_number="9990000018")
    mother = allocated_person(worker, given_name="Jane", family_name="Synth", sex="F")
    RelationshipFactory(from_person=mother, to_person=child, kind="parent")
    Address.objects.create(person=child, line_1="1 Synthetic Road", postcode="LU4 9AA", ward=ward,
                           valid_from=date(2020, 1, 1))
    membership = HouseholdMemberFactory(person=child, household__name="The Synth family")

    page = client.get(f"/people/{child.pk}/").content.decode()

    assert "Ben Synth" in page and "27 March 2015" in page and "9990000018" in page
    assert "Leagrave" in page and "1 Synthetic Road" in page
    assert "Mother" in page and f"/people/{mother.pk}/" in page
    assert f"/families/{membership.household_id}/" in page
    assert AuditEvent.objects.filter(action="view", person_id=child.pk, actor=worker).exists()


def test_an_unallocated_worker_gets_not_found_and_the_attempt_is_audited(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    stranger = PersonFactory()

    response = client.get(f"/people/{stranger.pk}/")

    assert response.status_code == 404
    assert stranger.full_name not in html.unescape(response.content.decode())
    assert AuditEvent.objects.filter(action="denied", person_id=stranger.pk, actor=worker).exists()


def test_a_partner_sees_a_record_only_under_consent_for_their_agency(client, sign_in):
    partner = sign_in(Role.PARTNER)
    without = PersonFactory()
    with_consent = PersonFactory()
    ConsentFactory(person=with_consent, agencies=[partner.agency])

    assert client.get(f"/people/{without.pk}/").status_code == 404
    assert client.get(f"/people/{with_consent.pk}/").status_code == 200


def test_a_partner_cannot_change_a_record_even_with_consent(client, sign_in):
    partner = sign_in(Role.PARTNER)
    person = PersonFactory()
    ConsentFactory(person=person, agencies=[partner.agency])

    assert client.get(f"/people/{person.pk}/edit/").status_code == 404
    assert "Change details" not in client.get(f"/people/{person.pk}/").content.decode()


def test_a_relative_the_worker_cannot_open_is_shown_without_their_name(client, sign_in):
    worker = sign_in(Role.EARLY_HELP)
    child = allocated_person(worker)
    father = PersonFactory(given_name="Hidden", family_name="Person", sex="M")
    RelationshipFactory(from_person=father, to_person=child, kind="parent")

    page = client.get(f"/people/{child.pk}/").content.decode()

    assert "Father" in page and "A person you do not have access to" in page
    assert "Hidden" not in page and f"/people/{father.pk}/" not in page


def test_the_change_history_shows_who_changed_which_field_from_what_to_what(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    person = allocated_person(worker, first_language="")
    response = client.post(f"/people/{person.pk}/edit/", {
        "given_name": person.given_name, "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.strftime("%d/%m/%Y"), "sex": person.sex,
        "ethnicity": "WBRI", "first_language": "Polish", "version": person.version,
    })
    assert response.status_code == 302

    page = html.unescape(client.get(f"/people/{person.pk}/").content.decode())

    history = page.split("Change history", 1)[1]
    row = next(r for r in re.findall(r"<tr.*?</tr>", history, re.S) if "First language" in r)
    assert worker.get_full_name() in row
    assert "Not recorded" in row and "Polish" in row


# --- Creating ---------------------------------------------------------------------------------

NEW_PERSON = {"given_name": "Amara", "family_name": "Okafor", "date_of_birth": "02/04/2016",
              "sex": "F", "ethnicity": "BAFR", "address_line_1": "9 Synthetic Row",
              "address_postcode": "lu4 9aa"}


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ANALYST, Role.DATA_PROTECTION_OFFICER])
def test_roles_that_may_not_create_people_get_not_found(client, sign_in, role):
    sign_in(role)
    assert client.get("/people/new/").status_code == 404


def test_a_worker_adds_a_person_and_lands_on_their_record(client, sign_in):
    worker = sign_in(Role.FRONT_DOOR)
    token = client.get("/people/new/").context["form"].initial["form_token"]

    response = client.post("/people/new/", {**NEW_PERSON, "form_token": token})

    person = Person.objects.get(family_name="Okafor")
    assert response.status_code == 302 and response.url == f"/people/{person.pk}/"
    assert person.addresses.get().postcode == "LU4 9AA"
    assert client.get(response.url).status_code == 200
    assert person.allocations.get().team == worker.team


def test_submitting_the_add_person_page_twice_makes_one_record(client, sign_in):
    sign_in(Role.EARLY_HELP)
    token = client.get("/people/new/").context["form"].initial["form_token"]

    first = client.post("/people/new/", {**NEW_PERSON, "form_token": token})
    second = client.post("/people/new/", {**NEW_PERSON, "form_token": token})

    assert first.url == second.url
    assert Person.objects.filter(family_name="Okafor").count() == 1


def test_bad_input_on_the_add_person_page_is_shown_in_an_error_summary_and_kept(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)

    response = client.post("/people/new/", {**NEW_PERSON, "form_token": "x",
                                            "nhs_number": "1234567890"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and 'href="#id_nhs_number"' in page
    assert "Enter a real NHS number" in page
    assert 'value="1234567890"' in page and 'value="Okafor"' in page
    assert not Person.objects.exists()


# --- Changing ---------------------------------------------------------------------------------


def _edit_data(person, **changes):
    data = {"given_name": person.given_name, "family_name": person.family_name,
            "date_of_birth": person.date_of_birth.strftime("%d/%m/%Y"), "sex": person.sex,
            "ethnicity": person.ethnicity, "version": person.version}
    return {**data, **changes}


def test_a_stale_edit_is_refused_keeping_the_input_and_showing_what_changed(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    person = allocated_person(worker)
    opened = _edit_data(person, first_language="Urdu")
    client.post(f"/people/{person.pk}/edit/", _edit_data(person, first_language="Punjabi"))

    response = client.post(f"/people/{person.pk}/edit/", opened)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this" in page
    assert 'value="Urdu"' in page and "Punjabi" in page
    person.refresh_from_db()
    assert person.first_language == "Punjabi"
    # Having seen the difference, saving again keeps what they entered.
    client.post(f"/people/{person.pk}/edit/", {**opened, "version": person.version})
    person.refresh_from_db()
    assert person.first_language == "Urdu"


def test_an_unallocated_worker_cannot_reach_the_edit_page(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)
    assert client.get(f"/people/{PersonFactory().pk}/edit/").status_code == 404


def test_adding_an_address_through_the_page_ends_the_old_one(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    person = allocated_person(worker)
    old = AddressFactory(person=person, valid_from=date(2020, 1, 1))

    response = client.post(f"/people/{person.pk}/addresses/add/", {
        "line_1": "10 New Street", "postcode": "LU2 7AA", "valid_from": "01/03/2026"})

    assert response.status_code == 302
    old.refresh_from_db()
    assert old.valid_to == date(2026, 2, 28)


def test_ending_an_address_of_someone_else_is_not_found(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    person = allocated_person(worker)
    elsewhere = AddressFactory()

    url = f"/people/{person.pk}/addresses/{elsewhere.pk}/end/"
    assert client.post(url, {"valid_to": "01/01/2026", "version": 1}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.valid_to is None


def test_a_relationship_can_only_be_made_to_a_record_the_worker_can_open(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = allocated_person(worker)
    sister = allocated_person(worker, sex="F")
    stranger = PersonFactory(given_name="Zephyrine")

    page = html.unescape(client.get(f"/people/{child.pk}/relationships/add/").content.decode())
    assert escape(sister.given_name) in page and escape(stranger.given_name) not in page

    refused = client.post(f"/people/{child.pk}/relationships/add/",
                          {"relationship": "sibling", "record_id": str(stranger.pk)})
    assert "There is no record you can open with this id" in refused.content.decode()

    client.post(f"/people/{child.pk}/relationships/add/",
                {"relationship": "sibling", "other_person": str(sister.pk)})
    assert Relationship.objects.filter(kind="sibling").count() == 1
    assert "Sister" in client.get(f"/people/{child.pk}/").content.decode()


def test_choosing_parent_records_the_other_person_as_the_parent(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = allocated_person(worker)
    mother = allocated_person(worker, sex="F")

    client.post(f"/people/{child.pk}/relationships/add/",
                {"relationship": "parent", "other_person": str(mother.pk),
                 "has_parental_responsibility": "on"})

    relationship = Relationship.objects.get()
    assert (relationship.from_person, relationship.to_person) == (mother, child)
    assert relationship.has_parental_responsibility


def test_adding_a_name_shows_it_on_the_record(client, sign_in):
    worker = sign_in(Role.EARLY_HELP)
    person = allocated_person(worker)

    client.post(f"/people/{person.pk}/names/add/",
                {"kind": "preferred", "given_name": "Syntha", "family_name": ""})

    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Known as Syntha" in page and "Preferred name" in page


def test_submitting_an_add_page_twice_makes_one_record_and_no_error(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    person = allocated_person(worker)
    sister = allocated_person(worker, sex="F")
    pages = [
        (f"/people/{person.pk}/addresses/add/",
         {"line_1": "10 New Street", "postcode": "LU2 7AA", "valid_from": "01/03/2026"}),
        (f"/people/{person.pk}/relationships/add/",
         {"relationship": "sibling", "other_person": str(sister.pk)}),
        (f"/people/{person.pk}/names/add/", {"kind": "alias", "given_name": "Sy"}),
        (f"/people/{person.pk}/households/add/", {"new_household_name": "The Synthetic family"}),
    ]
    for url, data in pages:
        token = client.get(url).context["form"].initial["form_token"]
        first = client.post(url, {**data, "form_token": token})
        second = client.post(url, {**data, "form_token": token})
        assert first.status_code == second.status_code == 302, url
        assert first.url == second.url

    assert person.addresses.count() == 1
    assert Relationship.objects.count() == 1
    assert person.names.filter(kind="alias").count() == 1
    assert person.households.count() == 1
