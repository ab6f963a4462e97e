"""Social care's children in need census checks, each against a case worked by hand from the
rule in csc-validator-be-cin 0.1.13. Pure: no database."""

from datetime import date

from onestory.socialcare import census_checks as checks

MARCH_2026 = date(2026, 3, 31)


def _rules(findings) -> list[str]:
    return [f.rule for f in findings]


def test_an_initial_conference_at_a_weekend_is_refused_8875():
    saturday, sunday, monday = date(2025, 11, 22), date(2025, 11, 23), date(2025, 11, 24)
    assert _rules(checks.conference_day(saturday)) == ["8875"]
    assert "Saturday 22 November 2025" in checks.conference_day(saturday)[0].message
    assert _rules(checks.conference_day(sunday)) == ["8875"]
    assert checks.conference_day(monday) == []


def test_a_protection_plan_ending_the_day_it_started_is_refused_8840():
    day = date(2025, 10, 1)
    assert _rules(checks.protection_plan_dates(starts_on=day, ends_on=day)) == ["8840"]
    assert checks.protection_plan_dates(starts_on=day, ends_on=date(2025, 10, 2)) == []
    assert checks.protection_plan_dates(starts_on=day, ends_on=None) == []


def test_a_review_on_or_before_the_plans_start_is_refused_8841():
    start = date(2025, 10, 1)
    found = checks.protection_plan_dates(
        starts_on=start,
        ends_on=None,
        review_dates=[date(2025, 9, 30), start, date(2025, 10, 2)],
    )
    assert _rules(found) == ["8841", "8841"]
    assert "30 September 2025" in found[0].message


def test_a_child_in_need_plan_ending_the_day_it_started_is_queried_4012q():
    day = date(2025, 6, 2)
    found = checks.child_in_need_plan_dates(starts_on=day, ends_on=day)
    assert _rules(found) == ["4012Q"] and found[0].kind == checks.QUERY
    assert checks.child_in_need_plan_dates(starts_on=day, ends_on=date(2025, 6, 3)) == []


def test_a_child_in_need_plan_starting_during_a_protection_plan_is_refused_4016():
    plans = [(date(2025, 5, 1), date(2025, 9, 1))]
    check = checks.child_in_need_plan_during_protection
    assert _rules(
        check(starts_on=date(2025, 5, 1), protection_plans=plans, reference_date=MARCH_2026)
    ) == ["4016"]
    # The day the protection plan ends, a child in need plan may start.
    assert (
        check(starts_on=date(2025, 9, 1), protection_plans=plans, reference_date=MARCH_2026) == []
    )
    assert (
        check(starts_on=date(2025, 4, 30), protection_plans=plans, reference_date=MARCH_2026) == []
    )
    open_plan = [(date(2025, 5, 1), None)]
    assert _rules(
        check(starts_on=date(2026, 1, 5), protection_plans=open_plan, reference_date=MARCH_2026)
    ) == ["4016"]


def test_an_assessment_starting_before_the_last_one_was_authorised_is_queried_8863q():
    others = [(date(2025, 6, 1), date(2025, 7, 10))]
    check = checks.assessment_overlap
    # On the day the other was authorised still overlaps ("on or before").
    assert _rules(
        check(started_on=date(2025, 7, 10), others=others, reference_date=MARCH_2026)
    ) == ["8863Q"]
    assert check(started_on=date(2025, 7, 11), others=others, reference_date=MARCH_2026) == []
    unfinished = [(date(2025, 6, 1), None)]
    found = check(started_on=date(2025, 8, 1), others=unfinished, reference_date=MARCH_2026)
    assert "is not yet authorised" in found[0].message


def test_a_section_47_enquiry_without_an_assessment_is_queried_2991q():
    assert _rules(checks.enquiry_without_assessment(assessments_on_episode=0)) == ["2991Q"]
    assert checks.enquiry_without_assessment(assessments_on_episode=1) == []


def test_a_section_47_enquiry_while_another_is_unfinished_is_refused_8890():
    check = checks.enquiry_overlap
    waiting = [(date(2025, 6, 1), None, False)]
    assert _rules(
        check(starts_on=date(2025, 6, 20), others=waiting, reference_date=MARCH_2026)
    ) == ["8890"]
    # The other decided no conference was needed: it is not going on.
    settled = [(date(2025, 6, 1), None, True)]
    assert check(starts_on=date(2025, 6, 20), others=settled, reference_date=MARCH_2026) == []
    # The other reached its conference on 15 June: a start after it is fine, on it is not.
    held = [(date(2025, 6, 1), date(2025, 6, 15), False)]
    assert check(starts_on=date(2025, 6, 16), others=held, reference_date=MARCH_2026) == []
    assert _rules(check(starts_on=date(2025, 6, 15), others=held, reference_date=MARCH_2026)) == [
        "8890"
    ]


def test_closed_after_assessment_with_no_assessment_is_queried_8825q():
    found = checks.episode(closure_reason="RC8", assessment_factors=[], date_of_death=None)
    assert _rules(found) == ["8825Q"]
    assert "RC8" in found[0].message
    assert checks.episode(closure_reason="RC7", assessment_factors=[], date_of_death=None) == []


def test_the_only_assessment_finding_no_factors_without_rc8_or_rc9_is_queried_8873q():
    check = checks.episode
    assert _rules(check(closure_reason="RC7", assessment_factors=[["21"]], date_of_death=None)) == [
        "8873Q"
    ]
    # An open episode counts as not closed RC8 or RC9.
    found = check(closure_reason="", assessment_factors=[["21"]], date_of_death=None)
    assert _rules(found) == ["8873Q"] and "stays open" in found[0].message
    assert check(closure_reason="RC8", assessment_factors=[["21"]], date_of_death=None) == []
    # Two assessments on the episode, or factors found: no query.
    assert check(closure_reason="RC7", assessment_factors=[["21"], []], date_of_death=None) == []
    assert check(closure_reason="RC7", assessment_factors=[["3B"]], date_of_death=None) == []


def test_closed_because_the_child_died_without_a_date_of_death_is_queried_8585q():
    check = checks.episode
    assert _rules(check(closure_reason="RC2", assessment_factors=[["3B"]], date_of_death=None)) == [
        "8585Q"
    ]
    assert (
        check(closure_reason="RC2", assessment_factors=[["3B"]], date_of_death=date(2025, 9, 9))
        == []
    )


def test_closing_with_a_section_47_enquiry_still_open_is_refused_8868():
    check = checks.episode
    waiting = [(None, False)]
    assert _rules(
        check(
            closure_reason="RC7",
            assessment_factors=[["3B"]],
            date_of_death=None,
            enquiries=waiting,
        )
    ) == ["8868"]
    # Still open: nothing to say yet. Conference held, or none needed: fine.
    assert (
        check(closure_reason="", assessment_factors=[["3B"]], date_of_death=None, enquiries=waiting)
        == []
    )
    settled = [(date(2025, 6, 15), False), (None, True)]
    assert (
        check(
            closure_reason="RC7", assessment_factors=[["3B"]], date_of_death=None, enquiries=settled
        )
        == []
    )
