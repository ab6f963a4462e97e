"""Reads for registering families and the session register, scoped to the acting worker.

Family hub practitioners and managers work as one integrated service: they see every family
registered with the hubs (its members' names and dates of birth, contact details, consent,
bookings and attendance), but not the case record, which still opens only through
`access.selectors.visible_to`. A registration holding a restricted record is left out for
anyone not named on that record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from onestory.access import audit
from onestory.access.models import AccessGrant, RecordRestriction
from onestory.access.selectors import audit_views, visible_to
from onestory.core.clock import today_in_london
from onestory.people import match_rules, matching
from onestory.people.models import Address, Person
from onestory.people.rules import age_description, fold, normalise_postcode
from onestory.workforce.rules import Role

from . import rules_register
from .models import Attendance, Booking, RegisteredPerson, Registration, Session

# Roles that work with registered families (the hubs are one service: no allocation needed).
HUB_ROLES = frozenset({Role.FAMILY_HUB, Role.TEAM_MANAGER})
# Matches offered at the door: only records that agree on name and date of birth (the "Likely"
# band of people.match_rules), so the door is no way to ask whether a name is known.
OFFER_MATCHES_FROM = match_rules.LIKELY_FROM
MATCHES_OFFERED = 3
FIND_LIMIT = 50
REGISTER_SEARCH_LIMIT = 20


def _hidden_restricted(user, *, now: datetime, field: str):
    """A condition: the person in `field` has a restricted record this worker is not named on."""
    named = AccessGrant.objects.filter(
        person_id=OuterRef(field),
        worker_id=user.pk,
        kind=AccessGrant.Kind.RESTRICTED,
        revoked_at__isnull=True,
        starts_at__lte=now,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    return Exists(RecordRestriction.objects.filter(person_id=OuterRef(field))) & ~Exists(named)


def registrations_for(user, *, now: datetime | None = None) -> QuerySet[Registration]:
    """The registrations this worker may see: every one for hub roles, none for anyone else;
    those with a restricted member are left out unless the worker is named on that record."""
    from onestory.core.clock import now as clock_now

    now = now or clock_now()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Registration.objects.none()
    if user.role not in HUB_ROLES:
        return Registration.objects.none()
    restricted_member = RegisteredPerson.objects.filter(registration=OuterRef("pk")).filter(
        _hidden_restricted(user, now=now, field="person_id")
    )
    return Registration.objects.exclude(Exists(restricted_member))


def access_registration_by_id(user, registration_id, *, now: datetime) -> Registration:
    """The registration, if this worker may see it; the same 404 for missing and forbidden."""
    registration = (
        registrations_for(user, now=now)
        .select_related("site", "household", "registered_by")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        raise Http404("No family found")
    return registration


def current_registration_of(person_ids) -> dict:
    """{person id: their current registration} for those of these people who are registered."""
    rows = RegisteredPerson.objects.filter(
        person_id__in=list(person_ids), registration__ended_at__isnull=True
    ).select_related("registration")
    return {row.person_id: row.registration for row in rows}


# --- Matching at the door ---------------------------------------------------------------------


@dataclass(frozen=True)
class PossibleMatch:
    """A record that may be the person the family described, shown with only what the family
    said (their name and date of birth), how it agrees, and whether the postcode agrees."""

    person_id: object
    same_name: bool
    same_date_of_birth: bool
    postcode_agrees: bool
    registered_with: Registration | None = None


@dataclass
class Described:
    """One person the family described, and the records that may be them."""

    index: int
    given_name: str
    family_name: str
    date_of_birth: date | None
    matches: list[PossibleMatch] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


def possible_matches(
    user, people: list[dict], *, postcode: str, now: datetime, request=None
) -> list[Described]:
    """For each person described ({given_name, family_name, date_of_birth}), the records in
    the whole record that may be them: restricted and merged records left out, only strong
    matches, best first. The search is audited (fields used and how many found, never what
    was typed)."""
    described = []
    found_ids = set()
    for index, details in enumerate(people):
        entry = Described(
            index=index,
            given_name=details["given_name"],
            family_name=details["family_name"],
            date_of_birth=details.get("date_of_birth"),
        )
        described.append(entry)
        if entry.date_of_birth is None:
            continue  # an unborn baby is new to the record
        query = matching.prepare_query(
            given_name=entry.given_name,
            family_name=entry.family_name,
            date_of_birth=entry.date_of_birth,
            postcode=postcode,
        )
        scored = [
            s for s in matching.search(query, limit=10) if s.match.score >= OFFER_MATCHES_FROM
        ]
        if not scored:
            continue
        restricted = set(
            RecordRestriction.objects.filter(
                person_id__in=[s.person_id for s in scored]
            ).values_list("person_id", flat=True)
        )
        scored = [s for s in scored if s.person_id not in restricted][:MATCHES_OFFERED]
        registered = current_registration_of(s.person_id for s in scored)
        typed_name = (fold(entry.given_name), fold(entry.family_name))
        entry.matches = [
            PossibleMatch(
                person_id=s.person_id,
                same_name=(fold(s.given_name), fold(s.family_name)) == typed_name,
                same_date_of_birth=s.date_of_birth == entry.date_of_birth,
                postcode_agrees=rules_register.postcode_agrees(query.postcode, s.postcode),
                registered_with=registered.get(s.person_id),
            )
            for s in scored
        ]
        found_ids.update(m.person_id for m in entry.matches)
    audit.record(
        actor=user,
        action="search",
        at=now,
        request=request,
        detail={
            "page": "family hub registration",
            "people": len(people),
            "possible_matches": len(found_ids),
        },
    )
    return described


# --- Finding a registered family ----------------------------------------------------------------


def find_families(
    user,
    *,
    reference: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    postcode: str = "",
    now: datetime,
    request=None,
) -> list[Registration]:
    """Registered families matching everything given, current first; the search and every
    person listed are audited."""
    registrations = registrations_for(user, now=now)
    if reference:
        registrations = registrations.filter(
            reference=rules_register.normalise_reference(reference)
        )
    member = RegisteredPerson.objects.filter(registration=OuterRef("pk"))
    if given_name:
        member = member.filter(person__given_name__icontains=given_name.strip())
    if family_name:
        member = member.filter(person__family_name__icontains=family_name.strip())
    if date_of_birth:
        member = member.filter(person__date_of_birth=date_of_birth)
    if given_name or family_name or date_of_birth:
        registrations = registrations.filter(Exists(member))
    if postcode:
        at_postcode = Address.objects.filter(
            person__hub_registrations__registration=OuterRef("pk"),
            valid_to__isnull=True,
            postcode=normalise_postcode(postcode) or postcode.strip().upper(),
        )
        registrations = registrations.filter(Exists(at_postcode))
    found = list(
        registrations.select_related("site")
        .prefetch_related(_people_prefetch())
        .order_by("ended_at", "-registered_at")[:FIND_LIMIT]
    )
    with transaction.atomic():
        audit.record(
            actor=user,
            action="search",
            at=now,
            request=request,
            detail={
                "page": "find a registered family",
                "fields": [
                    name
                    for name, value in (
                        ("reference", reference),
                        ("given_name", given_name),
                        ("family_name", family_name),
                        ("date_of_birth", date_of_birth),
                        ("postcode", postcode),
                    )
                    if value
                ],
                "results": len(found),
            },
        )
        audit_views(
            user,
            [rp.person for r in found for rp in r.people.all()],
            now=now,
            page="find a registered family",
            request=request,
        )
    return found


def _people_prefetch():
    return Prefetch(
        "people",
        queryset=RegisteredPerson.objects.select_related("person").order_by(
            "role", "person__date_of_birth"
        ),
    )


# --- A family's hub page --------------------------------------------------------------------


def _member_rows(registration: Registration, *, user, now: datetime) -> list[dict]:
    today = today_in_london(now)
    members = list(registration.people.all())
    openable = set(
        visible_to(user, now=now)
        .filter(pk__in=[m.person_id for m in members])
        .values_list("pk", flat=True)
    )
    rows = []
    order = {RegisteredPerson.Role.CARER: 0, RegisteredPerson.Role.EXPECTANT: 1}
    for member in sorted(members, key=lambda m: (order.get(m.role, 2), m.created_at)):
        person = member.person
        rows.append(
            {
                "member": member,
                "person": person,
                "role": member.get_role_display(),
                "age": age_description(
                    date_of_birth=person.date_of_birth,
                    expected_date_of_birth=person.expected_date_of_birth,
                    today=today,
                ),
                "may_open": person.pk in openable,
            }
        )
    return rows


def family_address(registration: Registration) -> Address | None:
    """Where the family lives: the current address of the first carer registered (the address
    the family gave at registration, or a later one recorded on the record)."""
    members = sorted(
        registration.people.all(),
        key=lambda m: (m.role != RegisteredPerson.Role.CARER, m.created_at),
    )
    for member in members:
        address = (
            Address.objects.filter(person_id=member.person_id, valid_to__isnull=True)
            .select_related("ward")
            .order_by("-valid_from", "-created_at")
            .first()
        )
        if address is not None:
            return address
    return None


def family_page(user, registration_id, *, now: datetime, request=None) -> dict:
    """Everything the hubs hold about a family: members, contact, consent, bookings and
    attendance. Looking at it writes a VIEW audit row for each member."""
    registration = access_registration_by_id(user, registration_id, now=now)
    registration = (
        Registration.objects.select_related("site", "registered_by")
        .prefetch_related(_people_prefetch())
        .get(pk=registration.pk)
    )
    members = _member_rows(registration, user=user, now=now)
    bookings = list(
        Booking.objects.filter(registration=registration, cancelled_at__isnull=True)
        .select_related("session__activity", "session__site", "person")
        .order_by("session__starts_at")
    )
    attendances = list(
        Attendance.objects.filter(registration=registration)
        .select_related("session__activity", "session__site", "person")
        .order_by("-session__starts_at")
    )
    with transaction.atomic():
        audit_views(
            user,
            [row["person"] for row in members],
            now=now,
            page="family hub family",
            request=request,
            action="view",
        )
    return {
        "registration": registration,
        "members": members,
        "address": family_address(registration),
        "upcoming": [b for b in bookings if b.session.starts_at >= now],
        "attendances": attendances,
    }


# --- The session register ---------------------------------------------------------------------


def session_for_register(session_id) -> Session:
    session = Session.objects.select_related("activity", "site").filter(pk=session_id).first()
    if session is None:
        raise Http404("No session found")
    return session


@dataclass
class RegisterRow:
    person_id: object
    name: str
    age: str
    reference: str
    booked: bool
    ticked: bool
    marked: bool
    new: bool = False


def _row(person: Person, registration: Registration, *, today, booked, ticked, marked, new=False):
    return RegisterRow(
        person_id=person.pk,
        name=person.full_name,
        age=age_description(
            date_of_birth=person.date_of_birth,
            expected_date_of_birth=person.expected_date_of_birth,
            today=today,
        ),
        reference=registration.reference,
        booked=booked,
        ticked=ticked,
        marked=marked,
        new=new,
    )


def search_registered_people(user, text: str, *, now: datetime) -> list[RegisteredPerson]:
    """People in current registrations whose name contains every word typed, or whose family
    reference it is."""
    text = (text or "").strip()
    if not text:
        return []
    people = RegisteredPerson.objects.filter(
        registration__in=registrations_for(user, now=now),
        registration__ended_at__isnull=True,
    )
    if rules_register.looks_like_reference(text):
        people = people.filter(registration__reference=rules_register.normalise_reference(text))
    else:
        for word in text.split()[:4]:
            people = people.filter(
                Q(person__given_name__icontains=word) | Q(person__family_name__icontains=word)
            )
    return list(
        people.select_related("person", "registration").order_by(
            "person__family_name", "person__given_name"
        )[:REGISTER_SEARCH_LIMIT]
    )


def register_page(
    user,
    session: Session,
    *,
    now: datetime,
    ticked: set | None = None,
    shown_before: set | None = None,
    search: str = "",
    added_family=None,
    request=None,
) -> dict:
    """The register of a session: the people booked first, then those already marked who came
    without a booking, a family just registered at the door (ticked), then what was searched
    for. `ticked` and `shown_before` carry a form being filled in across a search. Everyone
    listed is audited as listed."""
    today = today_in_london(now)
    visible = registrations_for(user, now=now)
    marked = {
        a.person_id: a
        for a in Attendance.objects.filter(
            session=session, registration__in=visible
        ).select_related("person", "registration")
    }
    shown_before = shown_before or set()
    ticked = ticked if ticked is not None else set(marked)

    def is_ticked(person_id) -> bool:
        if person_id in shown_before:
            return person_id in ticked
        return person_id in marked or person_id in ticked

    rows: list[RegisterRow] = []
    seen: set = set()
    bookings = (
        Booking.objects.filter(session=session, cancelled_at__isnull=True, registration__in=visible)
        .select_related("person", "registration")
        .order_by("registration__reference", "person__date_of_birth")
    )
    for booking in bookings:
        if booking.person_id in seen:
            continue
        seen.add(booking.person_id)
        rows.append(
            _row(
                booking.person,
                booking.registration,
                today=today,
                booked=True,
                ticked=is_ticked(booking.person_id),
                marked=booking.person_id in marked,
            )
        )
    for attendance in sorted(marked.values(), key=lambda a: a.person.full_name):
        if attendance.person_id in seen:
            continue
        seen.add(attendance.person_id)
        rows.append(
            _row(
                attendance.person,
                attendance.registration,
                today=today,
                booked=False,
                ticked=is_ticked(attendance.person_id),
                marked=True,
            )
        )
    added = None
    if added_family:
        added = visible.filter(pk=added_family, ended_at__isnull=True).first()
        if added is not None:
            for member in added.people.select_related("person").order_by("role"):
                if member.person_id in seen:
                    continue
                seen.add(member.person_id)
                # A family registered at the door is there: ticked, saved with the register.
                rows.append(
                    _row(
                        member.person,
                        added,
                        today=today,
                        booked=False,
                        ticked=member.person_id in ticked or member.person_id not in shown_before,
                        marked=False,
                        new=True,
                    )
                )
    results = []
    if search:
        for member in search_registered_people(user, search, now=now):
            if member.person_id in seen:
                continue
            seen.add(member.person_id)
            results.append(
                _row(
                    member.person,
                    member.registration,
                    today=today,
                    booked=False,
                    ticked=member.person_id in ticked,
                    marked=False,
                )
            )
    # Carried over from before a search: ticked people who are no longer in any list above.
    carried = [pid for pid in ticked if pid not in seen]
    if carried:
        for member in RegisteredPerson.objects.filter(
            person_id__in=carried,
            registration__in=visible,
            registration__ended_at__isnull=True,
        ).select_related("person", "registration"):
            if member.person_id in seen:
                continue
            seen.add(member.person_id)
            rows.append(
                _row(
                    member.person,
                    member.registration,
                    today=today,
                    booked=False,
                    ticked=True,
                    marked=False,
                )
            )
    listed = rows + results
    if listed:
        with transaction.atomic():
            audit_views(
                user,
                Person.objects.filter(pk__in=[r.person_id for r in listed]),
                now=now,
                page="session register",
                request=request,
            )
    problem = rules_register.may_fill_register(
        session_day=today_in_london(session.starts_at),
        today=today,
        cancelled=session.cancelled_at is not None,
    )
    return {
        "session": session,
        "rows": rows,
        "results": results,
        "searched": bool(search),
        "added": added,
        "marked_count": len(marked),
        "booked_count": sum(1 for r in rows if r.booked),
        "cannot_fill": problem,
    }
