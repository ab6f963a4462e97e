"""Workforce: caseloads per worker and team on a day, the average caseload, agency staff and
children in need with three or more social workers, against hand-counted examples."""

from datetime import date, datetime, time
from itertools import count

import pytest

from onestory.access.tests.factories import AllocationFactory
from onestory.core.clock import LONDON
from onestory.frontdoor.models import Contact, Referral
from onestory.insight.measures import BY_ID, compute
from onestory.insight.measures.base import ZERO_DENOMINATOR, Context
from onestory.insight.measures.workforce import band
from onestory.insight.rules import Period
from onestory.insight.workforce import caseloads
from onestory.people.tests.factories import PersonFactory
from onestory.socialcare.rules import ALLOCATION_PURPOSES, CaseKind
from onestory.workforce.models import Team
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, WorkerFactory

DAY = date(2023, 3, 31)
YEAR = Period.year_ending(DAY)
ASSESSMENT = ALLOCATION_PURPOSES[CaseKind.ASSESSMENT]
CHILD_IN_NEED = ALLOCATION_PURPOSES[CaseKind.CHILD_IN_NEED]
CARE_LEAVER = ALLOCATION_PURPOSES[CaseKind.CARE_LEAVER]
_references = count(1)


def london(day, hour=12):
    return datetime.combine(day, time(hour), LONDON)


def allocate(person, worker, *, purpose=CHILD_IN_NEED, starts=date(2022, 1, 10), ends=None):
    return AllocationFactory(
        person=person,
        worker=worker,
        team=worker.team if worker else None,
        purpose=purpose,
        starts_at=london(starts),
        ends_at=london(ends) if ends else None,
    )


@pytest.fixture
def town(db):
    """Two social work teams, hand-counted at the end of 31 March 2023:

    West: Ada holds 3 children (two as social worker, one care leaver as personal adviser),
    Ben (agency staff) holds 1, one of them also Ada's; Cleo holds none. North: Dev holds 3.
    Allocations that ended during 31 March, start on 1 April, are early help's, are to a team
    only, or are of a merged record do not count.
    """
    west = TeamFactory(name="Social Work West", kind=Team.Kind.SOCIAL_WORK)
    north = TeamFactory(name="Social Work North", kind=Team.Kind.SOCIAL_WORK)
    ada = WorkerFactory(first_name="Ada", last_name="Ames", team=west)
    ben = WorkerFactory(first_name="Ben", last_name="Bell", team=west, is_agency_staff=True)
    cleo = WorkerFactory(first_name="Cleo", last_name="Cole", team=west)
    dev = WorkerFactory(first_name="Dev", last_name="Dunn", team=north)
    shared = PersonFactory()
    allocate(shared, ada)
    allocate(shared, ben, purpose=ASSESSMENT)
    allocate(PersonFactory(), ada)
    allocate(PersonFactory(date_of_birth=date(2004, 5, 1)), ada, purpose=CARE_LEAVER)
    for _ in range(3):
        allocate(PersonFactory(), dev)
    allocate(PersonFactory(), cleo, ends=DAY)
    allocate(PersonFactory(), cleo, starts=date(2023, 4, 1))
    allocate(PersonFactory(), cleo, purpose="Lead professional (early help)")
    AllocationFactory(
        person=PersonFactory(), worker=None, team=west, purpose=CHILD_IN_NEED, starts_at=london(DAY)
    )
    merged = PersonFactory(merged_into=shared)
    allocate(merged, cleo)
    WorkerFactory(first_name="Eve", role=Role.EARLY_HELP, team=TeamFactory(kind="earlyhelp"))
    return {"west": west, "north": north, "ada": ada, "ben": ben, "cleo": cleo, "dev": dev}


def test_caseloads_count_each_workers_children_at_the_end_of_the_day(town):
    teams = caseloads(DAY)

    assert [t.team for t in teams] == ["Social Work North", "Social Work West"]
    north, west = teams
    assert [(w.name, w.children, w.is_agency_staff) for w in west.workers] == [
        ("Ada Ames", 3, False),
        ("Ben Bell", 1, True),
        ("Cleo Cole", 0, False),
    ]
    assert (west.team_id, west.children, west.average, west.agency_workers) == (
        town["west"].pk,
        3,
        2.0,
        1,
    )
    assert (north.children, north.average, north.agency_workers) == (3, 3.0, 0)
    assert [w.worker_id for w in north.workers] == [town["dev"].pk]


def test_the_average_caseload_is_over_workers_holding_a_child_by_team(town):
    found = compute(YEAR, ["caseload_per_social_worker"])[0]

    assert (found.numerator, found.denominator) == (7, 3)
    assert found.value == pytest.approx(7 / 3)
    parts = {p.label: (p.numerator, p.denominator, p.value) for p in found.parts}
    assert parts == {"Social Work North": (3, 1, 3.0), "Social Work West": (4, 2, 2.0)}


def test_agency_staff_are_a_share_of_workers_holding_a_child(town):
    found = compute(YEAR, ["agency_social_workers"])[0]

    assert (found.numerator, found.denominator) == (1, 3)
    assert found.value == pytest.approx(1 / 3)
    parts = {p.label: p.value for p in found.parts}
    assert parts == {"Social Work North": 0.0, "Social Work West": 0.5}


@pytest.mark.django_db
def test_with_nobody_holding_a_child_the_average_says_the_denominator_is_zero():
    allocate(PersonFactory(), WorkerFactory(), purpose="Lead professional (early help)")

    found = compute(YEAR, ["caseload_per_social_worker", "agency_social_workers"])

    assert [(r.value, r.note) for r in found] == [(None, ZERO_DENOMINATOR)] * 2


def in_need(worker, person=None, *, closed_on=None):
    """A child with a children in need episode open since 5 January 2022 (unless closed)."""
    person = person or PersonFactory()
    received = london(date(2022, 1, 4))
    contact = Contact.objects.create(
        reference=f"C-W{next(_references)}",
        received_at=received,
        channel=Contact.Channel.PHONE,
        recorded_by=worker,
        referrer_name="A health visitor",
        referrer_contact="01632 960000",
        referral_source="3A",
        what_happened="A worry about the family.",
        consent="given",
        due_at=received,
    )
    Referral.objects.create(
        contact=contact,
        person=person,
        referral_date=date(2022, 1, 5),
        source="3A",
        primary_need="N1",
        assessment_due_on=date(2022, 3, 8),
        closed_on=closed_on,
    )
    return person


@pytest.mark.django_db
def test_children_in_need_with_three_or_more_social_workers_in_the_period():
    first, second, third, fourth = (WorkerFactory() for _ in range(4))
    unstable = in_need(first)
    allocate(unstable, first, starts=date(2022, 1, 5), ends=date(2022, 3, 31))  # before
    allocate(unstable, second, starts=date(2022, 3, 31), ends=date(2022, 4, 1))  # the first day
    allocate(unstable, third, starts=date(2022, 4, 1), ends=date(2022, 9, 1))
    allocate(unstable, fourth, starts=date(2022, 9, 1))
    two = in_need(first)
    allocate(two, first, starts=date(2022, 1, 5), ends=date(2022, 6, 1))
    allocate(two, second, starts=date(2022, 6, 1))
    allocate(two, third, purpose=CARE_LEAVER, starts=date(2022, 7, 1))  # not a social worker
    allocate(two, fourth, starts=date(2023, 4, 1))  # after the period
    waiting = in_need(first)
    closed = in_need(first, closed_on=date(2023, 3, 1))
    for worker in (first, second, third):
        allocate(closed, worker, starts=date(2022, 6, 1))

    found = compute(YEAR, ["social_worker_changes_3_plus"])[0]

    assert (found.numerator, found.denominator) == (1, 3)
    parts = {p.key: p.numerator for p in found.parts}
    assert parts == {"none": 1, "one": 0, "two": 1, "three_or_more": 1}
    context = Context(YEAR)
    children = BY_ID["social_worker_changes_3_plus"].children
    assert set(children(context, None)) == {unstable.pk}
    assert set(children(context, "none")) == {waiting.pk}


def test_a_childs_number_of_social_workers_falls_in_one_band():
    assert [band(n) for n in (0, 1, 2, 3, 7)] == [
        "none",
        "one",
        "two",
        "three_or_more",
        "three_or_more",
    ]
