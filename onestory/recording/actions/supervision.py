"""Recording a supervision session: a team manager and one of their team's workers, the
session's own notes (private to the two of them and the team's managers), and each child
discussed, which becomes a supervision note on that child's record and chronology."""

from datetime import date, datetime, time

from django.db import transaction

from onestory.access import audit
from onestory.core.clock import LONDON, today_in_london
from onestory.core.errors import DetailsRefused, DomainError, full_clean_or_refuse
from onestory.core.idempotency import once_per_form

from ..models import CaseNote, CaseNoteSubject, Supervision
from ..rules import NoteKind, NoteStatus
from ..selectors import caseload_of, supervisees_of
from .notes import MANAGER_ROLES, write_chronology

NOT_A_SUPERVISOR = "Only a team manager can record supervision."
NOT_YOUR_TEAM = "Choose a worker in a team you manage."
NO_DATE = "Enter the date the supervision was held."
FUTURE_DATE = "The date the supervision was held must be today or in the past."
NOT_ON_CASELOAD = (
    "Choose only children on the worker's caseload whose records you can open. Reload the page "
    "and choose again."
)
NO_DISCUSSION = "Enter what was discussed about {name}, or leave both boxes for them empty."


def _occurred_at(held_on: date, *, now: datetime) -> datetime:
    """When a case was discussed, as the chronology shows it: the session's day (midday, or
    now if the session was this morning)."""
    moment = datetime.combine(held_on, time(12), LONDON)
    return min(moment, now)


@once_per_form(Supervision)
def supervision_record(
    *,
    supervisee_id,
    held_on: date | None,
    discussion: str,
    cases: list[dict],
    acting_user,
    now: datetime,
    request=None,
) -> Supervision:
    """Record the session. `cases` holds, for each child discussed, their `person_id`, what was
    `discussed` and the `decision`."""
    if getattr(acting_user, "role", None) not in MANAGER_ROLES:
        raise DomainError(NOT_A_SUPERVISOR)
    supervisee = supervisees_of(acting_user).filter(pk=supervisee_id).first()
    if supervisee is None:
        raise DomainError(NOT_YOUR_TEAM)
    problems = {}
    if held_on is None:
        problems["held_on"] = NO_DATE
    elif held_on > today_in_london(now):
        problems["held_on"] = FUTURE_DATE
    caseload = {p.pk: p for p in caseload_of(supervisee, viewer=acting_user, now=now)}
    for index, case in enumerate(cases):
        person = caseload.get(case["person_id"])
        if person is None:
            raise DomainError(NOT_ON_CASELOAD)
        if not (case.get("discussed") or "").strip():
            problems[f"case_{index}"] = NO_DISCUSSION.format(name=person.full_name)
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        supervision = Supervision(
            supervisee=supervisee,
            supervisor=acting_user,
            held_on=held_on,
            discussion=discussion,
            status=NoteStatus.SUBMITTED,
            submitted_at=now,
        )
        full_clean_or_refuse(supervision)
        supervision.save()
        for case in cases:
            note = CaseNote(
                kind=NoteKind.SUPERVISION,
                occurred_at=_occurred_at(held_on, now=now),
                text=case["discussed"].strip(),
                decision=(case.get("decision") or "").strip(),
                status=NoteStatus.SUBMITTED,
                submitted_at=now,
                author=acting_user,
                supervision=supervision,
            )
            full_clean_or_refuse(note)
            note.save()
            CaseNoteSubject.objects.create(note=note, person_id=case["person_id"])
            write_chronology(note, acting_user=acting_user, now=now, request=request)
        audit.record(
            actor=acting_user,
            action="create",
            at=now,
            obj=supervision,
            detail={"page": "supervision", "cases": len(cases)},
            request=request,
        )
    return supervision
