"""Every write at the front door.

Each action runs in one transaction with its audit rows, and adds what happened to the
chronology of every person linked to the contact. Time comes in as `now`.
"""

from .common import (
    CHRONOLOGY_CATEGORY,
    PURPOSE_EARLY_HELP,
    PURPOSE_FRONT_DOOR,
    PURPOSE_LEAD_PROFESSIONAL,
    PURPOSE_REFERRAL,
    REFERENCE_ALPHABET,
    SCREENING_ROLES,
    SIGN_OFF_ROLES,
    STEP_DOWN_ROLES,
    STEP_UP_ROLES,
    ContactRefused,
    may_screen,
    may_sign_off,
    new_reference,
)
from .decisions import (
    contact_close,
    contact_decide,
    current_levels,
    decision_sign_off,
    needs_sign_off,
    strategy_discussion_record,
)
from .intake import contact_submit, match_at_intake
from .screening import (
    contact_assign,
    contact_person_create_record,
    contact_person_link,
    information_request_add,
    information_request_reply,
)
from .steps import step_down, step_up

__all__ = [
    "CHRONOLOGY_CATEGORY",
    "PURPOSE_EARLY_HELP",
    "PURPOSE_FRONT_DOOR",
    "PURPOSE_LEAD_PROFESSIONAL",
    "PURPOSE_REFERRAL",
    "REFERENCE_ALPHABET",
    "SCREENING_ROLES",
    "SIGN_OFF_ROLES",
    "STEP_DOWN_ROLES",
    "STEP_UP_ROLES",
    "ContactRefused",
    "contact_assign",
    "contact_close",
    "contact_decide",
    "contact_person_create_record",
    "contact_person_link",
    "contact_submit",
    "current_levels",
    "decision_sign_off",
    "information_request_add",
    "information_request_reply",
    "match_at_intake",
    "may_screen",
    "may_sign_off",
    "needs_sign_off",
    "new_reference",
    "step_down",
    "step_up",
    "strategy_discussion_record",
]
