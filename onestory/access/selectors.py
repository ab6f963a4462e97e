"""Reads of people's records, always scoped to the acting worker. They fail closed."""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from onestory.core.clock import today_in_london
from onestory.people.models import Household, HouseholdMember, Person
from onestory.people.rules import ADULT_AGE, age_in_years, years_before
from onestory.workforce.models import Worker
from onestory.workforce.rules import (
    CASE_ROLES,
    CONSENT_BASED,
    SEES_IDENTIFYING_DETAILS_OF_ALL,
    Role,
)

from . import audit
from .models import AccessGrant, Allocation, AuditEvent, Consent, RecordRestriction


def _active(now: datetime, start: str, end: str) -> Q:
    return Q(**{f"{start}__lte": now}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": now}))


def team_ids_of(user) -> list:
    """The worker's own team and the teams they manage."""
    teams = [user.team_id] if user.team_id else []
    return teams + list(user.managed_teams.values_list("id", flat=True))


def visible_to(user, *, now: datetime) -> QuerySet[Person]:
    """The people whose records this worker may open now. Merged-away records are left out.

    The filter is built once per worker and moment (a page's sections check the same worker at
    the same moment several times, and building it costs more than running it); the queryset is
    lazy, so each use still reads the database as it is then.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Person.objects.none()
    built = user.__dict__.setdefault("_visible_to_built", {})
    key = _worker_at(user, now)
    if key not in built:
        built[key] = _visibility(user, now=now)[0]
    return built[key].all()


def _worker_at(user, now: datetime) -> tuple:
    """Everything about the worker their access is worked out from, at this moment (besides
    the teams they manage: a subquery, read each time)."""
    return (now, user.pk, user.role, user.team_id, user.agency_id)


def _opened_at(user, now: datetime) -> set:
    """The records access_person_by_id has opened for this worker at this moment."""
    return user.__dict__.setdefault("_opened", {}).setdefault(_worker_at(user, now), set())


def openable_ids(user, person_ids, *, now: datetime) -> set:
    """Of these records, those this worker may open now.

    A record the page has opened (access_person_by_id, for this worker at this moment) is not
    asked about again: the page's sections (its notes, documents, episodes) trust the page's
    own check, which it has audited, rather than repeat it.
    """
    person_ids = set(person_ids)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    known = _opened_at(user, now) & person_ids
    rest = person_ids - known
    if rest:
        openable = visible_to(user, now=now).filter(pk__in=rest).order_by()
        known |= set(openable.values_list("pk", flat=True))
    return known


def may_open_record(user, person: Person, *, now: datetime) -> bool:
    """Whether this worker may open this record now (see openable_ids)."""
    return bool(openable_ids(user, [person.pk], now=now))


def caseload_of(user, *, now: datetime) -> QuerySet[Person]:
    """The same people as `visible_to`, for reading all of them at once (a search of everything
    a worker may open): read from the worker's own allocations, grants and consents.

    `visible_to` tests each record in turn, which is quickest for one record or a few (a page's
    checks) but reads the whole authority for a whole caseload; this reads only the people
    some allocation, grant or consent of the worker names (a caseload search at scale 1: 48 ms
    to 9 ms), and is slower than `visible_to` for a few records, so use it only for all.
    """
    people, named_somewhere = _visibility(user, now=now, with_routes=True)
    return people.filter(pk__in=named_somewhere) if named_somewhere is not None else people


def _visibility(user, *, now: datetime, with_routes=False) -> tuple[QuerySet[Person], QuerySet]:
    """(the people this worker may open, and with_routes the ids of every person a route of
    theirs names; None when they may open nobody)."""
    people = Person.objects.filter(merged_into__isnull=True)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return people.none(), None
    role = Role(user.role) if user.role else None
    if role not in CASE_ROLES:
        return people.none(), None

    # Allocated to the worker, to their team or a team they manage, or to a worker in one. The
    # teams they manage are a subquery, not a query of their own: a page checks several times.
    managed = user.managed_teams.values("id")
    teams = Q(team_id__in=managed) | Q(worker__in=Worker.objects.filter(team_id__in=managed))
    if user.team_id:
        teams |= Q(team_id=user.team_id) | Q(worker__in=Worker.objects.filter(team_id=user.team_id))
    allocated = Allocation.objects.filter(
        Q(worker_id=user.pk) | teams, _active(now, "starts_at", "ends_at")
    )
    grants = AccessGrant.objects.filter(worker_id=user.pk, revoked_at__isnull=True).filter(
        _active(now, "starts_at", "expires_at")
    )
    consents = Consent.objects.none()
    if role in CONSENT_BASED and user.agency_id:
        consents = Consent.objects.filter(
            status=Consent.Status.GIVEN, agencies=user.agency_id
        ).filter(_active(now, "valid_from", "valid_to"))
    open_routes = (
        Exists(allocated.filter(person=OuterRef("pk")))
        | Exists(grants.exclude(kind=AccessGrant.Kind.RESTRICTED).filter(person=OuterRef("pk")))
        | Exists(consents.filter(person=OuterRef("pk")))
    )
    restricted = Exists(RecordRestriction.objects.filter(person=OuterRef("pk")))
    named = Exists(grants.filter(kind=AccessGrant.Kind.RESTRICTED, person=OuterRef("pk")))
    visible = people.filter((~restricted & open_routes) | (restricted & named))
    if not with_routes:
        return visible, None
    named_somewhere = (
        allocated.values("person_id")
        .union(grants.values("person_id"))
        .union(consents.values("person_id"))
    )
    return visible, named_somewhere


def _restricted_not_named(user, *, now: datetime, field: str):
    """A condition: the record in `field` is restricted and this worker is not named on it."""
    restricted = Exists(RecordRestriction.objects.filter(person_id=OuterRef(field)))
    named = Exists(
        AccessGrant.objects.filter(
            person_id=OuterRef(field),
            worker_id=user.pk,
            kind=AccessGrant.Kind.RESTRICTED,
            revoked_at__isnull=True,
        ).filter(_active(now, "starts_at", "expires_at"))
    )
    return restricted & ~named


def identifying_details_hidden(user, *, now: datetime, field: str = "pk"):
    """A condition true where this worker may not see who the record in `field` is.

    Front-door roles see identifying details of every record except restricted ones they are
    not named on (they must know whether a family is known); everyone else only of records
    they may open.
    """
    if user.role in SEES_IDENTIFYING_DETAILS_OF_ALL:
        return _restricted_not_named(user, now=now, field=field)
    return ~Exists(visible_to(user, now=now).filter(pk=OuterRef(field)))


def identifying_details_hidden_from(user, person_ids, *, now: datetime) -> set:
    """Of these records, those whose identifying details this worker may not see."""
    person_ids = set(person_ids)
    hidden = Person.objects.filter(pk__in=person_ids).filter(
        identifying_details_hidden(user, now=now)
    )
    missing = person_ids - set(
        Person.objects.filter(pk__in=person_ids).values_list("pk", flat=True)
    )
    return set(hidden.values_list("pk", flat=True)) | missing


def is_restricted(person_id) -> bool:
    return RecordRestriction.objects.filter(person_id=person_id).exists()


def _deny(user, person_id, *, now: datetime, page: str, request=None):
    """Record a refused look at a record, then answer as if it did not exist.

    The audit row is written in its own (autocommit) statement, never inside a transaction
    that the 404 would roll back.
    """
    audit.record(
        actor=user,
        action="denied",
        at=now,
        person_id=person_id if Person.objects.filter(pk=person_id).exists() else None,
        detail={"page": page, "requested_id": str(person_id)},
        request=request,
    )
    raise Http404("No record found")


def access_person_by_id(
    user, person_id, *, now: datetime, request=None, page: str = "record"
) -> Person:
    """The person, if this worker may open the record; the view is audited.

    Missing and forbidden give the same 404, and a refused attempt is audited too.
    """
    person = visible_to(user, now=now).filter(pk=person_id).first()
    if person is None:
        _deny(user, person_id, now=now, page=page, request=request)
    _opened_at(user, now).add(person.pk)
    return _opened(user, person, now=now, page=page, request=request)


def _opened(user, person: Person, *, now: datetime, page: str, request=None) -> Person:
    """Record that the worker opened this record, and hand it back."""
    audit.record(
        actor=user,
        action="view",
        at=now,
        person_id=person.pk,
        obj=person,
        detail={"page": page},
        request=request,
    )
    return person


def access_person_for_governance(
    user, person_id, *, now: datetime, request=None, page: str
) -> Person:
    """A record opened to govern access to it (access log, restriction), not to work on it.

    The data protection officer may do this for any record, because answering subject access
    requests and restricting records is their job; a team manager only for records they can
    open; anyone else gets the 404 of a missing record. Every look is audited.
    """
    role = Role(user.role) if getattr(user, "role", "") else None
    if role == Role.DATA_PROTECTION_OFFICER:
        person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
        if person is None:
            _deny(user, person_id, now=now, page=page, request=request)
        return _opened(user, person, now=now, page=page, request=request)
    if role in MAY_GOVERN_ACCESS:
        return access_person_by_id(user, person_id, now=now, request=request, page=page)
    _deny(user, person_id, now=now, page=page, request=request)


MAY_GOVERN_ACCESS = frozenset({Role.TEAM_MANAGER, Role.DATA_PROTECTION_OFFICER})


def households_visible_to(user, *, now: datetime) -> QuerySet[Household]:
    """Households with at least one current member whose record this worker may open now.

    The same rule as the family page (people.selectors.access_household_by_id): a member is
    current until their membership's end date.
    """
    today = today_in_london(now)
    members = HouseholdMember.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=today),
        household=OuterRef("pk"),
        person__in=visible_to(user, now=now),
    )
    return Household.objects.filter(Exists(members))


def audit_views(
    user, people, *, now: datetime, page: str, request=None, action: str = "list"
) -> None:
    """One audit row per person shown (for lists, families and API pages), written in one go."""
    client = audit.client_of(request)
    action = AuditEvent.Action(action)  # only actions the access log can name
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                at=now,
                actor=user,
                action=action,
                person_id=person.pk,
                object_type=person._meta.label_lower,
                object_id=str(person.pk),
                detail={"page": page},
                **client,
            )
            for person in people
        ]
    )


HOME_LIST_LIMIT = 100


def home_page_for(user, *, now: datetime, request=None) -> dict:
    """What the start page shows a worker: records allocated to them, and unread messages."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    mine = list(
        visible_to(user, now=now)
        # One filter() so that the same allocation is the worker's, started and not ended: an
        # earlier worker's ended allocation must not hide the child.
        .filter(
            Q(allocations__ends_at__isnull=True) | Q(allocations__ends_at__gt=now),
            allocations__worker=user,
            allocations__starts_at__lte=now,
        )
        .distinct()
        .order_by("family_name", "given_name")[:HOME_LIST_LIMIT]
    )
    shared = []
    if user.role in CONSENT_BASED:
        # A partner's work is the children their agency may see under the family's consent.
        shared = list(
            visible_to(user, now=now)
            .exclude(pk__in=[p.pk for p in mine])
            .order_by("family_name", "given_name")[:HOME_LIST_LIMIT]
        )
    if mine or shared:
        audit_views(user, mine + shared, now=now, page="home", request=request)
    today = today_in_london(now)
    for person in mine + shared:
        person.age_now = age_in_years(person.date_of_birth, today) if person.date_of_birth else None
    return {
        "my_children": [p for p in mine if p.age_now is None or p.age_now < ADULT_AGE],
        "my_adults": [p for p in mine if p.age_now is not None and p.age_now >= ADULT_AGE],
        "shared_by_consent": shared,
        "list_limit": HOME_LIST_LIMIT,
        "list_is_full": len(mine) == HOME_LIST_LIMIT,
        "caseloads": team_caseloads(user, now=now),
        "notifications": list(
            user.notifications.filter(read_at__isnull=True).select_related("person")[:20]
        ),
        "has_second_factor": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }


def team_caseloads(user, *, now: datetime) -> list[dict]:
    """For a team manager: each team member's number of allocated children, largest first.

    Counts only (no names of children), so the manager sees the spread of work at a glance.
    Children are people under 18 or not yet born on today's date.
    """
    teams = list(user.managed_teams.all())
    if not teams:
        return []
    today = today_in_london(now)
    children = Q(person__date_of_birth__gt=years_before(today, ADULT_AGE)) | Q(
        person__date_of_birth__isnull=True, person__expected_date_of_birth__isnull=False
    )
    active = Allocation.objects.filter(children, _active(now, "starts_at", "ends_at"))
    rows = []
    for team in teams:
        counts = dict(
            active.filter(worker__team=team)
            .values_list("worker_id")
            .annotate(children=Count("person_id", distinct=True))
            .values_list("worker_id", "children")
        )
        members = team.members.filter(is_active=True).order_by("last_name", "first_name")
        workers = sorted(
            ({"worker": w, "children": counts.get(w.pk, 0)} for w in members),
            key=lambda row: -row["children"],
        )
        team_only = (
            active.filter(team=team, worker__isnull=True).values("person_id").distinct().count()
        )
        rows.append({"team": team, "workers": workers, "team_only": team_only})
    return rows


def access_log_for(user, person_id, *, now: datetime, request=None):
    """The audit trail of one record, for its team manager (who can open it) or the DPO.

    Anyone else, and a manager who cannot open the record, gets the same 404 as a missing record.
    """
    person = access_person_for_governance(
        user, person_id, now=now, request=request, page="access log"
    )
    events = AuditEvent.objects.filter(person_id=person.pk).select_related("actor")[:500]
    return person, list(events)


def restriction_of(person):
    """The restriction on a record and the workers named on it (None when not restricted)."""
    restriction = (
        RecordRestriction.objects.filter(person=person).select_related("restricted_by").first()
    )
    if restriction is None:
        return None, []
    named = (
        AccessGrant.objects.filter(
            person=person, kind=AccessGrant.Kind.RESTRICTED, revoked_at__isnull=True
        )
        .select_related("worker", "worker__team")
        .order_by("worker__last_name", "worker__first_name")
    )
    return restriction, list(named)


def case_workers():
    """Active workers whose role works on case records: the people who can be given access."""
    from onestory.workforce.models import Worker

    return (
        Worker.objects.filter(is_active=True, role__in=[r.value for r in CASE_ROLES])
        .select_related("team")
        .order_by("last_name", "first_name", "username")
    )


def workers_who_can_open(person, *, now: datetime) -> list:
    """Workers who can open a record now through allocation or grant (not consent)."""
    from onestory.workforce.models import Worker

    allocations = Allocation.objects.filter(person=person).filter(
        _active(now, "starts_at", "ends_at")
    )
    team_ids = {a.team_id for a in allocations if a.team_id}
    worker_ids = {a.worker_id for a in allocations if a.worker_id}
    grants = AccessGrant.objects.filter(person=person, revoked_at__isnull=True).filter(
        _active(now, "starts_at", "expires_at")
    )
    worker_ids |= set(grants.values_list("worker_id", flat=True))
    direct = Worker.objects.filter(pk__in=worker_ids).values_list("team_id", flat=True)
    team_ids |= {t for t in direct if t}
    managers = Worker.objects.filter(managed_teams__in=team_ids)
    return list(
        case_workers()
        .filter(Q(pk__in=worker_ids) | Q(team_id__in=team_ids) | Q(pk__in=managers))
        .distinct()[:200]
    )


def consents_of(person, *, now: datetime) -> list:
    """Every consent recorded for a person, newest first, each marked current or not."""
    from .rules import CONSENT_PURPOSES

    consents = list(
        Consent.objects.filter(person=person)
        .prefetch_related("agencies")
        .select_related("recorded_by")
        .order_by("-valid_from", "-created_at")
    )
    for consent in consents:
        consent.is_current = consent.valid_from <= now and (
            consent.valid_to is None or consent.valid_to > now
        )
        consent.purpose_labels = [CONSENT_PURPOSES.get(p, p) for p in consent.purposes]
    return consents
