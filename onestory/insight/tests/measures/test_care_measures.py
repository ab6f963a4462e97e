"""Children in care: on the last day, their rate, starts, placement stability (A1) and distance
from home."""

from datetime import date

import pytest

from onestory.insight.measures.base import NO_DATA
from onestory.insight.rules import Period
from onestory.people.tests.factories import PersonFactory
from onestory.socialcare.models import LegalStatus, UnaccompaniedChild

from .factories import care_period, children, merged, placement, population, result

pytestmark = pytest.mark.django_db


def test_children_in_care_on_the_last_day():
    in_care = care_period(PersonFactory(), starts_on=date(2021, 5, 1))
    care_period(PersonFactory(), starts_on=date(2021, 5, 1), ends_on=date(2023, 3, 31))
    left_after = care_period(PersonFactory(), starts_on=date(2021, 5, 1), ends_on=date(2023, 4, 1))
    care_period(PersonFactory(), starts_on=date(2023, 4, 1))
    care_period(PersonFactory(), starts_on=date(2022, 5, 1), status="V3")  # short breaks only
    care_period(merged(PersonFactory()), starts_on=date(2022, 5, 1))
    population(500)

    assert result("children_in_care").value == 2
    assert children("children_in_care") == {in_care.person_id, left_after.person_id}
    assert result("cla_rate_per_10000").value == 40


def test_a_child_whose_short_breaks_became_full_care_is_counted():
    period = care_period(PersonFactory(), starts_on=date(2022, 5, 1), status="V3")
    LegalStatus.objects.create(period=period, status="C1", starts_on=date(2022, 9, 1))

    assert result("children_in_care").value == 1


def test_a_child_who_started_to_be_looked_after_twice_counts_once():
    twice = PersonFactory()
    care_period(twice, starts_on=date(2022, 5, 1), ends_on=date(2022, 6, 1))
    care_period(twice, starts_on=date(2022, 10, 1))
    care_period(PersonFactory(), starts_on=date(2022, 4, 1))
    care_period(PersonFactory(), starts_on=date(2022, 3, 31))
    care_period(PersonFactory(), starts_on=date(2022, 7, 1), status="V4")

    assert result("cla_started").value == 2


def test_three_placements_in_the_year_are_unstable_but_temporary_moves_are_not_counted():
    unstable = care_period(PersonFactory(), starts_on=date(2021, 1, 1))
    placement(unstable, ends_on=date(2022, 4, 1))  # ended on the year's first day: counts
    placement(unstable, starts_on=date(2022, 4, 1), ends_on=date(2022, 8, 1))
    placement(unstable, starts_on=date(2022, 8, 1))
    settled = care_period(PersonFactory(), starts_on=date(2021, 1, 1))
    placement(settled, ends_on=date(2022, 3, 31))  # ended before the year
    placement(settled, starts_on=date(2022, 3, 31), ends_on=date(2022, 7, 1))
    placement(settled, starts_on=date(2022, 7, 1), ends_on=date(2022, 7, 8), place="T4")
    placement(settled, starts_on=date(2022, 7, 8))

    stability = result("placement_stability_3_plus")

    assert (stability.numerator, stability.denominator) == (1, 2)
    assert children("placement_stability_3_plus", part="numerator") == {unstable.person_id}


def test_distance_from_home_leaves_out_children_with_no_distance_and_says_so():
    far = care_period(PersonFactory(), starts_on=date(2022, 1, 1))
    placement(far, ends_on=date(2023, 3, 31), miles="3.0")
    placement(far, starts_on=date(2023, 3, 31), miles="20.1")
    at_twenty = care_period(PersonFactory(), starts_on=date(2022, 1, 1))
    placement(at_twenty, miles="20.0")
    no_postcode = care_period(PersonFactory(), starts_on=date(2022, 1, 1))
    placement(no_postcode, miles=None)
    unaccompanied = care_period(PersonFactory(), starts_on=date(2022, 1, 1))
    placement(unaccompanied, miles="45.0")
    UnaccompaniedChild.objects.create(person=unaccompanied.person)

    distance = result("placements_over_20_miles")

    assert (distance.numerator, distance.denominator) == (1, 2)
    assert distance.note.startswith("2 children in care on the last day left out")
    assert children("placements_over_20_miles", part="numerator") == {far.person_id}


def test_care_measures_before_anyone_came_into_care_have_no_data():
    care_period(PersonFactory(), starts_on=date(2023, 6, 1))
    before = Period(date(2022, 4, 1), date(2023, 3, 31))

    for measure_id in ("children_in_care", "cla_started", "placement_stability_3_plus"):
        assert result(measure_id, before).note == NO_DATA
