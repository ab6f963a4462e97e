"""Disproportionality: each ethnic group's share of the children a measure counts against its share
of the child population, and the ratio of the two."""

from datetime import date

import pytest

from onestory.frontdoor.tests.factories import submit
from onestory.insight.disproportionality import MAJOR_GROUPS, group_table
from onestory.insight.models import PopulationEstimate
from onestory.insight.rules import Period
from onestory.people.rules import ETHNICITY
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .test_wards import NOW, _in_need

pytestmark = pytest.mark.django_db

PERIOD = Period.year_ending(date(2023, 3, 31))


@pytest.fixture
def contact():
    return submit(worker_with_role(Role.PARTNER), now=NOW)


def _population(**children):
    for code, n in children.items():
        PopulationEstimate.objects.create(year=2022, ethnicity=code, children=n, source="Census")


def _groups(table):
    return {r.code: r for r in table.rows}


def test_each_group_has_its_share_of_children_in_need_against_its_share_of_children(contact):
    # Children: half White British, a quarter Pakistani, a quarter White and Black Caribbean.
    _population(WBRI=5000, APKN=3000, BAFR=1000, MWBC=1000)
    for ethnicity in ("WBRI", "WBRI", "APKN", "MWBC"):
        _in_need(contact, ethnicity=ethnicity)

    table = group_table("children_in_need", PERIOD)

    groups = _groups(table)
    assert (groups["white"].children, groups["white"].share) == (2, 0.5)
    assert groups["white"].population_share == 0.5
    assert groups["white"].ratio == pytest.approx(1.0)
    assert groups["asian"].ratio == pytest.approx(0.25 / 0.3)
    assert groups["mixed"].ratio == pytest.approx(2.5)  # a quarter of children, a tenth of all
    assert (groups["black"].children, groups["black"].share, groups["black"].ratio) == (0, 0, 0)
    assert table.total.children == 4
    assert table.total.population == 10000
    assert table.source == "Census (mid-2022)"


def test_rows_follow_the_dfe_order_of_ethnic_groups(contact):
    table = group_table("children_in_need", PERIOD)

    assert [r.label for r in table.rows] == [
        "White",
        "Mixed",
        "Asian or Asian British",
        "Black or Black British",
        "Other ethnic group",
    ]


def test_every_census_code_but_refused_and_not_obtained_is_in_one_major_group():
    grouped = [code for _, _, codes in MAJOR_GROUPS for code in codes]
    assert sorted(grouped) == sorted(set(ETHNICITY) - {"REFU", "NOBT"})


def test_children_whose_ethnicity_is_not_known_are_kept_apart_from_the_shares(contact):
    _population(WBRI=5000, APKN=5000)
    _in_need(contact, ethnicity="WBRI")
    _in_need(contact, ethnicity="REFU")
    _in_need(contact, ethnicity="NOBT")

    table = group_table("children_in_need", PERIOD)

    assert table.unknown == 2
    assert _groups(table)["white"].share == 1.0
    assert _groups(table)["white"].ratio == pytest.approx(2.0)


def test_the_minor_level_has_a_row_for_each_census_group(contact):
    _population(WBRI=5000, WIRI=5000)
    _in_need(contact, ethnicity="WIRI")

    table = group_table("children_in_need", PERIOD, level="minor")

    groups = _groups(table)
    assert "REFU" not in groups
    assert (groups["WIRI"].share, groups["WIRI"].ratio) == (1.0, pytest.approx(2.0))
    assert groups["WBRI"].ratio == 0


def test_with_no_population_loaded_there_is_no_ratio(contact):
    _in_need(contact, ethnicity="WBRI")

    table = group_table("children_in_need", PERIOD)

    white = _groups(table)["white"]
    assert (white.share, white.population_share, white.ratio) == (1.0, None, None)
    assert table.source == "No child population estimate is loaded."


def test_with_no_children_counted_shares_are_empty_not_zero(contact):
    _population(WBRI=5000)

    table = group_table("children_in_need", PERIOD)

    assert (table.total.children, table.total.share) == (0, None)
    assert _groups(table)["white"].ratio is None


def test_an_unknown_level_or_measure_is_refused():
    with pytest.raises(ValueError, match="level"):
        group_table("children_in_need", PERIOD, level="detailed")
    with pytest.raises(ValueError):
        group_table("no_such_measure", PERIOD)
