"""Early help measures: assessments and who led them, the needs found, episodes open and
closed, step ups and step downs, for the year to 31 March 2023."""

from datetime import UTC, date, datetime
from itertools import count

import pytest

from onestory.core.clock import LONDON
from onestory.earlyhelp.models import (
    Assessment,
    AssessmentFactor,
    Episode,
    EpisodeMember,
    LeadProfessional,
)
from onestory.earlyhelp.rules import Closure
from onestory.frontdoor.models import ContactPerson, Referral
from onestory.insight.measures import BY_ID, compute
from onestory.insight.measures.base import NO_DATA, ZERO_DENOMINATOR, Context
from onestory.insight.rules import Period
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.models import Agency, Team
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import AgencyFactory, TeamFactory, WorkerFactory

from .factories import contact

pytestmark = pytest.mark.django_db

YEAR = Period.year_ending(date(2023, 3, 31))
_references = count(1)


def london(y, m, d, hour=12, minute=0):
    return datetime(y, m, d, hour, minute, tzinfo=LONDON)


@pytest.fixture
def team():
    return TeamFactory(kind=Team.Kind.EARLY_HELP)


@pytest.fixture
def practitioner(team):
    return WorkerFactory(role=Role.EARLY_HELP, team=team)


def lead_from(kind: str, name: str):
    """A partner's practitioner (a council early help worker for kind "council")."""
    agency = AgencyFactory(name=name, kind=kind)
    team = TeamFactory(agency=agency, kind=Team.Kind.PARTNER)
    return WorkerFactory(role=Role.PARTNER, team=team)


def episode(
    worker,
    *,
    opened,
    closed=None,
    reason="",
    source=Episode.Source.FRONT_DOOR,
    children=1,
    adults=1,
    step_up_contact=None,
):
    """An episode led by `worker` since it opened, with its children and adults."""
    row = Episode.objects.create(
        reference=f"EH-T{next(_references)}",
        source=source,
        team=worker.team,
        lead_professional=worker,
        opened_at=opened,
        opened_by=worker,
        status=Episode.Status.CLOSED if closed else Episode.Status.OPEN,
        closed_at=closed,
        closed_by=worker if closed else None,
        closure_reason=reason,
        step_up_contact=step_up_contact,
    )
    LeadProfessional.objects.create(
        episode=row, worker=worker, agency=worker.agency, started_at=opened, changed_by=worker
    )
    for _ in range(children):
        EpisodeMember.objects.create(
            episode=row, person=PersonFactory(), role=EpisodeMember.Role.CHILD
        )
    for _ in range(adults):
        EpisodeMember.objects.create(
            episode=row,
            person=PersonFactory(date_of_birth=date(1985, 1, 1)),
            role=EpisodeMember.Role.ADULT,
        )
    return row


def assess(row, *, completed=None, needs=(), **factors):
    """An assessment of the episode, complete when `completed` is given, with `needs` present
    and other factors as given (code=presence)."""
    worker = row.lead_professional
    assessment = Assessment.objects.create(
        episode=row,
        status=Assessment.Status.COMPLETE if completed else Assessment.Status.DRAFT,
        started_at=row.opened_at,
        started_by=worker,
        last_saved_at=completed or row.opened_at,
        last_saved_by=worker,
        completed_at=completed,
        completed_by=worker if completed else None,
        family_agreed=bool(completed),
    )
    for code, presence in {**dict.fromkeys(needs, "yes"), **factors}.items():
        AssessmentFactor.objects.create(assessment=assessment, code=code, presence=presence)
    return assessment


def children_in(row):
    return set(
        row.members.filter(role=EpisodeMember.Role.CHILD).values_list("person_id", flat=True)
    )


def result(measure_id, period=YEAR):
    return compute(period, [measure_id])[0]


def listed(measure_id, part=None, period=YEAR):
    return set(BY_ID[measure_id].children(Context(period), part))


def test_assessments_count_those_completed_in_the_periods_london_days(practitioner):
    year = episode(practitioner, opened=london(2022, 1, 10))
    # 23:30 UTC on 31 March 2022 is half past midnight on 1 April in London (summer time).
    assess(year, completed=datetime(2022, 3, 31, 23, 30, tzinfo=UTC))
    assess(episode(practitioner, opened=london(2022, 5, 1)), completed=london(2023, 3, 31, 23))
    assess(episode(practitioner, opened=london(2022, 5, 1)))  # a draft
    late = episode(practitioner, opened=london(2023, 3, 1))
    assess(late, completed=datetime(2023, 4, 1, 0, 30, tzinfo=LONDON))

    found = result("early_help_assessments")

    assert found.value == 2
    assert listed("early_help_assessments") == children_in(year) | children_in(
        Episode.objects.get(assessments__completed_at=london(2023, 3, 31, 23))
    )


def test_assessments_are_broken_down_by_the_lead_professionals_agency_when_completed(
    practitioner,
):
    council = episode(practitioner, opened=london(2022, 6, 1))
    assess(council, completed=london(2022, 7, 1))
    # Handed to a school after the assessment: it still counts as the council's.
    school = lead_from(Agency.Kind.SCHOOL, "Synthetic Academy")
    LeadProfessional.objects.create(
        episode=council,
        worker=school,
        agency=school.agency,
        started_at=london(2022, 8, 1),
        changed_by=practitioner,
    )
    police = episode(lead_from(Agency.Kind.POLICE, "Synthetic Police"), opened=london(2022, 6, 1))
    assess(police, completed=london(2022, 9, 1))
    assess(
        episode(lead_from(Agency.Kind.POLICE, "Synthetic Police"), opened=london(2022, 6, 1)),
        completed=london(2022, 10, 1),
    )

    everyone = result("early_help_assessments")
    partners = result("early_help_assessments_by_partners")

    assert everyone.value == 3
    parts = {p.key: (p.numerator, p.value) for p in everyone.parts}
    assert parts == {"council": (1, pytest.approx(1 / 3)), "police": (2, pytest.approx(2 / 3))}
    assert everyone.note == "Led by professionals from 2 agencies."
    assert (partners.value, partners.numerator, partners.denominator) == (2, 2, 3)
    assert partners.note == "Led by professionals from 1 agency."
    assert listed("early_help_assessments_by_partners", "police") >= children_in(police)
    assert not listed("early_help_assessments_by_partners") & children_in(council)


def test_needs_are_shares_of_the_assessments_that_found_them(practitioner):
    first = episode(practitioner, opened=london(2022, 6, 1))
    assess(
        first,
        completed=london(2022, 7, 1),
        needs=("domestic_abuse", "housing"),
        wellbeing="yes",  # a strength, not a need
        bullying="not_known",
    )
    second = episode(practitioner, opened=london(2022, 6, 1))
    assess(second, completed=london(2022, 8, 1), needs=("domestic_abuse",), housing="no")

    found = result("early_help_needs")

    parts = {p.key: (p.numerator, p.value) for p in found.parts}
    assert found.value == 2
    assert parts["domestic_abuse"] == (2, 1.0)
    assert parts["housing"] == (1, 0.5)
    assert parts["bullying"] == (0, 0.0)
    assert "wellbeing" not in parts
    assert listed("early_help_needs", "housing") == children_in(first)


def test_episodes_open_on_the_last_day_leave_out_those_closed_that_day(practitioner):
    open_one = episode(practitioner, opened=london(2022, 1, 5), children=2)
    step_down = episode(practitioner, opened=london(2023, 3, 31, 9), source="step_down")
    episode(
        practitioner,
        opened=london(2022, 1, 5),
        closed=london(2023, 3, 31, 17),
        reason=Closure.NEEDS_MET,
    )
    episode(practitioner, opened=london(2023, 4, 1, 9))
    # Closed the next morning: still open at the end of 31 March.
    next_day = episode(
        practitioner, opened=london(2022, 1, 5), closed=london(2023, 4, 1, 9), reason="declined"
    )
    assess(open_one, completed=london(2022, 2, 1))

    found = result("early_help_episodes_open")

    assert found.value == 3
    parts = {p.key: p.numerator for p in found.parts}
    assert parts == {"front_door": 2, "step_down": 1, "agency": 0}
    assert found.note == "4 children in these families."
    assert listed("early_help_episodes_open", "step_down") == children_in(step_down)
    assert listed("early_help_episodes_open") == (
        children_in(open_one) | children_in(step_down) | children_in(next_day)
    )


def test_outcomes_break_the_periods_closures_down_by_reason(practitioner):
    opened = london(2022, 1, 5)
    for reason in ("needs_met", "needs_met", "stepped_up", "declined"):
        episode(practitioner, opened=opened, closed=london(2022, 11, 1), reason=reason)
    moved = episode(
        practitioner, opened=opened, closed=london(2023, 3, 31, 22), reason="moved_away"
    )
    episode(practitioner, opened=opened, closed=london(2022, 3, 31, 22), reason="needs_met")
    assess(moved, completed=london(2022, 2, 1))

    found = result("early_help_outcomes")

    assert found.value == 5
    parts = {p.key: (p.numerator, p.value) for p in found.parts}
    assert parts == {
        "needs_met": (2, 0.4),
        "stepped_up": (1, 0.2),
        "stepped_down": (0, 0.0),
        "declined": (1, 0.2),
        "moved_away": (1, 0.2),
    }
    assert listed("early_help_outcomes", "moved_away") == children_in(moved)


def test_step_ups_are_a_share_of_closures_and_say_which_became_referrals(practitioner):
    referred = contact(practitioner, received_at=london(2022, 9, 1), channel="step_up")
    Referral.objects.create(
        contact=referred,
        person=PersonFactory(),
        referral_date=date(2022, 9, 2),
        source="5A",
        primary_need="N1",
        assessment_due_on=date(2022, 11, 4),
    )
    waiting = contact(practitioner, received_at=london(2022, 10, 1), channel="step_up")
    up = episode(
        practitioner,
        opened=london(2022, 1, 5),
        closed=london(2022, 9, 1),
        reason="stepped_up",
        step_up_contact=referred,
    )
    episode(
        practitioner,
        opened=london(2022, 1, 5),
        closed=london(2022, 10, 1),
        reason="stepped_up",
        step_up_contact=waiting,
    )
    for _ in range(2):
        episode(
            practitioner, opened=london(2022, 1, 5), closed=london(2022, 8, 1), reason="needs_met"
        )
    assess(up, completed=london(2022, 2, 1))

    found = result("early_help_step_ups")

    assert (found.numerator, found.denominator, found.value) == (2, 4, 0.5)
    parts = {p.key: (p.numerator, p.value) for p in found.parts}
    assert parts == {"referred": (1, 0.5), "not_referred": (1, 0.5)}
    assert listed("early_help_step_ups", "referred") == children_in(up)


def test_step_ups_with_no_closures_say_the_denominator_is_zero(practitioner):
    assess(episode(practitioner, opened=london(2022, 1, 5)), completed=london(2022, 2, 1))

    found = result("early_help_step_ups")

    assert found.value is None
    assert found.note == ZERO_DENOMINATOR


def test_a_period_before_the_first_early_help_assessment_has_no_data(practitioner):
    assess(episode(practitioner, opened=london(2023, 5, 1)), completed=london(2023, 6, 1))

    found = result("early_help_assessments")

    assert found.value is None
    assert found.note == NO_DATA


def test_step_downs_count_each_child_once_across_both_routes(practitioner):
    def referral(person, *, closed_on, reason):
        return Referral.objects.create(
            contact=contact(practitioner, received_at=london(2022, 1, 3)),
            person=person,
            referral_date=date(2022, 1, 4),
            source="1A",
            primary_need="N1",
            assessment_due_on=date(2022, 3, 8),
            closed_on=closed_on,
            closure_reason=reason,
        )

    both, handed, assessed, merged = (PersonFactory() for _ in range(4))
    merged.merged_into = both
    merged.save()
    referral(both, closed_on=date(2022, 5, 3), reason="RC9")
    referral(assessed, closed_on=date(2023, 3, 31), reason="RC9")
    referral(PersonFactory(), closed_on=date(2022, 3, 31), reason="RC9")  # before the year
    referral(PersonFactory(), closed_on=date(2022, 6, 1), reason="RC8")
    referral(merged, closed_on=date(2022, 6, 1), reason="RC9")
    step_down = contact(practitioner, received_at=london(2022, 6, 1), channel="step_down")
    for position, (person, role) in enumerate(
        [(both, "child"), (handed, "child"), (PersonFactory(), "parent")]
    ):
        ContactPerson.objects.create(contact=step_down, person=person, role=role, position=position)

    found = result("early_help_step_downs")

    assert found.value == 3
    parts = {p.key: p.numerator for p in found.parts}
    assert parts == {"after_assessment": 2, "handed_over": 2}
    assert listed("early_help_step_downs") == {both.pk, handed.pk, assessed.pk}
    assert listed("early_help_step_downs", "handed_over") == {both.pk, handed.pk}
