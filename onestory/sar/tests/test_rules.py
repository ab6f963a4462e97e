"""The ICO's due date and the bundle's withholding rules (pure: no database)."""

from datetime import date, timedelta

import holidays
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from onestory.documents.rules import Source
from onestory.sar import rules

ENGLAND = frozenset(holidays.UK(subdiv="ENG", years=range(2019, 2032), observed=True))


def test_one_calendar_month_to_the_corresponding_day():
    # Tuesday 3 September 2024 -> Thursday 3 October 2024
    assert rules.due_date(date(2024, 9, 3), ENGLAND) == date(2024, 10, 3)


def test_31_january_is_due_on_the_last_day_of_february():
    assert rules.due_date(date(2023, 1, 31), ENGLAND) == date(2023, 2, 28)
    assert rules.due_date(date(2024, 1, 31), ENGLAND) == date(2024, 2, 29)


def test_29_february_is_due_on_29_march_or_the_next_working_day():
    # 29 March 2024 is Good Friday, then a weekend and Easter Monday: Tuesday 2 April.
    assert rules.due_date(date(2024, 2, 29), ENGLAND) == date(2024, 4, 2)


def test_a_due_day_on_a_weekend_moves_to_monday():
    # 5 October 2024 is a Saturday.
    assert rules.due_date(date(2024, 9, 5), ENGLAND) == date(2024, 10, 7)


def test_a_due_day_on_a_bank_holiday_moves_to_the_next_working_day():
    # 25 December 2025 is Thursday, 26 December a bank holiday: Monday 29 December.
    assert rules.due_date(date(2025, 11, 25), ENGLAND) == date(2025, 12, 29)


def test_an_extension_adds_up_to_two_further_months():
    assert rules.due_date(date(2024, 9, 3), ENGLAND, extension_months=2) == date(2024, 12, 3)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 6, 30)), st.integers(0, 2))
def test_the_due_date_agrees_with_an_independent_count(received, extension):
    expected = received + relativedelta(months=1 + extension)
    while expected.weekday() >= 5 or expected in ENGLAND:
        expected += timedelta(days=1)
    assert rules.due_date(received, ENGLAND, extension_months=extension) == expected


def test_days_left_is_negative_once_overdue():
    assert rules.days_left(date(2024, 10, 3), date(2024, 10, 5)) == -2
    assert rules.days_left(date(2024, 10, 3), date(2024, 10, 3)) == 0


def test_the_referrer_police_and_withheld_addresses_never_reach_a_requester():
    for requester in rules.Requester:
        assert rules.source_withheld(requester, {Source.REFERRER_IDENTITY}) == rules.Reason.REFERRER
        assert rules.source_withheld(requester, {Source.POLICE_INFORMATION}) == rules.Reason.POLICE
        assert rules.source_withheld(requester, {Source.ADOPTERS_IDENTITY}) == rules.Reason.ADOPTERS
        assert rules.source_withheld(requester, {Source.ADDRESS_OF_PERSON_HARMED}) is not None
        assert rules.source_withheld(requester, set()) is None


def test_only_letters_made_for_the_family_are_shown_whole():
    assert rules.letter_may_be_shown("subject", "child")
    assert rules.letter_may_be_shown("parent", "parent")
    assert not rules.letter_may_be_shown("subject", "council_staff")
    assert not rules.letter_may_be_shown("subject", "referrer")


def test_third_parties_are_withheld_by_name_but_the_subjects_own_family_name_stays():
    terms, keep = rules.third_party_terms(
        given_names=["Jordan"], family_names=["Smith"], full_names=["Jordan Smith"],
        identifiers=["12 Oak Road"], subject_terms=["Sam", "Smith", "Sam Smith"],
    )  # fmt: skip
    redactor = rules.TextRedactor(terms, keep=keep)
    done = redactor.redact("Sam Smith visited Jordan at 12 oak road; jordan smith was out.")
    assert done.text == (
        "Sam Smith visited [withheld: third party] at [withheld: third party]; "
        "[withheld: third party] was out."
    )
    assert done.count == 3


def test_short_names_are_not_matched_inside_words():
    redactor = rules.TextRedactor(["Jo"])
    assert redactor.redact("a job well done").text == "a job well done"
