"""The front door's children in need census checks, each against a case worked by hand from the
rule in csc-validator-be-cin 0.1.13. Pure: no database."""

from datetime import date

from onestory.frontdoor import census_checks as checks


def _rules(findings) -> list[str]:
    return [f.rule for f in findings]


def test_the_collection_year_is_named_by_the_31_march_it_ends_on():
    assert checks.collection_year_of(date(2026, 3, 31)) == 2026
    assert checks.collection_year_of(date(2026, 4, 1)) == 2027
    assert checks.collection_year_of(date(2025, 11, 23)) == 2026


def test_school_age_starts_with_children_born_by_31_august_six_years_before():
    # 31 March 2026 + 4 months = 31 July; + 31 days = 31 August 2026; - 6 years.
    assert checks.school_age_born_by(2026) == date(2020, 8, 31)


def test_a_school_age_child_without_a_upn_is_queried_8770q():
    findings = checks.referred_child(
        referral_date=date(2025, 11, 3), born_on=date(2020, 8, 31), expected_on=None, upn=""
    )
    assert _rules(findings) == ["8770Q"]
    assert findings[0].kind == checks.QUERY
    assert findings[0].collection == checks.CIN
    assert "unique pupil number" in findings[0].message


def test_a_child_too_young_for_school_or_with_a_upn_is_not_queried():
    younger = checks.referred_child(
        referral_date=date(2025, 11, 3), born_on=date(2020, 9, 1), expected_on=None, upn=""
    )
    with_upn = checks.referred_child(
        referral_date=date(2025, 11, 3),
        born_on=date(2015, 1, 1),
        expected_on=None,
        upn="A821200100012",
    )
    assert younger == [] and with_upn == []


def test_a_referral_with_no_further_action_needs_no_upn():
    findings = checks.referred_child(
        referral_date=date(2025, 11, 3),
        born_on=date(2015, 1, 1),
        expected_on=None,
        upn="",
        further_action=False,
    )
    assert findings == []


def test_a_child_with_no_birth_date_or_expected_date_is_queried_8525q():
    findings = checks.referred_child(
        referral_date=date(2025, 11, 3), born_on=None, expected_on=None, upn=""
    )
    assert _rules(findings) == ["8525Q"]


def test_an_unborn_child_referred_more_than_40_weeks_before_the_due_date_is_refused_8606():
    # 280 days before 10 August 2026 is 3 November 2025: a day earlier is refused.
    too_early = checks.referred_child(
        referral_date=date(2025, 11, 2), born_on=None, expected_on=date(2026, 8, 10), upn=""
    )
    in_time = checks.referred_child(
        referral_date=date(2025, 11, 3), born_on=None, expected_on=date(2026, 8, 10), upn=""
    )
    assert _rules(too_early) == ["8606"]
    assert too_early[0].kind == checks.ERROR
    assert in_time == []
