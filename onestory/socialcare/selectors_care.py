"""Reads for children in care, care leavers and homeless 16-17 year olds.

Every read starts from a child the worker has already opened (access_person_by_id); rows asked
for by id must belong to that child, else the same 404 as a child they cannot open.
"""

from dataclasses import dataclass, field
from datetime import date

from django.http import Http404

from . import reference, rules
from .actions.care_events import review_due_on
from .actions.leaving_care import birthday_ages, nth
from .models import (
    CareLeaver,
    CareLeaverContact,
    CarePeriod,
    HealthCheck,
    HomelessAssessment,
    MissingEpisode,
    PathwayPlan,
    Placement,
    UnaccompaniedChild,
    Visit,
)

NOT_FOUND = "No page found"


def _of(model, pk, **filters):
    row = model.objects.filter(pk=pk, **filters).first()
    if row is None:
        raise Http404(NOT_FOUND)
    return row


def period_of(person, period_id) -> CarePeriod:
    return _of(CarePeriod, period_id, person=person)


def placement_of(person, placement_id) -> Placement:
    return _of(Placement, placement_id, person=person)


def plan_of(person, plan_id) -> PathwayPlan:
    return _of(PathwayPlan, plan_id, person=person)


def homeless_of(person, assessment_id) -> HomelessAssessment:
    return _of(HomelessAssessment, assessment_id, person=person)


def current_period(person) -> CarePeriod | None:
    return CarePeriod.objects.filter(person=person, ends_on__isnull=True).first()


def current_placement(period: CarePeriod | None) -> Placement | None:
    if period is None:
        return None
    return period.placements.filter(ends_on__isnull=True).order_by("-starts_on").first()


@dataclass
class Due:
    on: date
    rag: str


@dataclass
class BirthdayRow:
    age: int
    label: str
    opens: date
    closes: date
    contact: CareLeaverContact | None
    # The window closed while the young person was still in care: no contact was owed.
    in_care_then: bool = False


@dataclass
class CareRecord:
    periods: list
    current: CarePeriod | None = None
    legal_status: object = None
    placement: Placement | None = None
    placements: list = field(default_factory=list)
    review_due: Due | None = None
    visit_due: Due | None = None
    last_visit_on: date | None = None
    placements_in_year: int = 0
    unstable: bool = False
    long_term_stable: bool | None = None
    missing: list = field(default_factory=list)
    health: list = field(default_factory=list)
    unaccompanied: UnaccompaniedChild | None = None
    care_leaver: CareLeaver | None = None
    plan: PathwayPlan | None = None
    plan_review_due: Due | None = None
    birthdays: list = field(default_factory=list)
    homeless: list = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.periods or self.care_leaver or self.homeless or self.unaccompanied)


def _due(started_on: date, due_on: date, today: date) -> Due:
    return Due(on=due_on, rag=str(rules.due_rag(started_on=started_on, due_on=due_on, today=today)))


def care_record(person, *, today: date) -> CareRecord:
    """Everything the child's page shows about care, leaving care and homelessness."""
    periods = list(
        CarePeriod.objects.filter(person=person).prefetch_related(
            "legal_statuses", "placements", "reviews"
        )
    )
    record = CareRecord(periods=periods)
    record.current = next((p for p in periods if p.ends_on is None), None)
    all_placements = [pl for p in periods for pl in p.placements.all()]
    record.placements = sorted(all_placements, key=lambda p: p.starts_on, reverse=True)
    spans = [rules.PlacementSpan(p.starts_on, p.ends_on, p.place) for p in all_placements]
    record.placements_in_year = rules.placements_in_year(spans, year_end=today)
    record.unstable = record.placements_in_year >= rules.UNSTABLE_PLACEMENTS_IN_YEAR
    period = record.current
    if period is not None:
        statuses = [s for s in period.legal_statuses.all() if s.ends_on is None]
        record.legal_status = statuses[-1] if statuses else None
        placement = current_placement(period)
        record.placement = placement
        held = [r.held_on for r in period.reviews.all()]
        due = review_due_on(period)
        record.review_due = _due(max([period.starts_on, *held]), due, today)
        if placement is not None:
            last = (
                Visit.objects.filter(person=person, kind=Visit.Kind.CHILD_IN_CARE)
                .order_by("-visited_on")
                .values_list("visited_on", flat=True)
                .first()
            )
            record.last_visit_on = last
            visit_due = rules.cla_visit_due_on(
                placement_started_on=placement.starts_on,
                last_visit_on=last,
                long_term=placement.long_term,
            )
            started = last if last and last >= placement.starts_on else placement.starts_on
            record.visit_due = _due(started, visit_due, today)
            if person.date_of_birth:
                record.long_term_stable = rules.long_term_stable(
                    born=person.date_of_birth,
                    care_started_on=period.starts_on,
                    placement=rules.PlacementSpan(
                        placement.starts_on, placement.ends_on, placement.place
                    ),
                    on=today,
                )
    record.missing = list(MissingEpisode.objects.filter(person=person)[:10])
    record.health = list(HealthCheck.objects.filter(person=person)[:10])
    record.unaccompanied = UnaccompaniedChild.objects.filter(person=person).first()
    record.care_leaver = (
        CareLeaver.objects.filter(person=person).select_related("personal_adviser").first()
    )
    record.plan = PathwayPlan.objects.filter(person=person).prefetch_related("reviews").first()
    if record.plan and record.plan.ends_on is None and record.plan.next_review_on:
        reviews = [r.held_on for r in record.plan.reviews.all()]
        record.plan_review_due = _due(
            max([record.plan.starts_on, *reviews]), record.plan.next_review_on, today
        )
    if record.care_leaver and person.date_of_birth:
        contacts = {c.birthday_age: c for c in CareLeaverContact.objects.filter(person=person)}
        ended = [p.ends_on for p in periods if p.ends_on is not None]
        left_on = None if record.current or not ended else max(ended)
        for age in birthday_ages(record.care_leaver):
            opens, closes = rules.in_touch_window(person.date_of_birth, age)
            in_care_then = closes < today and (
                record.current is not None or (left_on is not None and closes < left_on)
            )
            record.birthdays.append(
                BirthdayRow(
                    age, f"{nth(age)} birthday", opens, closes, contacts.get(age), in_care_then
                )
            )
    record.homeless = list(HomelessAssessment.objects.filter(person=person))
    return record


def legal_status_label(code: str) -> str:
    return reference.LEGAL_STATUSES.get(code, code)
