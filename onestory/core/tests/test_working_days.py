"""The working-day clock: weekends, bank holidays (one-off ones too) and the clocks changing.

No database: these rules are pure.
"""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from onestory.core.calendar import bank_holidays, bank_holidays_between
from onestory.core.rules import (
    LONDON,
    Rag,
    add_months,
    add_working_days,
    due_after_working_days,
    is_working_day,
    rag_status,
    working_days_between,
)

HOLIDAYS = bank_holidays_between(date(2022, 1, 1), date(2027, 12, 31))


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_a_contact_on_a_monday_morning_is_due_on_tuesday_morning():
    assert due_after_working_days(london(2026, 11, 16, 10, 30), 1, HOLIDAYS) == london(
        2026, 11, 17, 10, 30
    )


def test_a_contact_on_a_friday_afternoon_is_due_on_monday_afternoon():
    assert due_after_working_days(london(2026, 11, 20, 16, 0), 1, HOLIDAYS) == london(
        2026, 11, 23, 16, 0
    )


def test_a_contact_at_the_weekend_is_due_by_the_end_of_monday():
    assert due_after_working_days(london(2026, 11, 21, 11, 0), 1, HOLIDAYS) == london(
        2026, 11, 24, 0, 0
    )


def test_christmas_and_boxing_day_observed_are_skipped():
    # Christmas Eve 2026 is a Thursday; 25 December (Friday) and 28 December (Monday, Boxing
    # Day observed) are bank holidays.
    assert due_after_working_days(london(2026, 12, 24, 9, 0), 1, HOLIDAYS) == london(
        2026, 12, 29, 9, 0
    )


def test_one_off_bank_holidays_are_skipped():
    # The State Funeral (19 September 2022) and the Coronation (8 May 2023) were one-off.
    assert not is_working_day(date(2022, 9, 19), HOLIDAYS)
    assert due_after_working_days(london(2022, 9, 16, 12, 0), 1, HOLIDAYS) == london(
        2022, 9, 20, 12, 0
    )
    assert date(2023, 5, 8) in bank_holidays(2023)


def test_the_clock_keeps_london_time_when_the_clocks_go_forward():
    # Friday 27 March 2026 10:00 GMT; the clocks go forward on Sunday 29 March.
    received = london(2026, 3, 27, 10, 0)
    due = due_after_working_days(received, 1, HOLIDAYS)
    assert due == london(2026, 3, 30, 10, 0)
    assert due.astimezone(UTC).hour == 9  # 10:00 BST
    assert received.astimezone(UTC).hour == 10  # 10:00 GMT


def test_the_clock_keeps_london_time_when_the_clocks_go_back():
    received = london(2026, 10, 23, 15, 0)  # BST; the clocks go back on Sunday 25 October
    due = due_after_working_days(received, 1, HOLIDAYS)
    assert due.astimezone(LONDON).hour == 15
    assert due.astimezone(UTC).hour == 15  # 15:00 GMT


def test_a_utc_time_is_read_as_its_london_date():
    # 23:30 UTC on Sunday 31 May 2026 is 00:30 BST on Monday 1 June, a working day.
    received = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    assert due_after_working_days(received, 1, HOLIDAYS) == london(2026, 6, 2, 0, 30)


def test_forty_five_working_days_for_an_assessment_skip_weekends_and_holidays():
    # From Monday 2 November 2026: 38 working days to Thursday 24 December; Friday 25 and
    # Monday 28 December are bank holidays; 29-31 December make 41; Friday 1 January is a bank
    # holiday; Monday 4 to Thursday 7 January make 45.
    assert add_working_days(date(2026, 11, 2), 45, HOLIDAYS) == date(2027, 1, 7)


def test_working_days_between_counts_only_working_days():
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29), HOLIDAYS) == 1
    assert working_days_between(date(2026, 12, 29), date(2026, 12, 24), HOLIDAYS) == 0


@given(
    st.dates(min_value=date(2022, 1, 1), max_value=date(2027, 6, 30)),
    st.integers(min_value=0, max_value=60),
)
def test_adding_working_days_lands_on_a_working_day_that_many_days_on(start, count):
    end = add_working_days(start, count, HOLIDAYS)
    assert working_days_between(start, end, HOLIDAYS) == count
    if count:
        assert is_working_day(end, HOLIDAYS)


@given(st.datetimes(min_value=datetime(2022, 1, 1), max_value=datetime(2027, 6, 30)))
def test_a_decision_is_never_due_before_the_contact_or_more_than_five_days_later(moment):
    received = moment.replace(tzinfo=UTC)
    due = due_after_working_days(received, 1, HOLIDAYS)
    assert received < due <= received + timedelta(days=6)


def test_the_queue_colour_turns_amber_in_the_last_quarter_and_red_when_overdue():
    start, due = london(2026, 11, 16, 9, 0), london(2026, 11, 17, 9, 0)
    assert rag_status(started_at=start, due_at=due, now=london(2026, 11, 16, 12, 0)) == Rag.GREEN
    assert rag_status(started_at=start, due_at=due, now=london(2026, 11, 17, 4, 0)) == Rag.AMBER
    assert rag_status(started_at=start, due_at=due, now=due) == Rag.RED


def test_adding_months_keeps_the_day_or_falls_back_to_the_months_last_day():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 23), 3) == date(2027, 2, 23)
