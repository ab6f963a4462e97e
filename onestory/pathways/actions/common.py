"""What every pathways action shares: who may act, locking, the audit row and the chronology."""

from datetime import datetime

from onestory.access import audit
from onestory.access.selectors import visible_to
from onestory.core.errors import DomainError
from onestory.core.locking import bump, locked  # noqa: F401 (used as common.locked)
from onestory.people.models import ChronologyEntry, Person

from .. import rules

CHRONOLOGY_CATEGORY = "pathways"
AUDIT_PAGE = "pathways"

NOT_COUNCIL = (
    "Only council practitioners (front door, early help, social workers and team managers) can "
    "do this. If you are worried about a child, tell their worker or the front door."
)
CANNOT_OPEN = "You cannot open this child's record, so you cannot change their pathways."


def may_act(user) -> bool:
    """Whether this worker's role raises flags, refers to panels and keeps contexts."""
    return getattr(user, "is_active", False) and getattr(user, "role", None) in (
        rules.COUNCIL_CASE_ROLES
    )


def require_council(user) -> None:
    if not may_act(user):
        raise DomainError(NOT_COUNCIL)


def child_to_work_on(user, person_id, *, now: datetime) -> Person:
    """The child's record, if this worker may open it now; refused otherwise."""
    person = visible_to(user, now=now).filter(pk=person_id).first()
    if person is None:
        raise DomainError(CANNOT_OPEN)
    return person


def record_audit(
    obj, action: str, *, acting_user, now: datetime, person_id=None, request=None, detail=None
) -> None:
    audit.record(
        actor=acting_user,
        action=action,
        at=now,
        person_id=person_id,
        obj=obj,
        detail={"page": AUDIT_PAGE, **(detail or {})},
        request=request,
    )


def chronology(people, summary: str, *, acting_user, now: datetime, obj) -> None:
    """One line in the chronology of each of these people (the children concerned)."""
    ChronologyEntry.objects.bulk_create(
        [
            ChronologyEntry(
                person_id=person_id,
                occurred_at=now,
                category=CHRONOLOGY_CATEGORY,
                summary=summary[:500],
                recorded_by=acting_user,
                source_type=obj._meta.label_lower,
                source_id=str(obj.pk),
            )
            for person_id in dict.fromkeys(people)
        ]
    )


def day(value) -> str:
    """A date as people say it: 3 March 2027."""
    return f"{value.day} {value:%B %Y}"
