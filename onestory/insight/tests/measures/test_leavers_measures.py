"""Care leavers aged 19 to 21: in touch, suitable accommodation, and education, employment or
training, counted from the contacts recorded around their birthdays (OC3)."""

from datetime import date

import pytest

from onestory.insight.measures.base import ZERO_DENOMINATOR
from onestory.people.tests.factories import PersonFactory

from .factories import care_leaver_contact, children, merged, result, worker

pytestmark = pytest.mark.django_db
BORN_IN_SEPTEMBER_2002 = date(2002, 9, 15)  # 20 on 15 September 2022


def leaver(born=BORN_IN_SEPTEMBER_2002):
    return PersonFactory(date_of_birth=born)


def test_care_leavers_with_a_19th_to_21st_birthday_in_the_period_are_counted():
    by = worker()
    counted = leaver()
    care_leaver_contact(by, counted, age=20)
    care_leaver_contact(by, counted, age=19)  # 19th birthday in the year before
    care_leaver_contact(by, leaver(date(2000, 9, 15)), age=22)  # 22: past the measure's ages
    care_leaver_contact(by, leaver(date(2001, 4, 1)), age=21)  # 21 on 1 April 2022: in
    care_leaver_contact(by, leaver(date(2004, 4, 1)), age=19)  # 19 on 1 April 2023: out
    care_leaver_contact(by, merged(leaver()), age=20)

    in_touch = result("care_leavers_in_touch")

    assert (in_touch.numerator, in_touch.denominator) == (2, 2)
    assert counted.pk in children("care_leavers_in_touch")


def test_not_in_touch_counts_as_not_in_touch_and_the_dead_are_left_out():
    by = worker()
    care_leaver_contact(by, leaver(), age=20)
    for code in ("NO", "REFU", "NREQ"):
        care_leaver_contact(by, leaver(), age=20, in_touch=code, activity="", accommodation="")
    care_leaver_contact(by, leaver(), age=20, in_touch="DIED", activity="", accommodation="")
    care_leaver_contact(by, leaver(), age=20, in_touch="RHOM", activity="", accommodation="")

    in_touch = result("care_leavers_in_touch")

    assert (in_touch.numerator, in_touch.denominator) == (1, 4)


def test_accommodation_counts_as_suitable_only_when_recorded_as_suitable():
    by = worker()
    housed = leaver()
    care_leaver_contact(by, housed, age=20, accommodation="U", suitable=True)
    care_leaver_contact(by, leaver(), age=20, accommodation="U", suitable=False)
    care_leaver_contact(by, leaver(), age=20, accommodation="U", suitable=None)
    care_leaver_contact(by, leaver(), age=20, accommodation="", suitable=None)
    care_leaver_contact(by, leaver(), age=20, accommodation="S", suitable=True)

    suitable = result("care_leavers_suitable_accommodation")

    assert (suitable.numerator, suitable.denominator) == (1, 5)
    assert children("care_leavers_suitable_accommodation", part="numerator") == {housed.pk}


def test_education_employment_or_training_full_or_part_time():
    by = worker()
    for activity in ("F1", "P2", "F4", "P5"):
        care_leaver_contact(by, leaver(), age=20, activity=activity)
    for activity in ("G4", "G5", "G6", "0", ""):
        care_leaver_contact(by, leaver(), age=20, activity=activity)

    eet = result("care_leavers_eet")

    assert (eet.numerator, eet.denominator) == (4, 9)


def test_no_care_leaver_of_19_to_21_gives_no_share():
    care_leaver_contact(worker(), leaver(date(2005, 6, 1)), age=17)

    assert result("care_leavers_eet").note == ZERO_DENOMINATOR
