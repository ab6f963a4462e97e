"""The one place the product reads the time, so that actions receive `now` as a value."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    return timezone.now()


def page_moment(context) -> datetime:
    """The moment a page is drawn at: the view's `now` in the template context when it gave
    one, so that every section of the page reads the records as of the same moment (and the
    access filter is built once), else the time now."""
    return context.get("now") or now()


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
