"""Need-to-know: whether a worker may open a person's record. Pure Python: no Django import.

The selectors express the same rule as a database filter; tests hold the two in step.
"""

from dataclasses import dataclass

from onestory.workforce.rules import CASE_ROLES, CONSENT_BASED, Role


@dataclass(frozen=True)
class AccessFacts:
    """What is true, now, between one worker and one record."""

    role: Role
    allocated_to_worker: bool = False
    allocated_to_team: bool = False
    manages_allocated_team: bool = False
    holds_grant: bool = False
    consent_covers_agency: bool = False
    restricted: bool = False
    named_on_restriction: bool = False


def may_open(facts: AccessFacts) -> bool:
    """Deny by default; each route to a record is named here."""
    if facts.role not in CASE_ROLES:
        return False
    if facts.restricted:
        return facts.named_on_restriction
    if facts.allocated_to_worker or facts.allocated_to_team or facts.manages_allocated_team:
        return True
    if facts.holds_grant:
        return True
    return facts.role in CONSENT_BASED and facts.consent_covers_agency


# A reason is written for a manager or the data protection officer to read later.
MIN_REASON_LENGTH = 10

# A manager's grant is for cover or a piece of joint work, not a standing right; longer needs an
# allocation. A council choice, not statute.
MAX_GRANT_DAYS = 90

# What a family can agree their information is shared for (recorded on each consent).
CONSENT_PURPOSES = {
    "early_help": "Early help assessment and support",
    "team_around_the_family": "Team around the family meetings",
    "education": "Education and attendance",
    "health": "Health",
    "housing": "Housing",
    "family_hub": "Family hub services",
}


def agencies_still_covered(covered: set, withdrawn: set) -> set:
    """The agencies a consent still covers after consent is withdrawn for some of them."""
    return set(covered) - set(withdrawn)


def well_reasoned(reason: str) -> bool:
    return len((reason or "").strip()) >= MIN_REASON_LENGTH


# Why a worker takes figures or a report out of onestory: every download asks, and its audit
# event records the answer (a fixed list, so the trail holds no free text about anyone).
EXPORT_PURPOSES = {
    "board": "A report to a board, committee or the strategy group",
    "inspection": "An inspection, audit or statutory return",
    "planning": "Planning or commissioning services",
    "practice": "Improving practice in a team",
    "data_quality": "Checking the data is right",
}
