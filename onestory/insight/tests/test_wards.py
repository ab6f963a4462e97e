"""Needs analysis by ward: rates per 10,000 children by ward, target wards marked, children with
no ward counted apart, and the needs framework's factors mapped by ward."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from onestory.earlyhelp.models import Assessment as EarlyHelpAssessment
from onestory.earlyhelp.models import AssessmentFactor, EpisodeMember
from onestory.earlyhelp.tests.factories import open_episode
from onestory.frontdoor.models import Referral
from onestory.frontdoor.tests.factories import submit
from onestory.insight.models import PopulationEstimate
from onestory.insight.rules import Period
from onestory.insight.wards import (
    AREA_OF,
    CATALOGUE,
    FOCUS_AREAS,
    SOCIAL_CARE_AREAS,
    factors_by_ward,
    ward_table,
)
from onestory.people.models import Person, Ward
from onestory.people.tests.factories import AddressFactory, PersonFactory
from onestory.socialcare.models import Assessment
from onestory.socialcare.reference import ASSESSMENT_FACTORS
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
END = date(2023, 3, 31)
PERIOD = Period.year_ending(END)
NOW = datetime(2023, 3, 31, 12, 0, tzinfo=LONDON)
SOURCE = "Synthetic test estimate"


def _ward(code, name, *, target=False, valid_to=None):
    return Ward.objects.create(
        code=code, name=name, valid_from=date(2003, 5, 1), valid_to=valid_to, is_target=target
    )


@pytest.fixture
def wards():
    return {
        "LEA": _ward("LEA", "Leagrave", target=True),
        "BIS": _ward("BIS", "Biscot"),
        "STO": _ward("STO", "Stopsley"),
    }


def _population(wards, **children):
    """Mid-2022 estimates: each ward's children, and the authority's (their sum)."""
    for code, n in children.items():
        PopulationEstimate.objects.create(year=2022, ward=wards[code], children=n, source=SOURCE)
    PopulationEstimate.objects.create(year=2022, children=sum(children.values()), source=SOURCE)


@pytest.fixture
def contact():
    return submit(worker_with_role(Role.PARTNER), now=NOW)


def _in_need(contact, ward=None, *, referred=date(2022, 6, 1), closed=None, **person):
    """A child with a children in need episode from `referred`, living in `ward` since 2020."""
    child = PersonFactory(**person)
    if ward is not None:
        AddressFactory(person=child, ward=ward, valid_from=date(2020, 1, 1))
    Referral.objects.create(
        contact=contact,
        person=child,
        referral_date=referred,
        source="2A",
        primary_need="N1",
        assessment_due_on=referred + timedelta(days=63),
        closed_on=closed,
    )
    return child


def _rows(table):
    return {r.code: r for r in table.rows}


def test_each_ward_has_its_children_in_need_per_10000_children(wards, contact):
    _population(wards, LEA=2000, BIS=4000, STO=1000)
    for _ in range(3):
        _in_need(contact, wards["LEA"])
    _in_need(contact, wards["BIS"])
    # Closed before the period's last day: no longer in need.
    _in_need(contact, wards["BIS"], closed=date(2023, 1, 10))

    table = ward_table("children_in_need", PERIOD)

    rows = _rows(table)
    assert (rows["LEA"].children, rows["LEA"].population, rows["LEA"].rate) == (3, 2000, 15.0)
    assert (rows["BIS"].children, rows["BIS"].rate) == (1, 2.5)
    assert (rows["STO"].children, rows["STO"].rate) == (0, 0.0)
    assert [r.name for r in table.rows] == ["Biscot", "Leagrave", "Stopsley"]
    assert (table.total.children, table.total.population) == (4, 7000)
    assert table.source == f"{SOURCE} (mid-2022)"
    assert table.note == ""


def test_target_wards_are_marked_and_added_up(wards, contact):
    _ward("NOR", "Northwell", target=True)
    _population(wards, LEA=2000, BIS=4000)
    _in_need(contact, wards["LEA"])

    table = ward_table("children_in_need", PERIOD)

    assert {r.code for r in table.rows if r.is_target} == {"LEA", "NOR"}
    assert (table.targets.children, table.targets.population) == (1, 2000)


def test_a_child_with_no_ward_is_counted_apart_not_dropped(wards, contact):
    _population(wards, LEA=2000)
    _in_need(contact, wards["LEA"])
    _in_need(contact)  # no address at all
    no_ward = _in_need(contact)
    AddressFactory(person=no_ward, ward=None, postcode="AB1 2CD")  # an address outside the area

    table = ward_table("children_in_need", PERIOD)

    assert table.unknown == 2
    assert sum(r.children for r in table.rows) == 1
    assert table.total.children == 3


def test_a_child_who_moved_counts_where_they_lived_on_the_last_day(wards, contact):
    _population(wards, LEA=2000, BIS=4000)
    child = _in_need(contact)
    AddressFactory(person=child, ward=wards["LEA"], valid_from=date(2019, 1, 1), valid_to=END)
    AddressFactory(person=child, ward=wards["BIS"], valid_from=END)
    # An address from after the period does not count.
    AddressFactory(person=child, ward=wards["STO"], valid_from=END + timedelta(days=1))

    rows = _rows(ward_table("children_in_need", PERIOD))

    assert (rows["BIS"].children, rows["LEA"].children, rows["STO"].children) == (1, 0, 0)


def test_a_ward_with_no_population_has_no_rate_rather_than_zero(wards, contact):
    _population(wards, LEA=2000)
    _in_need(contact, wards["BIS"])

    rows = _rows(ward_table("children_in_need", PERIOD))

    assert (rows["BIS"].children, rows["BIS"].population, rows["BIS"].rate) == (1, 0, None)


def test_with_no_population_loaded_the_table_says_so(wards, contact):
    _in_need(contact, wards["LEA"])

    table = ward_table("children_in_need", PERIOD)

    assert table.total.rate is None
    assert table.source == "No child population estimate is loaded."


def test_a_ward_since_abolished_still_shows_its_children(wards, contact):
    old = _ward("OLD", "Old ward", valid_to=date(2020, 5, 7))
    _in_need(contact, old)

    rows = _rows(ward_table("children_in_need", PERIOD))

    assert rows["OLD"].children == 1


def test_a_period_before_any_data_says_no_data(wards):
    table = ward_table("children_in_need", Period.year_ending(date(2010, 3, 31)))

    assert table.note == "no data"
    assert table.total.children == 0


def test_a_measure_that_lists_no_children_has_no_ward_table():
    with pytest.raises(ValueError, match="no measure"):
        ward_table("no_such_measure", PERIOD)


def test_the_ward_table_is_a_few_queries_whatever_the_number_of_wards(
    wards, contact, django_assert_max_num_queries
):
    for i in range(12):
        _ward(f"W{i:02d}", f"Ward {i:02d}")
    _population(wards, LEA=2000, BIS=4000, STO=1000)
    for code in ("LEA", "BIS", "STO"):
        _in_need(contact, wards[code])

    with django_assert_max_num_queries(8):
        ward_table("children_in_need", PERIOD)


# --- The needs framework's factors by ward ----------------------------------------------------


def test_every_census_factor_but_other_and_none_sits_in_one_focus_area():
    assert set(SOCIAL_CARE_AREAS) == set(ASSESSMENT_FACTORS) - {"20", "21"}
    assert set(AREA_OF.values()) == set(FOCUS_AREAS)
    assert AREA_OF["sc:4B"] == "parents"  # a parent's mental health
    assert AREA_OF["sc:4A"] == "child"  # the child's
    assert AREA_OF["eh:housing"] == "family"
    assert "eh:self_esteem" not in AREA_OF  # a strength, not a need
    assert len({code for code, _, _ in CATALOGUE}) == len(CATALOGUE)


def _social_care_assessment(child, factors, *, completed=date(2022, 11, 1)):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    referral = Referral.objects.filter(person=child).first()
    return Assessment.objects.create(
        referral=referral,
        person=child,
        worker=worker,
        started_on=completed - timedelta(days=20),
        due_on=completed + timedelta(days=20),
        status=Assessment.Status.AUTHORISED,
        factors=factors,
        completed_on=completed,
    )


def _early_help_assessment(episode, worker, needs, *, completed_at):
    assessment = EarlyHelpAssessment.objects.create(
        episode=episode,
        status=EarlyHelpAssessment.Status.COMPLETE,
        started_at=completed_at - timedelta(days=7),
        started_by=worker,
        last_saved_at=completed_at,
        last_saved_by=worker,
        family_agreed=True,
        agreed_by="Mother",
        completed_at=completed_at,
        completed_by=worker,
    )
    for code, person in needs.items():
        AssessmentFactor.objects.create(
            assessment=assessment, code=code, presence="yes", severity="moderate", person=person
        )
    return assessment


def test_factors_at_assessment_are_counted_in_children_by_ward_and_focus_area(wards, contact):
    _population(wards, LEA=2000, BIS=4000)
    lea = _in_need(contact, wards["LEA"])
    bis = _in_need(contact, wards["BIS"])
    # Two assessments of one child in the year: each factor counts the child once.
    _social_care_assessment(lea, ["3B", "4B"])
    _social_care_assessment(lea, ["3B", "16A"], completed=date(2023, 2, 1))
    _social_care_assessment(bis, ["4A"])
    # Completed before the period: not counted.
    _social_care_assessment(bis, ["13A"], completed=date(2022, 3, 1))

    table = factors_by_ward(PERIOD)

    rows = {ward.code: (ward, counts) for ward, counts in table.rows}
    ward, counts = rows["LEA"]
    assert ward.children == 1
    assert counts == {"sc:3B": 1, "sc:4B": 1, "sc:16A": 1, "area:parents": 1}
    assert table.rate(ward, counts, "sc:3B") == 5.0
    assert rows["BIS"][1] == {"sc:4A": 1, "area:child": 1}
    assert [code for code, _ in table.factors] == ["sc:4A", "sc:3B", "sc:4B", "sc:16A"]
    assert table.total[1]["sc:3B"] == 1 and table.total[0].children == 2
    assert [key for key, _, _ in table.areas] == ["area:child", "area:parents", "area:family"]


def test_an_early_help_need_about_a_parent_counts_every_child_of_the_family(wards):
    _population(wards, LEA=2000, BIS=4000)
    worker = worker_with_role(Role.EARLY_HELP)
    episode = open_episode(worker, now=datetime(2022, 9, 1, 10, tzinfo=LONDON), children=2)
    kids = list(
        Person.objects.filter(
            pk__in=EpisodeMember.objects.filter(episode=episode, role="child").values("person")
        )
    )
    parent = EpisodeMember.objects.get(episode=episode, role="adult").person
    AddressFactory(person=kids[0], ward=wards["LEA"])
    AddressFactory(person=kids[1], ward=wards["BIS"])
    _early_help_assessment(
        episode,
        worker,
        {"parent_mental_health": parent, "child_mental_health": kids[0]},
        completed_at=datetime(2022, 9, 20, 10, tzinfo=LONDON),
    )

    table = factors_by_ward(PERIOD)

    rows = {ward.code: counts for ward, counts in table.rows}
    assert rows["LEA"] == {
        "eh:parent_mental_health": 1,
        "eh:child_mental_health": 1,
        "area:parents": 1,
        "area:child": 1,
    }
    assert rows["BIS"] == {"eh:parent_mental_health": 1, "area:parents": 1}
    # The parent is not a child: nobody is counted twice.
    assert table.total[0].children == 2


def test_factors_of_children_with_no_ward_are_counted_apart(wards, contact):
    child = _in_need(contact)
    _social_care_assessment(child, ["17A"])

    table = factors_by_ward(PERIOD)

    assert table.unknown == {"sc:17A": 1, "area:parents": 1}
    assert all(not counts for _, counts in table.rows)
