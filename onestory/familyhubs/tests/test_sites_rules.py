"""The pure rules of sites and sessions: opening times, age ranges, weeks and weekly series."""

from datetime import date

from onestory.familyhubs import rules_sites


def test_times_are_read_however_people_type_them():
    assert rules_sites.normalise_time("9:00") == "09:00"
    assert rules_sites.normalise_time("0930") == "09:30"
    assert rules_sites.normalise_time("17.15") == "17:15"
    assert rules_sites.normalise_time("25:00") is None
    assert rules_sites.normalise_time("noon") is None


def test_a_day_with_one_time_missing_says_which_and_how_to_fix_it():
    problems = rules_sites.opening_times_problems({1: ("09:00", "")})
    assert problems == {
        1: "Enter the time the site closes on Tuesday, like 09:00, or leave both of Tuesday's "
        "times blank if it is closed."
    }


def test_a_site_must_close_after_it_opens():
    assert rules_sites.opening_times_problems({0: ("17:00", "09:00")}) == {
        0: "On Monday the site must close after it opens."
    }
    assert rules_sites.opening_times_problems({0: ("9:00", "1730"), 6: ("", "")}) == {}


def test_opening_times_are_stored_per_open_day_and_shown_as_a_week():
    stored = rules_sites.opening_times_from(
        {0: ("9:00", "17:00"), 2: ("", ""), 5: ("10:00", "12:00")}
    )
    assert stored == [
        {"day": 0, "opens": "09:00", "closes": "17:00"},
        {"day": 5, "opens": "10:00", "closes": "12:00"},
    ]
    week = rules_sites.opening_week(stored)
    assert week[0] == ("Monday", "09:00 to 17:00")
    assert week[2] == ("Wednesday", None)
    assert len(week) == 7


def test_age_ranges_read_as_people_say_them():
    assert rules_sites.age_range_label(None, None) == "Any age"
    assert rules_sites.age_range_label(0, 59) == "0 to 4 years"
    assert rules_sites.age_range_label(0, 11) == "0 to 11 months"
    assert rules_sites.age_range_label(24, 47) == "2 to 3 years"
    assert rules_sites.age_range_label(6, None) == "From 6 months"


def test_the_oldest_age_cannot_be_below_the_youngest():
    assert rules_sites.age_range_problem(24, 12)
    assert rules_sites.age_range_problem(12, 12) is None
    assert rules_sites.age_range_problem(None, 12) is None


def test_a_week_starts_on_monday():
    assert rules_sites.week_of(date(2025, 5, 29)) == date(2025, 5, 26)
    assert rules_sites.week_of(date(2025, 5, 26)) == date(2025, 5, 26)


def test_a_weekly_series_skips_bank_holidays_without_running_longer():
    # Mondays from 19 May 2025 for 4 weeks; 26 May is the spring bank holiday.
    days, skipped = rules_sites.series_dates(
        date(2025, 5, 19), 4, bank_holidays={date(2025, 5, 26)}
    )
    assert days == [date(2025, 5, 19), date(2025, 6, 2), date(2025, 6, 9)]
    assert skipped == [date(2025, 5, 26)]


def test_a_childs_age_in_months_turns_on_the_day_of_the_month_they_were_born():
    assert rules_sites.months_old(date(2024, 3, 15), date(2025, 3, 14)) == 11
    assert rules_sites.months_old(date(2024, 3, 15), date(2025, 3, 15)) == 12
    # Born on the 31st: a month old on the last day of a shorter month.
    assert rules_sites.months_old(date(2025, 1, 31), date(2025, 2, 28)) == 1
    assert rules_sites.months_old(date(2025, 1, 31), date(2025, 2, 27)) == 0


def test_an_activitys_age_range_includes_both_ends_and_a_blank_end_is_open():
    assert rules_sites.within_ages(0, 0, 11) and rules_sites.within_ages(11, 0, 11)
    assert not rules_sites.within_ages(12, 0, 11)
    assert not rules_sites.within_ages(23, 24, None) and rules_sites.within_ages(200, 24, None)
    assert rules_sites.within_ages(200, None, None)


def test_the_refusal_says_the_activitys_ages_and_how_old_each_child_is():
    message = rules_sites.outside_ages_message(
        "Baby massage", 0, 11, [("Amy Smith", 30), ("Ben Smith", 13)]
    )
    assert message.startswith("Baby massage is for children aged 0 to 11 months")
    assert "Amy Smith is 2 years old; Ben Smith is 13 months old" in message
    assert "nobody has been booked" in message
    assert "aged up to 11 months" in rules_sites.outside_ages_message("Baby club", None, 11, [])
