"""The hub's statutory measures equal what the exported returns say (issue 7's "done when").

A small synthetic town (`onestory synth --scale 0.05 --seed 2014`) is generated once for the
module; for each year ending 31 March its children in need census (XML) and SSDA903 tables (CSV)
are exported with the returns' own export, the figures are worked out from those files alone
(returns_figures.py, as the DfE works them out) and compared with the measures for the same year.
"""

import io
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db import transaction

from onestory.insight.measures import compute
from onestory.insight.rules import Period
from onestory.returns import cin_census, ssda903

from .returns_figures import census_figures, ssda903_figures

# Every test is marked, so that pytest-django sets up the test database before the town is made
# (a session whose tests are all unmarked would make it in the real database).
pytestmark = pytest.mark.django_db
SCALE = 0.05
SEED = 2014
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # after the generator's reference date
YEARS = (2024, 2025, 2026)
# Compared as (numerator, denominator) for shares, as a count otherwise.
CENSUS_MEASURES = (
    "children_in_need",
    "referrals",
    "referrals_nfa_share",
    "re_referrals_12_months",
    "assessments_completed",
    "assessments_within_45_days",
    "factors_at_assessment",
    "section47_enquiries",
    "icpc_within_15_days",
    "cp_plans",
    "cp_plans_started",
    "cp_second_or_later",
)
SSDA903_MEASURES = (
    "children_in_care",
    "cla_started",
    "placement_stability_3_plus",
    "care_leavers_in_touch",
    "care_leavers_suitable_accommodation",
    "care_leavers_eet",
)


@pytest.fixture(scope="module")
def town(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("synth", scale=SCALE, seed=SEED, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def returns(town, django_db_blocker, tmp_path_factory):
    """{year: (measures by id, figures from the returns)} for each year compared."""
    folder = tmp_path_factory.mktemp("returns")
    found = {}
    with django_db_blocker.unblock():
        for year in (YEARS[0] - 1, *YEARS):
            cin_census.export(year=year, out=folder / f"cin{year}.xml", now=NOW)
        for year in YEARS:
            start, end = date(year - 1, 4, 1), date(year, 3, 31)
            ssda903.export(year=year, out=folder / f"903_{year}", now=NOW)
            figures = census_figures(
                folder / f"cin{year}.xml", start, end, [folder / f"cin{year - 1}.xml"]
            )
            figures |= ssda903_figures(folder / f"903_{year}", start, end)
            measures = {r.id: r for r in compute(Period(start, end))}
            found[year] = (measures, figures)
    return found


def _as_compared(result, like):
    return (result.numerator, result.denominator) if isinstance(like, tuple) else result.numerator


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("measure_id", CENSUS_MEASURES)
def test_the_measure_equals_the_children_in_need_census(returns, year, measure_id):
    measures, figures = returns[year]
    expected = figures[measure_id]

    assert _as_compared(measures[measure_id], expected) == expected


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("measure_id", SSDA903_MEASURES)
def test_the_measure_equals_the_ssda903_return(returns, year, measure_id):
    measures, figures = returns[year]
    expected = figures[measure_id]

    assert _as_compared(measures[measure_id], expected) == expected


@pytest.mark.parametrize("year", YEARS)
def test_each_factor_at_assessment_equals_the_census(returns, year):
    measures, figures = returns[year]
    parts = {p.key: p.numerator for p in measures["factors_at_assessment"].parts}

    assert parts == figures["factors"]


@pytest.mark.parametrize("year", YEARS)
def test_the_children_on_a_plan_in_each_category_of_abuse_equal_the_census(returns, year):
    measures, figures = returns[year]
    parts = {p.key: p.numerator for p in measures["cp_plans"].parts if p.numerator}

    assert parts == figures["categories"]


def test_the_town_has_children_in_every_area_compared(returns):
    """The comparison means something: the town's years are not empty."""
    for measure_id in ("children_in_need", "referrals", "cp_plans", "children_in_care"):
        assert sum(returns[year][0][measure_id].numerator for year in YEARS) > 0
