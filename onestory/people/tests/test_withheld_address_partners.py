"""A withheld address (a refuge, a foster carer's or adopters' home) never leaves the council:
council staff who may open the record see it; a partner agency's worker who may open the same
record is told only that it is withheld and why, on the page, the family page and the API."""

import datetime
import html
import re

import pytest

from onestory.access.tests.factories import AllocationFactory
from onestory.people.models import Address, Household, HouseholdMember
from onestory.people.tests.record_helpers import allocated_person
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _child_in_a_refuge(*workers):
    child = allocated_person(workers[0], given_name="Ruby", family_name="Synth")
    for worker in workers[1:]:
        AllocationFactory(person=child, worker=worker)
    Address.objects.create(
        person=child, line_1="7 Sanctuary Lane", postcode="LU2 7AA", withheld="refuge",
        valid_from=datetime.date(2026, 1, 5),
    )  # fmt: skip
    Address.objects.create(
        person=child, line_1="3 Old Foster Close", postcode="LU3 1AB", withheld="foster_carer",
        valid_from=datetime.date(2024, 1, 5), valid_to=datetime.date(2026, 1, 4),
    )  # fmt: skip
    return child


def test_a_partner_who_may_open_the_record_is_told_the_address_is_withheld_not_where(
    client, sign_in
):
    partner = sign_in(Role.PARTNER)
    child = _child_in_a_refuge(partner)

    page = _text(client.get(f"/people/{child.pk}/"))

    assert "Ruby Synth" in page
    assert "Withheld: a refuge" in page
    assert "Only council staff may see this address." in page
    assert "Sanctuary" not in page and "LU2 7AA" not in page
    assert "Foster Close" not in page and "LU3 1AB" not in page
    api = client.get(f"/api/people/{child.pk}/").json()
    assert api["given_name"] == "Ruby"
    assert api["current_address"] is None


def test_a_partner_sees_no_withheld_address_on_the_family_page(client, sign_in):
    partner = sign_in(Role.PARTNER)
    child = _child_in_a_refuge(partner)
    family = Household.objects.create(name="Synth family")
    HouseholdMember.objects.create(household=family, person=child)

    page = _text(client.get(f"/families/{family.pk}/"))

    assert "Ruby Synth" in page
    assert "Withheld: a refuge" in page and "Sanctuary" not in page


def test_council_staff_who_may_open_the_record_see_the_withheld_address(client, sign_in):
    social_worker = sign_in(Role.SOCIAL_WORKER)
    child = _child_in_a_refuge(social_worker, worker_with_role(Role.PARTNER))

    page = _text(client.get(f"/people/{child.pk}/"))

    assert "Withheld: a refuge" in page and "7 Sanctuary Lane" in page
    assert "3 Old Foster Close" in page
    assert client.get(f"/api/people/{child.pk}/").json()["current_address"]["line_1"] == (
        "7 Sanctuary Lane"
    )
