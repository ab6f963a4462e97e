"""The one place the product reads the time, so that actions receive `now` as a value."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    return timezone.now()


def today_in_london(at: datetime | None = None) -> date:
    """The Europe/London calendar date of `at` (default: now)."""
    return (at or now()).astimezone(LONDON).date()


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day`, London time."""
    return datetime.combine(day, time(), LONDON)


def london_days(first: date, last: date) -> tuple[datetime, datetime]:
    """The days from `first` to `last` as times: from the first's midnight to the midnight
    after the last (times are stored in UTC; the days people mean are London days)."""
    return start_of_day(first), start_of_day(last + timedelta(days=1))
