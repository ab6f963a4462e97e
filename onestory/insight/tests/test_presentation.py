"""Figures are written as people read them, the same on pages, in downloads and in the PDF."""

from datetime import date

from onestory.insight.measures.base import Result, Unit
from onestory.insight.presentation import result_shown, shown, trend_point


def _result(value, *, unit=Unit.COUNT, partial_from=None, note=""):
    return Result(
        id="referrals",
        name="Referrals",
        group="Front door",
        unit=str(unit),
        value=value,
        numerator=value,
        denominator=None,
        definition="",
        note=note,
        partial_from=partial_from,
    )


def test_values_are_shown_as_people_read_them():
    assert shown(1647, Unit.COUNT) == "1,647"
    assert shown(0.368, Unit.SHARE) == "36.8%"
    assert shown(281.04, Unit.RATE) == "281.0"
    assert shown(19.75, Unit.AVERAGE) == "19.8"
    assert shown(12.0, Unit.AVERAGE) == "12"


def test_no_value_is_shown_as_its_note_never_as_zero():
    assert shown(None, Unit.COUNT, "no data") == "no data"
    assert shown(None, Unit.SHARE, "the denominator is zero") == "the denominator is zero"
    assert shown(None, Unit.RATE) == "no value"


def test_a_year_whose_records_begin_part_way_through_says_so_and_is_left_off_the_line():
    partial = _result(23, partial_from=date(2021, 3, 2))
    whole = _result(3164)

    assert result_shown(partial) == "23 (records complete only from 2 March 2021)"
    assert trend_point(partial) is None
    assert (result_shown(whole), trend_point(whole)) == ("3,164", 3164)


def test_a_share_is_plotted_as_per_cent_like_its_table():
    assert trend_point(_result(0.368, unit=Unit.SHARE)) == 36.8
