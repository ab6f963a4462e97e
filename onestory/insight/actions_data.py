"""The one write of the "About the data" page: the day the council's records are complete from.

Only performance analysts set it (they answer for the figures); team managers read it.
"""

from datetime import date, datetime

from django.db import transaction

from onestory.access import audit
from onestory.access.models import AuditEvent
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit, full_clean_or_refuse
from onestory.workforce.rules import Role

from .actions import EARLIEST
from .models import RecordsCoverage

NOTE_MAX = 500
NOT_AN_ANALYST = "Only performance analysts say from when the council's records are complete."
NO_DAY = "Enter the day the council's records are complete from, for example 01/04/2021."
TOO_EARLY = "The day must be in 2000 or later."
IN_FUTURE = "The day must be today or earlier: records cannot be complete from a day to come."
NOTE_TOO_LONG = f"The note must be {NOTE_MAX} characters or fewer."


def records_coverage_set(
    *,
    complete_from: date | None,
    note: str,
    version: int,
    acting_user,
    now: datetime,
    request=None,
) -> RecordsCoverage:
    """Say from which day the records are complete (and how they came to begin there).
    `version` is the setting's version when the form was opened (0: there was none): if
    someone has changed it since, nothing is saved (StaleEdit)."""
    if getattr(acting_user, "role", None) != Role.ANALYST:
        raise DomainError(NOT_AN_ANALYST)
    note = (note or "").strip()
    problems = {}
    if complete_from is None:
        problems["complete_from"] = NO_DAY
    elif complete_from < EARLIEST:
        problems["complete_from"] = TOO_EARLY
    elif complete_from > today_in_london(now):
        problems["complete_from"] = IN_FUTURE
    if len(note) > NOTE_MAX:
        problems["note"] = NOTE_TOO_LONG
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        current = RecordsCoverage.objects.select_for_update().first()
        if (current.version if current else 0) != version:
            raise StaleEdit("setting")
        before = current.complete_from if current else None
        coverage = current or RecordsCoverage()
        coverage.complete_from = complete_from
        coverage.note = note
        coverage.set_by = acting_user
        coverage.version = version + 1
        full_clean_or_refuse(coverage)
        coverage.save()
        audit.record(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE if current else AuditEvent.Action.CREATE,
            at=now,
            obj=coverage,
            detail={
                "page": "about the data",
                "complete_from": [str(before) if before else None, str(complete_from)],
            },
            request=request,
        )
    return coverage
