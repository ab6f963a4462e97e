"""Helpers for the sites, sessions and bookings tests: a London time, a session on a day, a
ward with a postcode."""

from datetime import date, datetime, time, timedelta

from onestory.core.clock import LONDON
from onestory.people.models import Postcode, Ward

from .factories import SessionFactory


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def session_on(day: date, *, hour: int = 10, minutes: int = 90, **fields):
    """A session on a London day at `hour`, lasting `minutes`."""
    starts = london(day, hour)
    return SessionFactory(starts_at=starts, ends_at=starts + timedelta(minutes=minutes), **fields)


def ward_with_postcode(postcode: str = "LU4 9AA", *, name: str = "Northwell", target=False):
    ward = Ward.objects.create(
        code=f"E0599{len(name):04d}", name=name, valid_from=date(2020, 1, 1), is_target=target
    )
    Postcode.objects.create(
        postcode=postcode, easting=508000, northing=224000, ward=ward, lsoa="E01999999"
    )
    return ward
