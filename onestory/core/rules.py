"""Working days and statutory clocks. Pure Python: no Django import; holidays are passed in.

A working day is a Monday to Friday that is not a bank holiday in England and Wales. Dates are
Europe/London dates; a clock measured in working days keeps the London wall-clock time, so it
is not moved by the clocks changing.
"""

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

# A decision on what a referral needs is due within one working day of its receipt
# (Working Together to Safeguard Children 2023, chapter 2; see DOMAIN.md).
FRONT_DOOR_DECISION_WORKING_DAYS = 1
# Child and family assessment: no longer than 45 working days from the referral
# (Working Together to Safeguard Children 2023, chapter 2; DOMAIN.md).
ASSESSMENT_WORKING_DAYS = 45
# Initial child protection conference: within 15 working days of the strategy discussion
# (Working Together to Safeguard Children 2023, chapter 2; DOMAIN.md).
INITIAL_CONFERENCE_WORKING_DAYS = 15


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: date, holidays: Collection[date]) -> date:
    """The first working day after `day`."""
    following = day + timedelta(days=1)
    while not is_working_day(following, holidays):
        following += timedelta(days=1)
    return following


def add_working_days(day: date, count: int, holidays: Collection[date]) -> date:
    """The date `count` working days after `day` (day itself is day 0, whatever it is)."""
    if count < 0:
        raise ValueError("count must be zero or more")
    for _ in range(count):
        day = next_working_day(day, holidays)
    return day


def working_days_between(start: date, end: date, holidays: Collection[date]) -> int:
    """How many working days fall after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count


def due_after_working_days(
    received_at: datetime, count: int, holidays: Collection[date]
) -> datetime:
    """When a clock of `count` working days started at `received_at` runs out.

    Received on a working day: the same London time `count` working days later. Received on a
    weekend or bank holiday: the clock starts with the next working day, so it runs out at the
    end of the `count`-th working day from then. The answer is timezone-aware (London).
    """
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    local = received_at.astimezone(LONDON)
    if is_working_day(local.date(), holidays):
        due_day = add_working_days(local.date(), count, holidays)
        return datetime.combine(due_day, local.time().replace(tzinfo=None), tzinfo=LONDON)
    first = next_working_day(local.date(), holidays)
    due_day = add_working_days(first, count - 1, holidays) if count else first
    return datetime.combine(due_day + timedelta(days=1), time(0, 0), tzinfo=LONDON)


class Rag(StrEnum):
    """How close a clock is to running out, for a queue people scan at a glance."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


def add_months(day: date, months: int) -> date:
    """The same day `months` later; a day the month lacks falls back to its last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def day_words(day: date) -> str:
    """A date as people write it in messages and the chronology: 3 May 2026."""
    return f"{day:%-d %B %Y}"


def rag_status(*, started_at: datetime, due_at: datetime, now: datetime) -> Rag:
    """Red once overdue; amber in the last quarter of the time allowed; green before that."""
    if now >= due_at:
        return Rag.RED
    allowed = (due_at - started_at).total_seconds()
    left = (due_at - now).total_seconds()
    return Rag.AMBER if allowed > 0 and left <= allowed / 4 else Rag.GREEN
