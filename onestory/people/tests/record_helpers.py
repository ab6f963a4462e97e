"""Shared set-up for the people-record tests: a fixed moment, and a worker allocated to people."""

import datetime

from onestory.access.tests.factories import AllocationFactory
from onestory.people.models import Postcode, Ward
from onestory.people.tests.factories import PersonFactory

# A fixed moment in the past, so that allocations starting "now" are already in force.
NOW = datetime.datetime(2026, 6, 15, 9, 30, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 6, 15)


def allocated_person(worker, **kwargs):
    """A person allocated to this worker (so they can open the record)."""
    person = PersonFactory(**kwargs)
    AllocationFactory(person=person, worker=worker)
    return person


def ward_with_postcode(postcode="LU4 9AA", name="Leagrave", lsoa="E01015770"):
    ward = Ward.objects.create(code=f"W{Ward.objects.count():05d}", name=name,
                               valid_from=datetime.date(2023, 5, 4))
    Postcode.objects.create(postcode=postcode, easting=506000, northing=224000, ward=ward,
                            lsoa=lsoa)
    return ward
