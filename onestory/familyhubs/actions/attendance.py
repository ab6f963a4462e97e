"""Saving a session's register: who came, once each, with a line in each person's chronology."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from onestory.access import audit
from onestory.core.clock import today_in_london
from onestory.core.errors import DomainError
from onestory.people.models import ChronologyEntry

from .. import rules_register
from ..models import Attendance, Booking, RegisteredPerson, Session

NOT_REGISTERED = (
    "Someone ticked is not registered with the family hubs. Register their family first "
    "(walk-in: register a new family), then mark them."
)
SOURCE_TYPE = Attendance._meta.label_lower  # "familyhubs.attendance"


@dataclass(frozen=True)
class RegisterSaved:
    """What a save of the register changed: people newly marked, already marked, unmarked."""

    marked: int
    already: int
    removed: int


def register_save(
    *,
    session: Session,
    present_ids: Iterable,
    acting_user,
    now: datetime,
    request=None,
    absent_ids: Iterable = (),
) -> RegisterSaved:
    """Mark the people in `present_ids` as at the session, and unmark those in `absent_ids`
    (ticks taken off a mistaken mark). Idempotent: a person marked twice (the register saved
    twice, or on two tablets at once) has one attendance and one chronology line.

    Each new attendance writes a CREATE audit row and a "family hub" chronology line on that
    person's record; each mark taken off writes a DELETE audit row and removes the attendance and
    its chronology line (it did not happen). People not in a current registration are refused.
    """
    present = {str(pk) for pk in present_ids}
    absent = {str(pk) for pk in absent_ids} - present
    problem = rules_register.may_fill_register(
        session_day=today_in_london(session.starts_at),
        today=today_in_london(now),
        cancelled=session.cancelled_at is not None,
    )
    if problem:
        raise DomainError(problem)
    with transaction.atomic():
        registered = {
            str(row.person_id): row
            for row in RegisteredPerson.objects.filter(
                person_id__in=present, registration__ended_at__isnull=True
            ).select_related("person")
        }
        if set(registered) != present:
            raise DomainError(NOT_REGISTERED)
        booked = {
            str(pk)
            for pk in Booking.objects.filter(
                session=session, person_id__in=present, cancelled_at__isnull=True
            ).values_list("person_id", flat=True)
        }
        summary = rules_register.attendance_summary(session.activity.name, session.site.name)
        marked = already = 0
        for person_id in sorted(present):
            member = registered[person_id]
            # get_or_create inserts in a savepoint and reads the row back when another save got
            # there first (the unique constraint "attended_once"), so two tablets make one row.
            attendance, created = Attendance.objects.get_or_create(
                session=session,
                person_id=member.person_id,
                defaults={
                    "registration_id": member.registration_id,
                    "walk_in": person_id not in booked,
                    "recorded_at": now,
                    "recorded_by": acting_user,
                },
            )
            if not created:
                already += 1
                continue
            marked += 1
            audit.record(
                actor=acting_user,
                action="create",
                at=now,
                person_id=member.person_id,
                obj=attendance,
                detail={"page": "session register", "session": str(session.pk)},
                request=request,
            )
            ChronologyEntry.objects.create(
                person_id=member.person_id,
                occurred_at=session.starts_at,
                category=rules_register.CHRONOLOGY_CATEGORY,
                summary=summary,
                recorded_by=acting_user,
                source_type=SOURCE_TYPE,
                source_id=str(attendance.pk),
            )
        removed = 0
        for attendance in Attendance.objects.select_for_update().filter(
            session=session, person_id__in=absent
        ):
            audit.record(
                actor=acting_user,
                action="delete",
                at=now,
                person_id=attendance.person_id,
                obj=attendance,
                detail={
                    "page": "session register",
                    "session": str(session.pk),
                    "reason": "unticked on the register",
                    "recorded_at": attendance.recorded_at.isoformat(),
                },
                request=request,
            )
            ChronologyEntry.objects.filter(
                source_type=SOURCE_TYPE, source_id=str(attendance.pk)
            ).delete()
            attendance.delete()
            removed += 1
    return RegisterSaved(marked=marked, already=already, removed=removed)
