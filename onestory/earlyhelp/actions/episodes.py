"""Opening an early help episode, the consent it rests on, the lead professional, closure and
step up to the front door."""

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q

from onestory.access.models import Allocation, Consent
from onestory.access.selectors import visible_to
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.idempotency import once_per_form, previous_result
from onestory.frontdoor import actions as frontdoor
from onestory.frontdoor.actions import PURPOSE_EARLY_HELP, PURPOSE_LEAD_PROFESSIONAL
from onestory.frontdoor.models import Contact, ContactPerson
from onestory.frontdoor.rules import Outcome
from onestory.frontdoor.selectors_steps import is_child
from onestory.people.models import HouseholdMember, Person
from onestory.people.selectors import current_memberships
from onestory.workforce.models import Agency, Worker
from onestory.workforce.rules import CASE_ROLES, Role

from .. import rules
from ..models import Episode, EpisodeMember, LeadProfessional, ReviewCadence
from .common import (
    PURPOSE_EPISODE,
    PURPOSE_LEAD,
    audit_episode,
    bump,
    chronology,
    locked_episode,
    member_ids,
    new_reference,
    require_may_work_on,
)

# Who may open an episode: early help, managers, and partner agencies working with the family.
OPENING_ROLES = frozenset({Role.EARLY_HELP, Role.TEAM_MANAGER, Role.PARTNER})
CONSENT_PURPOSES = ["early help"]


def review_weeks_on(day: date) -> int:
    """The council's review cadence on a date (every 6 weeks unless it set another)."""
    cadence = ReviewCadence.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    return cadence.weeks if cadence else rules.DEFAULT_REVIEW_WEEKS


def _active_allocation(now: datetime) -> Q:
    return Q(starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def _allocate(episode: Episode, people, *, acting_user, now: datetime) -> None:
    rows = [
        Allocation(
            person_id=person_id,
            team=episode.team,
            purpose=f"{PURPOSE_EPISODE} {episode.reference}",
            starts_at=now,
            allocated_by=acting_user,
        )
        for person_id in people
    ]
    if episode.lead_professional_id:
        rows += [
            Allocation(
                person_id=person_id,
                worker_id=episode.lead_professional_id,
                purpose=f"{PURPOSE_LEAD} {episode.reference}",
                starts_at=now,
                allocated_by=acting_user,
            )
            for person_id in people
        ]
    Allocation.objects.bulk_create(rows)


def _end_allocations(episode: Episode, *, now: datetime, lead_only: bool = False) -> None:
    purposes = [f"{PURPOSE_LEAD} {episode.reference}"]
    if not lead_only:
        purposes.append(f"{PURPOSE_EPISODE} {episode.reference}")
    Allocation.objects.filter(
        _active_allocation(now), person_id__in=member_ids(episode), purpose__in=purposes
    ).update(ends_at=now)


def _new_episode(
    *, source, team, lead, people: dict, acting_user, now: datetime, **fields
) -> Episode:
    episode = Episode.objects.create(
        reference=new_reference(),
        source=source,
        team=team,
        lead_professional=lead,
        opened_at=now,
        opened_by=acting_user,
        review_every_weeks=review_weeks_on(today_in_london(now)),
        **fields,
    )
    EpisodeMember.objects.bulk_create(
        [EpisodeMember(episode=episode, person_id=pk, role=role) for pk, role in people.items()]
    )
    if lead is not None:
        LeadProfessional.objects.create(
            episode=episode,
            worker=lead,
            agency=lead.agency,
            started_at=now,
            changed_by=acting_user,
        )
    _allocate(episode, list(people), acting_user=acting_user, now=now)
    return episode


def _opened(episode: Episode, how: str, *, acting_user, now, request) -> None:
    audit_episode(
        episode,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"source": episode.source, "members": episode.members.count()},
    )
    lead = episode.lead_professional
    who = f"; lead professional {lead.get_full_name()} ({lead.agency})" if lead else ""
    chronology(
        episode,
        f"Early help episode {episode.reference} opened {how}{who}",
        acting_user=acting_user,
        now=now,
    )


@transaction.atomic
def open_from_front_door(*, contact_id, acting_user, now: datetime, request=None) -> Episode:
    """Open the episode a front-door decision of early help asked for. Everything the front
    door knows comes with it: the family, the handover, the lead professional, the team.

    Opening twice gives the same episode (two colleagues may press the button together).
    """
    contact = Contact.objects.select_for_update().get(pk=contact_id)
    existing = Episode.objects.filter(contact=contact).first()
    if existing is not None:
        return existing
    decision = contact.decisions.filter(final_at__isnull=False).order_by("-final_at").first()
    if decision is None or decision.outcome != Outcome.EARLY_HELP:
        raise DomainError("The front door has not decided early help for this family.")
    if acting_user.role not in OPENING_ROLES:
        raise DomainError("Only early help can open an early help episode.")
    lead = decision.lead_professional
    # The front door names an early help team, or a partner's practitioner as lead professional.
    team = decision.early_help_team or (lead.team if lead else None) or acting_user.team
    people = {
        row.person_id: (
            EpisodeMember.Role.CHILD
            if row.role == ContactPerson.Role.CHILD
            else EpisodeMember.Role.ADULT
        )
        for row in contact.people.filter(person__isnull=False).order_by("position")
    }
    if not people:
        raise DomainError("Nobody on this contact is linked to a record yet: ask the front door.")
    # The front door's allocations of these people to the team give way to the episode's own.
    Allocation.objects.filter(
        _active_allocation(now),
        person_id__in=list(people),
        purpose__in=[PURPOSE_EARLY_HELP, PURPOSE_LEAD_PROFESSIONAL],
    ).update(ends_at=now)
    episode = _new_episode(
        source=Episode.Source.STEP_DOWN
        if contact.channel == Contact.Channel.STEP_DOWN
        else Episode.Source.FRONT_DOOR,
        team=team,
        lead=lead,
        people=people,
        acting_user=acting_user,
        now=now,
        contact=contact,
        household=_household_of(list(people), now=now),
    )
    episode.agencies.set({a for a in (team.agency_id, lead.agency_id if lead else None) if a})
    _opened(
        episode,
        f"from the front door ({contact.reference})",
        acting_user=acting_user,
        now=now,
        request=request,
    )
    return episode


def _household_of(person_ids: list, *, now: datetime):
    today = today_in_london(now)
    member = (
        HouseholdMember.objects.filter(current_memberships(today), person_id__in=person_ids)
        .order_by("-valid_from")
        .first()
    )
    return member.household if member else None


@once_per_form(Episode)
def open_by_agency(
    *,
    child: Person,
    others: list,
    consent_given_by: str,
    consent_given_on: date | None,
    what_the_family_wants: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> Episode:
    """An agency that knows the family opens early help itself, on the family's consent.

    `child` is a record the worker may open; `others` are members of the child's household the
    family agreed to include. The consent recorded covers each of them for the worker's agency,
    so the worker then sees the family's records (restricted records never open this way).
    """
    if acting_user.role not in OPENING_ROLES:
        raise DomainError(
            "Only early help or an agency working with the family can open early help."
        )
    problems = _consent_problems(consent_given_by, consent_given_on, now=now)
    if problems:
        raise DetailsRefused(problems)
    if not visible_to(acting_user, now=now).filter(pk=child.pk).exists():
        raise DomainError("You can only open early help for a child whose record you can open.")
    if EpisodeMember.objects.filter(person=child, episode__status=Episode.Status.OPEN).exists():
        raise DomainError(
            "This child already has an open early help episode. Ask its lead professional to "
            "add your agency to the family's consent instead of opening another."
        )
    today = today_in_london(now)
    people = {child.pk: EpisodeMember.Role.CHILD}
    for person in others:
        people.setdefault(
            person.pk,
            EpisodeMember.Role.CHILD if is_child(person, today) else EpisodeMember.Role.ADULT,
        )
    episode = _new_episode(
        source=Episode.Source.AGENCY,
        team=acting_user.team,
        lead=acting_user,
        people=people,
        acting_user=acting_user,
        now=now,
        household=_household_of([child.pk], now=now),
        consent_given_by=consent_given_by.strip(),
        consent_given_on=consent_given_on,
        what_the_family_wants=what_the_family_wants.strip(),
    )
    episode.agencies.set([acting_user.agency_id])
    _record_consents(episode, acting_user=acting_user, now=now)
    _opened(episode, f"by {acting_user.agency}", acting_user=acting_user, now=now, request=request)
    return episode


def _consent_problems(given_by: str, given_on: date | None, *, now: datetime) -> dict:
    problems = {}
    if not given_by.strip():
        problems["consent_given_by"] = (
            "Say who in the family agreed to early help and to their information being shared, "
            "for example “Mother, Amina Khan”."
        )
    if given_on is None:
        problems["consent_given_on"] = "Enter the date the family agreed."
    elif given_on > today_in_london(now):
        problems["consent_given_on"] = "The date the family agreed must be today or in the past."
    return problems


def _record_consents(episode: Episode, *, acting_user, now: datetime) -> None:
    """Consent rows for every member, for every agency of the episode, for early help."""
    agencies = list(episode.agencies.all())
    for member in episode.members.select_related("consent"):
        consent = member.consent
        if consent is None or consent.valid_to is not None:
            consent = Consent.objects.create(
                person_id=member.person_id,
                status=Consent.Status.GIVEN,
                given_by=episode.consent_given_by,
                purposes=CONSENT_PURPOSES,
                valid_from=now,
                recorded_by=acting_user,
                notes=f"Early help episode {episode.reference}",
            )
            member.consent = consent
            member.save(update_fields=["consent", "updated_at"])
        else:
            consent.given_by = episode.consent_given_by
            consent.save(update_fields=["given_by", "updated_at"])
        consent.agencies.add(*agencies)


@transaction.atomic
def record_consent(
    *,
    episode_id,
    version: int,
    consent_given_by: str,
    consent_given_on: date | None,
    agencies: list[Agency],
    acting_user,
    now: datetime,
    request=None,
) -> Episode:
    """Record (or widen) the family's consent: who agreed, when, and the agencies it covers."""
    episode = locked_episode(episode_id, version=version)
    require_may_work_on(acting_user, episode)
    problems = _consent_problems(consent_given_by, consent_given_on, now=now)
    if problems:
        raise DetailsRefused(problems)
    before = set(episode.agencies.values_list("pk", flat=True))
    episode.consent_given_by = consent_given_by.strip()
    episode.consent_given_on = consent_given_on
    bump(episode, "consent_given_by", "consent_given_on")
    episode.agencies.add(*agencies)
    _record_consents(episode, acting_user=acting_user, now=now)
    added = [a.name for a in agencies if a.pk not in before]
    audit_episode(
        episode,
        "consent",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"agencies_added": len(added)},
    )
    chronology(
        episode,
        "Consent to early help recorded" + (f"; shared with {', '.join(added)}" if added else ""),
        acting_user=acting_user,
        now=now,
    )
    return episode


@transaction.atomic
def change_lead_professional(
    *,
    episode_id,
    version: int,
    worker: Worker | None,
    handover_note: str,
    acting_user,
    now: datetime,
    request=None,
) -> Episode:
    """Hand the family to a new lead professional, from any agency, with a handover note."""
    episode = locked_episode(episode_id, version=version)
    require_may_work_on(acting_user, episode)
    problems = {}
    if worker is None:
        problems["worker"] = "Choose the new lead professional."
    elif not worker.is_active or worker.role not in CASE_ROLES:
        problems["worker"] = "The lead professional must be a practitioner who can sign in."
    elif worker.pk == episode.lead_professional_id:
        problems["worker"] = "They are already the lead professional: choose someone else."
    elif (
        worker.agency_id
        and not episode.has_consent
        and not episode.agencies.filter(pk=worker.agency_id).exists()
    ):
        # The family's consent must cover the new lead's agency before they see the family.
        problems["worker"] = (
            f"Record the family's consent to share with {worker.agency} before making "
            f"{worker.get_full_name()} the lead professional."
        )
    if episode.lead_professional_id and len(handover_note.strip()) < 20:
        problems["handover_note"] = (
            "Write a handover note for the new lead professional: what the family needs, what "
            "is working, and what is due next."
        )
    if problems:
        raise DetailsRefused(problems)
    LeadProfessional.objects.filter(episode=episode, ended_at__isnull=True).update(ended_at=now)
    _end_allocations(episode, now=now, lead_only=True)
    LeadProfessional.objects.create(
        episode=episode,
        worker=worker,
        agency=worker.agency,
        started_at=now,
        handover_note=handover_note.strip(),
        changed_by=acting_user,
    )
    episode.lead_professional = worker
    bump(episode, "lead_professional")
    if worker.agency_id and not episode.agencies.filter(pk=worker.agency_id).exists():
        episode.agencies.add(worker.agency_id)
        _record_consents(episode, acting_user=acting_user, now=now)
    members = member_ids(episode)
    Allocation.objects.bulk_create(
        [
            Allocation(
                person_id=person_id,
                worker=worker,
                purpose=f"{PURPOSE_LEAD} {episode.reference}",
                starts_at=now,
                allocated_by=acting_user,
            )
            for person_id in members
        ]
    )
    audit_episode(
        episode,
        "update",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"changed": ["lead_professional"]},
    )
    chronology(
        episode,
        f"Lead professional is now {worker.get_full_name()} ({worker.agency})",
        acting_user=acting_user,
        now=now,
    )
    return episode


def _close(episode: Episode, reason: str, summary: str, *, acting_user, now: datetime) -> None:
    episode.status = Episode.Status.CLOSED
    episode.closed_at = now
    episode.closed_by = acting_user
    episode.closure_reason = reason
    episode.closure_summary = summary.strip()
    episode.next_review_on = None
    bump(
        episode,
        "status",
        "closed_at",
        "closed_by",
        "closure_reason",
        "closure_summary",
        "next_review_on",
    )
    LeadProfessional.objects.filter(episode=episode, ended_at__isnull=True).update(ended_at=now)
    _end_allocations(episode, now=now)
    # Consent given for this episode ends with it: partner agencies stop seeing the family.
    Consent.objects.filter(
        pk__in=episode.members.exclude(consent=None).values("consent_id"), valid_to__isnull=True
    ).update(valid_to=now)


@transaction.atomic
def close_episode(
    *,
    episode_id,
    version: int,
    reason: str,
    summary: str,
    acting_user,
    now: datetime,
    request=None,
) -> Episode:
    episode = locked_episode(episode_id, version=version)
    require_may_work_on(acting_user, episode)
    problems = {}
    if reason not in {c.value for c in rules.Closure} or reason == rules.Closure.STEPPED_UP:
        problems["reason"] = (
            "Choose why early help is ending. To step the family up, use “Step up to the front "
            "door” instead."
        )
    if len(summary.strip()) < 20:
        problems["summary"] = "Write a closing summary: what changed for the family, and why."
    if problems:
        raise DetailsRefused(problems)
    _close(episode, reason, summary, acting_user=acting_user, now=now)
    audit_episode(
        episode,
        "update",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"closed": reason},
    )
    chronology(
        episode,
        f"Early help episode {episode.reference} closed: {rules.CLOSURE_LABELS[reason]}",
        acting_user=acting_user,
        now=now,
    )
    return episode


def step_up(
    *,
    episode_id,
    version: int,
    child_ids: list,
    adult_ids: list,
    what_has_changed: str,
    handover_summary: str,
    consent: str,
    consent_explanation: str = "",
    immediate_danger: bool = False,
    form_token: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> Contact:
    """Ask the front door for statutory help, carrying the family and everything early help
    knows; the episode closes as stepped up. One transaction: both or neither.
    The same form sent twice gives the first contact."""
    earlier = previous_result(token=form_token, actor_id=acting_user.pk)
    if earlier:
        return Contact.objects.get(pk=earlier)
    with transaction.atomic():
        episode = locked_episode(episode_id, version=version)
        require_may_work_on(acting_user, episode)
        members = set(member_ids(episode))
        if not set(child_ids) <= members or not set(adult_ids) <= members:
            raise DomainError("Step up only members of this family.")
        contact = frontdoor.step_up(
            child_ids=child_ids,
            adult_ids=adult_ids,
            what_has_changed=what_has_changed,
            handover_summary=handover_summary,
            consent=consent,
            consent_explanation=consent_explanation,
            immediate_danger=immediate_danger,
            form_token=form_token,
            acting_user=acting_user,
            now=now,
            request=request,
        )
        episode.step_up_contact = contact
        bump(episode, "step_up_contact")
        _close(
            episode, rules.Closure.STEPPED_UP, what_has_changed, acting_user=acting_user, now=now
        )
        audit_episode(
            episode,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"closed": rules.Closure.STEPPED_UP, "contact": str(contact.pk)},
        )
        chronology(
            episode,
            f"Early help episode {episode.reference} closed: stepped up to the front door "
            f"({contact.reference})",
            acting_user=acting_user,
            now=now,
        )
        return contact
