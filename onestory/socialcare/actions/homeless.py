"""The joint housing and children's services assessment of a homeless 16 or 17 year old
(Prevention of homelessness and provision of accommodation for 16 and 17 year old young people
who may be homeless, MHCLG and DfE 2018), and whether they become looked after.

A young person refuses care only when they have been told what being looked after would mean
for them: Ofsted found young people turned away without it, so the advice is recorded first.
"""

from datetime import date, datetime

from django.db import transaction

from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.core.rules import day_words
from onestory.people.models import Person

from .. import rules
from ..models import CarePeriod, HomelessAssessment, LegalStatus
from .care_common import ALREADY_IN_CARE, NO_REFERRAL, open_period, open_referral
from .common import (
    audit_change,
    bump,
    chronology,
    locked,
    refuse_future,
    require_working_role,
)

Decision = HomelessAssessment.Decision
# A single period of accommodation under section 20 (SSDA903 legal status V2).
SECTION_20 = "V2"
ADVICE_NEEDED = (
    "Record that the young person was told what being looked after would mean for them (the "
    "support, a personal adviser, leaving-care help to 25) before recording that they declined "
    "care."
)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _decision_problems(*, decision, reason, decided_on, advised, presented_on, joint_on, today):
    problems = {
        **refuse_future(decided_on, today, "decided_on", "The decision"),
        **rules.order_problems(
            [
                (
                    "decided_on",
                    presented_on,
                    decided_on,
                    "The decision cannot be before the young person presented "
                    f"({day_words(presented_on)})."
                    if presented_on
                    else "",
                ),
                (
                    "decided_on",
                    joint_on,
                    decided_on,
                    f"The decision cannot be before the joint assessment ({day_words(joint_on)})."
                    if joint_on
                    else "",
                ),
            ]
        ),
    }
    if not decision:
        return problems
    if decision not in Decision.values:
        problems["decision"] = "Choose the decision."
    if not reason.strip():
        problems["reason"] = "Give the reason for the decision, in the young person's terms too."
    if decided_on is None:
        problems["decided_on"] = "Enter the day the decision was made."
    if decision == Decision.DECLINED_CARE and not advised:
        problems["advised_of_care_entitlements"] = ADVICE_NEEDED
    return problems


def _apply_decision(row: HomelessAssessment, *, acting_user, now) -> None:
    """A looked-after decision starts a period of care under section 20 that day."""
    if row.decision != Decision.LOOKED_AFTER:
        return
    if open_period(row.person_id) is not None:
        raise DomainError(ALREADY_IN_CARE)
    referral = row.referral or open_referral(row.person_id)
    if referral is None:
        raise DomainError(NO_REFERRAL)
    period = CarePeriod.objects.create(
        person_id=row.person_id,
        referral=referral,
        starts_on=row.decided_on,
        category_of_need=referral.primary_need,
    )
    LegalStatus.objects.create(period=period, status=SECTION_20, starts_on=row.decided_on)
    row.referral = referral
    row.care_period = period
    audit_change(
        period,
        "create",
        person_id=row.person_id,
        acting_user=acting_user,
        now=now,
        detail={"fields": ["legal_status"], "from": "homeless assessment"},
    )


def _say(row: HomelessAssessment) -> str:
    if not row.decision:
        return "Homeless at 16 or 17: presented to housing; joint assessment under way."
    return f"Homeless at 16 or 17: {Decision(row.decision).label}."


@once_per_form(HomelessAssessment)
def homeless_assessment_record(
    *,
    person_id,
    presented_on: date,
    housing_officer: str,
    joint_assessment_on: date | None,
    young_persons_wishes: str,
    advised_of_care_entitlements: bool,
    decision: str = "",
    reason: str = "",
    decided_on: date | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> HomelessAssessment:
    """Record a young person presenting as homeless, the joint assessment and (when made) the
    decision and its reason."""
    require_working_role(acting_user)
    today = today_in_london(now)
    problems = {
        **refuse_future(presented_on, today, "presented_on", "The day they presented"),
        **refuse_future(joint_assessment_on, today, "joint_assessment_on", "The joint assessment"),
        **rules.order_problems(
            [
                (
                    "joint_assessment_on",
                    presented_on,
                    joint_assessment_on,
                    "The joint assessment cannot be before the young person presented "
                    f"({day_words(presented_on)})."
                    if presented_on
                    else "",
                ),
            ]
        ),
        **_decision_problems(
            decision=decision,
            reason=reason,
            decided_on=decided_on,
            advised=advised_of_care_entitlements,
            presented_on=presented_on,
            joint_on=joint_assessment_on,
            today=today,
        ),
    }
    if not housing_officer.strip():
        problems["housing_officer"] = "Enter the housing officer's name."
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person_id)
        if (
            person.date_of_birth
            and presented_on
            and _age(person.date_of_birth, presented_on) not in (16, 17)
        ):
            problems["presented_on"] = (
                "This assessment is for young people aged 16 or 17 when they present; the "
                f"young person was {_age(person.date_of_birth, presented_on)} then."
            )
        if problems:
            raise DetailsRefused(problems)
        row = HomelessAssessment(
            person=person,
            referral=open_referral(person.pk),
            presented_on=presented_on,
            housing_officer=housing_officer,
            social_worker=acting_user,
            joint_assessment_on=joint_assessment_on,
            young_persons_wishes=young_persons_wishes,
            advised_of_care_entitlements=advised_of_care_entitlements,
            decision=decision,
            reason=reason,
            decided_on=decided_on if decision else None,
        )
        _apply_decision(row, acting_user=acting_user, now=now)
        full_clean_or_refuse(row)
        row.save()
        audit_change(
            row,
            "create",
            person_id=person.pk,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["presented_on", "joint_assessment_on", "decision"]},
        )
        chronology([person.pk], _say(row), acting_user=acting_user, now=now, obj=row)
    return row


def homeless_decide(
    *,
    person_id,
    assessment_id,
    version: int,
    joint_assessment_on: date | None,
    young_persons_wishes: str,
    advised_of_care_entitlements: bool,
    decision: str,
    reason: str,
    decided_on: date | None,
    acting_user,
    now: datetime,
    request=None,
) -> HomelessAssessment:
    """Record the joint assessment's decision on an assessment recorded earlier."""
    require_working_role(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        row = locked(HomelessAssessment, assessment_id, version=version, what="homeless assessment")
        if row.person_id != person_id:
            raise HomelessAssessment.DoesNotExist
        if row.decision:
            raise DomainError("The decision is already recorded.")
        problems = {
            **refuse_future(
                joint_assessment_on, today, "joint_assessment_on", "The joint assessment"
            ),
            **_decision_problems(
                decision=decision,
                reason=reason,
                decided_on=decided_on,
                advised=advised_of_care_entitlements,
                presented_on=row.presented_on,
                joint_on=joint_assessment_on,
                today=today,
            ),
        }
        if not decision:
            problems["decision"] = "Choose the decision."
        if problems:
            raise DetailsRefused(problems)
        fields = {
            "joint_assessment_on": joint_assessment_on,
            "young_persons_wishes": young_persons_wishes,
            "advised_of_care_entitlements": advised_of_care_entitlements,
            "decision": decision,
            "reason": reason,
            "decided_on": decided_on,
        }
        for key, value in fields.items():
            setattr(row, key, value)
        _apply_decision(row, acting_user=acting_user, now=now)
        full_clean_or_refuse(row)
        bump(row, *fields, "referral", "care_period")
        audit_change(
            row,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": list(fields)},
        )
        chronology([person_id], _say(row), acting_user=acting_user, now=now, obj=row)
    return row
