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
