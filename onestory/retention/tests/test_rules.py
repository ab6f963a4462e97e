"""The disposal dates, checked against a second computation that counts days, not years."""

from datetime import date, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from onestory.retention import rules
from onestory.retention.rules import CouncilRule, Facts, RecordClass, Trigger

births = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))
leap_days = (
    st.integers(min_value=1900, max_value=2030)
    .filter(rules.is_leap_year)
    .map(lambda year: date(year, 2, 29))
)
any_birth = st.one_of(births, leap_days)


def anniversary(day: date, years: int) -> date:
    """The independent reckoning: the last day of the same month that is not after the same
    day of the month, found by walking back from the first of the next month."""
    year = day.year + years
    first_of_next = date(year + (day.month == 12), day.month % 12 + 1, 1)
    last = first_of_next - timedelta(days=1)
    return last if day.day > last.day else date(year, day.month, day.day)


@given(any_birth, st.integers(min_value=0, max_value=120))
@example(date(2000, 2, 29), 75)
@example(date(2000, 2, 29), 100)
def test_n_years_after_a_day_is_its_anniversary_or_28_february(day, years):
    assert rules.add_years(day, years) == anniversary(day, years)


def test_a_29_february_birthday_falls_on_28_february_in_a_common_year():
    assert rules.add_years(date(2008, 2, 29), 75) == date(2083, 2, 28)
    assert rules.add_years(date(2008, 2, 29), 76) == date(2084, 2, 29)


@given(any_birth, st.one_of(st.none(), st.integers(min_value=0, max_value=110 * 365)))
def test_a_care_record_is_kept_to_the_75th_birthday_or_15_years_after_a_death_before_18(
    born, died_after_days
):
    died = born + timedelta(days=died_after_days) if died_after_days is not None else None
    eighteenth = anniversary(born, 18)
    if died is not None and died < eighteenth:
        expected = anniversary(died, 15)
    else:
        expected = anniversary(born, 75)
    got = rules.disposal_date(
        RecordClass.CHILD_LOOKED_AFTER, Facts(date_of_birth=born, date_of_death=died), None
    )
    assert got == expected


def test_a_death_on_the_18th_birthday_is_not_a_death_before_18():
    born = date(2000, 6, 1)
    facts = Facts(date_of_birth=born, date_of_death=date(2018, 6, 1))
    assert rules.disposal_date(RecordClass.CHILD_LOOKED_AFTER, facts, None) == date(2075, 6, 1)
    facts = Facts(date_of_birth=born, date_of_death=date(2018, 5, 31))
    assert rules.disposal_date(RecordClass.CHILD_LOOKED_AFTER, facts, None) == date(2033, 5, 31)


def test_a_care_record_without_a_date_of_birth_has_no_disposal_date():
    assert rules.disposal_date(RecordClass.CHILD_LOOKED_AFTER, Facts(), None) is None


@given(any_birth)
def test_an_adoption_record_is_kept_100_years_from_the_order(order):
    got = rules.disposal_date(RecordClass.ADOPTION, Facts(adoption_order_on=order), None)
    assert got == anniversary(order, 100)


@given(any_birth, st.integers(min_value=1, max_value=rules.MOST_YEARS))
def test_a_council_rule_counts_from_its_trigger(day, years):
    by_closure = CouncilRule(Trigger.CLOSURE, years)
    by_birth = CouncilRule(Trigger.BIRTHDAY, years)
    facts = Facts(closed_on=day, date_of_birth=date(1990, 1, 1))
    assert rules.disposal_date(RecordClass.EARLY_HELP, facts, by_closure) == anniversary(day, years)
    assert rules.disposal_date(RecordClass.CHILD_IN_NEED, facts, by_birth) == date(
        1990 + years, 1, 1
    )


def test_an_open_case_has_no_disposal_date():
    rule = CouncilRule(Trigger.CLOSURE, 6)
    assert rules.disposal_date(RecordClass.EARLY_HELP, Facts(), rule) is None


def test_a_record_is_due_on_its_disposal_date_not_before():
    assert rules.is_due(date(2026, 3, 1), date(2026, 3, 1))
    assert not rules.is_due(date(2026, 3, 1), date(2026, 2, 28))
    assert not rules.is_due(None, date(2026, 3, 1))
