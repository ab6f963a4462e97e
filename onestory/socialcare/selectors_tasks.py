"""Tasks: what each statutory clock asks of a child's worker next, worked out from the record
(never stored). Each kind of task is one query over all the children at once."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, Max, OuterRef

from onestory.core.clock import today_in_london
from onestory.people.models import Person
from onestory.people.rules import age_in_years
from onestory.workforce.rules import Role

from . import rules, selectors
from .actions.common import holidays_around
from .models import (
    Assessment,
    CareLeaver,
    CareLeaverContact,
    CarePeriod,
    CareReview,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    LocalStandard,
    MissingEpisode,
    PathwayPlan,
    Placement,
    Section47Enquiry,
    Visit,
)

# A child back from being missing is offered an independent return interview within 72 hours
# (DfE, Statutory guidance on children who run away or go missing from home or care, 2014, 3.2).
RETURN_INTERVIEW_DAYS = 3


@dataclass
class Task:
    person_id: object
    what: str
    due_on: date
    started_on: date
    rag: rules.Rag
    worker_id: object = None
    for_manager: bool = False
    person: Person | None = None

    @property
    def overdue(self) -> bool:
        return self.rag == rules.Rag.RED

    @property
    def sort_key(self):
        return (0 if self.overdue else 1, self.due_on, self.what)


def _latest_visits(person_ids, kind) -> dict:
    return dict(
        Visit.objects.filter(person_id__in=person_ids, kind=kind)
        .values("person_id")
        .annotate(last=Max("visited_on"))
        .values_list("person_id", "last")
    )


def tasks_for_children(person_ids, *, now: datetime) -> list[Task]:
    """Every task the statutory clocks set for these children, due soonest first."""
    person_ids = list(person_ids)
    if not person_ids:
        return []
    today = today_in_london(now)
    holidays = holidays_around(today)
    standards = selectors.standards_on(today)
    holders = selectors.current_case_holders(person_ids, now=now)
    tasks: list[Task] = []

    def add(pid, what, due_on, started_on, *, for_manager=False):
        tasks.append(
            Task(
                person_id=pid,
                what=what,
                due_on=due_on,
                started_on=min(started_on, due_on),
                rag=rules.due_rag(started_on=min(started_on, due_on), due_on=due_on, today=today),
                worker_id=holders[pid].worker_id if pid in holders else None,
                for_manager=for_manager,
            )
        )

    for a in Assessment.objects.filter(
        person_id__in=person_ids,
        status__in=[Assessment.Status.IN_PROGRESS, Assessment.Status.SUBMITTED],
    ):
        if a.status == Assessment.Status.SUBMITTED:
            add(a.person_id, "Authorise the assessment", a.due_on, a.started_on, for_manager=True)
        else:
            add(a.person_id, "Assessment due", a.due_on, a.started_on)

    initial = ChildProtectionConference.objects.filter(
        enquiry=OuterRef("pk"), kind=ChildProtectionConference.Kind.INITIAL
    )
    for e in (
        Section47Enquiry.objects.filter(person_id__in=person_ids, completed_on__isnull=True)
        .exclude(outcome=Section47Enquiry.Outcome.NOT_REQUIRED)
        .exclude(Exists(initial))
    ):
        add(
            e.person_id, "Initial child protection conference due", e.conference_due_on, e.starts_on
        )

    cp_visits = _latest_visits(person_ids, Visit.Kind.CHILD_PROTECTION)
    for plan in ChildProtectionPlan.objects.filter(
        person_id__in=person_ids, ends_on__isnull=True, starts_on__lte=today
    ):
        review = plan.next_review_on or rules.cp_review_due_on(
            initial_conference_on=plan.starts_on, reviews_held=[]
        )
        add(plan.person_id, "Child protection review conference due", review, plan.starts_on)
        last = cp_visits.get(plan.person_id)
        due = rules.visit_due_on(
            started_on=plan.starts_on,
            last_visit_on=last,
            working_days=standards[LocalStandard.Key.CP_VISIT_WORKING_DAYS],
            holidays=holidays,
        )
        add(
            plan.person_id,
            "Child protection visit due",
            due,
            max(plan.starts_on, last or plan.starts_on),
        )

    cin_visits = _latest_visits(person_ids, Visit.Kind.CHILD_IN_NEED)
    cin_plans = ChildInNeedPlan.objects.filter(
        person_id__in=person_ids, ends_on__isnull=True, starts_on__lte=today
    ).annotate(last_review=Max("reviews__held_on"))
    for plan in cin_plans:
        review = plan.next_review_on or rules.cin_review_due_on(
            plan_started_on=plan.starts_on,
            reviews_held=[plan.last_review] if plan.last_review else [],
            months=standards[LocalStandard.Key.CIN_REVIEW_MONTHS],
        )
        add(plan.person_id, "Child in need review due", review, plan.last_review or plan.starts_on)
        last = cin_visits.get(plan.person_id)
        due = rules.visit_due_on(
            started_on=plan.starts_on,
            last_visit_on=last,
            working_days=standards[LocalStandard.Key.CIN_VISIT_WORKING_DAYS],
            holidays=holidays,
        )
        add(
            plan.person_id,
            "Child in need visit due",
            due,
            max(plan.starts_on, last or plan.starts_on),
        )

    periods = list(
        CarePeriod.objects.filter(
            person_id__in=person_ids, ends_on__isnull=True, starts_on__lte=today
        )
    )
    reviews = defaultdict(list)
    for period_id, held_on in CareReview.objects.filter(
        period__in=[p.pk for p in periods]
    ).values_list("period_id", "held_on"):
        reviews[period_id].append(held_on)
    placements = {}
    for placement in Placement.objects.filter(
        period__in=[p.pk for p in periods], ends_on__isnull=True
    ).order_by("starts_on"):
        placements[placement.period_id] = placement
    care_visits = _latest_visits(person_ids, Visit.Kind.CHILD_IN_CARE)
    for period in periods:
        held = reviews.get(period.pk, [])
        due = rules.cla_review_due_on(
            care_started_on=period.starts_on, reviews_held=held, holidays=holidays
        )
        add(
            period.person_id, "Review of the child in care due", due, max([period.starts_on, *held])
        )
        placement = placements.get(period.pk)
        if placement is not None:
            last = care_visits.get(period.person_id)
            due = rules.cla_visit_due_on(
                placement_started_on=placement.starts_on,
                last_visit_on=last,
                long_term=placement.long_term,
            )
            started = last if last and last >= placement.starts_on else placement.starts_on
            add(period.person_id, "Statutory visit to the child in care due", due, started)

    pathway = PathwayPlan.objects.filter(
        person_id__in=person_ids, ends_on__isnull=True, starts_on__lte=today
    ).annotate(last_review=Max("reviews__held_on"))
    for plan in pathway:
        due = plan.next_review_on or rules.pathway_review_due_on(
            plan_started_on=plan.starts_on,
            reviews_held=[plan.last_review] if plan.last_review else [],
        )
        add(plan.person_id, "Pathway plan review due", due, plan.last_review or plan.starts_on)

    leavers = list(
        CareLeaver.objects.filter(person_id__in=person_ids, ended_on__isnull=True).select_related(
            "person"
        )
    )
    contacts = set(
        CareLeaverContact.objects.filter(person_id__in=[c.person_id for c in leavers]).values_list(
            "person_id", "birthday_age"
        )
    )
    for leaver in leavers:
        born = leaver.person.date_of_birth
        if born is None:
            continue
        ages = rules.LEAVING_CARE_AGES + (
            rules.LEAVING_CARE_EXTENDED_AGES if leaver.support_to_25 else ()
        )
        since = today_in_london(leaver.created_at)
        for age in ages:
            opens, closes = rules.in_touch_window(born, age)
            if opens <= today and closes >= since and (leaver.person_id, age) not in contacts:
                add(leaver.person_id, f"Contact for the {age}th birthday due", closes, opens)
                if leaver.personal_adviser_id:
                    tasks[-1].worker_id = leaver.personal_adviser_id

    for episode in MissingEpisode.objects.filter(
        person_id__in=person_ids, ended_at__isnull=False
    ).exclude(return_interview_offered=True):
        back = today_in_london(episode.ended_at)
        add(
            episode.person_id,
            "Offer a return interview",
            back + timedelta(days=RETURN_INTERVIEW_DAYS),
            back,
        )

    people = Person.objects.in_bulk({t.person_id for t in tasks})
    for task in tasks:
        task.person = people.get(task.person_id)
    tasks.sort(key=lambda t: t.sort_key)
    return tasks


def tasks_of_worker(user, *, now: datetime) -> list[Task]:
    """The tasks for the children this worker holds; a manager also sees assessments waiting
    for their authorisation in the teams they manage."""
    held = selectors.held_children([user.pk], now=now).get(user.pk, [])
    tasks = [
        t for t in tasks_for_children(held, now=now) if not t.for_manager and t.worker_id == user.pk
    ]
    if user.role == Role.TEAM_MANAGER:
        team_children = _team_children(user, now=now)
        tasks += [t for t in tasks_for_children(team_children, now=now) if t.for_manager]
        tasks.sort(key=lambda t: t.sort_key)
    return tasks


def _team_children(user, *, now) -> list:
    workers = [w.pk for w in selectors.team_workers(user)]
    held = selectors.held_children(workers, now=now)
    return list({pid for ids in held.values() for pid in ids})


@dataclass
class WorkerTasks:
    worker: object
    tasks: list

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.tasks if t.overdue)


def tasks_of_team(user, *, now: datetime, worker_id=None) -> list[WorkerTasks]:
    """The tasks of the children held in the teams this manager manages, by worker."""
    workers = list(selectors.team_workers(user))
    if worker_id is not None:
        workers = [w for w in workers if str(w.pk) == str(worker_id)]
    held = selectors.held_children([w.pk for w in workers], now=now)
    children = {pid for ids in held.values() for pid in ids}
    tasks = tasks_for_children(children, now=now)
    return [
        WorkerTasks(
            worker=w,
            tasks=[t for t in tasks if t.worker_id == w.pk],
        )
        for w in workers
    ]


def age_of(person, today: date) -> int | None:
    return age_in_years(person.date_of_birth, today) if person.date_of_birth else None
