"""What happens during care: reviews of the care plan, missing episodes, health checks, and
the record of an unaccompanied asylum-seeking child.

Every change is one transaction with its audit row and a line in the child's chronology.
"""

from datetime import date, datetime

from django.db import transaction

from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.core.rules import day_words
from onestory.people.models import Person

from .. import reference, rules
from ..models import CarePeriod, CareReview, HealthCheck, MissingEpisode, UnaccompaniedChild
from .care_common import open_period
from .common import (
    audit_change,
    bump,
    chronology,
    holidays_around,
    locked,
    refuse_future,
    require_working_role,
)

SDQ_RANGE = range(0, 41)  # The strengths and difficulties questionnaire's total runs 0 to 40.


# --- Reviews, missing episodes, health -------------------------------------------------------


def review_due_on(period: CarePeriod) -> date:
    return rules.cla_review_due_on(
        care_started_on=period.starts_on,
        reviews_held=[r.held_on for r in period.reviews.all()],
        holidays=holidays_around(period.starts_on),
    )


@once_per_form(CareReview)
def review_record(
    *,
    person_id,
    period_id,
    held_on: date,
    participation: str,
    chair: str = "",
    summary: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> CareReview:
    """A review of the child's care plan, with the date it was due and how the child took
    part."""
    require_working_role(acting_user)
    problems = refuse_future(held_on, today_in_london(now), "held_on", "The review")
    if participation not in reference.REVIEW_PARTICIPATION:
        problems["participation"] = "Choose how the child took part in the review."
    with transaction.atomic():
        period = locked(CarePeriod, period_id, what="period of care")
        if period.person_id != person_id:
            raise CarePeriod.DoesNotExist
        problems.update(
            rules.order_problems(
                [
                    (
                        "held_on",
                        period.starts_on,
                        held_on,
                        f"The review cannot be before care began ({day_words(period.starts_on)}).",
                    ),
                    (
                        "held_on",
                        held_on,
                        period.ends_on,
                        f"The review cannot be after care ended ({day_words(period.ends_on)})."
                        if period.ends_on
                        else "",
                    ),
                ]
            )
        )
        if problems:
            raise DetailsRefused(problems)
        review = CareReview(
            period=period,
            person_id=person_id,
            due_on=review_due_on(period),
            held_on=held_on,
            participation=participation,
            chair=chair,
            summary=summary,
            recorded_by=acting_user,
        )
        full_clean_or_refuse(review)
        review.save()
        audit_change(
            review,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["held_on", "participation", "chair", "summary"]},
        )
        late = " (late)" if held_on > review.due_on else ""
        chronology(
            [person_id],
            f"Review of the care plan held{late}. {reference.REVIEW_PARTICIPATION[participation]}.",
            acting_user=acting_user,
            now=now,
            obj=review,
        )
    return review


@once_per_form(MissingEpisode)
def missing_record(
    *,
    person_id,
    kind: str,
    started_at: datetime,
    ended_at: datetime | None,
    return_interview_offered: bool | None,
    return_interview_accepted: bool | None,
    return_interview_on: date | None,
    notes: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> MissingEpisode:
    """A time the child was missing or away without authorisation, and the return interview."""
    require_working_role(acting_user)
    problems = {}
    if kind not in reference.MISSING_KINDS:
        problems["kind"] = "Choose whether the child was missing or away without authorisation."
    if started_at > now:
        problems["started_at"] = "When the child went missing cannot be in the future."
    if ended_at is not None and ended_at > now:
        problems["ended_at"] = "When the child came back cannot be in the future."
    elif ended_at is not None and ended_at < started_at:
        problems["ended_at"] = "The child cannot have come back before they went missing."
    problems.update(
        refuse_future(
            return_interview_on, today_in_london(now), "return_interview_on", "The return interview"
        )
    )
    if return_interview_on and ended_at and return_interview_on < today_in_london(ended_at):
        problems["return_interview_on"] = (
            "The return interview cannot be before the child came back."
        )
    if return_interview_on and not return_interview_offered:
        problems["return_interview_offered"] = (
            "A return interview was held, so it was offered: answer yes."
        )
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        period = open_period(person_id)
        row = MissingEpisode(
            person_id=person_id,
            period=period,
            kind=kind,
            started_at=started_at,
            ended_at=ended_at,
            return_interview_offered=return_interview_offered,
            return_interview_accepted=return_interview_accepted,
            return_interview_on=return_interview_on,
            notes=notes,
            recorded_by=acting_user,
        )
        full_clean_or_refuse(row)
        row.save()
        audit_change(
            row,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["kind", "started_at", "ended_at", "return_interview"]},
        )
        chronology(
            [person_id],
            f"{reference.MISSING_KINDS[kind]}"
            + (" and came back." if ended_at else ": not back yet."),
            acting_user=acting_user,
            now=now,
            obj=row,
            occurred_at=started_at,
        )
    return row


@once_per_form(HealthCheck)
def health_check_record(
    *,
    person_id,
    kind: str,
    done_on: date,
    score: int | None = None,
    notes: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> HealthCheck:
    """A health assessment, dental check or strengths and difficulties questionnaire."""
    require_working_role(acting_user)
    problems = refuse_future(done_on, today_in_london(now), "done_on", "The check")
    if kind not in HealthCheck.Kind.values:
        problems["kind"] = "Choose the kind of check."
    elif kind == HealthCheck.Kind.STRENGTHS:
        if score is None or score not in SDQ_RANGE:
            problems["score"] = "Enter the questionnaire's total score, a number from 0 to 40."
    elif score is not None:
        problems["score"] = "Only the strengths and difficulties questionnaire has a score."
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        row = HealthCheck(
            person_id=person_id,
            kind=kind,
            done_on=done_on,
            score=score,
            notes=notes,
            recorded_by=acting_user,
        )
        full_clean_or_refuse(row)
        row.save()
        audit_change(
            row,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["kind", "done_on", "score"]},
        )
        chronology(
            [person_id],
            f"{HealthCheck.Kind(kind).label} recorded.",
            acting_user=acting_user,
            now=now,
            obj=row,
        )
    return row


def unaccompanied_record(
    *,
    person_id,
    version: int | None,
    arrived_on: date | None,
    became_looked_after_on: date | None,
    national_transfer_scheme: bool,
    age_assessed: bool,
    status_ceased_on: date | None = None,
    ceased_reason: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> UnaccompaniedChild:
    """Record (or correct) that the child is an unaccompanied asylum-seeking child, with the
    dates the returns need. The person's own flag follows: it is the same fact."""
    require_working_role(acting_user)
    today = today_in_london(now)
    problems = {
        **refuse_future(arrived_on, today, "arrived_on", "The day the child arrived"),
        **refuse_future(
            became_looked_after_on,
            today,
            "became_looked_after_on",
            "The day the child became looked after",
        ),
        **refuse_future(
            status_ceased_on,
            today,
            "status_ceased_on",
            "The day the child stopped being an unaccompanied asylum seeker",
        ),
        **rules.order_problems(
            [
                (
                    "became_looked_after_on",
                    arrived_on,
                    became_looked_after_on,
                    "The child cannot have become looked after before they arrived.",
                ),
                (
                    "status_ceased_on",
                    arrived_on,
                    status_ceased_on,
                    "The status cannot have ended before the child arrived.",
                ),
            ]
        ),
    }
    if arrived_on is None:
        problems["arrived_on"] = "Enter the day the child arrived in the UK."
    if status_ceased_on and not ceased_reason.strip():
        problems["ceased_reason"] = "Say why the child is no longer an unaccompanied asylum seeker."
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        child = Person.objects.select_for_update().get(pk=person_id)
        existing = UnaccompaniedChild.objects.filter(person=child).first()
        if existing is None:
            row = UnaccompaniedChild(person=child)
        else:
            row = locked(
                UnaccompaniedChild, existing.pk, version=version, what="unaccompanied child record"
            )
        fields = {
            "arrived_on": arrived_on,
            "became_looked_after_on": became_looked_after_on,
            "national_transfer_scheme": national_transfer_scheme,
            "age_assessed": age_assessed,
            "status_ceased_on": status_ceased_on,
            "ceased_reason": ceased_reason,
        }
        for key, value in fields.items():
            setattr(row, key, value)
        full_clean_or_refuse(row)
        if existing is None:
            row.save()
        else:
            bump(row, *fields)
        flag = status_ceased_on is None
        if child.unaccompanied_asylum_seeking != flag:
            child.unaccompanied_asylum_seeking = flag
            child.save(update_fields=["unaccompanied_asylum_seeking", "updated_at"])
        audit_change(
            row,
            "update",
            person_id=child.pk,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": list(fields)},
        )
        chronology(
            [child.pk],
            "Recorded as an unaccompanied asylum-seeking child."
            if flag
            else "No longer an unaccompanied asylum-seeking child.",
            acting_user=acting_user,
            now=now,
            obj=row,
        )
    return row
