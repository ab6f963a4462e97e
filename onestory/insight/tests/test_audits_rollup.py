"""The roll-up of case audits by team, on a hand-made example whose sums are worked out here."""

from datetime import date, datetime, time

import pytest

from onestory.core.clock import LONDON
from onestory.insight import selectors_audits as selectors
from onestory.insight.rules import Period
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

from .factories_audits import case_audit, template

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2025, 4, 1), date(2026, 3, 31))


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), LONDON)


@pytest.fixture
def example():
    """East: good, outstanding, inadequate completed in the period; one completed before it;
    one waiting past its due date; one waiting, not yet due on the last day.
    West: one requires improvement; one due in March but completed after the period (overdue
    on the last day); one completed late on 31 March (London time, in the period)."""
    template()
    east, west = TeamFactory(name="East"), TeamFactory(name="West")
    auditor = worker_with_role("manager")
    made = _at(date(2025, 3, 1))

    def audit(team, **fields):
        return case_audit(
            person=PersonFactory(), team=team, auditor=auditor, created_at=made, **fields
        )

    audit(
        east,
        due_on=date(2025, 6, 1),
        completed_at=_at(date(2025, 5, 20)),
        overall_grade="good",
        themes=["voice_of_child", "timeliness"],
    )
    audit(
        east,
        due_on=date(2025, 9, 1),
        completed_at=_at(date(2025, 8, 2)),
        overall_grade="outstanding",
        themes=["voice_of_child"],
    )
    audit(
        east,
        due_on=date(2026, 1, 1),
        completed_at=_at(date(2025, 12, 24)),
        overall_grade="inadequate",
        themes=["drift_and_delay", "timeliness"],
    )
    audit(
        east,
        due_on=date(2025, 3, 20),
        completed_at=_at(date(2025, 3, 18)),
        overall_grade="inadequate",
        themes=["recording"],
    )
    audit(east, due_on=date(2026, 2, 1))
    audit(east, due_on=date(2026, 4, 30))
    audit(
        west,
        due_on=date(2025, 10, 1),
        completed_at=_at(date(2025, 9, 30)),
        overall_grade="requires_improvement",
        themes=["plan_quality"],
    )
    audit(
        west,
        due_on=date(2026, 3, 15),
        completed_at=_at(date(2026, 4, 2)),
        overall_grade="good",
        themes=["plan_quality"],
    )
    audit(
        west,
        due_on=date(2026, 3, 30),
        completed_at=_at(date(2026, 3, 31), hour=23),
        overall_grade="good",
        themes=[],
    )
    return east, west


def test_audits_roll_up_by_team_with_grades_share_good_or_better_themes_and_overdue(example):
    east, west = selectors.rollup(PERIOD)

    assert east.team == "East"
    assert east.completed == 3
    assert east.grades == {"outstanding": 1, "good": 1, "requires_improvement": 0, "inadequate": 1}
    assert east.good_or_better == pytest.approx(2 / 3)
    assert east.top_themes == ["Voice of the child", "Timeliness", "Drift and delay"]
    assert east.overdue == 1

    assert west.team == "West"
    assert west.completed == 2
    assert west.grades == {"outstanding": 0, "good": 1, "requires_improvement": 1, "inadequate": 0}
    assert west.good_or_better == 0.5
    assert west.top_themes == ["Quality of the plan"]
    assert west.overdue == 1


def test_the_total_adds_every_team_up(example):
    total = selectors.rollup_total(PERIOD)

    assert total.team == "All teams"
    assert total.completed == 5
    assert total.grades == {
        "outstanding": 1,
        "good": 2,
        "requires_improvement": 1,
        "inadequate": 1,
    }
    assert total.good_or_better == 0.6
    assert total.overdue == 2


def test_a_period_with_no_audits_rolls_up_to_nothing_not_zeros(example):
    assert selectors.rollup(Period(date(2020, 4, 1), date(2021, 3, 31))) == []
    empty = selectors.rollup_total(Period(date(2020, 4, 1), date(2021, 3, 31)))
    assert empty.completed == 0
    assert empty.good_or_better is None


def test_audits_overdue_on_an_earlier_day_count_as_they_stood_then(example):
    # On 31 January 2026 nothing was overdue in West (its March audits were not yet due) and
    # East's February audit was not yet due either.
    rows = selectors.rollup(Period(date(2025, 2, 1), date(2026, 1, 31)))
    assert [(r.team, r.overdue) for r in rows] == [("East", 0), ("West", 0)]
    assert [r.completed for r in rows] == [4, 1]
    assert rows[0].grades["inadequate"] == 2
