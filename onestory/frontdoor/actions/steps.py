"""Step up from early help and step down from children's social care, through the front door."""

from datetime import datetime

from onestory.access.selectors import visible_to
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.idempotency import once_per_form
from onestory.people.models import Person
from onestory.workforce.models import Team

from .. import rules
from ..models import (
    Contact,
    ContactPerson,
)
from ..rules import Outcome, Status
from .common import (
    STEP_DOWN_ROLES,
    STEP_UP_ROLES,
    _audit,
    _chronology,
    _holidays_around,
    _require_role,
    new_reference,
)
from .decisions import _decide

# --- Step up and step down -------------------------------------------------------------------


def _carried_people(person_ids, *, acting_user, now) -> list[Person]:
    people = list(visible_to(acting_user, now=now).filter(pk__in=person_ids))
    if len(people) != len(set(person_ids)):
        raise DomainError("You can only step up or down people whose records you can open.")
    return people


def _current_postcode(person: Person) -> str:
    address = person.addresses.filter(valid_to__isnull=True).order_by("-valid_from").first()
    return address.postcode if address else ""


def _contact_from_colleague(channel: str, *, acting_user, now: datetime, **details) -> Contact:
    """A contact raised from inside the service: the worker raising it is the referrer."""
    return Contact.objects.create(
        reference=new_reference(),
        received_at=now,
        channel=channel,
        recorded_by=acting_user,
        referrer_worker=acting_user,
        referrer_name=acting_user.get_full_name() or acting_user.username,
        referrer_job_title=acting_user.job_title,
        referrer_agency=acting_user.agency,
        referrer_contact=acting_user.email or "Through onestory",
        **details,
    )


def _carry(contact: Contact, people: list[Person], children_ids: set, *, acting_user, now):
    ContactPerson.objects.bulk_create(
        [
            ContactPerson(
                contact=contact,
                position=index,
                role=ContactPerson.Role.CHILD
                if p.pk in children_ids
                else ContactPerson.Role.PARENT,
                given_name=p.given_name,
                family_name=p.family_name,
                date_of_birth=p.date_of_birth,
                postcode=_current_postcode(p),
                nhs_number=p.nhs_number,
                upn=p.upn,
                person=p,
                link=ContactPerson.Link.CARRIED,
                linked_by=acting_user,
                linked_at=now,
            )
            for index, p in enumerate(people)
        ]
    )


@once_per_form(Contact)
def step_up(
    *,
    child_ids: list,
    adult_ids: list,
    what_has_changed: str,
    handover_summary: str,
    consent: str,
    consent_explanation: str = "",
    immediate_danger: bool = False,
    acting_user,
    now: datetime,
    request=None,
) -> Contact:
    """Early help asks the front door for statutory help, carrying over what is already known."""
    _require_role(acting_user, STEP_UP_ROLES, "Only early help can step a family up.")
    problems = {}
    if not child_ids:
        problems["child_ids"] = "Choose at least one child to step up."
    if not what_has_changed.strip():
        problems["what_has_changed"] = "Say what has changed and why early help is not enough."
    if consent not in {c.value for c in rules.Consent}:
        problems["consent"] = "Say whether the family agreed to their information being shared."
    elif consent != rules.Consent.GIVEN and not consent_explanation.strip():
        problems["consent_explanation"] = "Say why consent was refused or not asked for."
    if problems:
        raise DetailsRefused(problems)
    people = _carried_people([*child_ids, *adult_ids], acting_user=acting_user, now=now)
    contact = _contact_from_colleague(
        Contact.Channel.STEP_UP,
        acting_user=acting_user,
        now=now,
        referral_source=rules.referral_source_for(None, from_early_help=True),
        what_happened=what_has_changed.strip(),
        handover_summary=handover_summary.strip(),
        consent=consent,
        consent_explanation=consent_explanation.strip(),
        immediate_danger=immediate_danger,
        due_at=rules.decision_due_at(
            now, immediate_danger=immediate_danger, holidays=_holidays_around(now)
        ),
    )
    _carry(contact, people, set(child_ids), acting_user=acting_user, now=now)
    _audit(
        contact,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"step_up": True, "people_named": len(people)},
    )
    _chronology(
        contact,
        f"Stepped up to the front door ({contact.reference}): {what_has_changed.strip()}",
        acting_user=acting_user,
        now=now,
    )
    return contact


@once_per_form(Contact)
def step_down(
    *,
    child_ids: list,
    adult_ids: list,
    early_help_team: Team | None,
    level: int,
    handover_summary: str,
    rationale: str,
    acting_user,
    now: datetime,
    request=None,
) -> Contact:
    """Children's social care hands a family to early help, with a handover summary.

    It is recorded as a front door contact decided "early help" (signed off where the council
    asks), so the family's history reads as one story.
    """
    _require_role(
        acting_user, STEP_DOWN_ROLES, "Only children's social care can step a family down."
    )
    problems = {}
    if not child_ids:
        problems["child_ids"] = "Choose at least one child to step down."
    if len(handover_summary.strip()) < rules.MIN_RATIONALE_LENGTH:
        problems["handover_summary"] = (
            "Write a handover summary: what the family needs, what has worked, and who knows them."
        )
    if early_help_team is None:
        problems["early_help_team"] = "Choose the early help team that will take the family."
    if len(rationale.strip()) < rules.MIN_RATIONALE_LENGTH:
        problems["rationale"] = "Explain why early help is now the right help."
    if problems:
        raise DetailsRefused(problems)
    people = _carried_people([*child_ids, *adult_ids], acting_user=acting_user, now=now)
    contact = _contact_from_colleague(
        Contact.Channel.STEP_DOWN,
        acting_user=acting_user,
        now=now,
        referral_source="5A",
        what_happened="Step down from children's social care to early help.",
        handover_summary=handover_summary.strip(),
        consent=rules.Consent.GIVEN,
        status=Status.SCREENING,
        assigned_to=acting_user,
        assigned_at=now,
        due_at=rules.decision_due_at(now, immediate_danger=False, holidays=_holidays_around(now)),
    )
    _carry(contact, people, set(child_ids), acting_user=acting_user, now=now)
    _audit(
        contact,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"step_down": True, "people_named": len(people)},
    )
    _chronology(
        contact,
        f"Stepped down to early help ({contact.reference})",
        acting_user=acting_user,
        now=now,
    )
    _decide(
        contact_id=contact.pk,
        version=contact.version,
        outcome=Outcome.EARLY_HELP,
        level=level,
        rationale=rationale,
        primary_need="",
        signposting="",
        early_help_team=early_help_team,
        lead_professional=None,
        social_work_team=None,
        referral_source="",
        referrer_message=rules.draft_referrer_message(
            Outcome.EARLY_HELP, team=early_help_team.name
        ),
        acting_user=acting_user,
        now=now,
        request=request,
    )
    contact.refresh_from_db()
    return contact
