"""Writes that change who may see a record. Each runs in one transaction with its audit row."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from onestory.core.errors import DomainError
from onestory.people.models import ChronologyEntry, Person
from onestory.workforce.models import Agency
from onestory.workforce.rules import (
    CASE_ROLES,
    MAY_BREAK_THE_GLASS,
    MAY_GRANT_ACCESS,
    MAY_RECORD_CONSENT,
    MAY_RESTRICT_RECORDS,
    Role,
)

from . import audit
from .models import AccessGrant, Allocation, Consent, Notification, RecordRestriction
from .rules import CONSENT_PURPOSES, MAX_GRANT_DAYS, agencies_still_covered, well_reasoned
from .selectors import is_restricted, visible_to


class BreakGlassRefused(DomainError):
    pass


NEEDS_REASON = "Enter a reason of at least 10 characters"
NOT_FOUND = "This record cannot be found."


def _name(worker) -> str:
    return worker.get_full_name() or worker.username


def _require_reason(reason: str) -> None:
    if not well_reasoned(reason):
        raise DomainError(NEEDS_REASON, field="reason")


def _managers_of(person: Person, *, now: datetime) -> set:
    """The team managers of the teams this record is allocated to now."""
    managers = set()
    allocations = (
        Allocation.objects.filter(person=person, starts_at__lte=now)
        .exclude(ends_at__lte=now)
        .select_related("team__manager", "worker__team__manager")
    )
    for allocation in allocations:
        team = allocation.team or (allocation.worker.team if allocation.worker else None)
        if team and team.manager_id:
            managers.add(team.manager)
    return managers


def break_the_glass(*, person_id, reason: str, acting_user, now: datetime, request=None):
    """Open an unallocated record for a limited time, with a reason the manager is told about.

    The managers of the teams the record is allocated to are told; when nobody's team holds
    the record, the manager of the worker's own team is told instead, so that every opening
    is seen by someone. Restricted records cannot be opened this way.
    """
    if acting_user.role not in MAY_BREAK_THE_GLASS:
        raise BreakGlassRefused("Your role cannot open records that are not allocated to you.")
    _require_reason(reason)
    person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
    if person is None or is_restricted(person_id):
        # Written outside the transaction below so the refusal stays in the trail.
        audit.record(actor=acting_user, action="denied", at=now,
                     person_id=person.pk if person else None, reason=reason,
                     detail={"page": "break the glass", "requested_id": str(person_id)},
                     request=request)
        raise BreakGlassRefused(
            "This record cannot be opened by breaking the glass. Ask its team manager for access."
        )
    with transaction.atomic():
        grant = AccessGrant(
            person=person,
            worker=acting_user,
            kind=AccessGrant.Kind.BREAK_GLASS,
            reason=reason.strip(),
            granted_by=acting_user,
            starts_at=now,
            expires_at=now + timedelta(hours=settings.ONESTORY_BREAK_GLASS_HOURS),
        )
        grant.full_clean()
        grant.save()
        audit.record(actor=acting_user, action="break_glass", at=now, person_id=person.pk,
                     obj=grant, reason=grant.reason,
                     detail={"hours": settings.ONESTORY_BREAK_GLASS_HOURS}, request=request)
        ChronologyEntry.objects.create(
            person=person, occurred_at=now, category="access", recorded_by=acting_user,
            summary=f"Record opened by breaking the glass by {_name(acting_user)}",
            source_type="access.accessgrant", source_id=str(grant.pk),
        )
        managers = _managers_of(person, now=now)
        told = "opened a record allocated to your team"
        if not managers and acting_user.team_id and acting_user.team.manager_id:
            managers = {acting_user.team.manager}
            told = "opened a record that is not allocated to any team"
        message = (
            f"{_name(acting_user)} ({acting_user.get_role_display()}) {told} by breaking "
            f"the glass. Their reason: {grant.reason}"
        )
        Notification.objects.bulk_create([
            Notification(recipient=manager, message=message, person=person)
            for manager in managers
            if manager.pk != acting_user.pk
        ])
    return grant


def grant_access(*, person_id, worker, reason: str, expires_at: datetime, acting_user,
                 now: datetime, request=None) -> AccessGrant:
    """A manager lets one worker open one record they can open themselves, until a given time."""
    if acting_user.role not in MAY_GRANT_ACCESS:
        raise DomainError("Only a team manager can grant access to a record.")
    if worker is None or not worker.is_active or worker.role not in CASE_ROLES:
        raise DomainError("Choose a worker whose role works on children's records.", field="worker")
    if worker.pk == acting_user.pk:
        raise DomainError("You cannot grant access to yourself.", field="worker")
    _require_reason(reason)
    if expires_at <= now:
        raise DomainError("The access must end in the future. Enter a later date.",
                          field="expires_on")
    if expires_at > now + timedelta(days=MAX_GRANT_DAYS + 1):
        raise DomainError(f"Access can be granted for up to {MAX_GRANT_DAYS} days. "
                          "For longer, allocate the record.", field="expires_on")
    with transaction.atomic():
        person = visible_to(acting_user, now=now).filter(pk=person_id).first()
        if person is None:
            raise DomainError("You can only grant access to records you can open yourself.")
        if is_restricted(person.pk):
            raise DomainError("This record is restricted. To let someone open it, name them on "
                              "the restriction instead.")
        grant = AccessGrant(
            person=person, worker=worker, kind=AccessGrant.Kind.GRANT, reason=reason.strip(),
            granted_by=acting_user, starts_at=now, expires_at=expires_at,
        )
        grant.full_clean()
        grant.save()
        audit.record(actor=acting_user, action="grant", at=now, person_id=person.pk, obj=grant,
                     reason=grant.reason,
                     detail={"worker": worker.username, "role": Role(worker.role).label,
                             "until": expires_at.isoformat()},
                     request=request)
        Notification.objects.create(
            recipient=worker, person=person,
            message=f"{_name(acting_user)} gave you access to a record until "
                    f"{expires_at:%d/%m/%Y}. Their reason: {grant.reason}",
        )
    return grant


def record_consent(*, person_id, status: str, given_by: str, agencies, purposes: list,
                   valid_from: datetime, valid_to: datetime | None, notes: str = "",
                   acting_user, now: datetime, request=None) -> Consent:
    """Record consent given, refused or withdrawn for agencies to see a person's record.

    Refusing or withdrawing takes effect now, whatever start date is entered: every current
    consent that covered those agencies ends now, and is carried on from now for any other
    agencies it covered. Partner workers of those agencies lose the record at once.
    """
    if acting_user.role not in MAY_RECORD_CONSENT:
        raise DomainError("Your role cannot record consent.")
    if status not in Consent.Status.values:
        raise DomainError("Choose whether consent was given, refused or withdrawn.", field="status")
    if not (given_by or "").strip():
        raise DomainError("Enter who gave, refused or withdrew consent.", field="given_by")
    agencies = list(agencies)
    if not agencies:
        raise DomainError("Choose at least one agency.", field="agencies")
    unknown = [p for p in purposes if p not in CONSENT_PURPOSES]
    if unknown:
        raise DomainError("Choose purposes from the list.", field="purposes")
    ending = status != Consent.Status.GIVEN
    if ending:
        valid_from, valid_to = now, None
    elif not purposes:
        raise DomainError("Choose at least one purpose the information may be used for.",
                          field="purposes")
    if valid_to is not None and valid_to <= valid_from:
        raise DomainError("The end date must be after the start date.", field="valid_to")
    with transaction.atomic():
        person = visible_to(acting_user, now=now).filter(pk=person_id).first()
        if person is None:
            raise DomainError(NOT_FOUND)
        ended = _end_current_consent(person, {a.pk for a in agencies}, acting_user=acting_user,
                                     now=now) if ending else 0
        consent = Consent(person=person, status=status, given_by=given_by.strip(),
                          purposes=list(purposes), valid_from=valid_from, valid_to=valid_to,
                          recorded_by=acting_user, notes=notes.strip())
        consent.full_clean()
        consent.save()
        consent.agencies.set(agencies)
        audit.record(actor=acting_user, action="consent", at=now, person_id=person.pk, obj=consent,
                     detail={"status": status, "agencies": sorted(a.name for a in agencies),
                             "purposes": list(purposes), "consents_ended": ended},
                     request=request)
    return consent


def _end_current_consent(person, withdrawn_ids: set, *, acting_user, now: datetime) -> int:
    current = (
        Consent.objects.filter(person=person, status=Consent.Status.GIVEN, valid_from__lte=now)
        .exclude(valid_to__lte=now)
        .filter(agencies__in=withdrawn_ids)
        .distinct()
        .prefetch_related("agencies")
    )
    ended = 0
    for consent in current:
        covered = {a.pk for a in consent.agencies.all()}
        original_end = consent.valid_to
        consent.valid_to = now
        consent.version += 1
        consent.save(update_fields=["valid_to", "version", "updated_at"])
        ended += 1
        remaining = agencies_still_covered(covered, withdrawn_ids)
        if remaining:
            carried = Consent.objects.create(
                person=person, status=Consent.Status.GIVEN, given_by=consent.given_by,
                purposes=consent.purposes, valid_from=now, valid_to=original_end,
                recorded_by=acting_user,
                notes="Carried on for the other agencies when consent was withdrawn for some.",
            )
            carried.agencies.set(Agency.objects.filter(pk__in=remaining))
    return ended


def _governable_person(person_id, *, acting_user, now: datetime) -> Person:
    """A record the acting worker may restrict: any record for the DPO, else one they can open."""
    if acting_user.role not in MAY_RESTRICT_RECORDS:
        raise DomainError("Your role cannot restrict records.")
    if acting_user.role == Role.DATA_PROTECTION_OFFICER:
        person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
    else:
        person = visible_to(acting_user, now=now).filter(pk=person_id).first()
    if person is None:
        raise DomainError(NOT_FOUND)
    return person


def _name_on_restriction(person, worker, *, acting_user, now: datetime, reason: str):
    if not worker.is_active or worker.role not in CASE_ROLES:
        raise DomainError(f"{_name(worker)} does not work on children's records, so cannot be "
                          "named.", field="worker")
    already = AccessGrant.objects.filter(person=person, worker=worker,
                                         kind=AccessGrant.Kind.RESTRICTED, revoked_at__isnull=True)
    if already.exists():
        return None
    return AccessGrant.objects.create(
        person=person, worker=worker, kind=AccessGrant.Kind.RESTRICTED, reason=reason,
        granted_by=acting_user, starts_at=now, expires_at=None,
    )


def restrict_record(*, person_id, reason: str, named_workers, acting_user, now: datetime,
                    request=None) -> RecordRestriction:
    """Restrict a record so that only the named workers may open it.

    A team manager who restricts a record is named on it too, so they do not lock themselves
    out; the data protection officer does not open records and is not named.
    """
    _require_reason(reason)
    named = {w.pk: w for w in named_workers}
    if acting_user.role in CASE_ROLES:
        named[acting_user.pk] = acting_user
    if not named:
        raise DomainError("Name at least one person who may open the record.", field="named")
    with transaction.atomic():
        person = _governable_person(person_id, acting_user=acting_user, now=now)
        if RecordRestriction.objects.filter(person=person).exists():
            raise DomainError("This record is already restricted.")
        restriction = RecordRestriction(person=person, reason=reason.strip(),
                                        restricted_by=acting_user)
        restriction.full_clean()
        restriction.save()
        for worker in named.values():
            _name_on_restriction(person, worker, acting_user=acting_user, now=now,
                                 reason="Named when the record was restricted")
        audit.record(actor=acting_user, action="restrict", at=now, person_id=person.pk,
                     obj=restriction, reason=restriction.reason,
                     detail={"named": sorted(w.username for w in named.values())},
                     request=request)
    return restriction


def name_on_restricted_record(*, person_id, worker, acting_user, now: datetime,
                              request=None) -> AccessGrant | None:
    """Let one more worker open a restricted record. Naming someone already named does nothing."""
    if worker is None:
        raise DomainError("Choose a worker.", field="worker")
    with transaction.atomic():
        person = _governable_person(person_id, acting_user=acting_user, now=now)
        if not RecordRestriction.objects.filter(person=person).exists():
            raise DomainError("This record is not restricted.")
        grant = _name_on_restriction(person, worker, acting_user=acting_user, now=now,
                                     reason=f"Named by {_name(acting_user)}")
        if grant is not None:
            audit.record(actor=acting_user, action="grant", at=now, person_id=person.pk,
                         obj=grant, detail={"worker": worker.username, "restricted": True},
                         request=request)
    return grant


def remove_from_restricted_record(*, person_id, grant_id, acting_user, now: datetime,
                                  request=None) -> AccessGrant:
    """Stop one named worker opening a restricted record, from now."""
    with transaction.atomic():
        person = _governable_person(person_id, acting_user=acting_user, now=now)
        grant = AccessGrant.objects.filter(pk=grant_id, person=person,
                                           kind=AccessGrant.Kind.RESTRICTED,
                                           revoked_at__isnull=True).first()
        if grant is None:
            raise DomainError("That person is not named on this record.")
        grant.revoked_at = now
        grant.version += 1
        grant.save(update_fields=["revoked_at", "version", "updated_at"])
        audit.record(actor=acting_user, action="revoke", at=now, person_id=person.pk, obj=grant,
                     detail={"worker": grant.worker.username, "restricted": True},
                     request=request)
    return grant


def lift_restriction(*, person_id, reason: str, acting_user, now: datetime, request=None) -> None:
    """End a restriction: the record is seen again by allocation, grant and consent."""
    _require_reason(reason)
    with transaction.atomic():
        person = _governable_person(person_id, acting_user=acting_user, now=now)
        restriction = RecordRestriction.objects.filter(person=person).first()
        if restriction is None:
            raise DomainError("This record is not restricted.")
        AccessGrant.objects.filter(person=person, kind=AccessGrant.Kind.RESTRICTED,
                                   revoked_at__isnull=True).update(revoked_at=now)
        audit.record(actor=acting_user, action="unrestrict", at=now, person_id=person.pk,
                     obj=restriction, reason=reason.strip(),
                     detail={"restricted_since": restriction.created_at.isoformat()},
                     request=request)
        restriction.delete()


def mark_notification_read(*, notification_id, acting_user, now: datetime,
                           request=None) -> Notification:
    """Mark one of the worker's own messages as read. Others' messages are not found."""
    with transaction.atomic():
        note = (Notification.objects.select_for_update()
                .filter(pk=notification_id, recipient=acting_user).first())
        if note is None:
            raise DomainError("This message cannot be found.")
        if note.read_at is None:
            note.read_at = now
            note.version += 1
            note.save(update_fields=["read_at", "version", "updated_at"])
            audit.record(actor=acting_user, action="update", at=now, obj=note,
                         detail={"read": True}, request=request)
    return note
