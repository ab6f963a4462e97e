"""Warnings shown as soon as a social worker saves something a statutory return will reject or
query. Each `after_*` reads what the checks need about the record just saved and runs the pure
checks (census_checks for the children in need census, ssda903_checks for SSDA903); the
views show the findings with the front door's `census_warnings.show`, one warning each.
Saving is never stopped: the record may be right, and the warning says how to put it right if
it is not.
"""

from onestory.frontdoor.census_checks import collection_year_of
from onestory.frontdoor.models import Referral

from . import census_checks, ssda903_checks
from .models import (
    Assessment,
    CarePeriod,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    LegalStatus,
    Placement,
    Section47Enquiry,
    UnaccompaniedChild,
)


def _reference_date(day):
    """31 March ending the collection year `day` falls in."""
    return day.replace(year=collection_year_of(day), month=3, day=31)


def _episode_factors(referral: Referral) -> list[list[str]]:
    return [
        list(factors) if status == Assessment.Status.AUTHORISED else []
        for status, factors in Assessment.objects.filter(referral=referral).values_list(
            "status", "factors"
        )
    ]


# --- Children in need census ---------------------------------------------------------------------


def after_assessment_start(assessment: Assessment) -> list:
    others = (
        Assessment.objects.filter(referral_id=assessment.referral_id)
        .exclude(pk=assessment.pk)
        .values_list("started_on", "authorised_on")
    )
    return census_checks.assessment_overlap(
        started_on=assessment.started_on,
        others=list(others),
        reference_date=_reference_date(assessment.started_on),
    )


def after_assessment_authorise(assessment: Assessment) -> list:
    if assessment.status != Assessment.Status.AUTHORISED:
        return []
    referral = Referral.objects.select_related("person").get(pk=assessment.referral_id)
    return _after_episode(referral)


def after_referral_close(referral: Referral) -> list:
    return _after_episode(referral)


def _after_episode(referral: Referral) -> list:
    return census_checks.episode(
        closure_reason=referral.closure_reason,
        assessment_factors=_episode_factors(referral),
        date_of_death=referral.person.date_of_death,
        enquiries=[(held, not_needed) for _, held, not_needed in _enquiries(referral.pk)],
    )


def _enquiries(referral_id, *, exclude=None) -> list[tuple]:
    """Each section 47 enquiry under the referral: (start, initial conference date or None,
    whether it decided no conference was needed)."""
    rows = Section47Enquiry.objects.filter(referral_id=referral_id)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    held = dict(
        ChildProtectionConference.objects.filter(
            enquiry__referral_id=referral_id, kind=ChildProtectionConference.Kind.INITIAL
        ).values_list("enquiry_id", "held_on")
    )
    return [
        (row.starts_on, held.get(row.pk), row.outcome == Section47Enquiry.Outcome.NOT_REQUIRED)
        for row in rows
    ]


def after_cin_plan_start(plan: ChildInNeedPlan) -> list:
    protection = ChildProtectionPlan.objects.filter(person_id=plan.person_id).values_list(
        "starts_on", "ends_on"
    )
    return census_checks.child_in_need_plan_during_protection(
        starts_on=plan.starts_on,
        protection_plans=list(protection),
        reference_date=_reference_date(plan.starts_on),
    )


def after_cin_plan_end(plan: ChildInNeedPlan) -> list:
    return census_checks.child_in_need_plan_dates(starts_on=plan.starts_on, ends_on=plan.ends_on)


def after_section47_start(enquiry: Section47Enquiry) -> list:
    assessments = Assessment.objects.filter(referral_id=enquiry.referral_id).count()
    return [
        *census_checks.enquiry_without_assessment(assessments_on_episode=assessments),
        *census_checks.enquiry_overlap(
            starts_on=enquiry.starts_on,
            others=_enquiries(enquiry.referral_id, exclude=enquiry),
            reference_date=_reference_date(enquiry.starts_on),
        ),
    ]


def after_conference(conference: ChildProtectionConference) -> list:
    """An initial conference's day; a review conference against its plan's start and end."""
    if conference.kind == ChildProtectionConference.Kind.INITIAL:
        return census_checks.conference_day(conference.held_on)
    plan = ChildProtectionPlan.objects.get(pk=conference.plan_id)
    return after_protection_plan(plan, review_dates=[conference.held_on])


def after_protection_plan(plan: ChildProtectionPlan, *, review_dates=()) -> list:
    return census_checks.protection_plan_dates(
        starts_on=plan.starts_on, ends_on=plan.ends_on, review_dates=review_dates
    )


# --- SSDA903 -------------------------------------------------------------------------------------


def _in_force(rows, day):
    """The row in force on `day`: the latest to start on or before it."""
    current = None
    for row in sorted(rows, key=lambda r: (r.starts_on, r.created_at)):
        if row.starts_on <= day:
            current = row
    return current


def _placement_findings(placement: Placement, *, change: str) -> list:
    status = _in_force(
        LegalStatus.objects.filter(period_id=placement.period_id), placement.starts_on
    )
    legal_status = status.status if status else ""
    born_on = placement.person.date_of_birth
    return [
        *ssda903_checks.placement(
            place=placement.place,
            provider=placement.provider,
            urn=placement.urn,
            home_postcode=placement.home_postcode,
            placement_postcode=placement.placement_postcode,
            legal_status=legal_status,
            unaccompanied=placement.person.unaccompanied_asylum_seeking
            or UnaccompaniedChild.objects.filter(person_id=placement.person_id).exists(),
            outside_england=placement.outside_england,
        ),
        *ssda903_checks.episode(
            legal_status=legal_status,
            place=placement.place,
            starts_on=placement.starts_on,
            born_on=born_on,
            change=change,
        ),
    ]


def after_care_start(period: CarePeriod) -> list:
    placement = period.placements.select_related("person").order_by("starts_on").first()
    if placement is None:
        return []
    return _placement_findings(placement, change=ssda903_checks.STARTS_CARE)


def after_placement(placement: Placement) -> list:
    """A placement recorded by a move, or corrected."""
    placement = Placement.objects.select_related("person", "period").get(pk=placement.pk)
    first = placement.starts_on <= placement.period.starts_on
    change = ssda903_checks.STARTS_CARE if first else ssda903_checks.MOVES
    return _placement_findings(placement, change=change)


def after_legal_status_change(status: LegalStatus) -> list:
    period = CarePeriod.objects.select_related("person").get(pk=status.period_id)
    placement = _in_force(period.placements.all(), status.starts_on)
    before = (
        period.legal_statuses.filter(ends_on=status.starts_on)
        .exclude(pk=status.pk)
        .order_by("-starts_on")
        .first()
    )
    findings = []
    if before is not None:
        findings += ssda903_checks.short_lived_status(
            status=before.status, starts_on=before.starts_on, ends_on=status.starts_on
        )
    if placement is not None:
        findings += ssda903_checks.episode(
            legal_status=status.status,
            place=placement.place,
            starts_on=status.starts_on,
            born_on=period.person.date_of_birth,
            change=ssda903_checks.LEGAL_STATUS_CHANGES,
        )
    return findings


def after_care_end(period: CarePeriod) -> list:
    period = CarePeriod.objects.select_related("person").get(pk=period.pk)
    placement = period.placements.order_by("-starts_on", "-created_at").first()
    status = period.legal_statuses.order_by("-starts_on", "-created_at").first()
    findings = ssda903_checks.care_end(
        reason=period.end_reason,
        ends_on=period.ends_on,
        born_on=period.person.date_of_birth,
        last_place=placement.place if placement else "",
    )
    if status is not None:
        findings += ssda903_checks.short_lived_status(
            status=status.status, starts_on=status.starts_on, ends_on=period.ends_on
        )
    return findings
