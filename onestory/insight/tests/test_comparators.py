"""Comparators: the dated data file of England's (and statistical neighbours') figures, and the
choice of the latest figure for a period."""

from datetime import date

import pytest

from onestory.insight import comparators
from onestory.insight.measures import BY_ID
from onestory.insight.measures.base import Unit

# The headline measures other helpers are building (issue 7); a comparator may name one before
# its measure exists.
BEING_BUILT = {
    "referrals_nfa_share",
    "re_referrals_12_months",
    "assessments_within_45_days",
    "icpc_within_15_days",
    "cp_rate_per_10000",
    "cp_second_or_later",
    "cla_rate_per_10000",
    "placement_stability_3_plus",
    "care_leavers_in_touch",
    "care_leavers_eet",
    "care_leavers_suitable_accommodation",
    "agency_social_workers",
}


def test_every_figure_in_the_file_has_a_source_a_unit_and_a_sensible_value():
    figures = comparators.read()

    assert figures
    for c in figures:
        assert c.source.startswith("DfE"), c
        assert c.unit in {str(u) for u in Unit}, c
        if c.unit == Unit.SHARE:
            assert 0 <= c.value <= 1, c
        assert c.area


def test_every_figure_is_for_a_measure_the_hub_has_or_is_building():
    assert comparators.measure_ids() <= set(BY_ID) | BEING_BUILT


def test_a_measure_has_one_figure_per_area_and_year():
    keys = [(c.measure_id, c.area, c.year_ending) for c in comparators.read()]
    assert len(keys) == len(set(keys))


def test_the_latest_figure_on_or_before_the_period_end_is_chosen():
    found = comparators.comparators_for("cin_rate_per_10000", date(2023, 3, 31))

    assert [(c.area, c.year_ending, c.value) for c in found] == [
        ("England", date(2023, 3, 31), 339.1)
    ]
    # A period ending mid-year takes the year before.
    (earlier,) = comparators.comparators_for("cin_rate_per_10000", date(2023, 12, 31))
    assert earlier.year_ending == date(2023, 3, 31)


def test_a_period_before_any_figure_or_a_measure_with_none_has_no_comparator():
    assert comparators.comparators_for("cin_rate_per_10000", date(2019, 3, 31)) == []
    assert comparators.comparators_for("children_in_need", date(2023, 3, 31)) == []


def test_the_source_note_names_the_file_its_publisher_and_when_it_was_compiled():
    note = comparators.source_note()

    assert "Department for Education" in note
    assert "compiled on 23 November 2026" in note


def test_a_malformed_row_is_an_error_naming_it(tmp_path):
    bad = tmp_path / "comparators.csv"
    bad.write_text(
        "# title: Test\n"
        "measure_id,area,year_ending,value,unit,source,note\n"
        "cin_rate_per_10000,England,31/03/2023,339.1,rate_per_10000,DfE,\n",
        encoding="utf-8",
    )

    with pytest.raises(ValueError, match="data row 2"):
        comparators.read(bad)
