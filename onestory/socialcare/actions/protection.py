"""Child protection: strategy discussions, section 47 enquiries, initial and review child
protection conferences, and child protection plans.

Clocks (Working Together to Safeguard Children 2023, chapter 4): the initial conference within
15 working days of the strategy discussion; the first review within 3 months of it, then at most
every 6 months.
"""

from datetime import date, datetime

from django.db import transaction

from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused
from onestory.core.idempotency import once_per_form
from onestory.core.rules import day_words
from onestory.frontdoor.models import Referral
from onestory.frontdoor.models import StrategyDiscussion as FrontDoorDiscussion

from .. import reference, rules
from ..models import (
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    Section47Enquiry,
    StrategyDiscussion,
    StrategyParticipant,
)
from .closure import NOT_THIS_CHILD
from .common import (
    audit_change,
    bump,
    chronology,
    holidays_around,
    locked,
    refuse_future,
    require_working_role,
)
from .visits import occurred_at

Agency = StrategyParticipant.AgencyKind
# Working Together 2023 (chapter 4): a strategy discussion involves at least children's social
# care and the police (and health and the referring agency where they can take part).
REQUIRED_AGENCIES = (Agency.SOCIAL_CARE, Agency.POLICE)
NEEDS_AGENCIES = (
    "A strategy discussion needs at least children's social care and the police: add whoever "
    "took part for each."
)
REFERRAL_CLOSED = "This referral is closed: nothing new can start under it."
NO_FRONT_DOOR = "The front door has no strategy discussion for this referral."
ALREADY_USED = "The front door's strategy discussion is already on this child's record."
NOT_SECTION_47 = "Only a strategy discussion that decided on a section 47 enquiry can start one."
ONE_ENQUIRY = "This strategy discussion already has a section 47 enquiry."
ENQUIRY_DONE = "This section 47 enquiry is already complete."
NO_CONFERENCE_DECIDED = (
    "Complete the section 47 enquiry with the outcome 'Initial child protection conference' first."
)
ONE_CONFERENCE = "This enquiry already has its initial child protection conference."
OPEN_PLAN = "The child already has an open child protection plan: record a review conference."
PLAN_ENDED = "This plan has ended: it changes no more."
CIN_REPLACED = "A child protection plan started."


def _referral_open(referral_id, person_id) -> Referral:
    referral = locked(Referral, referral_id, what="referral")
    if referral.person_id != person_id:
        raise DetailsRefused({None: NOT_THIS_CHILD})
    if referral.closed_on is not None:
        raise DetailsRefused({None: REFERRAL_CLOSED})
    return referral


def _agency_label(kind: str) -> str:
    return Agency(kind).label


# --- Strategy discussions ----------------------------------------------------------------------


@once_per_form(StrategyDiscussion)
def strategy_record(
    *,
    person_id,
    referral_id,
    held_on: date,
    summary: str,
    outcome: str,
    participants: list[dict],
    acting_user,
    now: datetime,
    request=None,
) -> StrategyDiscussion:
    """Record a strategy discussion about the child: who took part and what it decided.

    `participants` are dicts of name, role and agency_kind."""
    require_working_role(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        referral = _referral_open(referral_id, person_id)
        problems = {}
        if held_on is None:
            problems["held_on"] = "Enter the date the discussion was held."
        else:
            problems |= refuse_future(held_on, today, "held_on", "The discussion date")
            if held_on < referral.referral_date:
                problems["held_on"] = (
                    "The discussion cannot be before the referral "
                    f"({day_words(referral.referral_date)})."
                )
        if outcome not in StrategyDiscussion.Outcome.values:
            problems["outcome"] = "Choose what the discussion decided."
        if not summary.strip():
            problems["summary"] = "Enter a summary of the discussion."
        kinds = {p.get("agency_kind") for p in participants}
        if any(k not in Agency.values for k in kinds):
            problems["participants"] = "Choose each participant's agency from the list."
        elif not all(k in kinds for k in REQUIRED_AGENCIES):
            problems["participants"] = NEEDS_AGENCIES
        if problems:
            raise DetailsRefused(problems)
        discussion = StrategyDiscussion.objects.create(
            referral=referral,
            person_id=person_id,
            held_on=held_on,
            summary=summary,
            outcome=outcome,
            recorded_by=acting_user,
        )
        StrategyParticipant.objects.bulk_create(
            [
                StrategyParticipant(
                    discussion=discussion,
                    name=p.get("name", ""),
                    role=p.get("role", ""),
                    agency_kind=p["agency_kind"],
                )
                for p in participants
            ]
        )
        _recorded(discussion, person_id, acting_user=acting_user, now=now, request=request)
    return discussion


def _recorded(discussion, person_id, *, acting_user, now, request) -> None:
    audit_change(
        discussion,
        "create",
        person_id=person_id,
        acting_user=acting_user,
        now=now,
        request=request,
    )
    chronology(
        [person_id],
        f"Strategy discussion held on {day_words(discussion.held_on)}: "
        f"{discussion.get_outcome_display().lower()}.",
        acting_user=acting_user,
        now=now,
        obj=discussion,
        occurred_at=occurred_at(discussion.held_on, now),
    )


@once_per_form(StrategyDiscussion)
def strategy_from_front_door(
    *, person_id, referral_id, acting_user, now: datetime, request=None
) -> StrategyDiscussion:
    """Put the front door's strategy discussion for this referral on the child's record, with
    its agencies as participants (their names were not recorded), so nothing is typed twice."""
    require_working_role(acting_user)
    with transaction.atomic():
        referral = _referral_open(referral_id, person_id)
        found = FrontDoorDiscussion.objects.filter(
            contact_id=referral.contact_id, held_at__isnull=False
        ).first()
        if found is None:
            raise DetailsRefused({None: NO_FRONT_DOOR})
        if StrategyDiscussion.objects.filter(
            person_id=person_id, front_door_discussion=found
        ).exists():
            raise DetailsRefused({None: ALREADY_USED})
        outcome = (
            found.outcome
            if found.outcome in StrategyDiscussion.Outcome.values
            else StrategyDiscussion.Outcome.ASSESSMENT
        )
        discussion = StrategyDiscussion.objects.create(
            referral=referral,
            person_id=person_id,
            front_door_discussion=found,
            held_on=today_in_london(found.held_at),
            summary=found.summary or "Held at the front door.",
            outcome=outcome,
            recorded_by=acting_user,
        )
        StrategyParticipant.objects.bulk_create(
            [
                StrategyParticipant(discussion=discussion, agency_kind=kind)
                for kind in found.agencies_present
                if kind in Agency.values
            ]
        )
        _recorded(discussion, person_id, acting_user=acting_user, now=now, request=request)
    return discussion


# --- Section 47 enquiries ------------------------------------------------------------------------


@once_per_form(Section47Enquiry)
def section47_start(
    *, person_id, discussion_id, starts_on: date, acting_user, now: datetime, request=None
) -> Section47Enquiry:
    """Start the section 47 enquiry a strategy discussion decided on; the initial conference is
    due 15 working days after the discussion."""
    require_working_role(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        discussion = locked(StrategyDiscussion, discussion_id, what="strategy discussion")
        if discussion.person_id != person_id:
            raise DetailsRefused({None: NOT_THIS_CHILD})
        if discussion.outcome != StrategyDiscussion.Outcome.SECTION_47:
            raise DetailsRefused({None: NOT_SECTION_47})
        if Section47Enquiry.objects.filter(strategy_discussion=discussion).exists():
            raise DetailsRefused({None: ONE_ENQUIRY})
        problems = refuse_future(starts_on, today, "starts_on", "The start date")
        if starts_on < discussion.held_on:
            problems["starts_on"] = (
                "The enquiry cannot start before the strategy discussion "
                f"({day_words(discussion.held_on)})."
            )
        if problems:
            raise DetailsRefused(problems)
        held = discussion.held_on
        enquiry = Section47Enquiry.objects.create(
            referral_id=discussion.referral_id,
            person_id=person_id,
            strategy_discussion=discussion,
            worker=acting_user,
            starts_on=starts_on,
            conference_due_on=rules.initial_conference_due_on(held, holidays_around(held)),
        )
        audit_change(
            enquiry,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
        )
        chronology(
            [person_id],
            "Section 47 enquiry started (initial child protection conference due by "
            f"{day_words(enquiry.conference_due_on)}).",
            acting_user=acting_user,
            now=now,
            obj=enquiry,
        )
    return enquiry


def section47_complete(
    *,
    person_id,
    enquiry_id,
    version: int,
    completed_on: date,
    outcome: str,
    not_required_reason: str = "",
    findings: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> Section47Enquiry:
    """Complete the enquiry: a conference is needed, or not (and why not)."""
    require_working_role(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        enquiry = locked(Section47Enquiry, enquiry_id, version=version, what="enquiry")
        if enquiry.person_id != person_id:
            raise DetailsRefused({None: NOT_THIS_CHILD})
        if enquiry.completed_on is not None:
            raise DetailsRefused({None: ENQUIRY_DONE})
        problems = {}
        if completed_on is None:
            problems["completed_on"] = "Enter the date the enquiry was completed."
        else:
            problems |= refuse_future(completed_on, today, "completed_on", "The completion date")
            if completed_on < enquiry.starts_on:
                problems["completed_on"] = (
                    f"The enquiry cannot end before it started ({day_words(enquiry.starts_on)})."
                )
        if outcome not in Section47Enquiry.Outcome.values:
            problems["outcome"] = "Choose whether an initial conference is needed."
        elif outcome == Section47Enquiry.Outcome.NOT_REQUIRED and not not_required_reason.strip():
            problems["not_required_reason"] = "Say why no conference is needed."
        if problems:
            raise DetailsRefused(problems)
        enquiry.completed_on = completed_on
        enquiry.outcome = outcome
        enquiry.not_required_reason = (
            not_required_reason if outcome == Section47Enquiry.Outcome.NOT_REQUIRED else ""
        )
        enquiry.findings = findings
        fields = ["completed_on", "outcome", "not_required_reason", "findings"]
        bump(enquiry, *fields)
        audit_change(
            enquiry,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": fields},
        )
        chronology(
            [person_id],
            f"Section 47 enquiry completed: {enquiry.get_outcome_display().lower()}.",
            acting_user=acting_user,
            now=now,
            obj=enquiry,
        )
    return enquiry


# --- Conferences and plans -----------------------------------------------------------------------


def _conference_problems(held_on, today, category, decision, needs_category) -> dict:
    problems = {}
    if held_on is None:
        problems["held_on"] = "Enter the date the conference was held."
    else:
        problems |= refuse_future(held_on, today, "held_on", "The conference date")
    if decision in needs_category and category not in reference.ABUSE_CATEGORIES:
        problems["category"] = "Choose the category of abuse the plan is under."
    return problems


@once_per_form(ChildProtectionConference)
def conference_initial(
    *,
    person_id,
    enquiry_id,
    held_on: date,
    decision: str,
    category: str = "",
    chair: str = "",
    child_views: str = "",
    summary: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> ChildProtectionConference:
    """Record the initial child protection conference; a "plan" decision starts the child
    protection plan that day."""
    require_working_role(acting_user)
    today = today_in_london(now)
    Decision = ChildProtectionConference.Decision
    with transaction.atomic():
        enquiry = locked(Section47Enquiry, enquiry_id, what="enquiry")
        if enquiry.person_id != person_id:
            raise DetailsRefused({None: NOT_THIS_CHILD})
        if enquiry.outcome != Section47Enquiry.Outcome.CONFERENCE:
            raise DetailsRefused({None: NO_CONFERENCE_DECIDED})
        if ChildProtectionConference.objects.filter(
            enquiry=enquiry, kind=ChildProtectionConference.Kind.INITIAL
        ).exists():
            raise DetailsRefused({None: ONE_CONFERENCE})
        discussion = enquiry.strategy_discussion
        problems = _conference_problems(held_on, today, category, decision, {Decision.PLAN})
        if decision not in (Decision.PLAN, Decision.NO_PLAN):
            problems["decision"] = "Choose whether the conference decided on a plan."
        if held_on is not None and held_on < discussion.held_on:
            problems["held_on"] = (
                "The conference cannot be before the strategy discussion "
                f"({day_words(discussion.held_on)})."
            )
        if (
            decision == Decision.PLAN
            and ChildProtectionPlan.objects.filter(
                person_id=person_id, ends_on__isnull=True
            ).exists()
        ):
            problems[None] = OPEN_PLAN
        if problems:
            raise DetailsRefused(problems)
        plan = None
        if decision == Decision.PLAN:
            _end_child_in_need_plan(person_id, held_on, acting_user=acting_user, now=now)
            plan = ChildProtectionPlan.objects.create(
                referral_id=enquiry.referral_id,
                person_id=person_id,
                starts_on=held_on,
                initial_category=category,
                latest_category=category,
                previous_plans=ChildProtectionPlan.objects.filter(
                    person_id=person_id, starts_on__lt=held_on
                ).count(),
                next_review_on=rules.cp_review_due_on(
                    initial_conference_on=held_on, reviews_held=[]
                ),
            )
        conference = ChildProtectionConference.objects.create(
            referral_id=enquiry.referral_id,
            person_id=person_id,
            kind=ChildProtectionConference.Kind.INITIAL,
            enquiry=enquiry,
            plan=plan,
            due_on=enquiry.conference_due_on,
            held_on=held_on,
            decision=decision,
            category=category if plan else "",
            chair=chair,
            child_views=child_views,
            summary=summary,
            recorded_by=acting_user,
        )
        for row in (conference, plan):
            if row is not None:
                audit_change(
                    row,
                    "create",
                    person_id=person_id,
                    acting_user=acting_user,
                    now=now,
                    request=request,
                )
        words = (
            f"child protection plan under {reference.ABUSE_CATEGORIES[category].lower()} "
            f"(first review by {day_words(plan.next_review_on)})"
            if plan
            else "no child protection plan"
        )
        chronology(
            [person_id],
            f"Initial child protection conference held on {day_words(held_on)}: {words}.",
            acting_user=acting_user,
            now=now,
            obj=conference,
            occurred_at=occurred_at(held_on, now),
        )
    return conference


def _end_child_in_need_plan(person_id, day: date, *, acting_user, now) -> None:
    """A child protection plan replaces a child in need plan: the census counts a child under
    one plan at a time, so an open child in need plan ends the day the protection plan starts."""
    for cin in ChildInNeedPlan.objects.select_for_update().filter(
        person_id=person_id, ends_on__isnull=True
    ):
        cin.ends_on = max(day, cin.starts_on)
        cin.end_reason = CIN_REPLACED
        cin.next_review_on = None
        bump(cin, "ends_on", "end_reason", "next_review_on")
        audit_change(
            cin,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            detail={"fields": ["ends_on", "end_reason"]},
        )


def _open_plan(plan_id, person_id, version=None) -> ChildProtectionPlan:
    plan = locked(ChildProtectionPlan, plan_id, version=version, what="child protection plan")
    if plan.person_id != person_id:
        raise DetailsRefused({None: NOT_THIS_CHILD})
    if plan.ends_on is not None:
        raise DetailsRefused({None: PLAN_ENDED})
    return plan


@once_per_form(ChildProtectionConference)
def conference_review(
    *,
    person_id,
    plan_id,
    version: int,
    held_on: date,
    decision: str,
    category: str = "",
    end_reason: str = "",
    chair: str = "",
    child_views: str = "",
    summary: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> ChildProtectionConference:
    """Record a review conference: the plan continues (under its latest category, next review
    within 6 months) or ends (with a reason)."""
    require_working_role(acting_user)
    today = today_in_london(now)
    Decision = ChildProtectionConference.Decision
    with transaction.atomic():
        plan = _open_plan(plan_id, person_id, version)
        problems = _conference_problems(held_on, today, category, decision, {Decision.CONTINUE})
        if decision not in (Decision.CONTINUE, Decision.END):
            problems["decision"] = "Choose whether the plan continues or ends."
        if decision == Decision.END and end_reason not in ChildProtectionPlan.EndReason.values:
            problems["end_reason"] = "Choose why the plan is ending."
        held = list(
            plan.conferences.filter(kind=ChildProtectionConference.Kind.REVIEW).values_list(
                "held_on", flat=True
            )
        )
        if held_on is not None:
            if held_on < plan.starts_on:
                problems["held_on"] = (
                    "A review cannot be before the initial conference "
                    f"({day_words(plan.starts_on)})."
                )
            elif held and held_on <= max(held):
                problems["held_on"] = (
                    f"A review must come after the last review ({day_words(max(held))})."
                )
        if problems:
            raise DetailsRefused(problems)
        conference = ChildProtectionConference.objects.create(
            referral_id=plan.referral_id,
            person_id=person_id,
            kind=ChildProtectionConference.Kind.REVIEW,
            plan=plan,
            due_on=plan.next_review_on or held_on,
            held_on=held_on,
            decision=decision,
            category=category if decision == Decision.CONTINUE else "",
            chair=chair,
            child_views=child_views,
            summary=summary,
            recorded_by=acting_user,
        )
        if decision == Decision.CONTINUE:
            plan.latest_category = category
            plan.next_review_on = rules.cp_review_due_on(
                initial_conference_on=plan.starts_on, reviews_held=[*held, held_on]
            )
            bump(plan, "latest_category", "next_review_on")
            words = f"the plan continues (next review by {day_words(plan.next_review_on)})"
        else:
            plan.ends_on = held_on
            plan.end_reason = end_reason
            plan.next_review_on = None
            bump(plan, "ends_on", "end_reason", "next_review_on")
            words = f"the plan ends ({plan.get_end_reason_display().lower()})"
        for row in (conference, plan):
            audit_change(
                row,
                "create" if row is conference else "update",
                person_id=person_id,
                acting_user=acting_user,
                now=now,
                request=request,
            )
        chronology(
            [person_id],
            f"Review child protection conference held on {day_words(held_on)}: {words}.",
            acting_user=acting_user,
            now=now,
            obj=conference,
            occurred_at=occurred_at(held_on, now),
        )
    return conference


def cp_plan_end(
    *,
    person_id,
    plan_id,
    version: int,
    ends_on: date,
    end_reason: str,
    acting_user,
    now: datetime,
    request=None,
) -> ChildProtectionPlan:
    """End a plan outside a conference: the child came into care, moved away, reached 18 or
    died."""
    require_working_role(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        plan = _open_plan(plan_id, person_id, version)
        problems = {}
        if ends_on is None:
            problems["ends_on"] = "Enter the date the plan ended."
        else:
            problems |= refuse_future(ends_on, today, "ends_on", "The end date")
            if ends_on < plan.starts_on:
                problems["ends_on"] = (
                    f"The plan cannot end before it started ({day_words(plan.starts_on)})."
                )
        if end_reason not in ChildProtectionPlan.EndReason.values:
            problems["end_reason"] = "Choose why the plan ended."
        if problems:
            raise DetailsRefused(problems)
        plan.ends_on = ends_on
        plan.end_reason = end_reason
        plan.next_review_on = None
        bump(plan, "ends_on", "end_reason", "next_review_on")
        audit_change(
            plan,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["ends_on", "end_reason"]},
        )
        chronology(
            [person_id],
            f"Child protection plan ended: {plan.get_end_reason_display().lower()}.",
            acting_user=acting_user,
            now=now,
            obj=plan,
        )
    return plan
