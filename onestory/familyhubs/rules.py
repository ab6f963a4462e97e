"""Family hubs' pure rules: kinds of site and activity, age groups of reach, capacity, the life of a
referral to a service and when a directory entry goes stale. No Django here."""

from datetime import date, timedelta
from enum import StrEnum

# Age groups the reach view reports (hand-set: under-fives as children's centres reported them,
# then primary and secondary school ages; DfE family hubs guidance covers 0 to 19, 25 with SEND).
AGE_GROUPS = (
    ("under_1", "Under 1", 0, 0),
    ("1_to_4", "1 to 4", 1, 4),
    ("5_to_10", "5 to 10", 5, 10),
    ("11_to_17", "11 to 17", 11, 17),
)


def age_group(age_years: int | None) -> str | None:
    """The reach age group of a child of this age (None for an adult or an unknown age)."""
    if age_years is None:
        return None
    for key, _label, youngest, oldest in AGE_GROUPS:
        if youngest <= age_years <= oldest:
            return key
    return None


def places_left(capacity: int, booked: int) -> int:
    """Places still free at a session (never negative: a session can be overbooked by staff
    letting walk-ins in, which the register allows)."""
    return max(capacity - booked, 0)


class ReferralStatus(StrEnum):
    MADE = "made"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return REFERRAL_STATUS_LABELS[self]


REFERRAL_STATUS_LABELS = {
    ReferralStatus.MADE: "Waiting for the service",
    ReferralStatus.ACCEPTED: "Accepted by the service",
    ReferralStatus.DECLINED: "Declined by the service",
    ReferralStatus.CLOSED: "Closed",
}

# Which status may follow which: a referral is accepted or declined, and an accepted one is
# closed with whether the family attended. A declined referral is finished.
REFERRAL_TRANSITIONS = {
    ReferralStatus.MADE: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED},
    ReferralStatus.ACCEPTED: {ReferralStatus.CLOSED},
    ReferralStatus.DECLINED: set(),
    ReferralStatus.CLOSED: set(),
}


def may_move(current: str, to: str) -> bool:
    return ReferralStatus(to) in REFERRAL_TRANSITIONS[ReferralStatus(current)]


# A directory entry nobody has checked for this long is stale and its owner is reminded
# (hand-set council setting: Open Referral UK feeds carry a last-checked date but set no period;
# six months is the review cycle many councils' Family Information Services use).
STALE_AFTER = timedelta(days=183)


def is_stale(last_checked_on: date | None, today: date) -> bool:
    """Whether a directory entry needs checking: never checked, or not for STALE_AFTER."""
    return last_checked_on is None or today - last_checked_on >= STALE_AFTER
