"""Roles and what each may do. Pure Python: no Django import."""

from enum import StrEnum


class Role(StrEnum):
    FRONT_DOOR = "frontdoor"
    EARLY_HELP = "earlyhelp"
    FAMILY_HUB = "familyhub"
    PARTNER = "partner"
    SOCIAL_WORKER = "socialworker"
    TEAM_MANAGER = "manager"
    ANALYST = "analyst"
    DATA_PROTECTION_OFFICER = "dpo"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.FRONT_DOOR: "Front door practitioner",
    Role.EARLY_HELP: "Early help practitioner",
    Role.FAMILY_HUB: "Family hub practitioner",
    Role.PARTNER: "Partner agency practitioner",
    Role.SOCIAL_WORKER: "Social worker",
    Role.TEAM_MANAGER: "Team manager",
    Role.ANALYST: "Performance analyst",
    Role.DATA_PROTECTION_OFFICER: "Data protection officer",
    Role.ADMIN: "System administrator",
}

# Front-door screeners must learn whether a family is already known before they decide, so
# "known to us?" shows them identifying details of people they cannot open.
SEES_IDENTIFYING_DETAILS_OF_ALL = frozenset({Role.FRONT_DOOR})

# Roles trusted to open an unallocated record in an emergency, with a reason.
MAY_BREAK_THE_GLASS = frozenset({Role.FRONT_DOOR, Role.SOCIAL_WORKER, Role.TEAM_MANAGER})

# Roles that work on children's records at all. Analysts, DPOs and administrators do not
# open case records; they see aggregates, audit trails and configuration.
CASE_ROLES = frozenset(
    {
        Role.FRONT_DOOR,
        Role.EARLY_HELP,
        Role.FAMILY_HUB,
        Role.PARTNER,
        Role.SOCIAL_WORKER,
        Role.TEAM_MANAGER,
    }
)

# Partner agencies see a family only under recorded consent (or allocation as lead professional).
CONSENT_BASED = frozenset({Role.PARTNER})

MAY_READ_ACCESS_LOG = frozenset({Role.TEAM_MANAGER, Role.DATA_PROTECTION_OFFICER})
MAY_RESOLVE_DUPLICATES = frozenset({Role.FRONT_DOOR, Role.TEAM_MANAGER})
MAY_GRANT_ACCESS = frozenset({Role.TEAM_MANAGER})
MAY_RESTRICT_RECORDS = frozenset({Role.TEAM_MANAGER, Role.DATA_PROTECTION_OFFICER})
MAY_RECORD_CONSENT = frozenset(
    {Role.FRONT_DOOR, Role.EARLY_HELP, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
)
MAY_EDIT_PEOPLE = frozenset(
    {Role.FRONT_DOOR, Role.EARLY_HELP, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
)
MAY_CREATE_PEOPLE = frozenset(
    {Role.FRONT_DOOR, Role.EARLY_HELP, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
)
# Everyone who signs in sees children's records, or the audit trails and figures about them, so
# everyone passes a second factor (issue 9 item 12; NCSC, "Multi-factor authentication for your
# corporate online services": use MFA for every account that reaches sensitive data).
MUST_USE_SECOND_FACTOR = frozenset(Role)
