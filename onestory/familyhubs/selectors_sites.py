"""Reads for family hub sites, activities, sessions and bookings, scoped to the worker: only
family hub practitioners and team managers see them (everyone else gets nothing).

Sites, activities and sessions hold no personal data. Bookings do (who is booked): a page that
shows them writes one audit row per person shown. A person whose record is restricted is shown
by their family's reference only, unless the worker is named on the restriction.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from onestory.access import audit
from onestory.access.models import AccessGrant, AuditEvent, RecordRestriction
from onestory.access.selectors import audit_views
from onestory.core.clock import london_days, today_in_london
from onestory.workforce.models import Agency, Worker
from onestory.workforce.rules import Role

from . import rules
from .models import Activity, Attendance, Booking, RegisteredPerson, Registration, Session, Site

SEES = frozenset({Role.FAMILY_HUB, Role.TEAM_MANAGER})
WITHHELD = "Name withheld (restricted record)"
# How many families a booking search lists at most (hand-set: a search at the door should find a
# family in the first few; more means the search needs another word).
SEARCH_LIMIT = 20
# How far ahead the next sessions with room are looked for (hand-set: a term and a half).
NEXT_SESSIONS_HORIZON = timedelta(weeks=20)


def _sees(user) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "role", None) in SEES


def _or_404(queryset, pk, user):
    if not _sees(user):
        raise Http404("No page found")
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404("No page found")
    return found


# Sites and activities -----------------------------------------------------------------------


def sites_for(user, *, active_only: bool = False) -> QuerySet[Site]:
    if not _sees(user):
        return Site.objects.none()
    sites = Site.objects.select_related("hub", "ward")
    return sites.filter(active=True) if active_only else sites


def site_by_id(user, pk) -> Site:
    return _or_404(Site.objects.select_related("hub", "ward"), pk, user)


def hubs_for(user) -> QuerySet[Site]:
    return sites_for(user).filter(kind=Site.Kind.HUB)


def activities_for(user, *, active_only: bool = False) -> QuerySet[Activity]:
    if not _sees(user):
        return Activity.objects.none()
    activities = Activity.objects.select_related("delivered_by")
    return activities.filter(active=True) if active_only else activities


def activity_by_id(user, pk) -> Activity:
    return _or_404(Activity.objects.select_related("delivered_by"), pk, user)


def partner_agencies() -> QuerySet[Agency]:
    """Agencies that may deliver a session or an activity. Schools are left out (hand-set: there
    are dozens and they do not deliver hub sessions; a school that does is added as "Other")."""
    return Agency.objects.exclude(kind=Agency.Kind.SCHOOL).order_by("name")


def hub_staff() -> QuerySet[Worker]:
    """Workers who may run a session: family hub practitioners and team managers."""
    return Worker.objects.filter(
        is_active=True, role__in=[Role.FAMILY_HUB, Role.TEAM_MANAGER]
    ).order_by("first_name", "last_name")


# Places ------------------------------------------------------------------------------------


def places_taken(session: Session) -> int:
    """Places taken at a session: each person with a live booking, and each person who came
    without one (a walk-in on the register)."""
    booked = Booking.objects.filter(session=session, cancelled_at__isnull=True)
    walk_ins = Attendance.objects.filter(session=session).exclude(
        person_id__in=booked.values("person_id")
    )
    return booked.count() + walk_ins.count()


def places_taken_by_session(sessions) -> dict:
    """{session id: places taken} for many sessions in two queries."""
    ids = [s.pk for s in sessions]
    if not ids:
        return {}
    booked = dict(
        Booking.objects.filter(session_id__in=ids, cancelled_at__isnull=True)
        .values_list("session_id")
        .annotate(n=Count("pk"))
    )
    live = Booking.objects.filter(
        session_id=OuterRef("session_id"),
        person_id=OuterRef("person_id"),
        cancelled_at__isnull=True,
    )
    walk_ins = dict(
        Attendance.objects.filter(session_id__in=ids)
        .exclude(Exists(live))
        .values_list("session_id")
        .annotate(n=Count("pk"))
    )
    return {pk: booked.get(pk, 0) + walk_ins.get(pk, 0) for pk in ids}


def with_places(sessions) -> list[Session]:
    """The sessions, each with `taken` and `left` (places) set."""
    sessions = list(sessions)
    taken = places_taken_by_session(sessions)
    for session in sessions:
        session.taken = taken.get(session.pk, 0)
        session.left = rules.places_left(session.capacity, session.taken)
    return sessions


def next_sessions_with_places(session: Session, *, now: datetime, limit: int = 3) -> list[Session]:
    """The next sessions of the same activity (at any site) after this one, not cancelled, not
    yet started and with room, soonest first: what to offer a family when this one is full."""
    after = max(session.starts_at, now)
    upcoming = (
        Session.objects.filter(
            activity_id=session.activity_id,
            cancelled_at__isnull=True,
            starts_at__gt=after,
            starts_at__lte=after + NEXT_SESSIONS_HORIZON,
        )
        .exclude(pk=session.pk)
        .select_related("site", "activity")
        .order_by("starts_at")
    )
    found = []
    # In batches, so a long run of full sessions does not count every session to come at once.
    batch, offset = 20, 0
    while len(found) < limit:
        chunk = with_places(upcoming[offset : offset + batch])
        if not chunk:
            break
        found += [s for s in chunk if s.left > 0]
        offset += batch
    return found[:limit]


# Sessions -----------------------------------------------------------------------------------


def _sessions(user) -> QuerySet[Session]:
    if not _sees(user):
        return Session.objects.none()
    return Session.objects.select_related("activity", "site", "activity__delivered_by")


def session_by_id(user, pk) -> Session:
    session = _or_404(_sessions(user), pk, user)
    return with_places([session])[0]


def sessions_between(user, first: date, last: date, *, site=None, activity=None) -> list[Session]:
    """Sessions on London days `first` to `last`, cancelled ones included, with places."""
    start, end = london_days(first, last)
    sessions = _sessions(user).filter(starts_at__gte=start, starts_at__lt=end)
    if site is not None:
        sessions = sessions.filter(site=site)
    if activity is not None:
        sessions = sessions.filter(activity=activity)
    return with_places(sessions.order_by("starts_at", "site__name"))


@dataclass
class Day:
    day: date
    sessions: list


def timetable(user, week: date, *, site=None, activity=None) -> list[Day]:
    """The week starting on Monday `week`, day by day (every day listed, empty or not)."""
    sessions = sessions_between(user, week, week + timedelta(days=6), site=site, activity=activity)
    days = {week + timedelta(days=i): [] for i in range(7)}
    for session in sessions:
        days[today_in_london(session.starts_at)].append(session)
    return [Day(day, items) for day, items in days.items()]


def start_page(user, *, now: datetime, site=None) -> dict:
    """The start page: today's sessions, and the seven days after today, day by day."""
    today = today_in_london(now)
    week = sessions_between(user, today, today + timedelta(days=7), site=site)
    days: dict = {}
    for session in week:
        days.setdefault(today_in_london(session.starts_at), []).append(session)
    return {
        "today": today,
        "todays_sessions": days.pop(today, []),
        "week_ahead": [Day(day, items) for day, items in sorted(days.items())],
    }


# Bookings and the families to book -----------------------------------------------------------


def _withheld_ids(user, person_ids, *, now: datetime) -> set:
    """Of these people, those whose records are restricted and this worker is not named on."""
    named = AccessGrant.objects.filter(
        person_id=OuterRef("person_id"),
        worker_id=user.pk,
        kind=AccessGrant.Kind.RESTRICTED,
        revoked_at__isnull=True,
        starts_at__lte=now,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    return set(
        RecordRestriction.objects.filter(person_id__in=list(person_ids))
        .exclude(Exists(named))
        .values_list("person_id", flat=True)
    )


def name_people(user, people, *, now: datetime) -> None:
    """Set `shown_name` on each person: their name, or WITHHELD for a restricted record."""
    withheld = _withheld_ids(user, {p.pk for p in people}, now=now)
    for person in people:
        person.shown_name = WITHHELD if person.pk in withheld else person.full_name


def bookings_of(user, session: Session, *, now: datetime, request=None) -> list[Booking]:
    """Everyone booked at the session (cancelled bookings last), each with `shown_name` and
    `cancelled_with_session`. One audit row per person shown."""
    if not _sees(user):
        return []
    bookings = list(
        Booking.objects.filter(session=session)
        .select_related("person", "registration", "booked_by")
        .order_by("cancelled_at", "person__family_name", "person__given_name")
    )
    people = [b.person for b in bookings]
    name_people(user, people, now=now)
    for booking in bookings:
        booking.cancelled_with_session = (
            booking.cancelled_at is not None and booking.cancelled_at == session.cancelled_at
        )
    if people:
        audit_views(user, people, now=now, page="family hub session bookings", request=request)
    return bookings


def booking_by_id(user, pk) -> Booking:
    return _or_404(Booking.objects.select_related("session", "person"), pk, user)


def find_registrations(user, query: str, *, now: datetime, request=None) -> list[Registration]:
    """Current registrations whose reference is `query`, or with a registered person whose name
    matches every word of it. A restricted record is found by its family's reference only.
    Each result has `members` (RegisteredPerson with `person.shown_name`). The search is
    recorded (without what was typed) and one audit row is written per person shown."""
    words = (query or "").split()
    if not _sees(user) or not words:
        return []
    current = Registration.objects.filter(ended_at__isnull=True)
    by_reference = current.filter(reference__iexact=query.strip())
    restricted = Exists(RecordRestriction.objects.filter(person_id=OuterRef("person_id")))
    matching = RegisteredPerson.objects.exclude(restricted).filter(
        registration__ended_at__isnull=True
    )
    for word in words:
        matching = matching.filter(
            Q(person__given_name__icontains=word) | Q(person__family_name__icontains=word)
        )
    found = list(
        (by_reference | current.filter(pk__in=matching.values("registration_id")))
        .distinct()
        .order_by("reference")[:SEARCH_LIMIT]
    )
    members = (
        RegisteredPerson.objects.filter(registration__in=found)
        .select_related("person")
        .order_by("role", "person__date_of_birth")
    )
    by_registration: dict = {}
    for member in members:
        by_registration.setdefault(member.registration_id, []).append(member)
    people = [m.person for m in members]
    name_people(user, people, now=now)
    for registration in found:
        registration.members = by_registration.get(registration.pk, [])
    audit.record(
        actor=user,
        action=AuditEvent.Action.SEARCH,
        at=now,
        detail={"page": "family hub booking search", "results": len(found)},
        request=request,
    )
    if people:
        audit_views(user, people, now=now, page="family hub booking search", request=request)
    return found


def registrations_to_book(user) -> QuerySet[Registration]:
    """Families that may be booked: every current registration (family hub staff work with any
    registered family)."""
    if not _sees(user):
        return Registration.objects.none()
    return Registration.objects.filter(ended_at__isnull=True)


def registration_to_book(user, pk, *, now: datetime, request=None) -> Registration:
    """A current registration chosen to book from, with `members` as in find_registrations."""
    registration = _or_404(Registration.objects.filter(ended_at__isnull=True), pk, user)
    members = list(
        registration.people.select_related("person").order_by("role", "person__date_of_birth")
    )
    name_people(user, [m.person for m in members], now=now)
    registration.members = members
    if members:
        audit_views(
            user,
            [m.person for m in members],
            now=now,
            page="family hub booking",
            request=request,
        )
    return registration


def booked_person_ids(session: Session) -> set:
    return set(
        Booking.objects.filter(session=session, cancelled_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
