"""Flags on a child, the referral to the panel for the pathway, its decision and reviews, and
missing episodes. Each is one transaction with its audit row and a line in the child's
chronology."""

from datetime import date, datetime

from django.db import IntegrityError, transaction

from onestory.core.clock import LONDON, today_in_london
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.idempotency import once_per_form

from .. import rules
from ..models import MissingEpisode, PanelReferral, PanelReview, PathwayFlag
from .common import (
    bump,
    child_to_work_on,
    chronology,
    day,
    locked,
    record_audit,
    require_council,
)


def _is_child(person, on: date) -> bool | None:
    return rules.is_child(date_of_birth=person.date_of_birth, unborn=person.is_unborn, on=on)


def _time(moment: datetime) -> str:
    local = moment.astimezone(LONDON)
    return f"{local:%H:%M} on {day(local.date())}"


@once_per_form(PathwayFlag)
def flag_raise(
    *,
    person_id,
    pathway: str,
    raised_on: date | None,
    reason: str,
    acting_user,
    now: datetime,
    request=None,
) -> PathwayFlag:
    """Raise a flag for one pathway on a child's record."""
    require_council(acting_user)
    person = child_to_work_on(acting_user, person_id, now=now)
    already = PathwayFlag.objects.filter(
        person=person, pathway=pathway, ended_on__isnull=True
    ).exists()
    problems = rules.flag_problems(
        pathway=pathway,
        raised_on=raised_on,
        reason=reason,
        today=today_in_london(now),
        child=_is_child(person, raised_on) if raised_on else None,
        already_flagged=already,
    )
    if problems:
        raise DetailsRefused(problems)
    try:
        with transaction.atomic():
            flag = PathwayFlag.objects.create(
                person=person,
                pathway=pathway,
                raised_on=raised_on,
                raised_by=acting_user,
                reason=reason.strip(),
            )
    except IntegrityError as error:
        # Someone raised the same flag a moment ago.
        raise DetailsRefused(
            rules.flag_problems(
                pathway=pathway,
                raised_on=raised_on,
                reason=reason,
                today=today_in_london(now),
                child=True,
                already_flagged=True,
            )
        ) from error
    record_audit(
        flag,
        "create",
        acting_user=acting_user,
        now=now,
        person_id=person.pk,
        request=request,
        detail={"pathway": pathway},
    )
    chronology(
        [person.pk],
        f"Pathway flag raised: {flag.pathway_enum.label}",
        acting_user=acting_user,
        now=now,
        obj=flag,
    )
    return flag


@transaction.atomic
def flag_end(
    *,
    flag_id,
    version: int,
    ended_on: date | None,
    end_reason: str,
    acting_user,
    now: datetime,
    request=None,
) -> PathwayFlag:
    """End a flag: the worry has gone, or is held elsewhere."""
    require_council(acting_user)
    flag = locked(PathwayFlag, flag_id, version=version, what="flag")
    child_to_work_on(acting_user, flag.person_id, now=now)
    if not flag.is_active:
        raise DomainError("This flag has already ended.")
    problems = rules.flag_end_problems(
        ended_on=ended_on,
        raised_on=flag.raised_on,
        end_reason=end_reason,
        today=today_in_london(now),
        open_referral=flag.referrals.filter(closed_on__isnull=True).exists(),
    )
    if problems:
        raise DetailsRefused(problems)
    flag.ended_on = ended_on
    flag.ended_by = acting_user
    flag.end_reason = end_reason.strip()
    bump(flag, "ended_on", "ended_by", "end_reason")
    record_audit(
        flag,
        "update",
        acting_user=acting_user,
        now=now,
        person_id=flag.person_id,
        request=request,
        detail={"pathway": flag.pathway, "ended": True},
    )
    chronology(
        [flag.person_id],
        f"Pathway flag ended: {flag.pathway_enum.label}",
        acting_user=acting_user,
        now=now,
        obj=flag,
    )
    return flag


@once_per_form(PanelReferral)
def panel_refer(
    *, flag_id, referred_on: date | None, reason: str, acting_user, now: datetime, request=None
) -> PanelReferral:
    """Refer a flagged child to the panel for the flag's pathway."""
    require_council(acting_user)
    flag = locked(PathwayFlag, flag_id, what="flag")
    child_to_work_on(acting_user, flag.person_id, now=now)
    problems = rules.referral_problems(
        referred_on=referred_on,
        raised_on=flag.raised_on,
        reason=reason,
        today=today_in_london(now),
        flag_active=flag.is_active,
        open_referral=flag.referrals.filter(closed_on__isnull=True).exists(),
    )
    if problems:
        raise DetailsRefused(problems)
    panel = flag.pathway_enum.panel
    referral = PanelReferral.objects.create(
        flag=flag,
        panel=panel,
        referred_on=referred_on,
        referred_by=acting_user,
        reason=reason.strip(),
    )
    record_audit(
        referral,
        "create",
        acting_user=acting_user,
        now=now,
        person_id=flag.person_id,
        request=request,
        detail={"panel": panel.value},
    )
    chronology(
        [flag.person_id],
        f"Referred to the {panel.label} ({flag.pathway_enum.label})",
        acting_user=acting_user,
        now=now,
        obj=referral,
    )
    return referral


def _locked_referral(referral_id, *, version: int, acting_user, now) -> PanelReferral:
    referral = locked(PanelReferral, referral_id, version=version, what="panel referral")
    child_to_work_on(acting_user, referral.flag.person_id, now=now)
    return referral


@transaction.atomic
def panel_decide(
    *,
    referral_id,
    version: int,
    decision: str,
    decided_on: date | None,
    decision_notes: str,
    next_review_on: date | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> PanelReferral:
    """Record the panel's decision. An accepted case is reviewed (by default 3 months on);
    any other decision closes the panel's part the day it is made."""
    require_council(acting_user)
    referral = _locked_referral(referral_id, version=version, acting_user=acting_user, now=now)
    problems = rules.decision_problems(
        decision=decision,
        decided_on=decided_on,
        referred_on=referral.referred_on,
        next_review=next_review_on,
        notes=decision_notes,
        today=today_in_london(now),
        already_decided=referral.is_decided,
    )
    if problems:
        raise DetailsRefused(problems)
    referral.decision = decision
    referral.decided_on = decided_on
    referral.decided_by = acting_user
    referral.decision_notes = decision_notes.strip()
    if decision in rules.KEEPS_CASE_OPEN:
        referral.next_review_on = next_review_on or rules.next_review_on(decided_on)
    else:
        referral.next_review_on = None
        referral.closed_on = decided_on
    bump(
        referral,
        "decision",
        "decided_on",
        "decided_by",
        "decision_notes",
        "next_review_on",
        "closed_on",
    )
    record_audit(
        referral,
        "update",
        acting_user=acting_user,
        now=now,
        person_id=referral.flag.person_id,
        request=request,
        detail={"decision": decision},
    )
    summary = f"{referral.panel_enum.label} decided: {rules.Decision(decision).label}"
    if referral.next_review_on:
        summary += f"; next review {day(referral.next_review_on)}"
    chronology([referral.flag.person_id], summary, acting_user=acting_user, now=now, obj=referral)
    return referral


@once_per_form(PanelReview)
def panel_review(
    *,
    referral_id,
    version: int,
    held_on: date | None,
    outcome: str,
    closes_case: bool,
    next_review_on: date | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> PanelReview:
    """Record a panel's review of a case it holds: when it looks again, or that it closed it."""
    require_council(acting_user)
    referral = _locked_referral(referral_id, version=version, acting_user=acting_user, now=now)
    last = referral.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    problems = rules.review_problems(
        held_on=held_on,
        last_held_on=max(d for d in (last, referral.decided_on, referral.referred_on) if d),
        outcome=outcome,
        closes_case=closes_case,
        next_review=next_review_on,
        today=today_in_london(now),
        case_open=referral.is_held_by_panel,
    )
    if problems:
        raise DetailsRefused(problems)
    following = None if closes_case else (next_review_on or rules.next_review_on(held_on))
    review = PanelReview.objects.create(
        referral=referral,
        held_on=held_on,
        outcome=outcome.strip(),
        closes_case=closes_case,
        next_review_on=following,
        recorded_by=acting_user,
    )
    referral.next_review_on = following
    referral.closed_on = held_on if closes_case else None
    bump(referral, "next_review_on", "closed_on")
    record_audit(
        review,
        "create",
        acting_user=acting_user,
        now=now,
        person_id=referral.flag.person_id,
        request=request,
        detail={"closes_case": closes_case},
    )
    panel = referral.panel_enum.label
    summary = (
        f"{panel} reviewed the case and closed it"
        if closes_case
        else f"{panel} reviewed the case; next review {day(following)}"
    )
    chronology([referral.flag.person_id], summary, acting_user=acting_user, now=now, obj=review)
    return review


def _missing_problems(flag, *, went_missing_at, returned_at, offered_on, held_on, now):
    problems = rules.missing_problems(
        went_missing_at=went_missing_at,
        returned_at=returned_at,
        interview_offered_on=offered_on,
        interview_held_on=held_on,
        now=now,
        today=today_in_london(now),
        flag_pathway=flag.pathway,
    )
    if problems:
        raise DetailsRefused(problems)


@once_per_form(MissingEpisode)
def missing_episode_add(
    *,
    flag_id,
    went_missing_at: datetime | None,
    returned_at: datetime | None = None,
    interview_offered_on: date | None = None,
    interview_held_on: date | None = None,
    notes: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> MissingEpisode:
    """Record a time the child went missing (and their return, if they are back)."""
    require_council(acting_user)
    flag = locked(PathwayFlag, flag_id, what="flag")
    child_to_work_on(acting_user, flag.person_id, now=now)
    if not flag.is_active:
        raise DomainError("This flag has ended: raise a new “Missing children” flag first.")
    _missing_problems(
        flag,
        went_missing_at=went_missing_at,
        returned_at=returned_at,
        offered_on=interview_offered_on,
        held_on=interview_held_on,
        now=now,
    )
    episode = MissingEpisode.objects.create(
        flag=flag,
        went_missing_at=went_missing_at,
        returned_at=returned_at,
        interview_offered_on=interview_offered_on,
        interview_held_on=interview_held_on,
        notes=notes.strip(),
        recorded_by=acting_user,
    )
    record_audit(
        episode,
        "create",
        acting_user=acting_user,
        now=now,
        person_id=flag.person_id,
        request=request,
    )
    summary = f"Went missing at {_time(went_missing_at)}"
    if returned_at:
        summary += f"; returned at {_time(returned_at)}"
    chronology([flag.person_id], summary, acting_user=acting_user, now=now, obj=episode)
    return episode


@transaction.atomic
def missing_return_record(
    *,
    episode_id,
    version: int,
    returned_at: datetime | None,
    interview_offered_on: date | None = None,
    interview_held_on: date | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> MissingEpisode:
    """Record a missing child's return and the return interview offered and held."""
    require_council(acting_user)
    episode = locked(MissingEpisode, episode_id, version=version, what="missing episode")
    child_to_work_on(acting_user, episode.flag.person_id, now=now)
    if returned_at is None:
        raise DetailsRefused({"returned_on": "Enter when the child returned."})
    _missing_problems(
        episode.flag,
        went_missing_at=episode.went_missing_at,
        returned_at=returned_at,
        offered_on=interview_offered_on,
        held_on=interview_held_on,
        now=now,
    )
    changes = []
    if episode.returned_at != returned_at:
        changes.append(f"returned at {_time(returned_at)}")
    if interview_offered_on and episode.interview_offered_on != interview_offered_on:
        changes.append(f"return interview offered on {day(interview_offered_on)}")
    if interview_held_on and episode.interview_held_on != interview_held_on:
        changes.append(f"return interview held on {day(interview_held_on)}")
    episode.returned_at = returned_at
    episode.interview_offered_on = interview_offered_on
    episode.interview_held_on = interview_held_on
    bump(episode, "returned_at", "interview_offered_on", "interview_held_on")
    record_audit(
        episode,
        "update",
        acting_user=acting_user,
        now=now,
        person_id=episode.flag.person_id,
        request=request,
    )
    if changes:
        summary = f"Missing episode from {_time(episode.went_missing_at)}: " + "; ".join(changes)
        chronology([episode.flag.person_id], summary, acting_user=acting_user, now=now, obj=episode)
    return episode
