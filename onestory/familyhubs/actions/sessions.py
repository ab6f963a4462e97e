"""Writes of family hub sessions: one session or a weekly series (bank holidays skipped),
changing a session, and cancelling it.

Times are typed in Europe/London and stored in UTC. Cancelling a session cancels its bookings
with it, at the same moment: they stay on the session's page, marked as cancelled with the
session, with each family's contact details so staff can tell them. Nothing is deleted.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction

from onestory.access import audit
from onestory.access.models import AuditEvent
from onestory.core.calendar import bank_holidays_between
from onestory.core.clock import LONDON
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit, full_clean_or_refuse
from onestory.core.idempotency import DuplicateSubmission, previous_result, remember_result
from onestory.core.locking import bump, locked

from .. import rules_sites
from ..models import Booking, Session
from ..selectors_sites import places_taken
from .sites import require_manager

NOT_A_MANAGER = "Only family hub practitioners and team managers arrange sessions."
NO_DATE = "Enter the date of the session, like 14/01/2025."
NO_START = "Enter the time the session starts, like 10:00."
NO_END = "Enter the time the session ends, like 11:30."
ENDS_BEFORE_START = "The session must end after it starts: check both times."
BAD_WEEKS = (
    "Enter how many weeks the series runs, from 1 (a single session) to "
    f"{rules_sites.MAX_SERIES_WEEKS}."
)
BAD_CAPACITY = f"Enter how many places the session has, from 1 to {rules_sites.MAX_CAPACITY}."
NO_ACTIVITY = "Choose the activity the session is of."
NO_SITE = "Choose the site where the session is held."
INACTIVE_SITE = "This site is no longer in use. Choose another site."
INACTIVE_ACTIVITY = "This activity is no longer in use. Choose another activity."
ALL_BANK_HOLIDAYS = (
    "Every date you chose is a bank holiday, so no session would be made. Choose another date, "
    "or untick “Skip bank holidays”."
)
IN_THE_PAST = "The session would start in the past. Check the date and time."
CANCELLED = "This session has been cancelled: it cannot be changed."
ALREADY_CANCELLED = "This session has already been cancelled."
ALREADY_HELD = "This session has already taken place, so it cannot be cancelled."
CAPACITY_BELOW_TAKEN = (
    "{taken} place{s} {are} already taken, so the session needs at least {taken} place{s}. "
    "Enter {taken} or more, or cancel some bookings first."
)


def london(day: date, at: time) -> datetime:
    """A day and a time of day as people in the hubs mean them (Europe/London)."""
    return datetime.combine(day, at, LONDON)


@dataclass
class SeriesMade:
    """What a session create made: the sessions, and the bank holidays it skipped."""

    sessions: list[Session]
    skipped: list[date] = field(default_factory=list)
    # True when this form had already been submitted and nothing new was made.
    repeated: bool = False


def _time_problems(day, starts, ends) -> dict:
    problems = {}
    if day is None:
        problems["day"] = NO_DATE
    if starts is None:
        problems["starts"] = NO_START
    if ends is None:
        problems["ends"] = NO_END
    elif starts is not None and ends <= starts:
        problems["ends"] = ENDS_BEFORE_START
    return problems


def _capacity_problem(capacity) -> str | None:
    if capacity is None or not 1 <= capacity <= rules_sites.MAX_CAPACITY:
        return BAD_CAPACITY
    return None


def session_create(
    *,
    activity,
    site,
    day: date | None,
    starts: time | None,
    ends: time | None,
    capacity: int | None,
    weeks: int | None = 1,
    skip_bank_holidays: bool = True,
    staff=(),
    partners=(),
    form_token: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> SeriesMade:
    """Arrange a session of an activity at a site, or a weekly series of them: the same time on
    the same weekday for `weeks` weeks, leaving out bank holidays when `skip_bank_holidays`.
    Safe to submit twice: the same form token makes the series once (and returns its first
    session, marked `repeated`)."""
    require_manager(acting_user, NOT_A_MANAGER)
    earlier = previous_result(token=form_token, actor_id=acting_user.pk)
    if earlier:
        return SeriesMade(sessions=[Session.objects.get(pk=earlier)], repeated=True)
    problems = _time_problems(day, starts, ends)
    if activity is None:
        problems["activity"] = NO_ACTIVITY
    elif not activity.active:
        problems["activity"] = INACTIVE_ACTIVITY
    if site is None:
        problems["site"] = NO_SITE
    elif not site.active:
        problems["site"] = INACTIVE_SITE
    if problem := _capacity_problem(capacity):
        problems["capacity"] = problem
    if weeks is None or not 1 <= weeks <= rules_sites.MAX_SERIES_WEEKS:
        problems["weeks"] = BAD_WEEKS
    if problems:
        raise DetailsRefused(problems)
    if london(day, starts) < now:
        raise DetailsRefused({"day": IN_THE_PAST})
    holidays = frozenset()
    if skip_bank_holidays:
        last = rules_sites.series_dates(day, weeks)[0][-1]
        holidays = bank_holidays_between(day, last)
    days, skipped = rules_sites.series_dates(day, weeks, bank_holidays=holidays)
    if not days:
        raise DetailsRefused({"day": ALL_BANK_HOLIDAYS})
    staff, partners = list(staff), list(partners)
    try:
        made = _make_series(
            activity=activity,
            site=site,
            days=days,
            starts=starts,
            ends=ends,
            capacity=capacity,
            staff=staff,
            partners=partners,
            detail={
                "page": "family hub session",
                "sessions": len(days),
                "weeks": weeks,
                "bank_holidays_skipped": [str(d) for d in skipped],
            },
            form_token=form_token,
            acting_user=acting_user,
            now=now,
            request=request,
        )
    except DuplicateSubmission:
        # A second submit of the same form got here first: return what it made.
        earlier = previous_result(token=form_token, actor_id=acting_user.pk)
        return SeriesMade(sessions=[Session.objects.get(pk=earlier)], repeated=True)
    return SeriesMade(sessions=made, skipped=skipped)


def _make_series(
    *,
    activity,
    site,
    days,
    starts,
    ends,
    capacity,
    staff,
    partners,
    detail,
    form_token,
    acting_user,
    now,
    request,
) -> list[Session]:
    with transaction.atomic():
        made = []
        for each in days:
            session = Session(
                activity=activity,
                site=site,
                starts_at=london(each, starts),
                ends_at=london(each, ends),
                capacity=capacity,
            )
            full_clean_or_refuse(session)
            session.save()
            session.staff.set(staff)
            session.partners.set(partners)
            made.append(session)
        audit.record(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            at=now,
            obj=made[0],
            detail=detail,
            request=request,
        )
        remember_result(token=form_token, actor_id=acting_user.pk, result=made[0])
    return made


def session_update(
    *,
    session: Session,
    site,
    day: date | None,
    starts: time | None,
    ends: time | None,
    capacity: int | None,
    staff=(),
    partners=(),
    version: int,
    acting_user,
    now: datetime,
    request=None,
) -> Session:
    """Change where and when a session is, its places, staff and partners. Refused (StaleEdit) if
    someone saved it since `version`; a cancelled session cannot change; the places cannot go
    below those already taken."""
    require_manager(acting_user, NOT_A_MANAGER)
    with transaction.atomic():
        current = locked(Session, session.pk, version=version, what="session")
        if current.cancelled_at is not None:
            raise DomainError(CANCELLED)
        problems = _time_problems(day, starts, ends)
        if site is None:
            problems["site"] = NO_SITE
        elif not site.active and site.pk != current.site_id:
            problems["site"] = INACTIVE_SITE
        if problem := _capacity_problem(capacity):
            problems["capacity"] = problem
        else:
            taken = places_taken(current)
            if capacity < taken:
                problems["capacity"] = CAPACITY_BELOW_TAKEN.format(
                    taken=taken, s="s" if taken != 1 else "", are="are" if taken != 1 else "is"
                )
        if problems:
            raise DetailsRefused(problems)
        starts_at, ends_at = london(day, starts), london(day, ends)
        changed = [
            name
            for name, old, new in (
                ("site", current.site_id, site.pk),
                ("starts_at", current.starts_at, starts_at),
                ("ends_at", current.ends_at, ends_at),
                ("capacity", current.capacity, capacity),
                ("staff", set(current.staff.values_list("pk", flat=True)), {s.pk for s in staff}),
                (
                    "partners",
                    set(current.partners.values_list("pk", flat=True)),
                    {p.pk for p in partners},
                ),
            )
            if old != new
        ]
        current.site = site
        current.starts_at, current.ends_at = starts_at, ends_at
        current.capacity = capacity
        full_clean_or_refuse(current)
        bump(current, "site", "starts_at", "ends_at", "capacity")
        current.staff.set(list(staff))
        current.partners.set(list(partners))
        audit.record(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            at=now,
            obj=current,
            detail={"page": "family hub session", "fields": changed},
            request=request,
        )
    return current


def session_cancel(
    *, session: Session, version: int, acting_user, now: datetime, request=None
) -> tuple[Session, int]:
    """Cancel a session that has not yet happened. Its bookings are cancelled with it, at the
    same moment, and stay on its page. Returns the session and how many bookings it cancelled."""
    require_manager(acting_user, NOT_A_MANAGER)
    with transaction.atomic():
        current = locked(Session, session.pk, what="session")
        # Cancelled from another tab: say that, before saying someone else changed it.
        if current.cancelled_at is not None:
            raise DomainError(ALREADY_CANCELLED)
        if current.version != version:
            raise StaleEdit("session")
        if current.ends_at <= now:
            raise DomainError(ALREADY_HELD)
        current.cancelled_at = now
        bump(current, "cancelled_at")
        cancelled = Booking.objects.filter(session=current, cancelled_at__isnull=True).update(
            cancelled_at=now, updated_at=now
        )
        audit.record(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            at=now,
            obj=current,
            detail={
                "page": "family hub session",
                "cancelled": True,
                "bookings_cancelled": cancelled,
            },
            request=request,
        )
    return current, cancelled
