"""Test helpers for registering families and the register: a child already in the record, the
details a family gives at the door, and a session happening today."""

import datetime
from datetime import timedelta

from django.utils import timezone

from onestory.access.tests.factories import AllocationFactory
from onestory.people.tests.factories import AddressFactory, PersonFactory

from .factories import SessionFactory


def known_child(*, worker=None, postcode="LU2 7AB", **fields):
    """A child already in the record (with an address), allocated to `worker` when given."""
    child = PersonFactory(
        **{
            "given_name": "Amira",
            "family_name": "Khan",
            "date_of_birth": datetime.date(2022, 3, 14),
            "sex": "F",
        }
        | fields
    )
    AddressFactory(person=child, line_1="12 Marsh Road", postcode=postcode)
    if worker is not None:
        AllocationFactory(
            person=child, worker=worker, starts_at=timezone.now() - timedelta(days=30)
        )
    return child


def person_details(role="child", person=None, **fields) -> dict:
    """One person as the registration action takes them."""
    defaults = {
        "child": {
            "given_name": "Amira",
            "family_name": "Khan",
            "date_of_birth": datetime.date(2022, 3, 14),
        },
        "carer": {
            "given_name": "Sana",
            "family_name": "Khan",
            "date_of_birth": datetime.date(1994, 8, 2),
        },
    }.get(
        role,
        {"given_name": "Sana", "family_name": "Khan", "date_of_birth": datetime.date(1994, 8, 2)},
    )
    return {
        "role": role,
        "expected_date_of_birth": None,
        "sex": "U",
        "ethnicity": "NOBT",
        "person": person,
        **defaults,
        **fields,
    }


ADDRESS = {"line_1": "12 Marsh Road", "line_2": "", "town": "Luton", "postcode": "LU2 7AB"}


def session_today(**fields):
    """A session that started an hour ago (its register may be filled in)."""
    starts = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    return SessionFactory(starts_at=starts, ends_at=starts + timedelta(hours=2), **fields)
