"""What every statutory social care action shares: who may record statutory work, locking,
the audit row and the chronology line on the child's record."""

from datetime import date, datetime, timedelta

from onestory.access import audit
from onestory.core.calendar import bank_holidays_between
from onestory.core.errors import DomainError
from onestory.core.locking import bump, locked  # noqa: F401 (used as common.locked)
from onestory.people.models import ChronologyEntry
from onestory.workforce.rules import Role

CHRONOLOGY_CATEGORY = "social care"
# Social workers and their managers record statutory work on the children they can open;
# partners, early help and the front door read what the access rules show them.
WORKING_ROLES = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER})
# Only a manager authorises an assessment, or agrees a case moving to another worker.
MANAGER_ROLES = frozenset({Role.TEAM_MANAGER})
NOT_A_SOCIAL_WORKER = "Only social workers and their managers can record statutory work."
NOT_A_MANAGER = "Only a team manager can do this."


def require_working_role(user) -> None:
    if getattr(user, "role", None) not in WORKING_ROLES:
        raise DomainError(NOT_A_SOCIAL_WORKER)


def require_manager(user) -> None:
    if getattr(user, "role", None) not in MANAGER_ROLES:
        raise DomainError(NOT_A_MANAGER)


def audit_change(
    row, action: str, *, person_id, acting_user, now: datetime, request=None, detail=None
) -> None:
    """One audit row for a change to a child's statutory record (field names, never values)."""
    audit.record(
        actor=acting_user,
        action=action,
        at=now,
        person_id=person_id,
        obj=row,
        detail={"page": "social care", **(detail or {})},
        request=request,
    )


def chronology(
    person_ids, summary: str, *, acting_user, now: datetime, obj, occurred_at=None
) -> None:
    """A line in each child's chronology (`occurred_at` when the event happened earlier)."""
    ChronologyEntry.objects.bulk_create(
        [
            ChronologyEntry(
                person_id=person_id,
                occurred_at=occurred_at or now,
                category=CHRONOLOGY_CATEGORY,
                summary=summary[:500],
                recorded_by=acting_user,
                source_type=obj._meta.label_lower,
                source_id=str(obj.pk),
            )
            for person_id in person_ids
        ]
    )


def holidays_around(day: date) -> frozenset[date]:
    """Bank holidays from a year before `day` to two years after: room for every clock."""
    return bank_holidays_between(day - timedelta(days=366), day + timedelta(days=2 * 366))


def refuse_future(day: date | None, today: date, field: str, what: str) -> dict:
    """{field: message} when a date that has happened is in the future."""
    if day is not None and day > today:
        return {field: f"{what} cannot be in the future."}
    return {}
