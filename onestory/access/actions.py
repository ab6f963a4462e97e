"""Writes that change who may see a record. Each runs in one transaction with its audit row."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from onestory.core.errors import DomainError
from onestory.people.models import ChronologyEntry, Person
from onestory.workforce.rules import MAY_BREAK_THE_GLASS, MAY_GRANT_ACCESS, Role

from . import audit
from .models import AccessGrant, Allocation, Notification
from .selectors import is_restricted, visible_to


class BreakGlassRefused(DomainError):
    pass


def _managers_of(person: Person, *, now: datetime) -> set:
    """The team managers of the teams this record is allocated to now."""
    managers = set()
    allocations = Allocation.objects.filter(person=person, starts_at__lte=now).exclude(ends_at__lte=now)
    for allocation in allocations.select_related("team__manager", "worker__team__manager"):
        team = allocation.team or (allocation.worker.team if allocation.worker else None)
        if team and team.manager_id:
            managers.add(team.manager)
    return managers


def break_the_glass(*, person_id, reason: str, acting_user, now: datetime, request=None) -> AccessGrant:
    """Open an unallocated record for a limited time. Restricted records cannot be opened this way."""
    if acting_user.role not in MAY_BREAK_THE_GLASS:
        raise BreakGlassRefused("Your role cannot open records that are not allocated to you.")
    with transaction.atomic():
        person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
        if person is None or is_restricted(person_id):
            audit.record(actor=acting_user, action="denied", at=now, person_id=person.pk if person else None,
                         reason=reason, detail={"page": "break the glass"}, request=request)
            raise BreakGlassRefused(
                "This record cannot be opened by breaking the glass. Ask its team manager for access."
            )
        grant = AccessGrant.objects.create(
            person=person,
            worker=acting_user,
            kind=AccessGrant.Kind.BREAK_GLASS,
            reason=reason,
            granted_by=acting_user,
            starts_at=now,
            expires_at=now + timedelta(hours=settings.ONESTORY_BREAK_GLASS_HOURS),
        )
        audit.record(actor=acting_user, action="break_glass", at=now, person_id=person.pk, obj=grant,
                     reason=reason, request=request)
        ChronologyEntry.objects.create(
            person=person, occurred_at=now, category="access", recorded_by=acting_user,
            summary=f"Record opened by breaking the glass by {acting_user.get_full_name() or acting_user.username}",
            source_type="access.accessgrant", source_id=str(grant.pk),
        )
        message = (
            f"{acting_user.get_full_name() or acting_user.username} ({acting_user.get_role_display()}) "
            f"opened a record allocated to your team by breaking the glass. Their reason: {reason}"
        )
        for manager in _managers_of(person, now=now):
            Notification.objects.create(recipient=manager, message=message, person=person)
    return grant


def grant_access(*, person_id, worker, reason: str, expires_at: datetime, acting_user, now: datetime,
                 request=None) -> AccessGrant:
    """A manager lets one worker open one record they can already see, until a given time."""
    if acting_user.role not in MAY_GRANT_ACCESS:
        raise DomainError("Only a team manager can grant access to a record.")
    if expires_at <= now:
        raise DomainError("The access must end in the future. Enter a later date.", field="expires_at")
    with transaction.atomic():
        person = visible_to(acting_user, now=now).filter(pk=person_id).first()
        if person is None:
            raise DomainError("You can only grant access to records you can open yourself.")
        grant = AccessGrant.objects.create(
            person=person, worker=worker, kind=AccessGrant.Kind.GRANT, reason=reason,
            granted_by=acting_user, starts_at=now, expires_at=expires_at,
        )
        audit.record(actor=acting_user, action="grant", at=now, person_id=person.pk, obj=grant,
                     reason=reason, detail={"worker": worker.username, "role": Role(worker.role).label},
                     request=request)
    return grant
