"""Lookups and wording the children in care actions share: the child's open child in need
episode and period of care, and dates in words.
"""

from onestory.core.errors import DomainError
from onestory.core.rules import day_words
from onestory.frontdoor.models import Referral

from ..models import CarePeriod
from .common import locked

NO_REFERRAL = (
    "There is no open referral for this child. Record the referral at the front door first: "
    "a child comes into care under a child in need episode."
)
ALREADY_IN_CARE = "This child is already in care. End the current period of care first."


def open_referral(person_id) -> Referral | None:
    """The child's latest open child in need episode (front-door referral)."""
    return (
        Referral.objects.filter(person_id=person_id, closed_on__isnull=True)
        .order_by("-referral_date", "-created_at")
        .first()
    )


def open_period(person_id) -> CarePeriod | None:
    return CarePeriod.objects.filter(person_id=person_id, ends_on__isnull=True).first()


def locked_open_period(period_id, person_id) -> CarePeriod:
    period = locked(CarePeriod, period_id, what="period of care")
    if period.person_id != person_id:
        raise CarePeriod.DoesNotExist
    if period.ends_on is not None:
        raise DomainError(f"This period of care ended on {day_words(period.ends_on)}.")
    return period
