"""Booking places: each person takes one, a booking past the places is refused whole with the
next sessions that have room, nobody is booked twice, a form sent twice books once, cancelled and
past sessions take no bookings, and cancelling a booking frees its place."""

from datetime import date, timedelta

import pytest

from onestory.access.models import AuditEvent, RecordRestriction
from onestory.core.errors import DetailsRefused, DomainError
from onestory.familyhubs.actions import bookings
from onestory.familyhubs.models import Attendance, Booking
from onestory.familyhubs.selectors_sites import next_sessions_with_places, places_taken
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import ActivityFactory, SiteFactory, registered_family
from .factories_sites import london, session_on

pytestmark = pytest.mark.django_db

NOW = london(date(2025, 5, 2), 9)


@pytest.fixture
def worker():
    return worker_with_role(Role.FAMILY_HUB)


def _everyone(family):
    return [member.person for member in family.people.order_by("role")]


def _book(worker, session, family, people=None, **kwargs):
    return bookings.booking_create(
        session=session,
        registration=family,
        people=_everyone(family) if people is None else people,
        acting_user=worker,
        now=NOW,
        **kwargs,
    )


def test_each_child_and_carer_booked_takes_a_place(worker):
    session = session_on(date(2025, 5, 6), capacity=5)
    made = _book(worker, session, registered_family(children=2))
    assert len(made) == 3
    assert places_taken(session) == 3
    assert AuditEvent.objects.filter(action="create", object_type="familyhubs.booking").count() == 3


def test_a_walk_in_on_the_register_takes_a_place_too(worker):
    session = session_on(date(2025, 5, 6), capacity=5)
    family = registered_family()
    _book(worker, session, family, people=_everyone(family)[:1])
    walk_in = registered_family()
    for person in _everyone(walk_in):
        Attendance.objects.create(
            session=session, person=person, registration=walk_in, walk_in=True, recorded_at=NOW
        )
    # The booked person attending does not take a second place.
    Attendance.objects.create(
        session=session, person=_everyone(family)[0], registration=family, recorded_at=NOW
    )
    assert places_taken(session) == 3


def test_a_booking_past_the_places_is_refused_with_the_next_sessions_with_room(worker):
    activity = ActivityFactory(name="Stay and play")
    full = session_on(date(2025, 5, 6), capacity=2, activity=activity)
    _book(worker, full, registered_family(children=1))
    also_full = session_on(date(2025, 5, 13), capacity=1, activity=activity)
    _book(worker, also_full, (one := registered_family(children=0)))
    cancelled = session_on(date(2025, 5, 14), activity=activity, cancelled_at=NOW)
    roomy = session_on(date(2025, 5, 20), capacity=10, activity=activity, site=SiteFactory())
    later = session_on(date(2025, 5, 27), capacity=10, activity=activity)
    session_on(date(2025, 5, 7), capacity=10)  # another activity: never offered

    with pytest.raises(bookings.SessionFull) as refused:
        _book(worker, full, registered_family(children=1))
    assert refused.value.message.startswith("This session is full: nobody has been booked.")
    assert refused.value.next_sessions == [roomy, later]
    assert cancelled not in refused.value.next_sessions and one
    assert Booking.objects.filter(session=full).count() == 2


def test_a_family_bigger_than_the_places_left_is_not_split(worker):
    session = session_on(date(2025, 5, 6), capacity=3)
    _book(worker, session, registered_family(children=0))
    with pytest.raises(bookings.SessionFull) as refused:
        _book(worker, session, registered_family(children=2))
    assert "2 places left and you chose 3 people: nobody has been booked" in refused.value.message
    assert places_taken(session) == 1


def test_next_sessions_with_places_skips_past_and_full_ones():
    activity = ActivityFactory()
    session = session_on(date(2025, 5, 6), activity=activity)
    session_on(date(2025, 5, 1), activity=activity)  # before now
    wanted = [
        session_on(date(2025, 5, 6) + timedelta(weeks=w), activity=activity) for w in (1, 2, 3, 4)
    ]
    found = next_sessions_with_places(session, now=NOW)
    assert found == wanted[:3]
    assert [s.left for s in found] == [12, 12, 12]


def test_someone_already_booked_is_not_booked_twice(worker):
    session = session_on(date(2025, 5, 6))
    family = registered_family(children=2)
    carer, *children = _everyone(family)
    _book(worker, session, family, people=children)
    made = _book(worker, session, family)
    assert [b.person for b in made] == [carer]
    with pytest.raises(DetailsRefused, match="already has a place"):
        _book(worker, session, family)
    assert Booking.objects.filter(session=session).count() == 3


def test_a_booking_form_sent_twice_books_once(worker):
    session = session_on(date(2025, 5, 6))
    family = registered_family(children=1)
    first = _book(worker, session, family, form_token="book-once")
    again = _book(worker, session, family, form_token="book-once")
    assert {b.pk for b in again} == {b.pk for b in first}
    assert Booking.objects.count() == 2


def test_a_cancelled_or_past_session_takes_no_bookings(worker):
    family = registered_family()
    with pytest.raises(DomainError, match="cancelled"):
        _book(worker, session_on(date(2025, 5, 6), cancelled_at=NOW), family)
    with pytest.raises(DomainError, match="already taken place"):
        _book(worker, session_on(date(2025, 5, 1)), family)
    assert not Booking.objects.exists()


def test_only_people_registered_in_the_family_are_booked(worker):
    session = session_on(date(2025, 5, 6))
    family, other = registered_family(), registered_family()
    with pytest.raises(DetailsRefused, match="registered in this family"):
        _book(worker, session, family, people=_everyone(other))


def test_a_family_no_longer_registered_is_not_booked(worker):
    family = registered_family()
    family.ended_at = NOW
    family.save()
    with pytest.raises(DomainError, match="no longer registered"):
        _book(worker, session_on(date(2025, 5, 6)), family)


def test_cancelling_a_booking_frees_its_place(worker):
    session = session_on(date(2025, 5, 6), capacity=1)
    family = registered_family(children=0)
    (booking,) = _book(worker, session, family)
    assert places_taken(session) == 1
    bookings.booking_cancel(booking=booking, acting_user=worker, now=NOW)
    assert places_taken(session) == 0
    # The same person can be booked again once their booking is cancelled.
    assert len(_book(worker, session, family)) == 1
    with pytest.raises(DomainError, match="already been cancelled"):
        bookings.booking_cancel(booking=booking, acting_user=worker, now=NOW)


def test_other_roles_cannot_book():
    with pytest.raises(DomainError, match="Only family hub practitioners"):
        _book(worker_with_role(Role.EARLY_HELP), session_on(date(2025, 5, 6)), registered_family())


def test_a_child_outside_the_activitys_ages_is_refused_saying_the_ages(worker):
    activity = ActivityFactory(name="Baby massage", youngest_months=0, oldest_months=11)
    session = session_on(date(2025, 5, 6), activity=activity)
    # Born 1 February 2023: 27 months old on the day of the session.
    family = registered_family()
    with pytest.raises(DetailsRefused) as refused:
        _book(worker, session, family)
    message = refused.value.problems["people"]
    child = family.people.get(role="child").person
    assert message.startswith("Baby massage is for children aged 0 to 11 months")
    assert f"{child.full_name} is 2 years old" in message
    assert not Booking.objects.exists()


def test_carers_and_children_within_the_ages_are_booked(worker):
    activity = ActivityFactory(youngest_months=24, oldest_months=35)
    session = session_on(date(2025, 5, 6), activity=activity)
    family = registered_family(children=1)
    made = _book(worker, session, family)
    assert {b.person_id for b in made} == {m.person_id for m in family.people.all()}
    # A carer alone is booked on any activity, whatever its ages.
    baby_group = session_on(
        date(2025, 5, 7), activity=ActivityFactory(youngest_months=0, oldest_months=11)
    )
    carer = family.people.get(role="carer").person
    assert [b.person_id for b in _book(worker, baby_group, family, people=[carer])] == [carer.pk]


def test_a_restricted_childs_name_is_withheld_from_the_refusal(worker):
    session = session_on(
        date(2025, 5, 6), activity=ActivityFactory(youngest_months=0, oldest_months=11)
    )
    family = registered_family()
    child = family.people.get(role="child").person
    RecordRestriction.objects.create(person=child, reason="Safety", restricted_by=worker)
    with pytest.raises(DetailsRefused) as refused:
        _book(worker, session, family)
    assert child.full_name not in refused.value.problems["people"]
    assert "is 2 years old" in refused.value.problems["people"]
