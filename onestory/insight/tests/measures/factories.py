"""Small case loads for the measures' tests: rows made directly, as the actions would leave them,
so each test builds only the few records it is about."""

from datetime import date, datetime, time
from decimal import Decimal
from itertools import count

from onestory.core.clock import LONDON
from onestory.core.rules import add_months
from onestory.frontdoor.models import Contact, ContactPerson, Referral
from onestory.insight.measures import BY_ID, compute
from onestory.insight.measures.base import Context
from onestory.insight.models import PopulationEstimate
from onestory.insight.rules import Period
from onestory.people.tests.factories import PersonFactory
from onestory.socialcare.models import (
    Assessment,
    CareLeaverContact,
    CarePeriod,
    ChildProtectionConference,
    ChildProtectionPlan,
    LegalStatus,
    Placement,
    Section47Enquiry,
    StrategyDiscussion,
)
from onestory.workforce.tests.factories import WorkerFactory

_numbers = count(1)
YEAR_2023 = Period(date(2022, 4, 1), date(2023, 3, 31))


def result(measure_id: str, period: Period = YEAR_2023):
    (found,) = compute(period, [measure_id])
    return found


def children(measure_id: str, period: Period = YEAR_2023, part=None) -> set:
    """The ids of the children the measure lists for the period (or one part of it), checking
    that each child is listed once."""
    listed = list(BY_ID[measure_id].children(Context(period), part))
    assert len(listed) == len(set(listed)), "a child is listed more than once"
    return set(listed)


def worker():
    return WorkerFactory()


def london(day: date, at: time = time(10, 0)) -> datetime:
    return datetime.combine(day, at, tzinfo=LONDON)


def contact(by, *, received_at: datetime, channel: str = "online", children=()) -> Contact:
    made = Contact.objects.create(
        reference=f"C{next(_numbers):07d}",
        received_at=received_at,
        channel=channel,
        recorded_by=by,
        referrer_name="A teacher",
        referrer_contact="01632 960000",
        referral_source="2A",
        what_happened="Worried about the child's attendance.",
        consent="given",
        due_at=received_at,
    )
    for position, child in enumerate(children):
        ContactPerson.objects.create(
            contact=made, role=ContactPerson.Role.CHILD, person=child, position=position
        )
    return made


def referral(by, *, on: date, child=None, contact_=None, closed_on=None, nfa=False) -> Referral:
    child = child or PersonFactory()
    contact_ = contact_ or contact(by, received_at=london(on), children=[child])
    return Referral.objects.create(
        contact=contact_,
        person=child,
        referral_date=on,
        source="2A",
        primary_need="N1",
        assessment_due_on=on,
        closed_on=closed_on,
        closure_reason="RC8" if closed_on else "",
        no_further_action=nfa,
    )


def merged(person):
    """Mark `person` as merged into a new record (the record the merge kept)."""
    person.merged_into = PersonFactory()
    person.save(update_fields=["merged_into"])
    return person


def assessment(by, ref: Referral, *, authorised_on=None, factors=(), started_on=None):
    return Assessment.objects.create(
        referral=ref,
        person=ref.person,
        worker=by,
        started_on=started_on or ref.referral_date,
        due_on=ref.referral_date,
        status=Assessment.Status.AUTHORISED if authorised_on else Assessment.Status.IN_PROGRESS,
        factors=list(factors),
        completed_on=authorised_on,
        authorised_on=authorised_on,
    )


def strategy(by, ref: Referral, *, held_on: date) -> StrategyDiscussion:
    return StrategyDiscussion.objects.create(
        referral=ref,
        person=ref.person,
        held_on=held_on,
        summary="Agreed to enquire.",
        outcome=StrategyDiscussion.Outcome.SECTION_47,
        recorded_by=by,
    )


def enquiry(by, discussion: StrategyDiscussion, *, starts_on=None) -> Section47Enquiry:
    return Section47Enquiry.objects.create(
        referral=discussion.referral,
        person=discussion.person,
        strategy_discussion=discussion,
        worker=by,
        starts_on=starts_on or discussion.held_on,
        conference_due_on=discussion.held_on,
    )


def conference(
    by, ref: Referral, *, held_on: date, kind="initial", enquiry_=None, plan=None, category=""
):
    return ChildProtectionConference.objects.create(
        referral=ref,
        person=ref.person,
        kind=kind,
        enquiry=enquiry_,
        plan=plan,
        due_on=held_on,
        held_on=held_on,
        decision="plan" if kind == "initial" else "continue",
        category=category,
        recorded_by=by,
    )


def cp_plan(
    ref: Referral, *, starts_on: date, ends_on=None, category="NEG", latest=None, previous_plans=0
):
    return ChildProtectionPlan.objects.create(
        referral=ref,
        person=ref.person,
        starts_on=starts_on,
        ends_on=ends_on,
        initial_category=category,
        latest_category=latest or category,
        previous_plans=previous_plans,
    )


def care_period(child, *, starts_on: date, ends_on=None, status="C2", ref=None) -> CarePeriod:
    period = CarePeriod.objects.create(
        person=child, referral=ref, starts_on=starts_on, ends_on=ends_on, category_of_need="N1"
    )
    LegalStatus.objects.create(period=period, status=status, starts_on=starts_on)
    return period


def placement(
    period: CarePeriod, *, starts_on=None, ends_on=None, place="U6", miles="5.0", **fields
):
    return Placement.objects.create(
        period=period,
        person=period.person,
        place=place,
        provider="" if place in {"T0", "T1", "T2", "T3", "T4"} else "PR1",
        starts_on=starts_on or period.starts_on,
        ends_on=ends_on,
        distance_miles=None if miles is None else Decimal(miles),
        **fields,
    )


def care_leaver_contact(
    by, child, *, age: int, in_touch="YES", activity="F2", accommodation="U", suitable=True
):
    birthday = add_months(child.date_of_birth, 12 * age)
    return CareLeaverContact.objects.create(
        person=child,
        birthday_age=age,
        contact_on=birthday,
        in_touch=in_touch,
        activity=activity,
        accommodation=accommodation,
        accommodation_suitable=suitable,
        recorded_by=by,
    )


def population(children: int, *, year: int = 2022) -> PopulationEstimate:
    return PopulationEstimate.objects.create(
        year=year, children=children, source="Synthetic test estimate"
    )
