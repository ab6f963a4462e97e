"""Children in care test data: a referred child coming into care through the care action."""

from datetime import date

from onestory.people.tests.factories import AddressFactory

from ..actions import care
from .factories import referred_child

LUTON = "LU1 1AA"
MILTON_KEYNES = "MK9 1AA"
EDINBURGH = "EH1 1YZ"
CARDIFF = "CF10 1AA"


def placement_details(**overrides) -> dict:
    return {
        "place": "U6",
        "provider": "PR1",
        "carer": "Synthetic foster carers",
        "urn": "",
        "long_term": False,
        "home_postcode": LUTON,
        "placement_postcode": "LU2 0AA",
    } | overrides


def child_in_care(social_worker, *, now, starts_on: date, legal_status="C2", **child_fields):
    """(child, period): a referred child living at LU1 1AA who came into care on `starts_on`."""
    child, referral = referred_child(
        social_worker, now=now, referral_date=starts_on, **child_fields
    )
    AddressFactory(person=child, postcode=LUTON)
    period = care.care_start(
        person_id=child.pk,
        starts_on=starts_on,
        legal_status=legal_status,
        placement=placement_details(),
        acting_user=social_worker,
        now=now,
    )
    return child, period
