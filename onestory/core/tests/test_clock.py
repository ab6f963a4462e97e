"""London days as stored times: midnight in London, in summer and winter alike."""

from datetime import UTC, date, datetime

from onestory.core.clock import london_days, start_of_day


def test_a_summer_day_starts_at_eleven_the_evening_before_in_utc():
    assert start_of_day(date(2023, 6, 1)) == datetime(2023, 5, 31, 23, 0, tzinfo=UTC)


def test_days_run_from_the_first_midnight_to_the_midnight_after_the_last():
    start, after = london_days(date(2022, 1, 1), date(2023, 3, 31))

    assert start == datetime(2022, 1, 1, 0, 0, tzinfo=UTC)  # Greenwich Mean Time
    assert after == datetime(2023, 3, 31, 23, 0, tzinfo=UTC)  # summer time from 26 March
