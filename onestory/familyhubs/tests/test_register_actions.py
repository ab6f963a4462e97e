"""Registering a family and saving a session's register: state, audit rows and chronology."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from onestory.access.models import AuditEvent, RecordRestriction
from onestory.core.errors import DomainError, StaleEdit
from onestory.familyhubs.actions.attendance import register_save
from onestory.familyhubs.actions.registration import (
    AlreadyRegistered,
    registered_person_add,
    registration_create,
    registration_end,
    registration_update,
)
from onestory.familyhubs.models import Attendance, Booking, Registration, Site
from onestory.familyhubs.selectors_register import possible_matches
from onestory.people.models import Address, ChronologyEntry, HouseholdMember, Person
from onestory.people.tests.factories import HouseholdMemberFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import SiteFactory, registered_family
from .factories_register import ADDRESS, known_child, person_details, session_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub_worker():
    return worker_with_role(Role.FAMILY_HUB)


def _register(worker, people, **kwargs):
    values = {
        "site": Site.objects.filter(name="Marsh Farm Family Hub").first()
        or SiteFactory(name="Marsh Farm Family Hub"),
        "people": people,
        "address": ADDRESS,
        "phone": "07700 900456",
        "contact_by": "text",
        "consent_to_register": True,
        "acting_user": worker,
        "now": timezone.now(),
    }
    return registration_create(**(values | kwargs))


def test_a_family_registered_with_a_confirmed_match_links_the_record_and_makes_no_duplicate(
    hub_worker,
):
    child = known_child()
    people_before = Person.objects.count()

    registration = _register(
        hub_worker, [person_details("carer"), person_details("child", person=child)]
    )

    assert Person.objects.count() == people_before + 1  # only the carer is new
    registered = {rp.person_id: rp.role for rp in registration.people.all()}
    assert registered[child.pk] == "child"
    assert registration.reference.startswith("FH") and len(registration.reference) == 8
    assert HouseholdMember.objects.filter(
        household=registration.household, person=child, valid_to__isnull=True
    ).exists()
    entry = ChronologyEntry.objects.get(person=child, category="family hub")
    assert entry.summary == "Registered with the family hubs at Marsh Farm Family Hub"
    audit = AuditEvent.objects.get(action="create", object_type="familyhubs.registration")
    assert audit.detail == {"page": "family hub registration", "people": 2, "matched": 1}


def test_the_family_joins_the_household_its_confirmed_people_already_share(hub_worker):
    child = known_child()
    member = HouseholdMemberFactory(person=child)

    registration = _register(
        hub_worker, [person_details("carer"), person_details("child", person=child)]
    )

    assert registration.household_id == member.household_id
    carer = registration.people.get(role="carer").person
    assert member.household.members.filter(person=carer).exists()


def test_registering_without_consent_is_refused_saying_why(hub_worker):
    with pytest.raises(DomainError) as refusal:
        _register(
            hub_worker,
            [person_details("carer"), person_details("child")],
            consent_to_register=False,
        )
    assert "agreed to the family hubs keeping their details" in refusal.value.message
    assert refusal.value.field == "consent_to_register"
    assert not Registration.objects.exists()


def test_a_family_needs_a_child(hub_worker):
    with pytest.raises(DomainError, match="at least one child"):
        _register(hub_worker, [person_details("carer")])


def test_a_person_already_in_a_current_registration_is_refused_with_that_family(hub_worker):
    first = registered_family()
    child = first.people.get(role="child").person

    with pytest.raises(AlreadyRegistered) as refusal:
        _register(hub_worker, [person_details("carer"), person_details("child", person=child)])

    assert refusal.value.registration == first
    assert f"already registered with family {first.reference}" in refusal.value.message


def test_a_double_submit_makes_one_registration(hub_worker):
    people = [person_details("carer"), person_details("child")]
    first = _register(hub_worker, people, form_token="token-1")
    second = _register(hub_worker, people, form_token="token-1")
    assert first == second
    assert Registration.objects.count() == 1
    assert Person.objects.filter(family_name="Khan").count() == 2


def test_new_people_get_the_address_the_family_gave_with_its_ward(hub_worker):
    registration = _register(hub_worker, [person_details("carer"), person_details("child")])
    for member in registration.people.all():
        address = Address.objects.get(person=member.person, valid_to__isnull=True)
        assert (address.line_1, address.postcode) == ("12 Marsh Road", "LU2 7AB")


def test_an_unborn_baby_is_registered_with_the_expected_date(hub_worker):
    due = timezone.localdate() + timedelta(days=60)
    registration = _register(
        hub_worker,
        [
            person_details("expectant"),
            person_details("child", given_name="", date_of_birth=None, expected_date_of_birth=due),
        ],
    )
    baby = registration.people.get(role="child").person
    assert baby.given_name == "Unborn" and baby.expected_date_of_birth == due


def test_contact_details_change_with_optimistic_locking(hub_worker):
    registration = registered_family()
    changed = registration_update(
        registration=registration,
        version=registration.version,
        phone="",
        email="a@example.com",
        contact_by="email",
        consent_to_news=True,
        acting_user=hub_worker,
        now=timezone.now(),
    )
    assert (changed.contact_by, changed.consent_to_news, changed.version) == ("email", True, 2)
    with pytest.raises(StaleEdit):
        registration_update(
            registration=registration,
            version=1,
            phone="07700 900000",
            email="",
            contact_by="text",
            consent_to_news=False,
            acting_user=hub_worker,
            now=timezone.now(),
        )


def test_a_new_baby_joins_the_family_at_its_address(hub_worker):
    registration = _register(hub_worker, [person_details("carer"), person_details("child")])
    member = registered_person_add(
        registration=registration,
        details=person_details("child", given_name="Zara", date_of_birth=timezone.localdate()),
        acting_user=hub_worker,
        now=timezone.now(),
    )
    assert member.registration == registration
    assert Address.objects.get(person=member.person).postcode == "LU2 7AB"
    assert registration.household.members.filter(person=member.person).exists()


def test_ending_a_registration_cancels_bookings_still_to_come(hub_worker):
    registration = registered_family()
    child = registration.people.get(role="child").person
    later = session_today()
    later.starts_at += timedelta(days=3)
    later.ends_at += timedelta(days=3)
    later.save()
    booking = Booking.objects.create(
        session=later, person=child, registration=registration, booked_at=timezone.now()
    )
    registration_end(
        registration=registration,
        version=registration.version,
        acting_user=hub_worker,
        now=timezone.now(),
    )
    registration.refresh_from_db()
    booking.refresh_from_db()
    assert registration.ended_at is not None and booking.cancelled_at is not None
    assert ChronologyEntry.objects.filter(
        person=child, summary="Family hub registration ended"
    ).exists()


# --- Matching at the door ---------------------------------------------------------------------


def test_a_possible_match_shows_only_whether_name_date_of_birth_and_postcode_agree(hub_worker):
    child = known_child(postcode="LU2 7AB")
    described = possible_matches(
        hub_worker,
        [{"given_name": "Amira", "family_name": "Khan", "date_of_birth": child.date_of_birth}],
        postcode="LU4 0AA",
        now=timezone.now(),
    )
    [match] = described[0].matches
    assert match.person_id == child.pk
    assert match.same_name and match.same_date_of_birth and not match.postcode_agrees
    assert set(vars(match)) == {
        "person_id",
        "same_name",
        "same_date_of_birth",
        "postcode_agrees",
        "registered_with",
    }
    search = AuditEvent.objects.get(action="search")
    assert "Amira" not in str(search.detail)


def test_restricted_records_and_weak_matches_are_not_offered_at_the_door(hub_worker):
    hidden = known_child()
    RecordRestriction.objects.create(person=hidden, reason="Safety", restricted_by=hub_worker)
    known_child(given_name="Leila", date_of_birth=datetime.date(2021, 1, 1))
    described = possible_matches(
        hub_worker,
        [
            {"given_name": "Amira", "family_name": "Khan", "date_of_birth": hidden.date_of_birth},
            # The same name but another date of birth: not offered.
            {
                "given_name": "Leila",
                "family_name": "Khan",
                "date_of_birth": datetime.date(2019, 6, 30),
            },
        ],
        postcode="LU2 7AB",
        now=timezone.now(),
    )
    assert described[0].matches == [] and described[1].matches == []


# --- The register -----------------------------------------------------------------------------


def test_a_register_saved_twice_records_attendance_once_with_one_chronology_line(hub_worker):
    registration = registered_family()
    child = registration.people.get(role="child").person
    session = session_today()

    first = register_save(
        session=session, present_ids=[child.pk], acting_user=hub_worker, now=timezone.now()
    )
    second = register_save(
        session=session, present_ids=[child.pk], acting_user=hub_worker, now=timezone.now()
    )

    assert (first.marked, second.marked, second.already) == (1, 0, 1)
    attendance = Attendance.objects.get(session=session, person=child)
    assert attendance.walk_in and attendance.registration == registration
    entry = ChronologyEntry.objects.get(person=child, source_type="familyhubs.attendance")
    assert entry.category == "family hub"
    assert entry.summary == f"Attended {session.activity.name} at {session.site.name}"
    assert entry.occurred_at == session.starts_at
    assert entry.source_id == str(attendance.pk)
    assert (
        AuditEvent.objects.filter(
            action="create", person_id=child.pk, object_type="familyhubs.attendance"
        ).count()
        == 1
    )


def test_a_booked_person_marked_is_not_a_walk_in(hub_worker):
    registration = registered_family()
    child = registration.people.get(role="child").person
    session = session_today()
    Booking.objects.create(
        session=session, person=child, registration=registration, booked_at=timezone.now()
    )
    register_save(
        session=session, present_ids=[child.pk], acting_user=hub_worker, now=timezone.now()
    )
    assert not Attendance.objects.get(person=child).walk_in


def test_unticking_a_mistaken_mark_removes_it_and_its_chronology_line_and_audits_it(hub_worker):
    registration = registered_family()
    child = registration.people.get(role="child").person
    session = session_today()
    register_save(
        session=session, present_ids=[child.pk], acting_user=hub_worker, now=timezone.now()
    )

    saved = register_save(
        session=session,
        present_ids=[],
        absent_ids=[child.pk],
        acting_user=hub_worker,
        now=timezone.now(),
    )

    assert saved.removed == 1
    assert not Attendance.objects.exists()
    assert not ChronologyEntry.objects.filter(source_type="familyhubs.attendance").exists()
    removal = AuditEvent.objects.get(action="delete", person_id=child.pk)
    assert removal.detail["reason"] == "unticked on the register"


def test_someone_not_registered_cannot_be_marked(hub_worker):
    stranger = known_child()
    with pytest.raises(DomainError, match="not registered"):
        register_save(
            session=session_today(),
            present_ids=[stranger.pk],
            acting_user=hub_worker,
            now=timezone.now(),
        )


def test_a_register_cannot_be_filled_before_the_day_or_for_a_cancelled_session(hub_worker):
    child = registered_family().people.get(role="child").person
    session = session_today()
    with pytest.raises(DomainError, match="not happened yet"):
        register_save(
            session=session,
            present_ids=[child.pk],
            acting_user=hub_worker,
            now=session.starts_at - timedelta(days=2),
        )
    session.cancelled_at = timezone.now()
    session.save()
    with pytest.raises(DomainError, match="cancelled"):
        register_save(
            session=session, present_ids=[child.pk], acting_user=hub_worker, now=timezone.now()
        )
    assert not Attendance.objects.exists()
