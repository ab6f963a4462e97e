"""Referrals to directory services: when one is overdue, and which front-door outcomes a family
may be referred from. Pure Python: no Django import."""

from collections.abc import Collection
from datetime import date

from onestory.core.rules import working_days_between

from .rules import ReferralStatus

# A referral waiting for the service's answer, or accepted and not yet closed with whether the
# family attended, is overdue after this many working days since its last step (hand-set: no
# statute or guidance sets it; four working weeks is long enough for a service to answer and
# for a family to go the first time, short enough that a family is not forgotten).
FOLLOW_UP_WORKING_DAYS = 20

# The front-door outcomes a family may be referred to a service from: "no further action" with
# signposting, and early help (a statutory referral or strategy discussion goes to social care).
# The values are onestory.frontdoor.rules.Outcome's.
REFERRABLE_OUTCOMES = frozenset({"nfa", "early_help"})

OPEN_STATUSES = frozenset({ReferralStatus.MADE, ReferralStatus.ACCEPTED})


def is_open(status: str) -> bool:
    """Whether someone still has to record something: the service's answer, or the close."""
    return ReferralStatus(status) in OPEN_STATUSES


def last_step_on(status: str, *, made_on: date, decided_on: date | None) -> date:
    """The day of the step an open referral is waiting on since."""
    if ReferralStatus(status) == ReferralStatus.ACCEPTED and decided_on is not None:
        return decided_on
    return made_on


def working_days_waiting(since: date, today: date, holidays: Collection[date]) -> int:
    return working_days_between(since, today, holidays)


def is_overdue(status: str, since: date, today: date, holidays: Collection[date]) -> bool:
    """An open referral whose last step was more than FOLLOW_UP_WORKING_DAYS working days ago."""
    if not is_open(status):
        return False
    return working_days_between(since, today, holidays) > FOLLOW_UP_WORKING_DAYS
