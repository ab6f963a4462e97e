"""Children in need: open episodes on the last day, their rate, and the assessments completed in
the period (how many, how many on time, and the factors they found)."""

from datetime import date

import pytest

from onestory.insight.measures.base import NO_DATA, ZERO_DENOMINATOR
from onestory.insight.rules import Period

from .factories import assessment, children, merged, population, referral, result, worker

pytestmark = pytest.mark.django_db


def test_an_episode_closed_on_the_last_day_is_not_open():
    by = worker()
    still_open = referral(by, on=date(2022, 1, 10))
    referral(by, on=date(2022, 1, 10), closed_on=date(2023, 3, 31))
    closed_after = referral(by, on=date(2022, 1, 10), closed_on=date(2023, 4, 1))
    referral(by, on=date(2023, 4, 1))

    assert result("children_in_need").value == 2
    assert children("children_in_need") == {still_open.person_id, closed_after.person_id}


def test_the_rate_per_10000_says_where_the_population_came_from():
    by = worker()
    for _ in range(3):
        referral(by, on=date(2022, 5, 1))
    population(1_000)

    rate = result("cin_rate_per_10000")

    assert rate.value == 30
    assert "Synthetic test estimate" in rate.note


def test_assessments_completed_are_those_authorised_in_the_period():
    by = worker()
    ref = referral(by, on=date(2022, 3, 1))
    assessment(by, ref, authorised_on=date(2022, 4, 1))
    assessment(by, referral(by, on=date(2023, 3, 1)), authorised_on=date(2023, 4, 1))
    assessment(by, referral(by, on=date(2023, 3, 1)))  # still in progress
    gone = referral(by, on=date(2022, 6, 1))
    assessment(by, gone, authorised_on=date(2022, 7, 1))
    merged(gone.person)

    assert result("assessments_completed").value == 1
    assert children("assessments_completed") == {ref.person_id}


def test_45_working_days_do_not_count_christmas_bank_holidays():
    by = worker()
    # 45 working days from Thursday 1 December 2022 is Tuesday 7 February 2023: 26 and 27
    # December and 2 January were bank holidays (without them it would be 2 February).
    on_time = referral(by, on=date(2022, 12, 1))
    assessment(by, on_time, authorised_on=date(2023, 2, 7))
    late = referral(by, on=date(2022, 12, 1))
    assessment(by, late, authorised_on=date(2023, 2, 8))
    same_day = referral(by, on=date(2022, 12, 1))
    assessment(by, same_day, authorised_on=date(2022, 12, 1))

    timely = result("assessments_within_45_days")

    assert (timely.numerator, timely.denominator) == (2, 3)
    assert children("assessments_within_45_days", part="numerator") == {
        on_time.person_id,
        same_day.person_id,
    }


def test_factors_are_shares_of_the_assessments_that_recorded_factors():
    by = worker()
    both = referral(by, on=date(2022, 5, 1))
    assessment(by, both, authorised_on=date(2022, 6, 1), factors=["3B", "4B"])
    assessment(
        by, referral(by, on=date(2022, 5, 1)), authorised_on=date(2022, 6, 1), factors=["3B"]
    )
    # "No factors identified" with a factor is reported as the factor alone (census rule 8869).
    assessment(
        by, referral(by, on=date(2022, 5, 1)), authorised_on=date(2022, 6, 1), factors=["21", "17A"]
    )
    assessment(
        by, referral(by, on=date(2022, 5, 1)), authorised_on=date(2022, 6, 1), factors=["21"]
    )
    assessment(by, referral(by, on=date(2022, 5, 1)), authorised_on=date(2022, 6, 1))  # none

    factors = result("factors_at_assessment")

    assert factors.value == 4
    shares = {p.key: (p.numerator, p.value) for p in factors.parts}
    assert shares == {"3B": (2, 0.5), "4B": (1, 0.25), "17A": (1, 0.25), "21": (1, 0.25)}
    assert children("factors_at_assessment", part="4B") == {both.person_id}


def test_assessment_measures_before_any_assessment_have_no_data():
    by = worker()
    assessment(by, referral(by, on=date(2023, 5, 1)))
    before = Period(date(2022, 4, 1), date(2023, 3, 31))

    assert result("assessments_completed", before).note == NO_DATA
    assert result("assessments_within_45_days", before).value is None


def test_no_assessment_completed_in_the_period_gives_no_share():
    by = worker()
    assessment(by, referral(by, on=date(2022, 5, 1)))  # started, never authorised

    timely = result("assessments_within_45_days")

    assert (timely.value, timely.note) == (None, ZERO_DENOMINATOR)
    assert result("factors_at_assessment").value == 0
