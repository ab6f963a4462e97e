"""Child protection: enquiries, initial conferences on time, children on plans by category,
plans started and second or later plans."""

from datetime import UTC, date, datetime

import pytest

from onestory.insight.measures.base import ZERO_DENOMINATOR
from onestory.insight.rules import Period
from onestory.returns import cin_census

from .factories import (
    children,
    conference,
    cp_plan,
    enquiry,
    merged,
    population,
    referral,
    result,
    strategy,
    worker,
)
from .returns_figures import census_rows

pytestmark = pytest.mark.django_db
YEAR_2024 = Period(date(2023, 4, 1), date(2024, 3, 31))


def test_section_47_enquiries_started_in_the_period():
    by = worker()
    ref = referral(by, on=date(2022, 3, 1))
    enquiry(by, strategy(by, ref, held_on=date(2022, 3, 31)))
    enquiry(by, strategy(by, ref, held_on=date(2022, 4, 1)))
    enquiry(by, strategy(by, ref, held_on=date(2023, 3, 31)))
    enquiry(by, strategy(by, ref, held_on=date(2023, 4, 1)))

    assert result("section47_enquiries").value == 2


def test_15_working_days_from_the_strategy_discussion_skip_easter():
    by = worker()
    # 15 working days from Friday 31 March 2023 is Tuesday 25 April: Good Friday (7 April) and
    # Easter Monday (10 April) are bank holidays (without them it would be 21 April).
    on_time = referral(by, on=date(2023, 3, 30))
    first = enquiry(by, strategy(by, on_time, held_on=date(2023, 3, 31)))
    conference(by, on_time, held_on=date(2023, 4, 25), enquiry_=first)
    late = referral(by, on=date(2023, 3, 30))
    second = enquiry(by, strategy(by, late, held_on=date(2023, 3, 31)))
    conference(by, late, held_on=date(2023, 4, 26), enquiry_=second)
    # A conference recorded without its enquiry cannot be timed.
    conference(by, referral(by, on=date(2023, 5, 1)), held_on=date(2023, 5, 10))

    timely = result("icpc_within_15_days", YEAR_2024)

    assert (timely.numerator, timely.denominator) == (1, 2)
    assert children("icpc_within_15_days", YEAR_2024, part="numerator") == {on_time.person_id}


def test_only_an_enquirys_first_initial_conference_is_timed():
    by = worker()
    ref = referral(by, on=date(2023, 5, 1))
    found = enquiry(by, strategy(by, ref, held_on=date(2023, 5, 2)))
    conference(by, ref, held_on=date(2023, 6, 30), enquiry_=found)  # late
    conference(by, ref, held_on=date(2023, 7, 3), enquiry_=found)  # adjourned, reconvened

    assert result("icpc_within_15_days", YEAR_2024).denominator == 1


def test_children_on_a_plan_by_their_category_on_the_last_day():
    by = worker()
    changed = referral(by, on=date(2022, 1, 1))
    plan = cp_plan(changed, starts_on=date(2022, 1, 10), category="NEG", latest="PHY")
    conference(by, changed, kind="review", plan=plan, held_on=date(2023, 2, 1), category="EMO")
    # A review after the last day changed the plan, not what it was on the day.
    conference(by, changed, kind="review", plan=plan, held_on=date(2023, 5, 1), category="PHY")
    reviewed_later = referral(by, on=date(2022, 6, 1))
    plan = cp_plan(reviewed_later, starts_on=date(2022, 6, 1), category="SAB", latest="MUL")
    conference(
        by, reviewed_later, kind="review", plan=plan, held_on=date(2023, 9, 1), category="MUL"
    )
    # No review recorded a category (imported): the plan's own latest category.
    imported = referral(by, on=date(2022, 6, 1))
    cp_plan(imported, starts_on=date(2022, 6, 1), category="NEG", latest="EMO")
    cp_plan(
        referral(by, on=date(2022, 6, 1)), starts_on=date(2022, 7, 1), ends_on=date(2023, 3, 31)
    )
    cp_plan(referral(by, on=date(2023, 4, 1)), starts_on=date(2023, 4, 1))

    plans = result("cp_plans")

    assert plans.value == 3
    assert {p.key: (p.numerator, p.value) for p in plans.parts} == {
        "EMO": (2, 2 / 3),
        "SAB": (1, 1 / 3),
    }
    assert children("cp_plans", part="SAB") == {reviewed_later.person_id}
    assert children("cp_plans") == {changed.person_id, reviewed_later.person_id, imported.person_id}


def test_a_child_with_two_plans_open_counts_once():
    by = worker()
    ref = referral(by, on=date(2022, 1, 1))
    cp_plan(ref, starts_on=date(2022, 1, 10))
    cp_plan(ref, starts_on=date(2022, 9, 1), category="EMO")
    merged_ref = referral(by, on=date(2022, 1, 1))
    cp_plan(merged_ref, starts_on=date(2022, 1, 10))
    merged(merged_ref.person)
    population(2_000)

    plans = result("cp_plans")

    assert plans.value == 1
    assert [p.key for p in plans.parts] == ["EMO"]
    assert result("cp_rate_per_10000").value == 5


def test_a_second_plan_is_second_whether_the_record_or_the_return_says_so():
    by = worker()
    again = referral(by, on=date(2020, 1, 1))
    cp_plan(again, starts_on=date(2020, 2, 1), ends_on=date(2021, 2, 1))
    cp_plan(again, starts_on=date(2022, 9, 1))
    cp_plan(referral(by, on=date(2022, 5, 1)), starts_on=date(2022, 5, 20), previous_plans=1)
    cp_plan(referral(by, on=date(2022, 5, 1)), starts_on=date(2022, 5, 20))
    cp_plan(referral(by, on=date(2022, 5, 1)), starts_on=date(2023, 4, 1))

    assert result("cp_plans_started").value == 3
    later = result("cp_second_or_later")
    assert (later.numerator, later.denominator) == (2, 3)
    assert again.person_id in children("cp_second_or_later", part="numerator")


def test_no_plan_started_in_the_period_gives_no_share():
    by = worker()
    cp_plan(referral(by, on=date(2021, 5, 1)), starts_on=date(2021, 5, 2))

    assert result("cp_second_or_later").note == ZERO_DENOMINATOR


def test_a_plans_category_on_31_march_is_the_same_in_the_census_and_the_measure(tmp_path):
    by = worker()
    ref = referral(by, on=date(2026, 3, 2))
    plan = cp_plan(ref, starts_on=date(2026, 3, 10), category="EMO", latest="NEG")
    conference(by, ref, kind="review", plan=plan, held_on=date(2026, 6, 10), category="NEG")
    out = tmp_path / "cin2026.xml"

    cin_census.export(year=2026, out=out, now=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))

    [row] = census_rows(out)
    measured = result("cp_plans", Period(date(2025, 4, 1), date(2026, 3, 31)))
    assert [p.key for p in measured.parts] == ["EMO"]
    assert row["plans"][0]["latest"] == "EMO"
