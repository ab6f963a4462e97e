"""The front door's measures: contacts, conversion to referral, referrals, re-referrals and no
further action, on small case loads."""

from datetime import date, datetime, time

import pytest

from onestory.core.clock import LONDON
from onestory.insight.measures.base import NO_DATA, ZERO_DENOMINATOR
from onestory.insight.rules import Period
from onestory.people.tests.factories import PersonFactory

from .factories import YEAR_2023, children, contact, london, merged, referral, result, worker

pytestmark = pytest.mark.django_db


def test_contacts_are_counted_by_their_london_day():
    by = worker()
    # 31 March 2023 is in British Summer Time: 23:30 in London is 22:30 UTC, still the 31st.
    contact(by, received_at=datetime(2023, 3, 31, 23, 30, tzinfo=LONDON))
    contact(by, received_at=datetime(2023, 4, 1, 0, 30, tzinfo=LONDON))
    contact(by, received_at=datetime(2022, 4, 1, 0, 5, tzinfo=LONDON))
    contact(by, received_at=datetime(2022, 3, 31, 23, 55, tzinfo=LONDON))

    assert result("contacts").value == 2


def test_contacts_made_by_importing_a_return_are_not_counted():
    by = worker()
    contact(by, received_at=london(date(2022, 6, 1)))
    contact(by, received_at=london(date(2022, 6, 1)), channel="import")

    assert result("contacts").value == 1


def test_a_contact_about_two_children_both_referred_converts_once():
    by = worker()
    first, second = PersonFactory(), PersonFactory()
    both = contact(by, received_at=london(date(2022, 6, 1)), children=[first, second])
    referral(by, on=date(2022, 6, 2), child=first, contact_=both)
    referral(by, on=date(2022, 6, 2), child=second, contact_=both)
    contact(by, received_at=london(date(2022, 7, 1)), children=[PersonFactory()])
    quiet = contact(by, received_at=london(date(2022, 8, 1)), children=[PersonFactory()])

    converted = result("contacts_to_referral")

    assert (converted.numerator, converted.denominator, converted.value) == (1, 3, 1 / 3)
    assert children("contacts_to_referral", part="numerator") == {first.pk, second.pk}
    assert quiet.people.get().person_id in children("contacts_to_referral")


def test_a_referral_on_the_first_day_counts_and_one_the_day_after_the_period_does_not():
    by = worker()
    referral(by, on=date(2022, 3, 31))
    first_day = referral(by, on=date(2022, 4, 1))
    last_day = referral(by, on=date(2023, 3, 31))
    referral(by, on=date(2023, 4, 1))

    assert result("referrals").value == 2
    assert children("referrals") == {first_day.person_id, last_day.person_id}


def test_referrals_of_a_record_merged_into_another_are_left_out():
    by = worker()
    referral(by, on=date(2022, 5, 1))
    duplicate = referral(by, on=date(2022, 5, 1))
    merged(duplicate.person)

    assert result("referrals").value == 1
    assert duplicate.person_id not in children("referrals")


def test_a_re_referral_is_within_12_months_of_the_same_childs_previous_referral():
    by = worker()
    again = PersonFactory()
    referral(by, on=date(2021, 6, 10), child=again)
    within = referral(by, on=date(2022, 6, 10), child=again)  # 12 months to the day
    later = PersonFactory()
    referral(by, on=date(2021, 6, 9), child=later)
    referral(by, on=date(2022, 6, 10), child=later)  # 12 months and a day
    referral(by, on=date(2022, 9, 1))  # a first referral

    found = result("re_referrals_12_months")

    assert (found.numerator, found.denominator) == (1, 3)
    assert children("re_referrals_12_months", part="numerator") == {within.person_id}


def test_two_referrals_in_the_period_make_the_second_a_re_referral():
    by = worker()
    child = PersonFactory()
    referral(by, on=date(2022, 5, 1), child=child, closed_on=date(2022, 5, 20))
    referral(by, on=date(2022, 11, 1), child=child)

    assert result("re_referrals_12_months").numerator == 1
    assert children("referrals") == {child.pk}


def test_the_share_of_referrals_with_no_further_action_is_between_0_and_1():
    by = worker()
    referral(by, on=date(2022, 5, 1), nfa=True, closed_on=date(2022, 5, 3))
    referral(by, on=date(2022, 5, 1))
    referral(by, on=date(2022, 5, 1))
    referral(by, on=date(2022, 5, 1), nfa=True, closed_on=date(2022, 5, 2))

    nfa = result("referrals_nfa_share")

    assert (nfa.numerator, nfa.denominator, nfa.value) == (2, 4, 0.5)


def test_a_period_before_the_first_referral_has_no_data_not_zero():
    referral(worker(), on=date(2023, 1, 1))
    before = Period(date(2021, 4, 1), date(2022, 3, 31))

    for measure_id in ("referrals", "re_referrals_12_months", "referrals_nfa_share"):
        found = result(measure_id, before)
        assert (found.value, found.note) == (None, NO_DATA)


def test_a_period_with_no_referrals_says_its_denominator_is_zero():
    referral(worker(), on=date(2021, 1, 1))

    empty = result("referrals_nfa_share")

    assert (empty.value, empty.numerator, empty.note) == (None, 0, ZERO_DENOMINATOR)
    assert result("referrals").value == 0


def test_contacts_with_no_contacts_in_the_period():
    contact(worker(), received_at=datetime.combine(date(2020, 1, 1), time(9), tzinfo=LONDON))

    assert result("contacts", YEAR_2023).value == 0
    assert result("contacts_to_referral", YEAR_2023).note == ZERO_DENOMINATOR
