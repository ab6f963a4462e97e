"""Reads for assessments, children in need, visits and child protection.

Every fetch starts from a child the worker has already opened (access_person_by_id): a record
that is not that child's answers 404, the same as a missing one.
"""

from dataclasses import dataclass, field
from datetime import date

from django.http import Http404

from onestory.core.idempotency import new_form_token
from onestory.frontdoor.models import Referral
from onestory.frontdoor.models import StrategyDiscussion as FrontDoorDiscussion

from . import rules
from .actions.common import holidays_around
from .models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    LocalStandard,
    Section47Enquiry,
    StrategyDiscussion,
    Visit,
)
from .selectors import local_standard

# Where the council has set no standard of its own, the defaults in rules.py apply.
RECENT_VISITS = 5


def _one(queryset, pk):
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise Http404("No page found")
    return row


def referral_of(person, referral_id) -> Referral:
    return _one(Referral.objects.filter(person=person), referral_id)


def assessment_of(person, assessment_id) -> Assessment:
    return _one(Assessment.objects.filter(person=person).select_related("referral"), assessment_id)


def cin_plan_of(person, plan_id) -> ChildInNeedPlan:
    return _one(ChildInNeedPlan.objects.filter(person=person).select_related("referral"), plan_id)


def discussion_of(person, discussion_id) -> StrategyDiscussion:
    return _one(StrategyDiscussion.objects.filter(person=person), discussion_id)


def enquiry_of(person, enquiry_id) -> Section47Enquiry:
    return _one(
        Section47Enquiry.objects.filter(person=person).select_related("strategy_discussion"),
        enquiry_id,
    )


def cp_plan_of(person, plan_id) -> ChildProtectionPlan:
    return _one(ChildProtectionPlan.objects.filter(person=person), plan_id)


def open_referral(person) -> Referral | None:
    return Referral.objects.filter(person=person, closed_on__isnull=True).first()


def front_door_discussion_for(referral) -> FrontDoorDiscussion | None:
    """The front door's strategy discussion behind this referral, once it has been held."""
    return FrontDoorDiscussion.objects.filter(
        contact_id=referral.contact_id, held_at__isnull=False
    ).first()


def front_door_discussion_unused(person, referral) -> FrontDoorDiscussion | None:
    found = front_door_discussion_for(referral)
    if found is None:
        return None
    used = StrategyDiscussion.objects.filter(person=person, front_door_discussion=found).exists()
    return None if used else found


def visits_during(person, *, kind: str, since: date, until: date | None = None):
    visits = Visit.objects.filter(person=person, kind=kind, visited_on__gte=since)
    if until is not None:
        visits = visits.filter(visited_on__lte=until)
    return visits


def next_visit_due(person, *, kind: str, started_on: date, key: str, today: date) -> date:
    """When the next visit under a working-day local standard is due."""
    last = visits_during(person, kind=kind, since=started_on).first()
    return rules.visit_due_on(
        started_on=started_on,
        last_visit_on=last.visited_on if last else None,
        working_days=local_standard(key, today),
        holidays=holidays_around(today),
    )


@dataclass
class Due:
    """A date something is due, with its RAG status (None once done)."""

    on: date
    rag: str | None = None

    @property
    def tag(self) -> str:
        return {"red": "govuk-tag--red", "amber": "govuk-tag--yellow"}.get(
            self.rag or "", "govuk-tag--green"
        )

    @property
    def words(self) -> str:
        return {"red": "Overdue", "amber": "Due soon"}.get(self.rag or "", "On track")


def due(*, started_on: date, due_on: date | None, today: date, done: bool = False) -> Due | None:
    if due_on is None:
        return None
    if done:
        return Due(due_on)
    return Due(due_on, str(rules.due_rag(started_on=started_on, due_on=due_on, today=today)))


@dataclass
class Overview:
    referral: Referral | None = None
    assessments: list = field(default_factory=list)
    cin_plan: ChildInNeedPlan | None = None
    cin_review_due: Due | None = None
    cin_visit_due: Due | None = None
    discussions: list = field(default_factory=list)
    front_door_discussion: FrontDoorDiscussion | None = None
    front_door_token: str = ""
    may_start_assessment: bool = False
    referral_assessment_due: Due | None = None
    enquiries: list = field(default_factory=list)
    conferences: list = field(default_factory=list)
    cp_plan: ChildProtectionPlan | None = None
    cp_review_due: Due | None = None
    cp_visit_due: Due | None = None
    visits: list = field(default_factory=list)
    past_cp_plans: list = field(default_factory=list)


def overview(person, *, today: date) -> Overview:
    """What the child's protection and child in need record shows today."""
    view = Overview()
    view.referral = open_referral(person)
    view.assessments = []
    for row in Assessment.objects.filter(person=person).select_related("referral")[:5]:
        row.due = due(
            started_on=row.referral.referral_date,
            due_on=row.due_on,
            today=today,
            done=row.completed_on is not None,
        )
        view.assessments.append(row)
    if view.referral is not None:
        view.may_start_assessment = not (
            Assessment.objects.filter(referral=view.referral)
            .exclude(status=Assessment.Status.AUTHORISED)
            .exists()
        )
    if view.referral is not None:
        view.referral_assessment_due = due(
            started_on=view.referral.referral_date,
            due_on=view.referral.assessment_due_on,
            today=today,
            done=any(
                a.completed_on is not None and a.referral_id == view.referral.pk
                for a in view.assessments
            ),
        )
    view.cin_plan = ChildInNeedPlan.objects.filter(person=person, ends_on__isnull=True).first()
    if view.cin_plan is not None:
        plan = view.cin_plan
        view.cin_review_due = due(
            started_on=plan.starts_on, due_on=plan.next_review_on, today=today
        )
        visit_on = next_visit_due(
            person,
            kind=Visit.Kind.CHILD_IN_NEED,
            started_on=plan.starts_on,
            key=LocalStandard.Key.CIN_VISIT_WORKING_DAYS,
            today=today,
        )
        view.cin_visit_due = due(started_on=plan.starts_on, due_on=visit_on, today=today)
    view.discussions = list(
        StrategyDiscussion.objects.filter(person=person).prefetch_related("participants")[:5]
    )
    if view.referral is not None:
        view.front_door_discussion = front_door_discussion_unused(person, view.referral)
        view.front_door_token = new_form_token()
    view.enquiries = []
    for row in Section47Enquiry.objects.filter(person=person).select_related("strategy_discussion")[
        :5
    ]:
        row.due = due(
            started_on=row.strategy_discussion.held_on,
            due_on=row.conference_due_on,
            today=today,
            done=row.completed_on is not None,
        )
        row.has_conference = ChildProtectionConference.objects.filter(enquiry=row).exists()
        view.enquiries.append(row)
    view.conferences = list(ChildProtectionConference.objects.filter(person=person)[:6])
    plans = list(ChildProtectionPlan.objects.filter(person=person))
    view.cp_plan = next((p for p in plans if p.ends_on is None), None)
    view.past_cp_plans = [p for p in plans if p.ends_on is not None]
    if view.cp_plan is not None:
        plan = view.cp_plan
        view.cp_review_due = due(started_on=plan.starts_on, due_on=plan.next_review_on, today=today)
        visit_on = next_visit_due(
            person,
            kind=Visit.Kind.CHILD_PROTECTION,
            started_on=plan.starts_on,
            key=LocalStandard.Key.CP_VISIT_WORKING_DAYS,
            today=today,
        )
        view.cp_visit_due = due(started_on=plan.starts_on, due_on=visit_on, today=today)
    view.visits = list(
        Visit.objects.filter(person=person).select_related("visited_by")[:RECENT_VISITS]
    )
    return view
