"""The one place the product reads the time, so that actions receive `now` as a value."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    return timezone.now()


def today_in_london(at: datetime | None = None) -> date:
    """The Europe/London calendar date of `at` (default: now)."""
    return (at or now()).astimezone(LONDON).date()
