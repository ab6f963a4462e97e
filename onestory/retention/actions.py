"""Writes for retention: legal holds, the council's rules, and disposal. Each runs in one
transaction with its audit row; none of the audit rows of a disposal names a person."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import ProtectedError, Q

from onestory.access import audit
from onestory.core.clock import today_in_london
from onestory.core.errors import DomainError
from onestory.core.idempotency import once_per_form
from onestory.core.locking import bump, locked
from onestory.people.models import ChronologyEntry, Person
from onestory.workforce.rules import Role

from . import rules, selectors
from .models import LegalHold, RetentionRule
from .rules import RecordClass

ONLY_THE_OFFICER = "Only the data protection officer manages retention."
NEEDS_DETAILS = "Enter why the hold is needed, in at least 10 characters"
NOT_DUE = "This record is not past its disposal date, or it has already been disposed of."
HELD = "This record is under a legal hold: it cannot be disposed of until the hold is lifted."
NOT_BUILT = (
    "Disposal of this class of record is not built yet: it means removing the person's whole "
    "record from every part of onestory. Dispose of it by hand with the system's supplier."
)
KEPT_ELSEWHERE = (
    "Letters or a Supporting Families claim were made from this record: they are kept by their "
    "own rules, so the record cannot be disposed of here."
)


class RecordHeld(DomainError):
    pass


def _officer(acting_user) -> None:
    if acting_user.role != Role.DATA_PROTECTION_OFFICER:
        raise DomainError(ONLY_THE_OFFICER)


# Legal holds -----------------------------------------------------------------------------------


@once_per_form(LegalHold)
def hold_place(
    *, person_id, reason: str, details: str, acting_user, now: datetime, request=None
) -> LegalHold:
    """Hold everything about a person: nothing of theirs is proposed or disposed of."""
    _officer(acting_user)
    details = details.strip()
    if len(details) < 10:
        raise DomainError(NEEDS_DETAILS, field="details")
    if reason not in LegalHold.Reason.values:
        raise DomainError("Choose why the record is held", field="reason")
    # The person's row is locked so a disposal running now sees the hold or finishes first.
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        raise DomainError("This person cannot be found.")
    hold = LegalHold(
        person=person, reason=reason, details=details, placed_by=acting_user, placed_at=now
    )
    hold.full_clean()
    hold.save()
    audit.record(
        actor=acting_user, action="create", at=now, person_id=person.pk, obj=hold,
        reason=f"Legal hold: {hold.get_reason_display()}", request=request,
    )  # fmt: skip
    return hold


@transaction.atomic
def hold_lift(
    *, hold_id, version: int, reason: str, acting_user, now: datetime, request=None
) -> LegalHold:
    _officer(acting_user)
    reason = reason.strip()
    if len(reason) < 10:
        raise DomainError("Enter why the hold is lifted, in at least 10 characters", field="reason")
    hold = locked(LegalHold, hold_id, version=version, what="legal hold")
    if not hold.in_place:
        raise DomainError("This hold has already been lifted.")
    Person.objects.select_for_update().filter(pk=hold.person_id).first()
    hold.lifted_by, hold.lifted_at, hold.lift_reason = acting_user, now, reason
    bump(hold, "lifted_by", "lifted_at", "lift_reason")
    audit.record(
        actor=acting_user, action="update", at=now, person_id=hold.person_id, obj=hold,
        reason="Legal hold lifted", request=request,
    )  # fmt: skip
    return hold


# The council's rules ---------------------------------------------------------------------------


@transaction.atomic
def rule_update(
    *, rule_id, version: int, trigger: str, years: int, source: str, acting_user, now, request=None
) -> RetentionRule:
    _officer(acting_user)
    rule = locked(RetentionRule, rule_id, version=version, what="retention rule")
    record_class = RecordClass(rule.record_class)
    if trigger not in rules.TRIGGERS_FOR[record_class]:
        raise DomainError("This class of record cannot be reckoned from that", field="trigger")
    if not 1 <= years <= rules.MOST_YEARS:
        raise DomainError(f"Enter a number of years from 1 to {rules.MOST_YEARS}", field="years")
    if not source.strip():
        raise DomainError("Enter where the period comes from", field="source")
    before = {"trigger": rule.trigger, "years": rule.years}
    rule.trigger, rule.years, rule.source = trigger, years, source.strip()
    rule.updated_by = acting_user
    rule.full_clean()
    bump(rule, "trigger", "years", "source", "updated_by")
    audit.record(
        actor=acting_user, action="update", at=now, obj=rule, request=request,
        detail={"record_class": rule.record_class, "before": before,
                "after": {"trigger": trigger, "years": years}},
    )  # fmt: skip
    return rule


# Disposal --------------------------------------------------------------------------------------


def record_dispose(*, record_class: str, record_id, acting_user, now: datetime, request=None):
    """Delete one record past its disposal date, with everything that hangs from it, in one
    transaction. A record about anyone under a legal hold is refused, and the refusal is
    audited. Returns the number of rows deleted, by model."""
    _officer(acting_user)
    refused = False
    with transaction.atomic():
        record = selectors.due_record(
            acting_user=acting_user, today=today_in_london(now),
            record_class=record_class, record_id=record_id,
        )  # fmt: skip
        if record is None:
            raise DomainError(NOT_DUE)
        # Lock the people first: a hold placed at the same moment waits for this, or this sees it.
        list(Person.objects.select_for_update().filter(pk__in=record.person_ids).values("pk"))
        detail = {
            "record_class": record.record_class.value,
            "disposal_on": record.disposal_on.isoformat(),
            "rule": record.rule,
        }
        if selectors.held_person_ids().intersection(record.person_ids):
            refused = True
            audit.record(
                actor=acting_user, action="denied", at=now, request=request,
                reason="Disposal refused: legal hold", detail=detail,
            )  # fmt: skip
        else:
            if not record.disposable:
                raise DomainError(NOT_BUILT)
            dispose = {
                RecordClass.EARLY_HELP: _dispose_episode,
                RecordClass.FRONT_DOOR_CONTACT: _dispose_contact,
            }[record.record_class]
            deleted = dispose(record.record_id)
            audit.record(
                actor=acting_user, action="delete", at=now, request=request,
                reason="Disposed of: past its retention date",
                detail={**detail, "deleted": deleted},
            )  # fmt: skip
    if refused:
        raise RecordHeld(HELD)
    return deleted


def _count(into: dict, result) -> None:
    for label, n in result[1].items():
        if n:
            into[label] = into.get(label, 0) + n


def _has_letters(about_type: str, pk: str) -> bool:
    from onestory.documents.models import Letter

    return Letter.objects.filter(about_type=about_type, about_id=pk).exists()


def _delete_chronology(sources: dict[str, list[str]], deleted: dict) -> None:
    query = Q(pk__in=[])
    for source_type, ids in sources.items():
        if ids:
            query |= Q(source_type=source_type, source_id__in=ids)
    _count(deleted, ChronologyEntry.objects.filter(query).delete())


def _delete_notes(about_type: str, pk: str, deleted: dict, sources: dict) -> None:
    """Case notes follow their case: the notes about it, their additions and chronology."""
    from onestory.recording.models import CaseNote, CaseNoteAddendum

    notes = CaseNote.objects.filter(about_type=about_type, about_id=pk)
    addenda = CaseNoteAddendum.objects.filter(note__in=notes)
    sources["recording.casenote"] = [str(n) for n in notes.values_list("pk", flat=True)]
    sources["recording.casenoteaddendum"] = [str(a) for a in addenda.values_list("pk", flat=True)]
    _count(deleted, addenda.delete())
    _count(deleted, notes.delete())


def _dispose_episode(pk: str) -> dict:
    from onestory.earlyhelp.models import Episode, SupportingFamiliesClaim

    episode = Episode.objects.select_for_update().get(pk=pk)
    if SupportingFamiliesClaim.objects.filter(episode=episode).exists() or _has_letters(
        "earlyhelp.episode", pk
    ):
        raise DomainError(KEPT_ELSEWHERE)
    deleted: dict = {}
    sources = {"earlyhelp.episode": [pk]}
    for related in Episode._meta.related_objects:
        if related.on_delete.__name__ == "CASCADE":
            model = related.related_model
            ids = model.objects.filter(**{related.field.name: episode}).values_list("pk", flat=True)
            sources[model._meta.label_lower] = [str(i) for i in ids]
    _delete_notes("earlyhelp.episode", pk, deleted, sources)
    _delete_chronology(sources, deleted)
    contact_id = episode.contact_id
    _count(deleted, episode.delete())
    # The contact that opened the episode is part of the case; it stays if anything else (a
    # referral, a strategy discussion, another episode, a letter) still rests on it.
    if contact_id is not None and not _has_letters("frontdoor.contact", str(contact_id)):
        try:
            with transaction.atomic():
                for label, n in _dispose_contact(str(contact_id)).items():
                    deleted[label] = deleted.get(label, 0) + n
        except ProtectedError:
            pass
    return deleted


def _dispose_contact(pk: str) -> dict:
    from onestory.frontdoor.models import Contact

    contact = Contact.objects.select_for_update().get(pk=pk)
    if _has_letters("frontdoor.contact", pk):
        raise DomainError(KEPT_ELSEWHERE)
    deleted: dict = {}
    sources = {"frontdoor.contact": [pk]}
    for related in Contact._meta.related_objects:
        if related.on_delete.__name__ == "CASCADE":
            model = related.related_model
            ids = model.objects.filter(**{related.field.name: contact}).values_list("pk", flat=True)
            sources[model._meta.label_lower] = [str(i) for i in ids]
    _delete_chronology(sources, deleted)
    _count(deleted, contact.delete())
    return deleted
