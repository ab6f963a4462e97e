"""Writes of bookings: places at a session for members of a registered family, and cancelling
one (which frees its place).

Each person booked takes one place, child or carer. A booking that would go past the session's
places is refused whole (nobody in the family is booked) with the next sessions of the same
activity that have room, so the family can be offered one of those instead. Someone already
booked is not booked again. Booking a cancelled session, or one that has already taken place,
is refused. Each booking made or cancelled has its own audit row naming the person.
"""

from datetime import datetime

from django.db import transaction

from onestory.access import audit
from onestory.access.models import AuditEvent
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, full_clean_or_refuse
from onestory.core.idempotency import DuplicateSubmission, previous_result, remember_result
from onestory.core.locking import bump, locked

from .. import rules, rules_sites
from ..models import Booking, RegisteredPerson, Registration, Session
from ..selectors_sites import name_people, next_sessions_with_places, places_taken
from .sites import require_manager

NOT_A_MANAGER = "Only family hub practitioners and team managers book places at sessions."
NO_PEOPLE = "Choose at least one person to book a place for."
SESSION_CANCELLED = "This session has been cancelled, so no places can be booked at it."
SESSION_HELD = "This session has already taken place, so no places can be booked at it."
REGISTRATION_ENDED = (
    "This family is no longer registered with the family hubs. Register them again before booking."
)
NOT_IN_FAMILY = "Choose only people registered in this family."
ALREADY_BOOKED = "Everyone you chose already has a place at this session."
BOOKING_CANCELLED = "This booking has already been cancelled."
CHILD = RegisteredPerson.Role.CHILD
BOOKING_HELD = "This session has already taken place, so its bookings cannot be cancelled."


class SessionFull(DomainError):
    """The session has fewer places left than people to book. `next_sessions` are the next
    sessions of the same activity with room (each with `left` set)."""

    def __init__(self, *, left: int, wanted: int, session: Session, next_sessions: list):
        if left == 0:
            message = "This session is full: nobody has been booked."
        else:
            message = (
                f"This session has {left} place{'s' if left != 1 else ''} left and you chose "
                f"{wanted} people: nobody has been booked. Choose {left} or fewer, or book "
                "another session."
            )
        if next_sessions:
            message += f" The next sessions of {session.activity.name} with places are listed."
        else:
            message += (
                f" No later session of {session.activity.name} has places yet: add a session, "
                "or offer the family another activity."
            )
        super().__init__(message, field="people")
        self.left = left
        self.next_sessions = next_sessions


def _earlier_bookings(first: Booking) -> list[Booking]:
    """The bookings one submit made: same session, family, moment and worker."""
    return list(
        Booking.objects.filter(
            session_id=first.session_id,
            registration_id=first.registration_id,
            booked_at=first.booked_at,
            booked_by_id=first.booked_by_id,
        ).select_related("person")
    )


def booking_create(
    *,
    session: Session,
    registration: Registration,
    people,
    acting_user,
    now: datetime,
    request=None,
    form_token: str = "",
) -> list[Booking]:
    """Book a place at `session` for each of `people` (members of `registration`). Returns the
    bookings made; people already booked there are left as they were. Safe to submit twice: the
    same form token returns the bookings the first submit made."""
    require_manager(acting_user, NOT_A_MANAGER)
    earlier = previous_result(token=form_token, actor_id=acting_user.pk)
    if earlier:
        return _earlier_bookings(Booking.objects.get(pk=earlier))
    try:
        return _book(
            session=session,
            registration=registration,
            people=list(people),
            form_token=form_token,
            acting_user=acting_user,
            now=now,
            request=request,
        )
    except DuplicateSubmission:
        earlier = previous_result(token=form_token, actor_id=acting_user.pk)
        return _earlier_bookings(Booking.objects.get(pk=earlier))


def _refuse_outside_ages(session: Session, children, *, acting_user, now: datetime) -> None:
    """Refuse the booking when a child is outside the activity's ages on the session's day.
    Carers are always welcome; a child with no date of birth (not yet born) is not checked.
    A restricted child's name is withheld from the message, as on the form."""
    activity = session.activity
    on = today_in_london(session.starts_at)
    name_people(acting_user, children, now=now)
    outside = [
        (child.shown_name, months)
        for child in children
        if child.date_of_birth is not None
        and not rules_sites.within_ages(
            months := rules_sites.months_old(child.date_of_birth, on),
            activity.youngest_months,
            activity.oldest_months,
        )
    ]
    if outside:
        raise DetailsRefused(
            {
                "people": rules_sites.outside_ages_message(
                    activity.name, activity.youngest_months, activity.oldest_months, outside
                )
            }
        )


def _book(*, session, registration, people, form_token, acting_user, now, request):
    if not people:
        raise DetailsRefused({"people": NO_PEOPLE})
    with transaction.atomic():
        # The session's row is locked so two bookings at once cannot both take the last place.
        current = locked(Session, session.pk, what="session")
        if current.cancelled_at is not None:
            raise DomainError(SESSION_CANCELLED)
        if current.ends_at <= now:
            raise DomainError(SESSION_HELD)
        if registration.ended_at is not None:
            raise DomainError(REGISTRATION_ENDED)
        roles = dict(
            RegisteredPerson.objects.filter(registration=registration).values_list(
                "person_id", "role"
            )
        )
        if any(p.pk not in roles for p in people):
            raise DetailsRefused({"people": NOT_IN_FAMILY})
        children = [p for p in people if roles[p.pk] == CHILD]
        _refuse_outside_ages(current, children, acting_user=acting_user, now=now)
        booked = set(
            Booking.objects.filter(session=current, cancelled_at__isnull=True).values_list(
                "person_id", flat=True
            )
        )
        to_book = [p for p in people if p.pk not in booked]
        if not to_book:
            raise DetailsRefused({"people": ALREADY_BOOKED})
        left = rules.places_left(current.capacity, places_taken(current))
        if len(to_book) > left:
            raise SessionFull(
                left=left,
                wanted=len(to_book),
                session=current,
                next_sessions=next_sessions_with_places(current, now=now),
            )
        made = []
        for person in to_book:
            booking = Booking(
                session=current,
                person=person,
                registration=registration,
                booked_at=now,
                booked_by=acting_user,
            )
            full_clean_or_refuse(booking)
            booking.save()
            made.append(booking)
        for booking in made:
            audit.record(
                actor=acting_user,
                action=AuditEvent.Action.CREATE,
                at=now,
                person_id=booking.person_id,
                obj=booking,
                detail={"page": "family hub booking", "session": str(current.pk)},
                request=request,
            )
        remember_result(token=form_token, actor_id=acting_user.pk, result=made[0])
    return made


def booking_cancel(*, booking: Booking, acting_user, now: datetime, request=None) -> Booking:
    """Cancel one person's booking, freeing their place. It stays on the session's page as
    cancelled."""
    require_manager(acting_user, NOT_A_MANAGER)
    with transaction.atomic():
        current = locked(Booking, booking.pk, what="booking")
        if current.cancelled_at is not None:
            raise DomainError(BOOKING_CANCELLED)
        if current.session.ends_at <= now:
            raise DomainError(BOOKING_HELD)
        current.cancelled_at = now
        bump(current, "cancelled_at")
        audit.record(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            at=now,
            person_id=current.person_id,
            obj=current,
            detail={"page": "family hub booking", "cancelled": True},
            request=request,
        )
    return current
