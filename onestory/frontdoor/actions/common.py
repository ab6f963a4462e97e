"""What every front-door action shares: permissions, locking, the audit row and the chronology."""

import secrets
from datetime import date, datetime, timedelta

from onestory.access import audit
from onestory.core.calendar import bank_holidays_between
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.locking import locked
from onestory.people.models import ChronologyEntry
from onestory.workforce.models import Team
from onestory.workforce.rules import Role

from .. import rules
from ..models import (
    Contact,
    ContactPerson,
)

# Roles that screen contacts at the front door, and those that may sign off its decisions.
SCREENING_ROLES = frozenset({Role.FRONT_DOOR, Role.TEAM_MANAGER})
SIGN_OFF_ROLES = frozenset({Role.TEAM_MANAGER})
# Roles that may ask the front door for help from inside the service (step up, step down).
STEP_UP_ROLES = frozenset({Role.EARLY_HELP, Role.PARTNER, Role.TEAM_MANAGER})
STEP_DOWN_ROLES = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER})

PURPOSE_FRONT_DOOR = "Front door screening"
PURPOSE_EARLY_HELP = "Early help (front door decision)"
PURPOSE_LEAD_PROFESSIONAL = "Lead professional (front door decision)"
PURPOSE_REFERRAL = "Statutory referral: child and family assessment"

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
INTAKE_MATCHES_KEPT = 5
CHRONOLOGY_CATEGORY = "front door"


class ContactRefused(DetailsRefused):
    """A request for support is missing facts; `problems` maps each field to its message."""


def _holidays_around(at: datetime) -> frozenset[date]:
    day = today_in_london(at)
    return bank_holidays_between(day - timedelta(days=31), day + timedelta(days=366))


def new_reference() -> str:
    return "FD-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _chronology(contact: Contact, summary: str, *, acting_user, now, people=None) -> None:
    people = people if people is not None else _linked_people(contact)
    ChronologyEntry.objects.bulk_create(
        [
            ChronologyEntry(
                person_id=person_id,
                occurred_at=now,
                category=CHRONOLOGY_CATEGORY,
                summary=summary[:500],
                recorded_by=acting_user,
                source_type=contact._meta.label_lower,
                source_id=str(contact.pk),
            )
            for person_id in people
        ]
    )


def _linked_people(contact: Contact, *, children_only: bool = False) -> list:
    named = contact.people.filter(person__isnull=False)
    if children_only:
        named = named.filter(role=ContactPerson.Role.CHILD)
    return list(dict.fromkeys(named.order_by("position").values_list("person_id", flat=True)))


def _audit(
    contact: Contact, action: str, *, acting_user, now, request=None, detail=None, person_id=None
) -> None:
    audit.record(
        actor=acting_user,
        action=action,
        at=now,
        person_id=person_id,
        obj=contact,
        detail={"page": "front door", **(detail or {})},
        request=request,
    )


def may_screen(user) -> bool:
    """Front-door workers, and managers of a front-door team, screen and decide contacts."""
    role = getattr(user, "role", None)
    if role == Role.FRONT_DOOR:
        return True
    if role != Role.TEAM_MANAGER or not user.is_active:
        return False
    if user.team_id and user.team.kind == Team.Kind.FRONT_DOOR:
        return True
    return user.managed_teams.filter(kind=Team.Kind.FRONT_DOOR).exists()


def may_sign_off(user) -> bool:
    return getattr(user, "role", None) in SIGN_OFF_ROLES and may_screen(user)


def _require_role(user, roles, message: str) -> None:
    if getattr(user, "role", None) not in roles:
        raise DomainError(message)


def _require_screener(user) -> None:
    if not may_screen(user):
        raise DomainError("Only the front door can do this.")


def _locked(contact_id, *, version: int | None = None, what: str = "contact") -> Contact:
    return locked(Contact, contact_id, version=version, what=what)


def _source_of_text(contact: Contact) -> str:
    agency = (
        contact.referrer_agency.name if contact.referrer_agency_id else contact.referrer_agency_name
    )
    return agency or rules.REFERRAL_SOURCES.get(contact.referral_source, "a member of the public")
