"""Referring a family to a directory service, recording the service's answer and closing the
referral with whether the family attended. Each step is audited and lands in the chronology of
every family member referred."""

import uuid
from datetime import datetime

from django.db import transaction

from onestory.access import audit
from onestory.access.models import AuditEvent
from onestory.access.selectors import identifying_details_hidden_from
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.core.locking import bump, locked
from onestory.earlyhelp.actions.common import may_work_on
from onestory.earlyhelp.models import Episode
from onestory.earlyhelp.selectors import episodes_visible_to
from onestory.frontdoor.actions import may_screen
from onestory.frontdoor.models import Contact
from onestory.people.models import ChronologyEntry, HouseholdMember
from onestory.people.selectors import current_memberships

from .. import rules
from ..models import Service, ServiceReferral
from ..rules import ReferralStatus
from ..selectors_referrals import (
    NOT_YOURS,
    may_follow_up,
    referrals_visible_to,
    refers_from_contact,
)

CHRONOLOGY_CATEGORY = "service referral"
PAGE = "service referral"

NO_SERVICE = "Choose a service from the directory to refer the family to."
SIGNPOST_ONLY = (
    "This service does not take referrals through onestory: give the family its contact "
    "details instead, or choose another service."
)
NO_PEOPLE = "Choose at least one member of the family to refer."
NOT_IN_FAMILY = (
    "Choose only members of this family whose records you can open. Reload the page and choose "
    "again."
)
NO_REASON = "Enter why you are referring the family, for example what they would like help with."
EPISODE_CLOSED = "This early help episode is closed: open a new one to refer the family."
NOT_YOUR_EPISODE = "Only the practitioners working with this family can refer them from here."
CONTACT_NOT_REFERRABLE = (
    "A family can be referred to a service from a contact the front door decided as no further "
    "action or early help."
)
NO_ANSWER = "Choose whether the service accepted or declined the referral."
NO_DECLINED_REASON = (
    "Enter why the service declined the referral, for example that the family live outside "
    "the area it covers."
)
NO_ATTENDED = "Choose whether the family attended the service."
NO_OUTCOME = "Enter what came of the referral, for example how often the family went."


def _move_refused(current: str, to: str) -> str:
    """A readable refusal of a step the referral's life does not allow."""
    current_label = ReferralStatus(current).label.lower()
    if ReferralStatus(to) == ReferralStatus.CLOSED:
        if current == ReferralStatus.MADE:
            return (
                "The service has not answered yet: record whether it accepted the referral "
                "before you close it."
            )
        return f"This referral cannot be closed: it is {current_label}."
    return f"The service's answer is already recorded: the referral is {current_label}."


def _chronology(referral: ServiceReferral, summary: str, *, acting_user, now: datetime) -> None:
    ChronologyEntry.objects.bulk_create(
        [
            ChronologyEntry(
                person_id=person_id,
                occurred_at=now,
                category=CHRONOLOGY_CATEGORY,
                summary=summary[:500],
                recorded_by=acting_user,
                source_type=referral._meta.label_lower,
                source_id=str(referral.pk),
            )
            for person_id in referral.people.values_list("pk", flat=True)
        ]
    )


def _audit(referral, action: str, *, acting_user, now: datetime, request=None, **detail) -> None:
    """One audit row for a step (no personal data: the referral and service ids, the status)."""
    audit.record(
        actor=acting_user,
        action=action,
        at=now,
        obj=referral,
        detail={
            "page": PAGE,
            "service": str(referral.service_id),
            "status": referral.status,
            **detail,
        },
        request=request,
    )


def _allowed_people(*, episode, contact, acting_user, now: datetime) -> set:
    """The people this worker may refer from the origin: its family members they can open."""
    if episode is not None:
        ids = set(episode.members.values_list("person_id", flat=True))
    else:
        ids = set(contact.people.exclude(person=None).values_list("person_id", flat=True))
    return ids - identifying_details_hidden_from(acting_user, ids, now=now)


def _household_of(people_ids, *, today):
    """The household the people referred live in today (the first found), if any."""
    member = (
        HouseholdMember.objects.filter(current_memberships(today), person_id__in=people_ids)
        .order_by("created_at")
        .first()
    )
    return member.household if member else None


def _ids(values) -> set:
    try:
        return {uuid.UUID(str(value)) for value in values or []}
    except ValueError as error:
        raise DetailsRefused({"people": NOT_IN_FAMILY}) from error


@once_per_form(ServiceReferral)
def referral_create(
    *,
    service_id,
    people_ids,
    reason: str,
    episode_id=None,
    contact_id=None,
    acting_user,
    now: datetime,
    request=None,
) -> ServiceReferral:
    """Refer family members to a directory service from an early help episode or a front-door
    contact. Safe to submit twice: the same form token returns the referral the first made."""
    if bool(episode_id) == bool(contact_id):
        raise DomainError("A referral is made from one early help episode or one contact.")
    with transaction.atomic():
        episode = contact = None
        if episode_id:
            episode = Episode.objects.select_for_update().get(pk=episode_id)
            if episode.status != Episode.Status.OPEN:
                raise DomainError(EPISODE_CLOSED)
            seen = episodes_visible_to(acting_user, now=now).filter(pk=episode.pk).exists()
            if not seen or not may_work_on(acting_user, episode):
                raise DomainError(NOT_YOUR_EPISODE)
        else:
            contact = Contact.objects.get(pk=contact_id)
            if not may_screen(acting_user):
                raise DomainError(NOT_YOURS)
            if not refers_from_contact(contact):
                raise DomainError(CONTACT_NOT_REFERRABLE)
        problems = {}
        service = Service.objects.filter(pk=service_id, active=True).first() if service_id else None
        if service is None:
            problems["service"] = NO_SERVICE
        elif not service.accepts_referrals:
            problems["service"] = SIGNPOST_ONLY
        chosen = _ids(people_ids)
        if not chosen:
            problems["people"] = NO_PEOPLE
        elif chosen - _allowed_people(
            episode=episode, contact=contact, acting_user=acting_user, now=now
        ):
            problems["people"] = NOT_IN_FAMILY
        if not (reason or "").strip():
            problems["reason"] = NO_REASON
        if problems:
            raise DetailsRefused(problems)
        referral = ServiceReferral(
            service=service,
            episode=episode,
            contact=contact,
            household=(
                episode.household
                if episode is not None and episode.household_id
                else _household_of(chosen, today=today_in_london(now))
            ),
            reason=reason.strip(),
            made_at=now,
            made_by=acting_user,
            status=ReferralStatus.MADE.value,
        )
        full_clean_or_refuse(referral)
        referral.save()
        referral.people.set(chosen)
        _audit(
            referral,
            AuditEvent.Action.CREATE,
            acting_user=acting_user,
            now=now,
            request=request,
            origin="episode" if episode is not None else "contact",
            people=len(chosen),
        )
        _chronology(referral, f"Referred to {service.name}", acting_user=acting_user, now=now)
    return referral


def _locked(referral_id, *, version: int, acting_user, now: datetime) -> ServiceReferral:
    """The referral, locked, if this worker may follow it up and nobody saved it since. Who may
    follow it up rests on what never changes (who made it, where it came from), so it is asked
    before the lock."""
    referral = (
        referrals_visible_to(acting_user, now=now)
        .select_related("episode")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None or not may_follow_up(acting_user, referral):
        raise DomainError(NOT_YOURS)
    return locked(ServiceReferral, referral.pk, version=version, what="referral")


def referral_decide(
    *,
    referral_id,
    version: int,
    accepted: bool | None,
    declined_reason: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> ServiceReferral:
    """Record the service's answer: accepted, or declined with its reason."""
    if accepted is None:
        raise DetailsRefused({"accepted": NO_ANSWER})
    to = ReferralStatus.ACCEPTED if accepted else ReferralStatus.DECLINED
    declined_reason = (declined_reason or "").strip()
    if not accepted and not declined_reason:
        raise DetailsRefused({"declined_reason": NO_DECLINED_REASON})
    with transaction.atomic():
        referral = _locked(referral_id, version=version, acting_user=acting_user, now=now)
        if not rules.may_move(referral.status, to):
            raise DomainError(_move_refused(referral.status, to))
        referral.status = to.value
        referral.decided_at = now
        referral.decided_by = acting_user
        referral.declined_reason = "" if accepted else declined_reason
        full_clean_or_refuse(referral)
        bump(referral, "status", "decided_at", "decided_by", "declined_reason")
        _audit(
            referral, AuditEvent.Action.UPDATE, acting_user=acting_user, now=now, request=request
        )
        name = referral.service.name
        summary = (
            f"Referral to {name} accepted by the service"
            if accepted
            else f"Referral to {name} declined by the service: {declined_reason}"
        )
        _chronology(referral, summary, acting_user=acting_user, now=now)
    return referral


def referral_close(
    *,
    referral_id,
    version: int,
    attended: bool | None,
    outcome: str,
    acting_user,
    now: datetime,
    request=None,
) -> ServiceReferral:
    """Close an accepted referral with whether the family went to the service, and what came
    of it."""
    problems = {}
    if attended is None:
        problems["attended"] = NO_ATTENDED
    outcome = (outcome or "").strip()
    if not outcome:
        problems["outcome"] = NO_OUTCOME
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        referral = _locked(referral_id, version=version, acting_user=acting_user, now=now)
        if not rules.may_move(referral.status, ReferralStatus.CLOSED):
            raise DomainError(_move_refused(referral.status, ReferralStatus.CLOSED))
        referral.status = ReferralStatus.CLOSED.value
        referral.closed_at = now
        referral.closed_by = acting_user
        referral.attended = attended
        referral.outcome = outcome
        full_clean_or_refuse(referral)
        bump(referral, "status", "closed_at", "closed_by", "attended", "outcome")
        _audit(
            referral,
            AuditEvent.Action.UPDATE,
            acting_user=acting_user,
            now=now,
            request=request,
            attended=attended,
        )
        went = "the family attended" if attended else "the family did not attend"
        _chronology(
            referral,
            f"Referral to {referral.service.name} closed: {went}. {outcome}",
            acting_user=acting_user,
            now=now,
        )
    return referral
