"""Statutory clocks and measures, against examples worked out by hand on a calendar.

England and Wales bank holidays used here: Christmas Day and Boxing Day 2025, New Year's Day
2026, Good Friday 3 April and Easter Monday 6 April 2026, early May 4 May and spring 25 May
2026. No database: these rules are pure.
"""

from datetime import date

import pytest

from onestory.core.calendar import bank_holidays_between
from onestory.socialcare import rules
from onestory.socialcare.rules import CaseKind, CaseloadStatus, PlacementSpan, Rag

HOLIDAYS = bank_holidays_between(date(2025, 1, 1), date(2027, 12, 31))


def test_the_holidays_these_examples_rely_on_are_bank_holidays():
    assert {
        date(2025, 12, 25),
        date(2025, 12, 26),
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
    } <= HOLIDAYS


def test_an_assessment_is_due_45_working_days_after_the_referral_skipping_easter_and_may():
    # Referred Monday 23 March 2026: four bank holidays fall in the next nine weeks, so the
    # 45th working day is Friday 29 May rather than Monday 25 May.
    assert rules.assessment_due_on(date(2026, 3, 23), HOLIDAYS) == date(2026, 5, 29)
    assert rules.assessment_due_on(date(2026, 3, 23), frozenset()) == date(2026, 5, 25)


def test_assessment_timeliness_counts_working_days_from_referral_to_completion():
    assert rules.assessment_working_days(date(2026, 3, 23), date(2026, 5, 29), HOLIDAYS) == 45
    assert rules.assessment_working_days(date(2026, 3, 23), date(2026, 6, 1), HOLIDAYS) == 46


def test_the_initial_conference_is_due_15_working_days_after_the_strategy_discussion():
    # Wednesday 17 December 2025: Christmas, Boxing Day and New Year's Day are skipped, so
    # the 15th working day is Monday 12 January 2026.
    assert rules.initial_conference_due_on(date(2025, 12, 17), HOLIDAYS) == date(2026, 1, 12)


def test_child_protection_reviews_come_3_months_after_the_conference_then_every_6_months():
    # A month without a 31st falls back to its last day.
    first = rules.cp_review_due_on(initial_conference_on=date(2026, 8, 31), reviews_held=[])
    assert first == date(2026, 11, 30)
    later = rules.cp_review_due_on(
        initial_conference_on=date(2026, 8, 31), reviews_held=[date(2026, 11, 25)]
    )
    assert later == date(2027, 5, 25)


def test_a_child_in_care_is_reviewed_within_20_working_days_then_3_months_then_6_months():
    # Care began Tuesday 19 May 2026; the spring bank holiday (25 May) is skipped.
    started = date(2026, 5, 19)
    assert rules.cla_review_due_on(
        care_started_on=started, reviews_held=[], holidays=HOLIDAYS
    ) == date(2026, 6, 17)
    assert rules.cla_review_due_on(
        care_started_on=started, reviews_held=[date(2026, 6, 15)], holidays=HOLIDAYS
    ) == date(2026, 9, 15)
    assert rules.cla_review_due_on(
        care_started_on=started,
        reviews_held=[date(2026, 6, 15), date(2026, 9, 10)],
        holidays=HOLIDAYS,
    ) == date(2027, 3, 10)


def test_reviews_from_an_earlier_period_of_care_do_not_count():
    assert rules.cla_review_due_on(
        care_started_on=date(2026, 5, 19), reviews_held=[date(2025, 1, 10)], holidays=HOLIDAYS
    ) == date(2026, 6, 17)


@pytest.mark.parametrize(
    ("placement_started_on", "last_visit_on", "long_term", "due"),
    [
        # The first visit is within a week of the placement starting.
        (date(2026, 6, 1), None, False, date(2026, 6, 8)),
        # A visit before this placement began does not count.
        (date(2026, 6, 1), date(2026, 5, 20), True, date(2026, 6, 8)),
        # Then no more than 6 weeks apart in the placement's first year ...
        (date(2026, 6, 1), date(2026, 6, 5), False, date(2026, 7, 17)),
        (date(2025, 6, 1), date(2026, 5, 20), True, date(2026, 7, 1)),
        # ... and after it, 3 months for a placement meant to last until 18, else 6 weeks.
        (date(2025, 6, 1), date(2026, 6, 10), True, date(2026, 9, 10)),
        (date(2025, 6, 1), date(2026, 6, 10), False, date(2026, 7, 22)),
    ],
)
def test_visits_to_a_child_in_care_follow_regulation_28(
    placement_started_on, last_visit_on, long_term, due
):
    assert (
        rules.cla_visit_due_on(
            placement_started_on=placement_started_on,
            last_visit_on=last_visit_on,
            long_term=long_term,
        )
        == due
    )


def test_a_working_day_visiting_standard_counts_from_the_last_visit_over_christmas():
    # Ten working days from Friday 19 December 2025: 22-24, 29-31 Dec, 2, 5, 6, 7 Jan.
    assert rules.visit_due_on(
        started_on=date(2025, 11, 1),
        last_visit_on=date(2025, 12, 19),
        working_days=10,
        holidays=HOLIDAYS,
    ) == date(2026, 1, 7)
    # No visit yet: counted from the start of the plan.
    assert rules.visit_due_on(
        started_on=date(2026, 3, 27), last_visit_on=None, working_days=10, holidays=HOLIDAYS
    ) == date(2026, 4, 14)


def test_pathway_plans_and_child_in_need_plans_are_reviewed_from_the_latest_review():
    assert rules.pathway_review_due_on(plan_started_on=date(2026, 1, 31), reviews_held=[]) == date(
        2026, 7, 31
    )
    assert rules.cin_review_due_on(
        plan_started_on=date(2026, 1, 31), reviews_held=[date(2026, 4, 28)], months=3
    ) == date(2026, 7, 28)


def test_a_care_leavers_birthday_contact_counts_from_3_months_before_to_1_month_after():
    assert rules.in_touch_window(date(2008, 5, 31), 19) == (date(2027, 2, 28), date(2027, 6, 30))


@pytest.mark.parametrize(
    ("age_on_day", "in_care_now", "weeks", "left_care_on", "category"),
    [
        (17, True, 20, None, "eligible"),
        (17, True, 10, None, None),
        (17, False, 20, date(2025, 9, 1), "relevant"),
        (17, False, 10, date(2025, 9, 1), "qualifying"),
        (19, False, 30, date(2024, 9, 1), "former_relevant"),
        (15, True, 40, None, None),
    ],
)
def test_the_leaving_care_duty_owed_follows_age_and_time_in_care(
    age_on_day, in_care_now, weeks, left_care_on, category
):
    born = date(2026 - age_on_day, 3, 1)
    assert (
        rules.leaving_care_category(
            born=born,
            today=date(2026, 6, 1),
            in_care_now=in_care_now,
            weeks_in_care_since_14=weeks,
            left_care_on=left_care_on,
        )
        == category
    )


def test_placement_distance_is_straight_line_miles_to_a_tenth():
    # 3 km east and 4 km north: 5,000 metres is 3.107 miles.
    assert rules.placement_distance_miles((500000, 220000), (503000, 224000)) == 3.1
    assert rules.placement_distance_miles((500000, 220000), (500000, 220000)) == 0.0


def test_placements_in_the_year_leave_out_temporary_moves_and_earlier_placements():
    year_end = date(2026, 3, 31)
    spans = [
        PlacementSpan(date(2024, 1, 1), date(2025, 3, 31), "U6"),  # ended before the year
        PlacementSpan(date(2025, 1, 1), date(2025, 6, 1), "U6"),
        PlacementSpan(date(2025, 6, 1), date(2025, 6, 5), "T4"),  # temporary: not counted
        PlacementSpan(date(2025, 6, 5), date(2025, 12, 1), "K2"),
        PlacementSpan(date(2025, 12, 1), None, "U4"),
    ]
    assert rules.placements_in_year(spans, year_end=year_end) == 3


def test_long_term_stability_applies_to_under_16s_in_care_two_and_a_half_years():
    on = date(2026, 3, 31)
    settled = PlacementSpan(date(2023, 6, 1), None, "U4")
    recent = PlacementSpan(date(2025, 1, 1), None, "U4")
    adoption = PlacementSpan(date(2026, 1, 1), None, "A5")
    kwargs = {"born": date(2015, 1, 1), "care_started_on": date(2022, 1, 1), "on": on}
    assert rules.long_term_stable(placement=settled, **kwargs) is True
    assert rules.long_term_stable(placement=recent, **kwargs) is False
    assert rules.long_term_stable(placement=adoption, **kwargs) is True
    # In care under 2.5 years, or 16 and over: the measure does not apply.
    assert (
        rules.long_term_stable(
            born=date(2015, 1, 1), care_started_on=date(2024, 1, 1), placement=settled, on=on
        )
        is None
    )
    assert (
        rules.long_term_stable(
            born=date(2009, 1, 1), care_started_on=date(2020, 1, 1), placement=settled, on=on
        )
        is None
    )


@pytest.mark.parametrize(
    ("first", "legal", "placement", "same_carer", "reason"),
    [
        (True, False, False, False, "S"),
        (False, True, False, False, "L"),
        (False, False, True, False, "P"),
        (False, True, True, False, "B"),
        (False, False, True, True, "T"),
        (False, True, True, True, "U"),
    ],
)
def test_the_reason_for_a_new_episode_follows_what_changed(
    first, legal, placement, same_carer, reason
):
    assert (
        rules.new_episode_reason(
            first=first, legal_changed=legal, placement_changed=placement, same_carer=same_carer
        )
        == reason
    )


def test_social_workers_in_the_last_12_months_count_each_worker_once():
    spans = [
        ("ann", date(2024, 1, 1), date(2025, 11, 30)),  # ended before the window
        ("bob", date(2025, 11, 30), date(2026, 3, 1)),
        ("cat", date(2026, 3, 1), date(2026, 5, 1)),
        ("bob", date(2026, 5, 1), None),
    ]
    assert (
        rules.social_workers_in(
            spans, window_start=date(2025, 12, 1), window_end=date(2026, 11, 30)
        )
        == 2
    )
    assert (
        rules.social_workers_in(
            spans, window_start=date(2025, 11, 30), window_end=date(2026, 11, 30)
        )
        == 3
    )


def test_weighted_caseloads_warn_before_the_limit_and_flag_over_it():
    weights = {CaseKind.CHILD_PROTECTION: 1.5, CaseKind.CHILD_IN_NEED: 1.0}
    kinds = [CaseKind.CHILD_PROTECTION] * 10 + [CaseKind.CHILD_IN_NEED] * 4
    assert rules.weighted_caseload(kinds, weights) == 19.0
    assert rules.caseload_status(19.0, 18.0) == CaseloadStatus.OVER
    assert rules.caseload_status(18.0, 18.0) == CaseloadStatus.NEAR
    assert rules.caseload_status(16.2, 18.0) == CaseloadStatus.NEAR
    assert rules.caseload_status(16.0, 18.0) == CaseloadStatus.WITHIN
    # A kind the council has not weighted counts as one case.
    assert rules.weighted_caseload([CaseKind.CARE_LEAVER], weights) == 1.0


def test_a_childs_case_is_the_heaviest_thing_it_is_today():
    kind = rules.case_kind
    assert (
        kind(care_leaver=True, in_care=True, on_protection_plan=True, on_child_in_need_plan=True)
        == CaseKind.CHILD_IN_CARE
    )
    assert (
        kind(care_leaver=False, in_care=False, on_protection_plan=True, on_child_in_need_plan=True)
        == CaseKind.CHILD_PROTECTION
    )
    assert (
        kind(care_leaver=True, in_care=False, on_protection_plan=False, on_child_in_need_plan=False)
        == CaseKind.CARE_LEAVER
    )
    assert (
        kind(
            care_leaver=False, in_care=False, on_protection_plan=False, on_child_in_need_plan=False
        )
        == CaseKind.ASSESSMENT
    )


@pytest.mark.parametrize(
    ("today", "rag"),
    [
        (date(2026, 1, 20), Rag.GREEN),
        (date(2026, 1, 24), Rag.AMBER),  # 7 of 30 days left: the last quarter
        (date(2026, 1, 31), Rag.AMBER),  # due today
        (date(2026, 2, 1), Rag.RED),
    ],
)
def test_a_due_date_turns_amber_in_its_last_quarter_and_red_once_passed(today, rag):
    assert rules.due_rag(started_on=date(2026, 1, 1), due_on=date(2026, 1, 31), today=today) == rag


def test_date_order_problems_name_each_broken_rule_and_ignore_unknown_dates():
    problems = rules.order_problems(
        [
            ("ends_on", date(2026, 5, 3), date(2026, 5, 1), "The plan cannot end before it began."),
            ("held_on", date(2026, 5, 3), None, "unused"),
            ("review_on", date(2026, 5, 3), date(2026, 5, 3), "unused"),
        ]
    )
    assert problems == {"ends_on": "The plan cannot end before it began."}
