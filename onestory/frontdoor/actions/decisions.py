"""Deciding what a family needs, signing decisions off, and what each decision sets going."""

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q

from onestory.access.models import Allocation, Notification
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.core.locking import bump
from onestory.core.rules import ASSESSMENT_WORKING_DAYS, add_working_days
from onestory.workforce.models import Team, Worker
from onestory.workforce.rules import Role

from .. import rules
from ..models import (
    Contact,
    ContactPerson,
    Decision,
    LevelOfNeed,
    Referral,
    SignOffSetting,
    StrategyDiscussion,
)
from ..rules import Outcome, Status
from .common import (
    PURPOSE_EARLY_HELP,
    PURPOSE_FRONT_DOOR,
    PURPOSE_LEAD_PROFESSIONAL,
    PURPOSE_REFERRAL,
    _audit,
    _chronology,
    _holidays_around,
    _linked_people,
    _locked,
    _require_screener,
    may_screen,
    may_sign_off,
)

# --- Deciding --------------------------------------------------------------------------------


def current_levels(today: date) -> dict[int, LevelOfNeed]:
    """The council's levels of need as named on `today`, by number."""
    levels = {}
    for level in (
        LevelOfNeed.objects.filter(valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        .order_by("level", "-valid_from")
    ):
        levels.setdefault(level.level, level)
    return levels


def needs_sign_off(outcome: Outcome, today: date) -> bool:
    setting = SignOffSetting.objects.filter(outcome=outcome, valid_from__lte=today).first()
    return bool(setting and setting.needs_sign_off)


def contact_decide(
    *,
    contact_id,
    version: int,
    outcome: str,
    level: int | None,
    rationale: str,
    referrer_message: str,
    primary_need: str = "",
    signposting: str = "",
    early_help_team: Team | None = None,
    lead_professional: Worker | None = None,
    social_work_team: Team | None = None,
    referral_source: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> Decision:
    """Record the front door's decision on a contact, with its reasons.

    Where the council wants a manager to sign off this kind of decision it waits for them;
    otherwise it takes effect at once. A second screener deciding the same contact is refused.
    """
    _require_screener(acting_user)
    return _decide(
        contact_id=contact_id,
        version=version,
        outcome=outcome,
        level=level,
        rationale=rationale,
        referrer_message=referrer_message,
        primary_need=primary_need,
        signposting=signposting,
        early_help_team=early_help_team,
        lead_professional=lead_professional,
        social_work_team=social_work_team,
        referral_source=referral_source,
        acting_user=acting_user,
        now=now,
        request=request,
    )


def _decide(
    *,
    contact_id,
    version,
    outcome,
    level,
    rationale,
    referrer_message,
    primary_need,
    signposting,
    early_help_team,
    lead_professional,
    social_work_team,
    referral_source,
    acting_user,
    now,
    request,
) -> Decision:
    outcome = Outcome(outcome)
    problems = rules.decision_problems(
        outcome=outcome,
        level=level,
        rationale=rationale,
        primary_need=primary_need,
        signposting=signposting,
        early_help_team=early_help_team is not None,
        lead_professional=lead_professional is not None,
        social_work_team=social_work_team is not None,
    )
    if not referrer_message.strip():
        problems["referrer_message"] = "Write what the referrer will be told."
    if referral_source and referral_source not in rules.REFERRAL_SOURCES:
        problems["referral_source"] = "Choose who the request came from."
    if problems:
        raise DetailsRefused(problems)
    today = today_in_london(now)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact_id)
        latest = contact.decisions.select_related("decided_by").first()
        if contact.version != version or not rules.may("decide", contact.status):
            if latest and latest.sign_off != Decision.SignOff.RETURNED:
                raise DomainError(
                    f"{latest.decided_by} decided this contact at "
                    f"{latest.decided_at.astimezone(rules.LONDON):%H:%M on %-d %B %Y}. Your "
                    "decision has not been saved: read theirs, and talk to them or a manager if "
                    "you disagree."
                )
            raise StaleEdit("contact")
        if contact.people.filter(role=ContactPerson.Role.CHILD, person__isnull=True).exists():
            raise DomainError(
                "Link every child named to their record (or make a new one) before deciding."
            )
        level_row = current_levels(today).get(level)
        if level_row is None:
            raise DomainError("That level of need is not in use. Choose another.", field="level")
        if referral_source:
            contact.referral_source = referral_source
        sign_off = (
            Decision.SignOff.WAITING
            if needs_sign_off(outcome, today)
            else Decision.SignOff.NOT_NEEDED
        )
        decision = Decision.objects.create(
            contact=contact,
            outcome=outcome,
            level=level_row,
            rationale=rationale.strip(),
            primary_need=primary_need,
            signposting=signposting.strip(),
            early_help_team=early_help_team,
            lead_professional=lead_professional,
            social_work_team=social_work_team,
            referrer_message=referrer_message.strip(),
            decided_by=acting_user,
            decided_at=now,
            sign_off=sign_off,
        )
        contact.status = (
            Status.AWAITING_SIGN_OFF if sign_off == Decision.SignOff.WAITING else contact.status
        )
        if contact.assigned_to_id is None:
            contact.assigned_to, contact.assigned_at = acting_user, now
        bump(contact, "status", "referral_source", "assigned_to", "assigned_at")
        _audit(
            contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"decision": outcome.value, "sign_off": sign_off},
        )
        _chronology(
            contact,
            f"Front door decision on {contact.reference}: {outcome.label}"
            + (
                " (waiting for a manager to sign off)"
                if sign_off == Decision.SignOff.WAITING
                else ""
            ),
            acting_user=acting_user,
            now=now,
        )
        if sign_off == Decision.SignOff.WAITING:
            _ask_for_sign_off(contact, acting_user)
        else:
            _take_effect(contact, decision, acting_user=acting_user, now=now)
    return decision


def _ask_for_sign_off(contact: Contact, acting_user) -> None:
    managers = (
        Worker.objects.filter(managed_teams__kind=Team.Kind.FRONT_DOOR, is_active=True)
        .exclude(pk=acting_user.pk)
        .distinct()
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=m,
                message=f"A front door decision on {contact.reference} is "
                "waiting for your sign-off.",
            )
            for m in managers
        ]
    )


def decision_sign_off(
    *, decision_id, agree: bool, comment: str, acting_user, now: datetime, request=None
) -> Decision:
    """A manager agrees a decision (it takes effect) or returns it to the screener, saying why."""
    if not may_sign_off(acting_user):
        raise DomainError("Only a front door manager can sign off a front door decision.")
    if not agree and not comment.strip():
        raise DomainError(
            "Say why you are returning the decision, so the screener can act on it.",
            field="comment",
        )
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update().select_related("contact").get(pk=decision_id)
        )
        contact = _locked(decision.contact_id)
        if decision.sign_off != Decision.SignOff.WAITING or not rules.may(
            "sign_off", contact.status
        ):
            raise DomainError("This decision has already been signed off or returned.")
        if decision.decided_by_id == acting_user.pk:
            raise DomainError(
                "Someone other than the person who made the decision must sign it off."
            )
        decision.sign_off = Decision.SignOff.AGREED if agree else Decision.SignOff.RETURNED
        decision.signed_off_by = acting_user
        decision.signed_off_at = now
        decision.sign_off_comment = comment.strip()
        decision.version += 1
        decision.save(
            update_fields=[
                "sign_off",
                "signed_off_by",
                "signed_off_at",
                "sign_off_comment",
                "version",
                "updated_at",
            ]
        )
        _audit(
            contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"sign_off": decision.sign_off},
        )
        if agree:
            _chronology(
                contact,
                f"Manager signed off the front door decision on "
                f"{contact.reference}: {decision.outcome_enum.label}",
                acting_user=acting_user,
                now=now,
            )
            _take_effect(contact, decision, acting_user=acting_user, now=now)
        else:
            contact.status = Status.SCREENING
            bump(contact, "status")
            _chronology(
                contact,
                f"Manager returned the front door decision on {contact.reference} to the screener",
                acting_user=acting_user,
                now=now,
            )
            if contact.assigned_to_id:
                Notification.objects.create(
                    recipient_id=contact.assigned_to_id,
                    message=f"Your decision on {contact.reference} was returned: {comment.strip()}",
                )
    return decision


def _end_front_door_access(contact: Contact, people: list, *, now: datetime) -> None:
    """The front door's access to the people of a contact ends with it, except for people
    another open contact still names: the front door is still screening them."""
    still_screened = set(
        ContactPerson.objects.filter(
            person_id__in=people, contact__status__in=list(rules.OPEN_STATUSES)
        )
        .exclude(contact=contact)
        .values_list("person_id", flat=True)
    )
    Allocation.objects.filter(
        person_id__in=[p for p in people if p not in still_screened],
        purpose=PURPOSE_FRONT_DOOR,
        ends_at__isnull=True,
    ).update(ends_at=now)


def _take_effect(contact: Contact, decision: Decision, *, acting_user, now: datetime) -> None:
    """The decision is final: the family gets the help decided, and the referrer is told."""
    decision.final_at = now
    decision.save(update_fields=["final_at", "updated_at"])
    contact.status = Status.DECIDED
    bump(contact, "status")
    people = _linked_people(contact)
    children = _linked_people(contact, children_only=True)
    _end_front_door_access(contact, people, now=now)
    outcome = decision.outcome_enum
    if outcome == Outcome.EARLY_HELP:
        Allocation.objects.bulk_create(
            [
                Allocation(
                    person_id=person_id,
                    team=decision.early_help_team,
                    worker=decision.lead_professional,
                    purpose=PURPOSE_LEAD_PROFESSIONAL
                    if decision.lead_professional
                    else PURPOSE_EARLY_HELP,
                    starts_at=now,
                    allocated_by=acting_user,
                )
                for person_id in people
            ]
        )
    elif outcome in rules.STATUTORY_OUTCOMES:
        _refer(contact, decision, children, acting_user=acting_user, now=now)
        Allocation.objects.bulk_create(
            [
                Allocation(
                    person_id=person_id,
                    team=decision.social_work_team,
                    purpose=PURPOSE_REFERRAL,
                    starts_at=now,
                    allocated_by=acting_user,
                )
                for person_id in people
            ]
        )
        if outcome == Outcome.STRATEGY_DISCUSSION:
            StrategyDiscussion.objects.create(
                contact=contact,
                due_at=rules.strategy_discussion_due_at(now),
                social_work_team=decision.social_work_team,
            )
            _chronology(
                contact,
                f"Strategy discussion called, to be held today ({contact.reference})",
                acting_user=acting_user,
                now=now,
            )
    if contact.referrer_worker_id:
        Notification.objects.create(
            recipient_id=contact.referrer_worker_id,
            message=f"The front door has decided your request for support {contact.reference}. "
            "Open “My requests” to read the outcome.",
        )


def _refer(contact, decision, children, *, acting_user, now) -> None:
    today = today_in_london(now)
    holidays = _holidays_around(now)
    for person_id in children:
        earlier = list(
            Referral.objects.filter(person_id=person_id, referral_date__lte=today).order_by(
                "-referral_date"
            )
        )
        repeat = rules.is_re_referral(today, [r.referral_date for r in earlier])
        Referral.objects.create(
            contact=contact,
            person_id=person_id,
            referral_date=today,
            source=contact.referral_source,
            primary_need=decision.primary_need,
            is_re_referral=repeat,
            previous_referral=earlier[0] if earlier else None,
            social_work_team=decision.social_work_team,
            assessment_due_on=add_working_days(today, ASSESSMENT_WORKING_DAYS, holidays),
        )
        summary = f"Referral to children's social care ({contact.reference})"
        if repeat:
            summary += f": a re-referral within {rules.RE_REFERRAL_MONTHS} months"
        _chronology(contact, summary, acting_user=acting_user, now=now, people=[person_id])


def contact_close(
    *, contact_id, version: int, reason: str, acting_user, now: datetime, request=None
) -> Contact:
    """Close a contact that needs no decision (a repeat of one already open, sent in error)."""
    _require_screener(acting_user)
    if len(reason.strip()) < 10:
        raise DomainError(
            "Say why this contact needs no decision, for example which contact it repeats.",
            field="reason",
        )
    with transaction.atomic():
        contact = _locked(contact_id, version=version)
        if not rules.may("close", contact.status):
            raise DomainError("Only a contact waiting for a decision can be closed.")
        contact.status = Status.CLOSED
        contact.closed_reason = reason.strip()
        contact.closed_at = now
        bump(contact, "status", "closed_reason", "closed_at")
        _end_front_door_access(contact, _linked_people(contact), now=now)
        _audit(
            contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"closed": True},
        )
        _chronology(
            contact,
            f"Contact {contact.reference} closed without a decision: {reason.strip()}",
            acting_user=acting_user,
            now=now,
        )
    return contact


def strategy_discussion_record(
    *,
    discussion_id,
    held_at: datetime,
    agencies_present: list,
    summary: str,
    outcome: str,
    acting_user,
    now: datetime,
    request=None,
) -> StrategyDiscussion:
    """Record that the strategy discussion was held: who took part, and what it decided."""
    if not (may_screen(acting_user) or acting_user.role == Role.SOCIAL_WORKER):
        raise DomainError("Only the front door or a social worker can record this.")
    problems = {}
    if held_at > now:
        problems["held_at"] = "The time it was held must be in the past."
    if not {"social_care", "police"} <= set(agencies_present):
        problems["agencies_present"] = (
            "A strategy discussion needs at least children's social care and the police."
        )
    if outcome not in rules.STRATEGY_OUTCOMES:
        problems["outcome"] = "Choose what the strategy discussion decided."
    if not summary.strip():
        problems["summary"] = "Summarise what was shared and why the discussion decided this."
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        discussion = (
            StrategyDiscussion.objects.select_for_update()
            .select_related("contact")
            .get(pk=discussion_id)
        )
        if discussion.held_at:
            raise DomainError("This strategy discussion has already been recorded.")
        discussion.held_at = held_at
        discussion.agencies_present = [a for a in rules.STRATEGY_AGENCIES if a in agencies_present]
        discussion.summary = summary.strip()
        discussion.outcome = outcome
        discussion.recorded_by = acting_user
        discussion.version += 1
        discussion.save()
        _audit(
            discussion.contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"strategy_discussion": outcome},
        )
        _chronology(
            discussion.contact,
            f"Strategy discussion held: {rules.STRATEGY_OUTCOMES[outcome]}",
            acting_user=acting_user,
            now=now,
        )
    return discussion
