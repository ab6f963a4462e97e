"""Contact details on a person, addresses withheld from anyone outside the council, and a
relative's alleged harm: what letters and notifications are later built from."""

import html
import re

import pytest

from onestory.people import rules
from onestory.people.models import Address, ChronologyEntry, Person, Relationship
from onestory.people.tests.record_helpers import allocated_person, ward_with_postcode
from onestory.workforce.rules import Role


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("07700 900123", "07700 900123"),
        ("+44 7700 900123", "07700 900123"),
        ("0044-7700-900123", "07700 900123"),
        ("(07700) 900 123", "07700 900123"),
    ],
)
def test_a_uk_mobile_number_is_kept_in_one_shape(typed, kept):
    assert rules.normalise_mobile(typed) == kept


@pytest.mark.parametrize("typed", ["01582 546000", "0770090012", "+33 6 12 34 56 78", "mobile"])
def test_anything_but_a_uk_mobile_number_is_not_a_mobile_number(typed):
    assert rules.normalise_mobile(typed) is None


@pytest.mark.django_db
def test_a_worker_records_an_email_and_mobile_and_a_wrong_number_is_kept_with_the_reason(
    client, sign_in
):
    worker = sign_in(Role.SOCIAL_WORKER)
    person = allocated_person(worker, given_name="Ana", family_name="Synth")
    form = {
        "given_name": "Ana", "family_name": "Synth", "sex": "F", "ethnicity": "NOBT",
        "version": person.version, "email": "ana@example.com", "mobile": "0770 090",
    }

    refused = client.post(f"/people/{person.pk}/edit/", form)

    assert "Enter a UK mobile number, like 07700 900123" in _text(refused)
    assert 'value="0770 090"' in refused.content.decode()
    client.post(f"/people/{person.pk}/edit/", {**form, "mobile": "+447700900123"})
    person.refresh_from_db()
    assert (person.email, person.mobile) == ("ana@example.com", "07700 900123")
    assert "07700 900123" in _text(client.get(f"/people/{person.pk}/"))


@pytest.mark.django_db
def test_a_withheld_address_is_marked_on_the_record_and_kept_out_of_the_chronology(
    client, sign_in
):
    worker = sign_in(Role.SOCIAL_WORKER)
    ward_with_postcode("LU2 7AA")
    person = allocated_person(worker)

    client.post(f"/people/{person.pk}/addresses/add/", {
        "line_1": "1 Sanctuary Lane", "postcode": "LU2 7AA", "valid_from": "01/03/2026",
        "withheld": "refuge"})

    address = Address.objects.get(person=person)
    assert address.withheld == "refuge"
    assert "Withheld: a refuge" in _text(client.get(f"/people/{person.pk}/"))
    summary = ChronologyEntry.objects.get(person=person, category="record").summary
    assert "Sanctuary" not in summary and "withheld (a refuge)" in summary


@pytest.mark.django_db
def test_a_parent_alleged_to_have_harmed_the_other_parent_is_recorded_and_shown(
    client, sign_in
):
    worker = sign_in(Role.SOCIAL_WORKER)
    mother = allocated_person(worker, sex="F", given_name="Mia", family_name="Synth")
    father = allocated_person(worker, sex="M", given_name="Leo", family_name="Synth")

    client.post(f"/people/{mother.pk}/relationships/add/", {
        "relationship": "partner", "other_person": str(father.pk), "alleged_harm": "on"})

    relationship = Relationship.objects.get()
    assert (relationship.from_person, relationship.to_person) == (father, mother)
    assert relationship.alleged_harm
    assert "Alleged to have harmed Mia Synth" in _text(client.get(f"/people/{mother.pk}/"))
    assert "Leo Synth is alleged to have harmed them" in _text(
        client.get(f"/people/{father.pk}/")
    )


@pytest.mark.django_db
def test_harm_by_a_child_to_an_adult_is_refused_with_where_to_record_it(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    mother = allocated_person(worker, sex="F")
    son = allocated_person(worker, sex="M")

    refused = client.post(f"/people/{mother.pk}/relationships/add/", {
        "relationship": "child", "other_person": str(son.pk), "alleged_harm": "on"})

    assert "Record a child's harm to an adult in a case note instead." in _text(refused)
    assert not Relationship.objects.exists()
    assert Person.objects.count() == 2
