"""Child and family assessments: started from a statutory referral, worked on by the social
worker, submitted, and authorised (or returned) by a team manager.

An assessment is due 45 working days from the referral (the referral's assessment_due_on).
Authorising "no further action" or "step down to early help" closes the child in need episode
(census reasons RC8 and RC9).
"""

from datetime import date, datetime

from django.db import transaction

from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.idempotency import once_per_form
from onestory.core.rules import day_words
from onestory.frontdoor.models import Referral

from .. import reference
from ..models import Assessment
from .closure import NOT_THIS_CHILD, close_referral_row, closure_blockers
from .common import (
    audit_change,
    bump,
    chronology,
    locked,
    refuse_future,
    require_manager,
    require_working_role,
)

NO_FACTORS = "21"
FACTORS_ALONE = (
    "'No factors identified' must stand alone: untick it, or untick the factors you found."
)
ONE_OPEN = "This referral already has an assessment in progress: carry on with that one."
REFERRAL_CLOSED = "This referral is closed: nothing new can start under it."
NOT_IN_PROGRESS = "This assessment has been submitted: it changes no more unless it is returned."
NOT_SUBMITTED = "This assessment is not waiting for authorisation."
# Outcomes that end the child in need episode when the assessment is authorised (census RC8, RC9).
CLOSING_OUTCOMES = {
    Assessment.Outcome.NO_FURTHER_ACTION: "RC8",
    Assessment.Outcome.EARLY_HELP: "RC9",
}
AUTHORISE = "authorise"
RETURN = "return"


def factor_problems(factors: list[str]) -> dict:
    unknown = [code for code in factors if code not in reference.ASSESSMENT_FACTORS]
    if unknown:
        return {"factors": "Choose factors from the list."}
    if NO_FACTORS in factors and len(factors) > 1:
        return {"factors": FACTORS_ALONE}
    return {}


def _open_referral(referral_id, person_id) -> Referral:
    referral = locked(Referral, referral_id, what="referral")
    if referral.person_id != person_id:
        raise DetailsRefused({None: NOT_THIS_CHILD})
    if referral.closed_on is not None:
        raise DetailsRefused({None: REFERRAL_CLOSED})
    return referral


@once_per_form(Assessment)
def assessment_start(
    *, person_id, referral_id, started_on: date, acting_user, now: datetime, request=None
) -> Assessment:
    """Start the child and family assessment for a referral (one open at a time)."""
    require_working_role(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        referral = _open_referral(referral_id, person_id)
        if (
            Assessment.objects.filter(referral=referral)
            .exclude(status=Assessment.Status.AUTHORISED)
            .exists()
        ):
            raise DetailsRefused({None: ONE_OPEN})
        problems = refuse_future(started_on, today, "started_on", "The start date")
        if started_on < referral.referral_date:
            problems["started_on"] = (
                "The assessment cannot start before the referral "
                f"({day_words(referral.referral_date)})."
            )
        if problems:
            raise DetailsRefused(problems)
        assessment = Assessment.objects.create(
            referral=referral,
            person_id=person_id,
            worker=acting_user,
            started_on=started_on,
            due_on=referral.assessment_due_on,
        )
        audit_change(
            assessment,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
        )
        chronology(
            [person_id],
            f"Child and family assessment started (due {day_words(assessment.due_on)}).",
            acting_user=acting_user,
            now=now,
            obj=assessment,
        )
    return assessment


def assessment_update(
    *,
    person_id,
    assessment_id,
    version: int,
    factors: list[str],
    child_views: str,
    family_views: str,
    analysis: str,
    outcome: str,
    submit: bool = False,
    completed_on: date | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> Assessment:
    """Save the assessment's findings; with `submit`, send it to a manager to authorise."""
    require_working_role(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        assessment = locked(Assessment, assessment_id, version=version, what="assessment")
        if assessment.person_id != person_id:
            raise DetailsRefused({None: NOT_THIS_CHILD})
        if assessment.status != Assessment.Status.IN_PROGRESS:
            raise DetailsRefused({None: NOT_IN_PROGRESS})
        factors = sorted(set(factors), key=list(reference.ASSESSMENT_FACTORS).index)
        problems = factor_problems(factors)
        if outcome and outcome not in Assessment.Outcome.values:
            problems["outcome"] = "Choose what should happen next."
        if submit:
            if not factors:
                problems["factors"] = (
                    "Choose the factors the assessment found, or 'No factors identified'."
                )
            if not analysis.strip():
                problems["analysis"] = "Enter your analysis before submitting."
            if not outcome:
                problems["outcome"] = "Choose what should happen next before submitting."
            if completed_on is None:
                problems["completed_on"] = "Enter the date the assessment was completed."
            else:
                problems |= refuse_future(
                    completed_on, today, "completed_on", "The completion date"
                )
                if completed_on < assessment.started_on:
                    problems["completed_on"] = (
                        "The assessment cannot be completed before it started "
                        f"({day_words(assessment.started_on)})."
                    )
        if problems:
            raise DetailsRefused(problems)
        assessment.factors = factors
        assessment.child_views = child_views
        assessment.family_views = family_views
        assessment.analysis = analysis
        assessment.outcome = outcome
        fields = ["factors", "child_views", "family_views", "analysis", "outcome"]
        if submit:
            assessment.status = Assessment.Status.SUBMITTED
            assessment.completed_on = completed_on
            assessment.submitted_by = acting_user
            fields += ["status", "completed_on", "submitted_by"]
        bump(assessment, *fields)
        audit_change(
            assessment,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": fields, "step": "submit" if submit else "save"},
        )
        if submit:
            chronology(
                [person_id],
                "Child and family assessment submitted for a manager's authorisation "
                f"(outcome: {assessment.get_outcome_display().lower()}).",
                acting_user=acting_user,
                now=now,
                obj=assessment,
            )
    return assessment


def assessment_authorise(
    *,
    person_id,
    assessment_id,
    version: int,
    decision: str,
    comment: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> Assessment:
    """A team manager authorises a submitted assessment, or returns it with a comment.

    Authorising "no further action" or "early help" closes the referral (RC8 / RC9) that day.
    """
    require_manager(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        assessment = locked(Assessment, assessment_id, version=version, what="assessment")
        if assessment.person_id != person_id:
            raise DetailsRefused({None: NOT_THIS_CHILD})
        if assessment.status != Assessment.Status.SUBMITTED:
            raise DetailsRefused({None: NOT_SUBMITTED})
        if decision not in (AUTHORISE, RETURN):
            raise DetailsRefused({"decision": "Choose whether to authorise or return it."})
        if decision == RETURN and not comment.strip():
            raise DetailsRefused(
                {"comment": "Say what the social worker needs to change before you return it."}
            )
        assessment.manager_comment = comment
        if decision == RETURN:
            assessment.status = Assessment.Status.IN_PROGRESS
            assessment.completed_on = None
            bump(assessment, "status", "completed_on", "manager_comment")
            summary = "Child and family assessment returned to the social worker."
        else:
            closing = CLOSING_OUTCOMES.get(assessment.outcome)
            referral = None
            if closing:
                referral = locked(Referral, assessment.referral_id, what="referral")
                blockers = closure_blockers(referral, ignore_assessment=assessment)
                if blockers and referral.closed_on is None:
                    raise DomainError(
                        "The assessment's outcome closes the referral, but "
                        + " ".join(b[0].lower() + b[1:] for b in blockers)
                    )
            assessment.status = Assessment.Status.AUTHORISED
            assessment.authorised_on = today
            assessment.authorised_by = acting_user
            bump(assessment, "status", "authorised_on", "authorised_by", "manager_comment")
            summary = (
                "Child and family assessment authorised "
                f"(outcome: {assessment.get_outcome_display().lower()})."
            )
            if referral is not None and referral.closed_on is None:
                close_referral_row(referral, closed_on=today, reason=closing)
                audit_change(
                    referral,
                    "update",
                    person_id=person_id,
                    acting_user=acting_user,
                    now=now,
                    request=request,
                    detail={"fields": ["closed_on", "closure_reason"]},
                )
                summary += (
                    f" Child in need episode closed: {reference.CIN_CLOSURE_REASONS[closing]}."
                )
        audit_change(
            assessment,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"step": decision},
        )
        chronology([person_id], summary, acting_user=acting_user, now=now, obj=assessment)
    return assessment
