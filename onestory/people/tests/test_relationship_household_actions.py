"""Relationships between people, and families or households."""

from datetime import date

import pytest

from onestory.access.models import AuditEvent
from onestory.core.errors import DomainError
from onestory.people import actions
from onestory.people.models import ChronologyEntry, HouseholdMember, Relationship
from onestory.people.tests.factories import HouseholdMemberFactory, PersonFactory
from onestory.people.tests.record_helpers import NOW, TODAY
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return worker_with_role(Role.SOCIAL_WORKER)


def test_a_relationship_is_recorded_once_and_reads_from_both_records(worker):
    mother = PersonFactory(sex="F", date_of_birth=date(1988, 2, 2))
    son = PersonFactory(sex="M")

    relationship = actions.relationship_add(
        from_person=mother, to_person=son, kind="parent", has_parental_responsibility=True,
        acting_user=worker, now=NOW,
    )

    assert Relationship.objects.get() == relationship
    assert {e.person_id: e.summary for e in ChronologyEntry.objects.all()} == {
        mother.pk: "Relationship recorded: son",
        son.pk: "Relationship recorded: mother",
    }
    audited = set(AuditEvent.objects.filter(action="create").values_list("person_id", flat=True))
    assert audited == {mother.pk, son.pk}


def test_a_relationship_to_oneself_is_refused(worker):
    person = PersonFactory()
    with pytest.raises(DomainError, match="themselves"):
        actions.relationship_add(from_person=person, to_person=person, kind="sibling",
                                 acting_user=worker, now=NOW)


def test_an_exact_duplicate_relationship_is_refused_either_way_round_for_siblings(worker):
    a, b = PersonFactory(), PersonFactory()
    actions.relationship_add(from_person=a, to_person=b, kind="sibling", acting_user=worker,
                             now=NOW)

    with pytest.raises(DomainError, match="already recorded"):
        actions.relationship_add(from_person=a, to_person=b, kind="sibling", acting_user=worker,
                                 now=NOW)
    with pytest.raises(DomainError, match="already recorded"):
        actions.relationship_add(from_person=b, to_person=a, kind="sibling", acting_user=worker,
                                 now=NOW)
    assert Relationship.objects.count() == 1


def test_a_different_relationship_between_the_same_people_is_allowed(worker):
    a, b = PersonFactory(), PersonFactory()
    actions.relationship_add(from_person=a, to_person=b, kind="parent", acting_user=worker, now=NOW)
    actions.relationship_add(from_person=a, to_person=b, kind="carer", acting_user=worker, now=NOW)
    assert Relationship.objects.count() == 2


def test_a_household_starts_with_its_first_member_in_their_chronology(worker):
    person = PersonFactory()

    household = actions.household_create(name="The Synthetic family", members=[person],
                                         acting_user=worker, now=NOW)

    assert list(household.members.values_list("person_id", flat=True)) == [person.pk]
    assert ChronologyEntry.objects.get(person=person).summary == (
        "Joined the household: The Synthetic family"
    )


def test_a_household_needs_a_name_and_a_member(worker):
    with pytest.raises(DomainError):
        actions.household_create(name=" ", members=[PersonFactory()], acting_user=worker, now=NOW)
    with pytest.raises(DomainError):
        actions.household_create(name="Family", members=[], acting_user=worker, now=NOW)


def test_adding_a_current_member_again_is_refused(worker):
    member = HouseholdMemberFactory()

    with pytest.raises(DomainError, match="already a member"):
        actions.household_add_member(household=member.household, person=member.person,
                                     acting_user=worker, now=NOW)


def test_removing_a_member_ends_their_membership_today_and_keeps_it(worker):
    member = HouseholdMemberFactory(valid_from=date(2020, 1, 1))

    actions.household_remove_member(member=member, acting_user=worker, now=NOW)

    member.refresh_from_db()
    assert member.valid_to == TODAY
    assert HouseholdMember.objects.filter(pk=member.pk).exists()
    entry = ChronologyEntry.objects.get(person=member.person)
    assert entry.summary == f"Left the household: {member.household.name}"
    # They can join again later.
    actions.household_add_member(household=member.household, person=member.person,
                                 acting_user=worker, now=NOW)
    assert member.household.members.filter(valid_to__isnull=True).count() == 1
