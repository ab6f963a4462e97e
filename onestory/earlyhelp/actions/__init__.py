"""Every write in early help.

Each action runs in one transaction with its audit row, and adds what happened to the
chronology of every member of the family. Time comes in as `now`.
"""

from .common import may_work_on, require_may_work_on
from .episodes import (
    change_lead_professional,
    close_episode,
    open_by_agency,
    open_from_front_door,
    record_consent,
    review_weeks_on,
    step_up,
)

__all__ = [
    "change_lead_professional",
    "close_episode",
    "may_work_on",
    "open_by_agency",
    "open_from_front_door",
    "record_consent",
    "require_may_work_on",
    "review_weeks_on",
    "step_up",
]
