"""Comparators: the dated data file of England's and the statistical neighbours' figures, the
choice of the latest figure for a period, and the neighbours' summary, which says how many of the
ten it covers and is an average only when all ten are found."""

import html
import re
from datetime import date

import pytest
from django.urls import reverse

from onestory.insight import board_report, comparators, selectors
from onestory.insight.comparators import NEIGHBOURS, Comparator
from onestory.insight.measures import BY_ID
from onestory.insight.measures.base import Unit
from onestory.workforce.rules import Role

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
        assert c.area == comparators.ENGLAND or c.area in NEIGHBOURS, c
        # England's figures are the DfE's; a neighbour's names the council or paper it was read in.
        assert c.source.startswith("DfE") if c.area == comparators.ENGLAND else c.source, c
        assert c.note, c
        assert c.unit in {str(u) for u in Unit}, c
        if c.unit == Unit.SHARE:
            assert 0 <= c.value <= 1, c
        assert c.value >= 0, c


def test_the_file_has_neighbours_figures_and_each_is_in_the_measures_unit():
    neighbours = [c for c in comparators.read() if c.is_neighbour]

    assert neighbours
    for c in neighbours:
        assert c.unit == BY_ID[c.measure_id].unit, c


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


def test_an_area_that_is_neither_england_nor_a_neighbour_is_an_error(tmp_path):
    bad = tmp_path / "comparators.csv"
    bad.write_text(
        "measure_id,area,year_ending,value,unit,source,note\n"
        "cin_rate_per_10000,Bedford,2023-03-31,300,rate_per_10000,Somewhere,Read there.\n",
        encoding="utf-8",
    )

    with pytest.raises(ValueError, match="neither England nor"):
        comparators.read(bad)


# --- The statistical neighbours' summary ---------------------------------------------------------


def _figure(area, value, year=2023, measure_id="cla_rate_per_10000", unit="rate_per_10000"):
    return Comparator(measure_id, area, date(year, 3, 31), value, unit, f"{area} council", "Read.")


def _summary_of(*figures, end=date(2023, 3, 31), measure_id="cla_rate_per_10000"):
    return comparators.neighbour_summary(measure_id, end, figures=tuple(figures))


def test_all_ten_neighbours_are_summed_up_as_their_average():
    summary = _summary_of(*(_figure(area, 50 + i) for i, area in enumerate(NEIGHBOURS)))

    assert summary.complete
    assert summary.value == pytest.approx(54.5)
    assert selectors.neighbours_shown(summary).shown == "average of all 10, 54.5"


def test_some_neighbours_are_summed_up_as_the_median_of_those_found_saying_how_many():
    summary = _summary_of(_figure("Slough", 53), _figure("Coventry", 89.6), _figure("Ealing", 60))

    assert not summary.complete
    assert summary.value == 60
    shown = selectors.neighbours_shown(summary)
    assert shown.shown == "3 of 10 found, median 60.0"
    assert "average" not in shown.shown
    assert shown.note == "Median of: Slough, Coventry, Ealing."


def test_nine_of_ten_neighbours_are_never_shown_as_the_neighbours_average():
    summary = _summary_of(*(_figure(area, 50) for area in NEIGHBOURS[:9]))

    assert not summary.complete
    assert selectors.neighbours_shown(summary).shown == "9 of 10 found, median 50.0"


def test_one_neighbour_is_shown_as_that_neighbours_figure():
    summary = _summary_of(_figure("Coventry", 89.6))

    shown = selectors.neighbours_shown(summary)
    assert shown.shown == "1 of 10 found (Coventry), 89.6"
    assert shown.note == "Coventry's figure only: the other 9 were not found."


def test_the_summary_is_for_one_year_the_latest_any_neighbour_has_by_the_periods_end():
    figures = (
        _figure("Slough", 53, year=2022),
        _figure("Peterborough", 66, year=2022),
        _figure("Coventry", 89.6, year=2023),
        _figure("Ealing", 40, year=2024),
    )

    summary = _summary_of(*figures)

    assert summary.year_ending == date(2023, 3, 31)
    assert summary.areas == ["Coventry"]
    earlier = _summary_of(*figures, end=date(2022, 12, 31))
    assert (earlier.areas, earlier.value) == (["Slough", "Peterborough"], 59.5)


def test_counts_and_measures_without_a_neighbours_figure_have_no_summary():
    assert (
        _summary_of(
            _figure("Slough", 234, measure_id="children_in_care", unit="count"),
            measure_id="children_in_care",
        )
        is None
    )
    assert _summary_of(_figure("Slough", 53)) is not None
    assert comparators.neighbour_summary("children_in_need", date(2025, 3, 31)) is None


def test_the_headline_comparators_are_england_and_the_summary_not_each_neighbour():
    headline = selectors.comparators_of("cla_rate_per_10000", date(2022, 3, 31))

    assert [(c.area, c.kind) for c in headline] == [("Statistical neighbours", "neighbours")]
    assert headline[0].shown == "2 of 10 found, median 59.5"

    full = selectors.comparators_of("cla_rate_per_10000", date(2022, 3, 31), each_neighbour=True)
    assert [(c.area, c.shown) for c in full] == [
        ("Statistical neighbours", "2 of 10 found, median 59.5"),
        ("Slough", "53.0"),
        ("Peterborough", "66.0"),
    ]


def test_the_board_report_gives_england_and_the_labelled_summary_never_each_neighbour():
    text = board_report._comparator_text("cla_rate_per_10000", date(2023, 3, 31))

    assert text == (
        "England: 71.0 (Mar 2023); "
        "Statistical neighbours: 1 of 10 found (Coventry), 89.6 (Mar 2023)"
    )
    assert "Slough" not in text


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.mark.django_db
def test_the_measure_page_lists_each_neighbours_figure_with_its_source(client, sign_in):
    sign_in(Role.ANALYST)
    url = reverse("insight:measure", kwargs={"id": "cla_rate_per_10000"}) + "?end=2022-03-31"

    response = client.get(url)

    text = _text(response)
    assert "Statistical neighbours 31 March 2022 2 of 10 found, median 59.5" in text
    assert "Slough 31 March 2022 53.0 Slough Borough Council, public health pages" in text
    assert "Peterborough 31 March 2022 66.0 Cambridgeshire and Peterborough" in text
    # The summary beside the figure says how many neighbours it covers too.
    assert "Statistical neighbours: 2 of 10 found, median 59.5" in text
    table = response.context["page"].comparators_table
    assert [row[0] for row in table.rows] == ["Statistical neighbours", "Slough", "Peterborough"]


@pytest.mark.django_db
def test_the_dashboard_shows_the_summary_but_not_each_neighbour(client, sign_in):
    sign_in(Role.ANALYST)

    response = client.get(reverse("insight:dashboard") + "?end=2023-03-31")

    text = _text(response)
    assert "Statistical neighbours: 1 of 10 found (Coventry), 89.6" in text
    assert "Coventry: 89.6" not in text
