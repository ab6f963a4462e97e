"""Adding and ending addresses."""

from datetime import date

import pytest

from onestory.access.models import AuditEvent
from onestory.core.errors import DomainError, StaleEdit
from onestory.people import actions
from onestory.people.models import Address, ChronologyEntry
from onestory.people.tests.factories import AddressFactory, PersonFactory
from onestory.people.tests.record_helpers import NOW, ward_with_postcode
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return worker_with_role(Role.SOCIAL_WORKER)


def test_a_new_current_address_ends_the_previous_one_the_day_before(worker):
    person = PersonFactory()
    old = AddressFactory(person=person, valid_from=date(2020, 1, 1))

    new = actions.address_add(person=person, line_1="2 Synthetic Close", postcode="LU1 1AA",
                              valid_from=date(2026, 3, 1), acting_user=worker, now=NOW)

    old.refresh_from_db()
    assert old.valid_to == date(2026, 2, 28)
    assert new.is_current
    assert list(Address.objects.filter(person=person, valid_to__isnull=True)) == [new]
    assert AuditEvent.objects.filter(action="create", object_id=str(new.pk)).exists()
    entry = ChronologyEntry.objects.get(person=person)
    assert entry.summary == "Address added: 2 Synthetic Close, LU1 1AA"


def test_the_ward_comes_from_the_postcode_lookup_and_the_postcode_is_tidied(worker):
    ward = ward_with_postcode("LU4 9AA")
    person = PersonFactory()

    address = actions.address_add(person=person, line_1="3 Synthetic Way", postcode=" lu4  9aa ",
                                  valid_from=date(2026, 1, 1), acting_user=worker, now=NOW)

    assert address.postcode == "LU4 9AA" and address.ward == ward


def test_a_postcode_outside_the_lookup_is_kept_without_a_ward(worker):
    address = actions.address_add(person=PersonFactory(), line_1="4 Far Lane", postcode="M1 1AE",
                                  valid_from=date(2026, 1, 1), acting_user=worker, now=NOW)
    assert address.ward is None and address.postcode == "M1 1AE"


def test_a_postcode_that_cannot_be_real_is_refused(worker):
    with pytest.raises(DomainError) as refusal:
        actions.address_add(person=PersonFactory(), line_1="5 Road", postcode="LU99",
                            valid_from=date(2026, 1, 1), acting_user=worker, now=NOW)
    assert refusal.value.field == "postcode" and "LU1 2AB" in refusal.value.message
    assert not Address.objects.exists()


def test_a_move_dated_before_the_current_address_began_is_refused(worker):
    person = PersonFactory()
    AddressFactory(person=person, valid_from=date(2026, 1, 1))

    with pytest.raises(DomainError) as refusal:
        actions.address_add(person=person, line_1="6 Road", postcode="LU1 1AA",
                            valid_from=date(2025, 6, 1), acting_user=worker, now=NOW)

    assert refusal.value.field == "valid_from"
    assert Address.objects.filter(person=person, valid_to__isnull=True).count() == 1


def test_a_past_address_leaves_the_current_one_alone(worker):
    person = PersonFactory()
    current = AddressFactory(person=person, valid_from=date(2024, 1, 1))

    actions.address_add(person=person, line_1="7 Old Road", postcode="LU2 0AA",
                        valid_from=date(2019, 1, 1), valid_to=date(2023, 12, 31),
                        acting_user=worker, now=NOW)

    current.refresh_from_db()
    assert current.valid_to is None


def test_ending_an_address_records_the_move_out(worker):
    address = AddressFactory(valid_from=date(2020, 1, 1))

    actions.address_end(address=address, version=1, valid_to=date(2026, 5, 31),
                        acting_user=worker, now=NOW)

    address.refresh_from_db()
    assert address.valid_to == date(2026, 5, 31) and address.version == 2
    assert ChronologyEntry.objects.get(person=address.person).summary.startswith("Moved out of")


def test_ending_an_address_twice_or_from_a_stale_page_is_refused(worker):
    address = AddressFactory(valid_from=date(2020, 1, 1))
    actions.address_end(address=address, version=1, valid_to=date(2026, 5, 31),
                        acting_user=worker, now=NOW)

    with pytest.raises(StaleEdit):
        actions.address_end(address=address, version=1, valid_to=date(2026, 6, 1),
                            acting_user=worker, now=NOW)
    with pytest.raises(DomainError, match="already been ended"):
        actions.address_end(address=address, version=2, valid_to=date(2026, 6, 1),
                            acting_user=worker, now=NOW)


def test_ending_an_address_before_it_began_is_refused(worker):
    address = AddressFactory(valid_from=date(2026, 1, 1))
    with pytest.raises(DomainError) as refusal:
        actions.address_end(address=address, version=1, valid_to=date(2025, 1, 1),
                            acting_user=worker, now=NOW)
    assert refusal.value.field == "valid_to"
