"""Reads of people's records, always scoped to the acting worker. They fail closed."""

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from onestory.people.models import Person
from onestory.workforce.rules import CASE_ROLES, CONSENT_BASED, Role

from . import audit
from .models import AccessGrant, Allocation, AuditEvent, Consent, RecordRestriction


def _active(now: datetime, start: str, end: str) -> Q:
    return Q(**{f"{start}__lte": now}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": now}))


def _managed_team_ids(user) -> list:
    return list(user.managed_teams.values_list("id", flat=True))


def visible_to(user, *, now: datetime) -> QuerySet[Person]:
    """The people whose records this worker may open now. Merged-away records are left out."""
    people = Person.objects.filter(merged_into__isnull=True)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return people.none()
    role = Role(user.role) if user.role else None
    if role not in CASE_ROLES:
        return people.none()

    allocation = Q(worker_id=user.pk)
    teams = [user.team_id] if user.team_id else []
    teams += _managed_team_ids(user)
    if teams:
        allocation |= Q(team_id__in=teams) | Q(worker__team_id__in=teams)
    allocated = Allocation.objects.filter(allocation, _active(now, "starts_at", "ends_at"), person=OuterRef("pk"))
    grants = AccessGrant.objects.filter(
        worker_id=user.pk, revoked_at__isnull=True, person=OuterRef("pk")
    ).filter(_active(now, "starts_at", "expires_at"))
    open_routes = Exists(allocated) | Exists(grants.exclude(kind=AccessGrant.Kind.RESTRICTED))
    if role in CONSENT_BASED and user.agency_id:
        consent = Consent.objects.filter(
            person=OuterRef("pk"), status=Consent.Status.GIVEN, agencies=user.agency_id
        ).filter(_active(now, "valid_from", "valid_to"))
        open_routes |= Exists(consent)

    restricted = Exists(RecordRestriction.objects.filter(person=OuterRef("pk")))
    named = Exists(grants.filter(kind=AccessGrant.Kind.RESTRICTED))
    return people.filter((~restricted & open_routes) | (restricted & named))


def is_restricted(person_id) -> bool:
    return RecordRestriction.objects.filter(person_id=person_id).exists()


def access_person_by_id(user, person_id, *, now: datetime, request=None, page: str = "record") -> Person:
    """The person, if this worker may open the record; the view is audited.

    Missing and forbidden give the same 404, and a refused attempt is audited too.
    """
    with transaction.atomic():
        person = visible_to(user, now=now).filter(pk=person_id).first()
        if person is None:
            audit.record(
                actor=user,
                action="denied",
                at=now,
                person_id=person_id if Person.objects.filter(pk=person_id).exists() else None,
                detail={"page": page, "requested_id": str(person_id)},
                request=request,
            )
            raise Http404("No record found")
        audit.record(actor=user, action="view", at=now, person_id=person.pk, obj=person,
                     detail={"page": page}, request=request)
    return person


def home_page_for(user, *, now: datetime) -> dict:
    """What the start page shows a worker: records allocated to them, and unread messages."""
    mine = (
        visible_to(user, now=now)
        .filter(allocations__worker=user, allocations__starts_at__lte=now)
        .exclude(allocations__ends_at__lte=now)
        .distinct()
        .order_by("family_name", "given_name")[:50]
    )
    return {
        "my_people": list(mine),
        "notifications": list(user.notifications.filter(read_at__isnull=True)[:20]),
    }


def access_log_for(user, person_id, *, now: datetime, request=None):
    """The audit trail of one record, for its team manager (who can open it) or the DPO.

    Anyone else, and a manager who cannot open the record, gets the same 404 as a missing record.
    """
    from onestory.workforce.rules import MAY_READ_ACCESS_LOG, Role

    if user.role not in MAY_READ_ACCESS_LOG:
        audit.record(actor=user, action="denied", at=now,
                     person_id=person_id if Person.objects.filter(pk=person_id).exists() else None,
                     detail={"page": "access log", "requested_id": str(person_id)}, request=request)
        raise Http404("No record found")
    if user.role == Role.DATA_PROTECTION_OFFICER:
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise Http404("No record found")
        audit.record(actor=user, action="view", at=now, person_id=person.pk, obj=person,
                     detail={"page": "access log"}, request=request)
    else:
        person = access_person_by_id(user, person_id, now=now, request=request, page="access log")
    events = AuditEvent.objects.filter(person_id=person.pk).select_related("actor")[:500]
    return person, list(events)
