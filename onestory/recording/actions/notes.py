"""Writing a case note: starting it (a draft from the first click, so nothing typed is ever
lost), saving the draft as it is typed, and submitting it, which puts one line in the
chronology of each person it is about. Management oversight is a note a team manager starts
from the record, with the decision they recorded."""

import uuid
from datetime import datetime

from django.db import transaction

from onestory.access import audit
from onestory.access.selectors import visible_to
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.core.locking import bump, locked
from onestory.people.models import ChronologyEntry
from onestory.workforce.rules import CASE_ROLES, Role

from .. import rules
from ..models import CaseNote, CaseNoteAddendum, CaseNoteSubject
from ..rules import NoteKind, NoteStatus
from ..selectors import notes_visible_to, offered_people

PAGE = "case note"
MANAGER_ROLES = frozenset({Role.TEAM_MANAGER})

NOT_A_WRITER = "Your role does not record case notes."
NOT_A_MANAGER = "Only a team manager can record management oversight."
NOBODY = "Choose at least one person whose record you can open to write a note about."
NOT_OPEN = "Choose only people whose records you can open. Reload the page and choose again."
NOT_YOURS = "Only the person who wrote this draft can change it."
SUBMITTED = "This note was submitted, so it cannot be changed. To record more, write a new note."
NOT_ADDABLE = "Only the person who wrote this note, or a team manager, can add to it."
EMPTY_ADDENDUM = "Write what you are adding to the note."
BAD_KIND = "Choose what kind of note this is from the list."
BAD_SEEN = "Choose whether the child was seen from the list."
SEEN_VALUES = frozenset(s.value for s in rules.Seen)


class SubmitRefused(DetailsRefused):
    """Submission refused; what was sent with it was saved as the draft at `version`."""

    def __init__(self, problems: dict, *, version: int):
        super().__init__(problems)
        self.version = version


def _audit(note, action: str, *, acting_user, now, request=None, person_id=None, **detail):
    """An audit row for a step (field names and counts, never what the note says)."""
    audit.record(
        actor=acting_user,
        action=action,
        at=now,
        person_id=person_id,
        obj=note,
        detail={"page": PAGE, "kind": note.kind, "status": note.status, **detail},
        request=request,
    )


# --- Start ------------------------------------------------------------------------------------


@once_per_form(CaseNote)
def note_start(
    *,
    person_ids,
    household_id=None,
    about_type: str = "",
    about_id: str = "",
    oversight: bool = False,
    acting_user,
    now: datetime,
    request=None,
) -> CaseNote:
    """Start a note about these people (a draft, saved at once): a visit by default, or
    management oversight when a manager adds a decision to the record."""
    if getattr(acting_user, "role", None) not in CASE_ROLES:
        raise DomainError(NOT_A_WRITER)
    if oversight and acting_user.role not in MANAGER_ROLES:
        raise DomainError(NOT_A_MANAGER)
    wanted = set(person_ids)
    if not wanted:
        raise DomainError(NOBODY)
    visible = set(
        visible_to(acting_user, now=now).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if visible != wanted:
        raise DomainError(NOT_OPEN)
    if about_type and about_type not in rules.ABOUT_TYPES:
        raise DomainError("A note can belong only to an episode, a referral or a context.")
    note = CaseNote(
        kind=NoteKind.MANAGEMENT_OVERSIGHT if oversight else NoteKind.VISIT,
        occurred_at=now,
        author=acting_user,
        household_id=household_id,
        about_type=about_type,
        about_id=str(about_id) if about_type else "",
    )
    full_clean_or_refuse(note)
    note.save()
    CaseNoteSubject.objects.bulk_create(
        [CaseNoteSubject(note=note, person_id=pk) for pk in sorted(wanted, key=str)]
    )
    _audit(note, "create", acting_user=acting_user, now=now, request=request, subjects=len(wanted))
    return note


# --- Save the draft ---------------------------------------------------------------------------


def _locked_draft(note_id, *, version: int, acting_user) -> CaseNote:
    note = locked(CaseNote, note_id, version=version, what="note")
    if note.author_id != acting_user.pk:
        raise DomainError(NOT_YOURS)
    if note.status != NoteStatus.DRAFT:
        raise DomainError(SUBMITTED)
    return note


def _kinds_for(note: CaseNote) -> set[str]:
    """The kinds this draft may take: a written note stays a written note, oversight stays
    oversight."""
    if note.kind == NoteKind.MANAGEMENT_OVERSIGHT:
        return {NoteKind.MANAGEMENT_OVERSIGHT.value}
    return {k.value for k in rules.WRITTEN_KINDS}


def _as_key(value):
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def _apply(note: CaseNote, data: dict, *, acting_user, now: datetime) -> list[str]:
    """Write what was sent onto the draft; returns the names (never the values) of what
    changed. Only the keys present in `data` change; `subjects` maps each chosen person's id to
    whether they were seen ("" when not answered yet)."""
    changed = []
    kind = data.get("kind")
    if kind is not None and kind != note.kind:
        if kind not in _kinds_for(note):
            raise DetailsRefused({"kind": BAD_KIND})
        note.kind = kind
        changed.append("kind")
    for name in ("present", "text", "decision"):
        if name in data and (data[name] or "") != getattr(note, name):
            setattr(note, name, data[name] or "")
            changed.append(name)
    if data.get("occurred_at") is not None and data["occurred_at"] != note.occurred_at:
        note.occurred_at = data["occurred_at"]
        changed.append("occurred_at")
    if "significant" in data and bool(data["significant"]) != note.significant:
        note.significant = bool(data["significant"])
        changed.append("significant")
    if "subjects" in data and _apply_subjects(
        note, data["subjects"], acting_user=acting_user, now=now
    ):
        changed.append("subjects")
    return changed


def _apply_subjects(note: CaseNote, chosen: dict, *, acting_user, now: datetime) -> bool:
    """Link the note to the people chosen among those offered to this writer (a subject they
    can no longer open is left as it is); returns whether anything changed."""
    chosen = {_as_key(k): (v or "") for k, v in chosen.items()}
    offered = {o.person.pk for o in offered_people(acting_user, note, now=now)}
    if None in chosen or not set(chosen) <= offered:
        raise DetailsRefused({"subjects": NOT_OPEN})
    if not chosen:
        # The people offered come from the subjects: a draft about nobody could never be
        # linked to anyone again.
        raise DetailsRefused({"subjects": rules.NO_SUBJECTS})
    if any(v and v not in SEEN_VALUES for v in chosen.values()):
        raise DetailsRefused({None: BAD_SEEN})
    existing = {s.person_id: s for s in note.subjects.filter(person_id__in=offered)}
    changed = False
    removed = [pk for pk in existing if pk not in chosen]
    if removed:
        CaseNoteSubject.objects.filter(note=note, person_id__in=removed).delete()
        changed = True
    for person_id, seen in chosen.items():
        row = existing.get(person_id)
        if row is None:
            CaseNoteSubject.objects.create(note=note, person_id=person_id, seen=seen)
            changed = True
        elif row.seen != seen:
            row.seen = seen
            row.save(update_fields=["seen"])
            changed = True
    return changed


def note_save_draft(
    *, note_id, version: int, data: dict, acting_user, now: datetime, request=None
) -> CaseNote:
    """Save what has been typed so far; nothing is required yet. Refused when someone (the
    author in another tab) saved it since this form was opened, or once it is submitted."""
    with transaction.atomic():
        note = _locked_draft(note_id, version=version, acting_user=acting_user)
        changed = _apply(note, data, acting_user=acting_user, now=now)
        full_clean_or_refuse(note)
        bump(note, "kind", "present", "text", "decision", "occurred_at", "significant")
        _audit(note, "update", acting_user=acting_user, now=now, request=request, fields=changed)
    return note


# --- Submit -----------------------------------------------------------------------------------


def _problems(note: CaseNote, *, now: datetime) -> dict:
    subjects = list(note.subjects.select_related("person"))
    today = today_in_london(now)
    children = {
        f"seen_{s.person_id}": s.person.full_name
        for s in subjects
        if not s.seen
        and rules.is_child(
            date_of_birth=s.person.date_of_birth,
            expected_date_of_birth=s.person.expected_date_of_birth,
            estimated_age_years=s.person.estimated_age_years,
            today=today,
        )
    }
    return rules.submission_problems(
        kind=note.kind,
        occurred_at=note.occurred_at,
        now=now,
        text=note.text,
        decision=note.decision,
        subject_count=len(subjects),
        children_not_answered=children,
    )


def note_submit(
    *, note_id, version: int, data: dict, acting_user, now: datetime, request=None
) -> CaseNote:
    """Save what was sent, then submit the note: from now on it cannot change, and each person
    it is about has a line in their chronology (the kind and the first words, never the
    whole note). When something is missing the answers stay saved as the draft and
    SubmitRefused says what to fix."""
    note = note_save_draft(
        note_id=note_id,
        version=version,
        data=data,
        acting_user=acting_user,
        now=now,
        request=request,
    )
    with transaction.atomic():
        note = _locked_draft(note_id, version=note.version, acting_user=acting_user)
        problems = _problems(note, now=now)
        if problems:
            raise SubmitRefused(problems, version=note.version)
        note.status = NoteStatus.SUBMITTED
        note.submitted_at = now
        full_clean_or_refuse(note)
        bump(note, "status", "submitted_at")
        write_chronology(note, acting_user=acting_user, now=now, request=request)
    return note


def write_chronology(note: CaseNote, *, acting_user, now: datetime, request=None) -> None:
    """One chronology line and one audit row for each person a submitted note is about."""
    words = note.decision if note.kind == NoteKind.MANAGEMENT_OVERSIGHT else note.text
    summary = rules.chronology_summary(note.kind, words)[:500]
    people = list(note.subjects.values_list("person_id", flat=True))
    ChronologyEntry.objects.bulk_create(
        [
            ChronologyEntry(
                person_id=person_id,
                occurred_at=note.occurred_at,
                category=rules.chronology_category(note.kind),
                summary=summary,
                recorded_by=note.author,
                source_type=note._meta.label_lower,
                source_id=str(note.pk),
                significant=note.significant,
            )
            for person_id in people
        ]
    )
    for person_id in people:
        _audit(
            note, "submit", acting_user=acting_user, now=now, request=request, person_id=person_id
        )


# --- Adding to a submitted note ---------------------------------------------------------------


@once_per_form(CaseNoteAddendum)
def note_add(*, note_id, text: str, acting_user, now: datetime, request=None) -> CaseNoteAddendum:
    """Add to a submitted note (its author, or a team manager who may read it): the note stays as
    it was, and each person it is about gets a chronology line for what was added."""
    text = text.strip()
    if not text:
        raise DetailsRefused({"text": EMPTY_ADDENDUM})
    with transaction.atomic():
        note = (
            notes_visible_to(acting_user, now=now)
            .select_for_update(of=("self",))
            .filter(pk=note_id, status=NoteStatus.SUBMITTED)
            .first()
        )
        if note is None:
            raise DomainError(NOT_OPEN)
        if note.author_id != acting_user.pk and acting_user.role not in MANAGER_ROLES:
            raise DomainError(NOT_ADDABLE)
        addendum = CaseNoteAddendum(note=note, text=text, author=acting_user, written_at=now)
        full_clean_or_refuse(addendum)
        addendum.save()
        summary = rules.addendum_summary(
            note.kind, today_in_london(note.occurred_at), text
        )[:500]
        people = list(note.subjects.values_list("person_id", flat=True))
        ChronologyEntry.objects.bulk_create(
            [
                ChronologyEntry(
                    person_id=person_id,
                    occurred_at=now,
                    category=rules.chronology_category(note.kind),
                    summary=summary,
                    recorded_by=acting_user,
                    source_type=addendum._meta.label_lower,
                    source_id=str(addendum.pk),
                )
                for person_id in people
            ]
        )
        for person_id in people:
            _audit(
                note,
                "create",
                acting_user=acting_user,
                now=now,
                request=request,
                person_id=person_id,
                added=addendum.pk.hex,
            )
    return addendum
