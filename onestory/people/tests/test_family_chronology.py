"""The family chronology: every member's events in one list, each event once, nothing hidden."""

from datetime import UTC, datetime

import pytest

from onestory.access.tests.factories import AllocationFactory
from onestory.people.models import ChronologyEntry
from onestory.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db
AT = datetime(2026, 10, 5, 9, 30, tzinfo=UTC)


def _entry(person, summary, *, source_id="1", at=AT):
    return ChronologyEntry.objects.create(
        person=person,
        occurred_at=at,
        category="early help",
        summary=summary,
        source_type="earlyhelp.episode",
        source_id=source_id,
    )


def test_an_event_on_several_members_is_shown_once_and_hidden_members_stay_hidden(client):
    worker = worker_with_role(Role.EARLY_HELP)
    household = HouseholdFactory(name="Okafor family")
    child = PersonFactory(given_name="Amara", family_name="Okafor")
    mother = PersonFactory(given_name="Grace", family_name="Okafor")
    hidden = PersonFactory(given_name="Ottoline", family_name="Marchbanks")
    for person in (child, mother, hidden):
        HouseholdMemberFactory(household=household, person=person)
    for person in (child, mother):
        AllocationFactory(person=person, worker=worker)
        _entry(person, "Team Around the Family meeting held")
    _entry(hidden, "Something about Ottoline", source_id="2")
    _entry(child, "Attended the family hub", source_id="3", at=datetime(2026, 9, 1, tzinfo=UTC))

    client.force_login(worker)
    page = client.get(f"/families/{household.pk}/chronology/").content.decode()
    assert page.count("Team Around the Family meeting held") == 1
    assert "Amara Okafor, Grace Okafor" in page
    assert "Attended the family hub" in page
    assert "Ottoline" not in page and "Something about" not in page

    filtered = client.get(
        f"/families/{household.pk}/chronology/", {"date_from": "01/10/2026"}
    ).content.decode()
    assert "Attended the family hub" not in filtered


def test_the_family_chronology_is_404_to_a_worker_who_can_open_nobody_in_it(client):
    household = HouseholdFactory()
    HouseholdMemberFactory(household=household)
    client.force_login(worker_with_role(Role.EARLY_HELP))
    assert client.get(f"/families/{household.pk}/chronology/").status_code == 404
