"""Family hubs' reach measures: children (0 to 17 on the session's day) and families who came in
the period, each once, by site and ward; attendance only, never bookings; London days at the
period's edges; merged records left out; children new to the hubs; families known to early help
or social care; `onestory measures` prints them."""

import io
import json
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command

from onestory.core.clock import LONDON
from onestory.earlyhelp.models import EpisodeMember
from onestory.earlyhelp.tests.factories import open_episode
from onestory.familyhubs.models import Attendance, Booking, RegisteredPerson
from onestory.familyhubs.tests.factories import SessionFactory, SiteFactory, registered_family
from onestory.insight.measures import familyhubs
from onestory.insight.models import PopulationEstimate
from onestory.insight.rules import Period
from onestory.people.models import Ward
from onestory.people.tests.factories import AddressFactory, PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .measures.factories import children, referral, result, worker

pytestmark = pytest.mark.django_db

YEAR = Period(date(2023, 4, 1), date(2024, 3, 31))
CHILDREN, FAMILIES = "family_hub_children_reached", "family_hub_families_reached"


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def session(day: date = date(2023, 6, 1), *, hour: int = 10, minute: int = 0, **fields):
    starts = at(day, hour, minute)
    return SessionFactory(starts_at=starts, ends_at=starts + timedelta(hours=1), **fields)


def came(to, registration, *people):
    """Everyone given (default: the whole registered family) marked present at the session."""
    people = people or [p.person for p in registration.people.all()]
    for person in people:
        Attendance.objects.create(
            session=to, person=person, registration=registration, recorded_at=to.starts_at
        )


def child_of(registration):
    return registration.people.get(role=RegisteredPerson.Role.CHILD).person


def test_each_child_and_family_counts_once_however_many_sessions():
    family = registered_family(children=2)
    for day in (date(2023, 5, 1), date(2023, 6, 1), date(2023, 7, 1)):
        came(session(day), family)

    assert result(CHILDREN, YEAR).value == 2
    assert result(FAMILIES, YEAR).value == 1
    kids = {p.person_id for p in family.people.filter(role="child")}
    assert children(CHILDREN, YEAR) == kids


def test_a_booking_without_attendance_reaches_nobody():
    # Attendance is recorded from 2022, so the period has data.
    came(session(date(2022, 6, 1)), registered_family())
    family = registered_family()
    booked = session()
    Booking.objects.create(
        session=booked, person=child_of(family), registration=family, booked_at=at(date(2023, 5, 1))
    )

    assert result(CHILDREN, YEAR).value == 0
    assert result(FAMILIES, YEAR).value == 0


def test_age_is_taken_on_the_day_of_the_session():
    family = registered_family(children=0)
    day = date(2023, 9, 10)
    seventeen = PersonFactory(date_of_birth=date(2005, 9, 11))  # 18 the day after
    eighteen = PersonFactory(date_of_birth=date(2005, 9, 10))  # 18 that day
    newborn = PersonFactory(date_of_birth=day)
    came(session(day), family, seventeen, eighteen, newborn)

    assert children(CHILDREN, YEAR) == {seventeen.pk, newborn.pk}
    # The family still counts: its adults came.
    assert result(FAMILIES, YEAR).value == 1


def test_someone_with_no_date_of_birth_is_not_counted_as_a_child_and_the_note_says_so():
    family = registered_family()
    unknown = PersonFactory(date_of_birth=None)
    came(session(), family, child_of(family), unknown)

    found = result(CHILDREN, YEAR)

    assert found.value == 1
    assert "1 person who came had no date of birth" in found.note


def test_the_periods_edges_are_london_days():
    family = registered_family()
    child = child_of(family)
    # 00:30 on 1 April in London is still 31 March in UTC: in the period.
    came(session(date(2023, 4, 1), hour=0, minute=30), family, child)
    late = registered_family()
    # 23:30 on 31 March 2023 in London: the day before the period.
    came(session(date(2023, 3, 31), hour=23, minute=30), late, child_of(late))
    after = registered_family()
    came(session(date(2024, 4, 1), hour=0, minute=30), after, child_of(after))
    last = registered_family()
    came(session(date(2024, 3, 31), hour=23, minute=0), last, child_of(last))

    assert children(CHILDREN, YEAR) == {child.pk, child_of(last).pk}


def test_records_merged_into_another_persons_are_left_out():
    family = registered_family()
    child = child_of(family)
    kept = PersonFactory(date_of_birth=child.date_of_birth)
    came(session(), family, child)
    child.merged_into = kept
    child.save()

    assert result(CHILDREN, YEAR).value == 0


def _ward(code, name, target=False):
    return Ward.objects.create(code=code, name=name, valid_from=date(2003, 5, 1), is_target=target)


def test_children_and_families_are_broken_down_by_site_and_ward():
    leagrave, biscot = _ward("LEA", "Leagrave", True), _ward("BIS", "Biscot")
    north, south = SiteFactory(name="North Hub"), SiteFactory(name="South Hub")
    both = registered_family(children=2)
    for kid in both.people.filter(role="child"):
        AddressFactory(person=kid.person, ward=leagrave)
    came(session(site=north), both)
    came(session(site=south), both)
    one = registered_family()
    AddressFactory(person=child_of(one), ward=biscot)
    came(session(site=south), one)
    nowhere = registered_family()
    came(session(site=north), nowhere)

    kids = {p.key: (p.label, p.numerator, p.denominator) for p in result(CHILDREN, YEAR).parts}
    families = {p.key: p.numerator for p in result(FAMILIES, YEAR).parts}

    assert kids[f"site:{north.pk}"] == ("Site: North Hub", 3, 4)
    assert kids[f"site:{south.pk}"] == ("Site: South Hub", 3, 4)
    assert kids["ward:LEA"] == ("Ward: Leagrave", 2, 4)
    assert kids["ward:BIS"] == ("Ward: Biscot", 1, 4)
    assert kids["ward:none"] == ("No ward recorded", 1, 4)
    assert families == {
        f"site:{north.pk}": 2,
        f"site:{south.pk}": 2,
        "ward:BIS": 1,
        "ward:LEA": 1,
        "ward:none": 1,
    }
    assert len(children(CHILDREN, YEAR, f"site:{north.pk}")) == 3
    assert children(CHILDREN, YEAR, "ward:BIS") == {child_of(one).pk}


def test_a_familys_ward_is_where_most_of_its_children_who_came_lived():
    leagrave, biscot = _ward("LEA", "Leagrave"), _ward("BIS", "Biscot")
    family = registered_family(children=3)
    kids = [p.person for p in family.people.filter(role="child")]
    AddressFactory(person=kids[0], ward=biscot)
    AddressFactory(person=kids[1], ward=leagrave)
    AddressFactory(person=kids[2], ward=leagrave)
    came(session(), family)

    assert (
        familyhubs.family_ward(
            familyhubs.reach(familyhubs.Context(YEAR)).families[family.pk],
            familyhubs.person_wards(familyhubs.Context(YEAR)),
        )
        == "LEA"
    )


def test_children_reached_for_the_first_time_are_told_from_those_who_came_before():
    returning = registered_family()
    came(session(date(2022, 11, 1)), returning)
    came(session(date(2023, 5, 1)), returning)
    new = registered_family(children=3)
    came(session(date(2023, 5, 1)), new)

    found = result("family_hub_children_new", YEAR)

    assert (found.numerator, found.denominator, found.value) == (3, 4, 0.75)
    assert children("family_hub_children_new", YEAR, "returning") == {child_of(returning).pk}


def test_families_known_to_early_help_or_social_care_in_the_period_are_counted():
    helped, in_need, both, unknown = (registered_family() for _ in range(4))
    for family in (helped, in_need, both, unknown):
        came(session(), family)
    episode = open_episode(worker_with_role(Role.EARLY_HELP), now=at(date(2023, 1, 5)))
    for family in (helped, both):
        EpisodeMember.objects.create(
            episode=episode, person=child_of(family), role=EpisodeMember.Role.CHILD
        )
    for family in (in_need, both):
        referral(worker(), on=date(2023, 7, 1), child=child_of(family))
    # A referral closed before the period began is not "known in the period".
    referral(worker(), on=date(2022, 5, 1), child=child_of(unknown), closed_on=date(2022, 6, 1))

    found = result("family_hub_families_known", YEAR)

    assert (found.numerator, found.denominator) == (3, 4)
    assert {p.key: p.numerator for p in found.parts} == {"early_help": 2, "social_care": 2}


def test_the_rate_is_per_10000_children_in_the_authority():
    PopulationEstimate.objects.create(year=2023, children=2000, source="Synthetic test estimate")
    came(session(), registered_family(children=3))

    assert result("family_hub_children_reached_rate", YEAR).value == 15.0


def test_before_the_first_attendance_there_is_no_data_not_zero():
    came(session(date(2023, 6, 1)), registered_family())

    found = result(CHILDREN, Period.year_ending(date(2022, 3, 31)))

    assert (found.value, found.note) == (None, "no data")


def test_the_measures_command_prints_the_reach_figures_for_the_year():
    came(session(), registered_family(children=2))
    out = io.StringIO()

    call_command("measures", "--as-at", "2024-03-31", "--json", stdout=out)

    found = {m["id"]: m for m in json.loads(out.getvalue())["measures"]}
    assert found[CHILDREN]["value"] == 2
    assert found[FAMILIES]["value"] == 1
    assert found[CHILDREN]["group"] == "Family hubs"
    assert "0 to 17" in found[CHILDREN]["definition"]
    assert {p["key"].split(":")[0] for p in found[FAMILIES]["parts"]} == {"site", "ward"}
