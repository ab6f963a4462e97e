"""What the synthetic social care modules share: the last day of the history, the allocation
purposes, dates and ages."""

from datetime import UTC, date, datetime, time, timedelta

from onestory.socialcare.rules import ALLOCATION_PURPOSES, CaseKind

from .drafts import REFERENCE_DATE

PURPOSE_CIN = ALLOCATION_PURPOSES[CaseKind.CHILD_IN_NEED]
PURPOSE_CP = ALLOCATION_PURPOSES[CaseKind.CHILD_PROTECTION]
PURPOSE_CARE = ALLOCATION_PURPOSES[CaseKind.CHILD_IN_CARE]
PURPOSE_PA = ALLOCATION_PURPOSES[CaseKind.CARE_LEAVER]
PURPOSE_ASSESSMENT = ALLOCATION_PURPOSES[CaseKind.ASSESSMENT]

ONE_DAY = timedelta(days=1)
LAST_DAY = REFERENCE_DATE - ONE_DAY


def at(day: date, hour: int = 11, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def age(born: date | None, day: date) -> int:
    if born is None:
        return -1
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
